"""Only known ids are stored (dialogs/stored.py): whatever a step puts into its data, strings
that are not ids of the knowledge base or names the code defines never reach the database."""

from __future__ import annotations

import logging
from typing import Any

import pytest
from aiohttp.test_utils import TestClient
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot.service.context import KnowledgeProvider
from bot.store.storage import BotStateRow
from bot.ui.i18n import Strings
from dialogs.engine import Frame, Stack
from dialogs.features import build_engine
from dialogs.stored import StateGuard
from domain.privacy import HETU_MARK
from tests.support.http import send

IDENTITY_CODE = "131052-308T"


@pytest.fixture
def guard() -> StateGuard:
    return StateGuard(build_engine(), Strings.load())


def stored(guard: StateGuard, knowledge: KnowledgeProvider, dialog: str, data: dict[str, Any]) -> dict[str, Any]:
    document = guard.keep_known(Stack([Frame(dialog, "pick", 3, data)]), knowledge.snapshot.kb)
    frame: dict[str, Any] = document["frames"][0]
    return frame["data"]


def test_ids_of_the_knowledge_base_and_of_the_code_are_kept(guard: StateGuard, knowledge: KnowledgeProvider) -> None:
    data = {
        "service": "testipalvelu",
        "process": "testiprosessi",
        "at": "testiprosessi.alku.kirjaa",
        "finder": {"ika": "alle-12"},
        "answers": [["testipalvelu.ika", "yes"], ["testipalvelu.ika", "unknown"]],
        "answer": "faq:faq.testikysymys",
        "title": "core.menu.title",
        "lang": "sv",
        "given": True,
        "seq": 4,
        "none": None,
        "history": [],
    }

    assert stored(guard, knowledge, "criteria", data) == data


def test_anything_else_is_not_stored_and_the_path_is_logged_without_the_value(
    guard: StateGuard, knowledge: KnowledgeProvider, caplog: pytest.LogCaptureFixture
) -> None:
    data = {
        "service": IDENTITY_CODE,
        "finder": {"ika": "Matti Virtanen", IDENTITY_CODE: "alle-12"},
        "answers": [["testipalvelu.ika", "044.555.1212"]],
        "answer": "faq:Matti",
    }

    with caplog.at_level(logging.WARNING, logger="dialogs.stored"):
        kept = stored(guard, knowledge, "criteria", data)

    assert kept == {"service": None, "finder": {"ika": None}, "answers": [["testipalvelu.ika", None]], "answer": None}
    (record,) = caplog.records
    assert record.getMessage() == "state_value_dropped"
    assert IDENTITY_CODE not in str(record.__dict__) and "Matti" not in str(record.__dict__)


def test_a_data_key_that_is_no_identifier_is_not_stored(guard: StateGuard, knowledge: KnowledgeProvider) -> None:
    assert stored(guard, knowledge, "criteria", {IDENTITY_CODE: True, "Matti Virtanen": 1, "given": True}) == {"given": True}


def test_free_text_a_dialog_declares_is_redacted_again(guard: StateGuard, knowledge: KnowledgeProvider) -> None:
    kept = stored(guard, knowledge, "qna", {"question": f"mikä on hetu {IDENTITY_CODE}", "answer": "faq:faq.testikysymys"})

    assert kept == {"question": f"mikä on hetu {HETU_MARK}", "answer": "faq:faq.testikysymys"}


def test_free_text_of_one_dialog_is_not_free_text_of_another(guard: StateGuard, knowledge: KnowledgeProvider) -> None:
    assert stored(guard, knowledge, "finder", {"question": "mikä on testipalvelu"}) == {"question": None}


async def test_a_forged_menu_button_with_an_identity_code_leaves_nothing_in_bot_state(
    bot_client: TestClient, sessionmaker: async_sessionmaker[AsyncSession]
) -> None:
    for action in ("start", "pick", "answer"):
        for dialog in ("menu", "card", "criteria", "process"):
            value = {
                "pv": {"dialog": dialog, "step": "menu", "action": action, "value": IDENTITY_CODE},
                "service": IDENTITY_CODE,
                "process": IDENTITY_CODE,
                "step": IDENTITY_CODE,
            }
            await send(bot_client, value=value)
            await send(bot_client, value={**value, "pv": {**value["pv"], "value": "card"}})

    async with sessionmaker() as session:
        documents = list((await session.execute(select(BotStateRow.document))).scalars())
    assert documents
    assert not any("131052" in document for document in documents)
