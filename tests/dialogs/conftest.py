"""Fixtures for the guided dialog tests: their own small knowledge base, and two ways to talk.

* `chat`: the real root dialog and activity handler on botbuilder's TestAdapter, state in
  the test's own migrated database (`bot_storage`).
* `http_chat`: the whole app (`create_app`) over real HTTP with expectReplies.

Both are a `Conversation` (see `tests/dialogs/conversation.py`): `say`, `press`, what is
shown; every card the bot sends is checked against the Adaptive Card 1.5 schema on arrival.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from aiohttp.test_utils import TestClient
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot.service.app import create_app
from bot.service.context import BotServices, KnowledgeProvider
from bot.service.settings import Settings
from bot.store.storage import SqlStorage
from bot.ui.i18n import Strings
from knowledge.model import KnowledgeBase
from tests.dialogs.conversation import AdapterConversation, HttpConversation

DIALOG_KB_ROOT = Path(__file__).resolve().parent / "kb"


@pytest.fixture(scope="session")
def dialog_knowledge() -> KnowledgeProvider:
    return KnowledgeProvider(DIALOG_KB_ROOT)


@pytest.fixture
def kb(dialog_knowledge: KnowledgeProvider) -> KnowledgeBase:
    return dialog_knowledge.snapshot.kb


@pytest.fixture
def dialog_settings(database_url: str) -> Settings:
    return Settings(database_url=database_url, knowledge_root=DIALOG_KB_ROOT)


@pytest.fixture
def dialog_services(dialog_settings: Settings, dialog_knowledge: KnowledgeProvider, sessionmaker: async_sessionmaker[AsyncSession]) -> BotServices:
    return BotServices(settings=dialog_settings, strings=Strings.load(), knowledge=dialog_knowledge, sessionmaker=sessionmaker)


@pytest.fixture
def chat(dialog_services: BotServices, bot_storage: SqlStorage) -> AdapterConversation:
    return AdapterConversation(dialog_services, bot_storage)


@pytest.fixture
async def http_chat(aiohttp_client: Any, dialog_settings: Settings, dialog_knowledge: KnowledgeProvider) -> HttpConversation:
    client: TestClient = await aiohttp_client(create_app(dialog_settings, knowledge=dialog_knowledge))
    return HttpConversation(client)
