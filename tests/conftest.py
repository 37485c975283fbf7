"""Fixtures shared by the whole suite.

Databases (each test its own, migrated with the real Alembic revisions):

* `database_url`: a SQLite file in the test's tmp dir; when `TEST_DATABASE_URL` is set (a
  PostgreSQL URL), a fresh database on that server instead. So `make test
  TEST_DATABASE_URL=postgresql+asyncpg://postgres@127.0.0.1:5432/test` runs everything on
  PostgreSQL.
* `postgres_url`: always a fresh PostgreSQL database (`TEST_DATABASE_URL` or the local
  default); skips with the reason when PostgreSQL is unreachable, FAILS when `CI=true`.
* `sessionmaker`, `bot_storage`: an async sessionmaker and the bot's `SqlStorage` on
  `database_url`.

The bot:

* `kb_root`: the tiny test knowledge base in `tests/support/kb/`; `knowledge`: it loaded
  once per session (with the same builders as the app, e.g. the Q&A index).
* `settings`: `Settings` for local mode (no app id) on `database_url` and `kb_root`.
* `bot_services`: `BotServices` on those, for building dialogs in dialog tests.
* `bot_client`: an aiohttp test client on `create_app(settings)`: real HTTP on loopback.
  Use `tests.support.http.send(bot_client, text=...)` to talk to it.
* `connector`: a loopback Bot Connector (`tests.support.connector`); activities whose
  `serviceUrl` is `connector.url` have what the bot sends to their conversations recorded.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Iterator
from pathlib import Path
from typing import Any

import pytest
from aiohttp.test_utils import TestClient
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot.service.app import create_app
from bot.service.context import BotServices, KnowledgeProvider
from bot.service.settings import Settings
from bot.store.db import create_engine, create_sessionmaker
from bot.store.storage import SqlStorage
from bot.store.turn_rows import close_rows
from bot.ui.i18n import Strings
from tests.support import db
from tests.support.connector import LoopbackConnector

KB_ROOT = Path(__file__).resolve().parent / "support" / "kb"


@pytest.fixture(scope="session")
def kb_root() -> Path:
    return KB_ROOT


@pytest.fixture(scope="session")
def knowledge(kb_root: Path) -> KnowledgeProvider:
    return KnowledgeProvider(kb_root)


@pytest.fixture(scope="session")
def _sqlite_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return db.migrated_sqlite_template(tmp_path_factory.mktemp("sqlite-template"))


@pytest.fixture(scope="session")
def _postgres_template() -> Iterator[str]:
    """Name of a migrated PostgreSQL database to copy per test (made on first use)."""
    base = db.postgres_base_url()
    db.require_postgres(base)
    name = db.migrated_postgres_template(base)
    yield name
    db.drop_postgres_database_sync(base, name)


@pytest.fixture
async def postgres_url(_postgres_template: str) -> AsyncIterator[str]:
    base = db.postgres_base_url()
    url = await db.create_postgres_database(base, _postgres_template)
    yield url
    await db.drop_postgres_database(base, url)


@pytest.fixture
def database_url(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    if db.test_database_url() is not None:
        return str(request.getfixturevalue("postgres_url"))
    return db.sqlite_copy(request.getfixturevalue("_sqlite_template"), tmp_path)


@pytest.fixture
async def sessionmaker(database_url: str) -> AsyncIterator[async_sessionmaker[AsyncSession]]:
    engine = create_engine(database_url)
    yield create_sessionmaker(engine)
    await close_rows(engine)
    await engine.dispose()


@pytest.fixture
def bot_storage(sessionmaker: async_sessionmaker[AsyncSession]) -> SqlStorage:
    return SqlStorage(sessionmaker)


@pytest.fixture
def settings(database_url: str, kb_root: Path) -> Settings:
    return Settings(database_url=database_url, knowledge_root=kb_root)


@pytest.fixture
def bot_services(settings: Settings, knowledge: KnowledgeProvider, sessionmaker: async_sessionmaker[AsyncSession]) -> BotServices:
    return BotServices(settings=settings, strings=Strings.load(), knowledge=knowledge, sessionmaker=sessionmaker)


@pytest.fixture
async def bot_client(aiohttp_client: Any, settings: Settings, knowledge: KnowledgeProvider) -> TestClient:
    return await aiohttp_client(create_app(settings, knowledge=knowledge))


@pytest.fixture
async def connector() -> AsyncIterator[LoopbackConnector]:
    async with LoopbackConnector() as loopback:
        yield loopback


@pytest.fixture(params=["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)])
def both_database_urls(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    """A migrated SQLite file, then a fresh PostgreSQL database (marked `postgres`): for
    behaviour that differs per dialect (upserts, rowcounts), tested on both in every run."""
    # Sync, as `database_url` is: an async fixture cannot ask for another one by name.
    if request.param == "sqlite":
        return db.sqlite_copy(request.getfixturevalue("_sqlite_template"), tmp_path)
    return str(request.getfixturevalue("postgres_url"))


@pytest.fixture
async def both_databases(both_database_urls: str) -> AsyncIterator[async_sessionmaker[AsyncSession]]:
    """A sessionmaker on `both_database_urls`."""
    engine = create_engine(both_database_urls)
    yield create_sessionmaker(engine)
    await close_rows(engine)
    await engine.dispose()
