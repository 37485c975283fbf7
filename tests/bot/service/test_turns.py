"""Turns that fail, turns that span a restart, and what the logs keep of a turn."""

from __future__ import annotations

import asyncio
import json
import logging
import time
from dataclasses import replace
from typing import Any

import pytest
from aiohttp.test_utils import TestClient

from bot.service.app import create_app
from bot.service.context import KnowledgeProvider
from bot.service.settings import Settings
from bot.ui.protocol import DialogId
from dialogs.engine import Engine, Outcome, Turn
from domain.logs import JsonLineFormatter
from tests.support.engines import Script, script_engine
from tests.support.http import send
from tests.support.replies import texts

THREE_QUESTIONS = script_engine(["Kysymys 1/3", "Kysymys 2/3", "Kysymys 3/3", "Valmis"])
"""Asks three numbered questions, one per turn, then says it is done; 'kaadu' makes a turn raise."""


@pytest.fixture
async def question_client(aiohttp_client: Any, settings: Settings, knowledge: KnowledgeProvider) -> TestClient:
    return await aiohttp_client(create_app(settings, engine_factory=THREE_QUESTIONS, knowledge=knowledge))


async def test_an_exception_in_a_turn_gets_a_short_apology_with_an_error_id(question_client: TestClient, caplog: pytest.LogCaptureFixture) -> None:
    await send(question_client, text="aloita")

    replies = await send(question_client, text="kaadu")

    [apology] = texts(replies)
    assert apology.startswith("Pahoittelen, jokin meni vikaan")
    error_id = apology.rsplit("Virhetunnus: ", 1)[1]
    assert len(error_id) == 8
    assert "fire" not in apology and "Traceback" not in apology and "RuntimeError" not in apology
    logged = [r for r in caplog.records if r.getMessage() == "turn_error"]
    assert logged and logged[0].fields["error_id"] == error_id  # type: ignore[attr-defined]
    assert logged[0].fields["conversation_id"] == "conversation-1"  # type: ignore[attr-defined]


@pytest.mark.parametrize(("locale", "apology"), [("sv-SE", "Tyvärr gick något fel"), ("en-US", "Sorry, something went wrong")])
async def test_the_apology_is_in_the_users_language(question_client: TestClient, locale: str, apology: str) -> None:
    await send(question_client, text="aloita", locale=locale)

    replies = await send(question_client, text="kaadu", locale=locale)

    assert texts(replies)[0].startswith(apology)


async def test_after_an_error_the_conversation_starts_over(question_client: TestClient) -> None:
    await send(question_client, text="aloita")
    await send(question_client, text="vastaus")
    await send(question_client, text="kaadu")

    replies = await send(question_client, text="uudestaan")

    assert texts(replies) == ["Kysymys 1/3"]


async def _dialog_survives_a_restart(aiohttp_client: Any, settings: Settings, knowledge: KnowledgeProvider) -> None:
    first = await aiohttp_client(create_app(settings, engine_factory=THREE_QUESTIONS, knowledge=knowledge))
    assert texts(await send(first, text="aloita")) == ["Kysymys 1/3"]
    assert texts(await send(first, text="vastaus")) == ["Kysymys 2/3"]
    await first.close()

    second = await aiohttp_client(create_app(settings, engine_factory=THREE_QUESTIONS, knowledge=knowledge))

    assert texts(await send(second, text="vastaus")) == ["Kysymys 3/3"]
    assert texts(await send(second, text="vastaus")) == ["Valmis"]


async def test_a_dialog_in_progress_survives_a_restart_of_the_server(aiohttp_client: Any, settings: Settings, knowledge: KnowledgeProvider) -> None:
    await _dialog_survives_a_restart(aiohttp_client, settings, knowledge)


@pytest.mark.postgres
async def test_a_dialog_in_progress_survives_a_restart_on_postgresql(
    aiohttp_client: Any, postgres_url: str, kb_root: Any, knowledge: KnowledgeProvider
) -> None:
    await _dialog_survives_a_restart(aiohttp_client, Settings(database_url=postgres_url, knowledge_root=kb_root), knowledge)


