"""Alembic migrations, configured in code so they run from an installed package.

`upgrade_to_head(url)` is what `palveluopas db upgrade` and `make run` use; tests await
`upgrade(url)` to migrate the databases they create, with the same revisions.

On PostgreSQL the upgrade holds a transaction-scoped advisory lock: replicas that start
together (each image runs `db upgrade` before serving) migrate one after the other, and the
later ones find the schema at head and do nothing. The DDL runs in the same transaction, so a
failed migration leaves the database as it was.
Revisions live in `versions/`; the first is `0001_initial`, and each later one names its
predecessor in `down_revision`.
"""

from __future__ import annotations

import asyncio
from pathlib import Path
from typing import Final

from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import Connection, text

from bot.store.db import create_engine

SCRIPT_LOCATION: Final = Path(__file__).resolve().parent
MIGRATION_LOCK_KEY: Final = 0x70616C76  # "palv": one key for every Palveluopas database


def alembic_config(database_url: str | None = None) -> Config:
    config = Config()
    config.set_main_option("script_location", str(SCRIPT_LOCATION))
    config.set_main_option("path_separator", "os")
    if database_url is not None:
        # `%` would be read as interpolation by configparser (it appears in URL-encoded passwords).
        config.set_main_option("sqlalchemy.url", database_url.replace("%", "%%"))
    return config


def head_revision() -> str:
    head = ScriptDirectory.from_config(alembic_config()).get_current_head()
    assert head is not None, "bot/store/migrations/versions holds no revision"
    return head


def upgrade_connection(connection: Connection, revision: str = "head") -> None:
    """Upgrade through an open (sync) connection; `AsyncConnection.run_sync` provides one."""
    config = alembic_config()
    config.attributes["connection"] = connection
    command.upgrade(config, revision)


def current_revision(connection: Connection) -> str | None:
    return MigrationContext.configure(connection).get_current_revision()


async def upgrade(database_url: str, revision: str = "head") -> tuple[str | None, str | None]:
    """Bring the database at `database_url` to `revision` (from async code); returns the
    revisions before and after, equal when there was nothing to do."""
    engine = create_engine(database_url)
    try:
        async with engine.begin() as connection:
            if connection.dialect.name == "postgresql":
                # Waits for another process's upgrade to commit; released with this transaction.
                await connection.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": MIGRATION_LOCK_KEY})
            before = await connection.run_sync(current_revision)
            await connection.run_sync(upgrade_connection, revision)
            after = await connection.run_sync(current_revision)
    finally:
        await engine.dispose()
    return before, after


def upgrade_to_head(database_url: str) -> tuple[str | None, str | None]:
    """Bring a new or old database to the newest revision (from synchronous code)."""
    return asyncio.run(upgrade(database_url))
