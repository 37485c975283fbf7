"""The schema comes only from the Alembic revisions, on SQLite and on PostgreSQL."""

from __future__ import annotations

from pathlib import Path

import pytest
from alembic.script import ScriptDirectory
from sqlalchemy import inspect

from bot.store.db import create_engine
from bot.store.migrations import alembic_config, current_revision, head_revision, upgrade
from tests.support import db
from tests.support.db import sqlite_url


def test_the_first_revision_is_0001_initial() -> None:
    script = ScriptDirectory.from_config(alembic_config())

    [base] = script.get_bases()

    assert base == "0001_initial"


async def _tables_and_revision(url: str) -> tuple[set[str], str | None]:
    engine = create_engine(url)
    try:
        async with engine.connect() as connection:
            tables = await connection.run_sync(lambda sync: set(inspect(sync).get_table_names()))
            return tables, await connection.run_sync(current_revision)
    finally:
        await engine.dispose()


async def _new_and_old_databases_reach_head(new_url: str, old_url: str) -> None:
    await upgrade(new_url)
    await upgrade(new_url)  # again: nothing to do, no error
    await upgrade(old_url, "0001_initial")
    await upgrade(old_url)

    for url in (new_url, old_url):
        tables, revision = await _tables_and_revision(url)
        assert "bot_state" in tables
        assert revision == head_revision()


async def test_a_new_and_an_old_sqlite_database_are_brought_to_head(tmp_path: Path) -> None:
    await _new_and_old_databases_reach_head(sqlite_url(tmp_path / "data" / "new.db"), sqlite_url(tmp_path / "old.db"))

    assert (tmp_path / "data" / "new.db").is_file(), "the data folder is created"


@pytest.mark.postgres
@pytest.mark.usefixtures("_postgres_template")
async def test_a_new_and_an_old_postgresql_database_are_brought_to_head() -> None:
    base = db.postgres_base_url()
    empty_new, empty_old = db.new_database_name(), db.new_database_name()
    for name in (empty_new, empty_old):
        await db.create_empty_postgres_database(base, name)
    urls = [db.with_database(base, name) for name in (empty_new, empty_old)]
    try:
        await _new_and_old_databases_reach_head(*urls)
    finally:
        for url in urls:
            await db.drop_postgres_database(base, url)
