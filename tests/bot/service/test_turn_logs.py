"""Every log line written during a turn carries that turn's conversation and turn ids."""

from __future__ import annotations

import json
import logging

import pytest
from aiohttp.test_utils import TestClient

from domain.logs import JsonLineFormatter, bound_fields, log_event
from tests.support.http import send
from tests.support.replies import button


async def test_every_line_of_a_turn_has_the_conversation_and_the_turns_own_id(bot_client: TestClient, caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.DEBUG)
    welcome = await send(bot_client, text="hei", conversation_id="conv-a")
    await send(bot_client, value=button(welcome, "Valitse palvelu"), conversation_id="conv-a")
    await send(bot_client, text="moi", conversation_id="conv-b")
    await send(bot_client, text="Mikä on testipalvelu?", conversation_id="conv-b")

    lines = [json.loads(JsonLineFormatter().format(record)) for record in caplog.records]
    turn_lines = [line for line in lines if line["logger"].startswith(("bot.", "dialogs."))]
    assert {line["event"] for line in turn_lines} >= {"turn", "qna_ask"}
    assert all("conversation_id" in line and "turn_id" in line for line in turn_lines), [line for line in turn_lines if "turn_id" not in line]
    turn_ids = {line["turn_id"] for line in turn_lines if line["event"] == "turn"}
    assert len(turn_ids) == 4, "each turn has its own id"
    [qna] = [line for line in turn_lines if line["event"] == "qna_ask"]
    [qna_turn] = [line for line in turn_lines if line["event"] == "turn" and line["turn_id"] == qna["turn_id"]]
    assert qna["conversation_id"] == qna_turn["conversation_id"] == "conv-b"


def test_bound_fields_nest_and_end_with_their_block(caplog: pytest.LogCaptureFixture) -> None:
    logger = logging.getLogger("tests.bound")
    with caplog.at_level(logging.INFO, logger="tests.bound"):
        with bound_fields(conversation_id="c1"):
            with bound_fields(turn_id="t1"):
                log_event(logger, "inner")
            log_event(logger, "outer")
        log_event(logger, "after")

    inner, outer, after = (json.loads(JsonLineFormatter().format(record)) for record in caplog.records)
    assert (inner["conversation_id"], inner["turn_id"]) == ("c1", "t1")
    assert outer["conversation_id"] == "c1" and "turn_id" not in outer
    assert "conversation_id" not in after