async def test_the_logs_carry_ids_outcome_and_latency_but_never_the_message_text(bot_client: TestClient, caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.DEBUG)
    secret = "Matti Meikäläinen 010190-123A tarvitsee tukihenkilön"

    await send(bot_client, text=secret, conversation_id="conv-private")
    await send(bot_client, value={"pv": {"dialog": "menu", "step": "menu", "action": "start", "value": secret[:40]}}, conversation_id="conv-private")

    lines = [JsonLineFormatter().format(record) for record in caplog.records]
    assert not [line for line in lines if "Meikäläinen" in line or "010190" in line]
    turns = [json.loads(line) for line in lines if json.loads(line)["event"] == "turn"]
    assert len(turns) == 2
    assert {turn["conversation_id"] for turn in turns} == {"conv-private"}
    assert all(turn["outcome"] == "ok" and turn["latency_ms"] >= 0 and turn["activity_id"] for turn in turns)


async def test_when_the_database_is_down_the_user_is_told_the_service_is_briefly_away(aiohttp_client: Any, kb_root: Any, knowledge: KnowledgeProvider) -> None:
    down = Settings(database_url="postgresql+asyncpg://postgres@127.0.0.1:1/nothing", knowledge_root=kb_root)
    client = await aiohttp_client(create_app(down, knowledge=knowledge))

    replies = await send(client, text="hei")

    [reply] = texts(replies)
    assert reply.startswith("Palvelu on hetken poissa käytöstä.") and "Aloitetaan alusta" not in reply


class Stalling(Script):
    """Test-only: the script's lines, but 'jumita' outlasts any turn's deadline, and 'jumita
    lujasti' also takes one cancellation to clean up and then waits again, as SQLAlchemy's
    pool does when it closes a connection on a cancelled query."""

    async def next_typed(self, turn: Turn, typed: str) -> Outcome:
        if typed == "jumita":
            await asyncio.sleep(30)
        if typed == "jumita lujasti":
            try:
                await asyncio.sleep(30)
            except asyncio.CancelledError:
                await asyncio.sleep(30)
                raise
        return await super().next_typed(turn, typed)


def _stalling() -> Engine:
    return Engine([Stalling(["Kysymys 1/3", "Kysymys 2/3", "Kysymys 3/3", "Valmis"], 0.0)], root=DialogId.ROOT)


async def test_a_turn_past_its_deadline_gets_the_friendly_reply_and_keeps_the_conversation(
    aiohttp_client: Any, settings: Settings, knowledge: KnowledgeProvider
) -> None:
    client = await aiohttp_client(create_app(replace(settings, turn_timeout=0.5), engine_factory=_stalling, knowledge=knowledge))
    assert texts(await send(client, text="aloita")) == ["Kysymys 1/3"]
    started = time.monotonic()

    replies = await send(client, text="jumita")

    assert time.monotonic() - started < 1.5
    [reply] = texts(replies)
    assert reply.startswith("Palvelu on hetken poissa käytöstä.")
    assert texts(await send(client, text="vastaus")) == ["Kysymys 2/3"]


async def test_turns_left_past_their_deadline_are_ended_when_the_bot_stops(aiohttp_client: Any, settings: Settings, knowledge: KnowledgeProvider) -> None:
    client = await aiohttp_client(create_app(replace(settings, turn_timeout=0.3), engine_factory=_stalling, knowledge=knowledge))
    await send(client, text="aloita")
    for _ in range(3):
        assert texts(await send(client, text="jumita lujasti"))[0].startswith("Palvelu on hetken poissa käytöstä.")
    started = time.monotonic()

    await client.close()

    assert time.monotonic() - started < 3
    assert [task for task in asyncio.all_tasks() if task is not asyncio.current_task() and not task.done()] == []


@pytest.mark.parametrize(("locale", "friendly"), [("sv-SE", "Tjänsten är tillfälligt otillgänglig."), ("en-US", "The service is briefly unavailable.")])
async def test_the_friendly_reply_is_in_the_users_language(
    aiohttp_client: Any, settings: Settings, knowledge: KnowledgeProvider, locale: str, friendly: str
) -> None:
    client = await aiohttp_client(create_app(replace(settings, turn_timeout=0.3), engine_factory=_stalling, knowledge=knowledge))
    await send(client, text="aloita", locale=locale)

    assert texts(await send(client, text="jumita", locale=locale))[0].startswith(friendly)
