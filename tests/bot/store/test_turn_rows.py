"""The turn's own statements at the driver (bot/store/turn_rows.py) agree with SQLAlchemy's
tables and report an absent database as such."""

from __future__ import annotations

import sqlite3
from datetime import UTC, datetime, timedelta
from pathlib import Path

import asyncpg
import pytest
from sqlalchemy import make_url, select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot.store.db import create_engine, create_sessionmaker, sqlite_file
from bot.store.dedup import ActivityLog, SeenActivity
from bot.store.people import Identity, PeopleStore
from bot.store.storage import BotStateRow, SqlStorage
from bot.store.turn_rows import StoreUnavailable, close_rows, rows_for

T0 = datetime(2026, 12, 6, 12, 0, 0, 123456, tzinfo=UTC)


async def test_times_written_at_the_driver_read_back_through_sqlalchemy_as_written(both_databases: async_sessionmaker[AsyncSession]) -> None:
    await ActivityLog(both_databases, now=lambda: T0).first_time("msteams", "conv-1", "act-1")
    before = datetime.now(UTC)
    await SqlStorage(both_databases).write({"conv-1": {"stack": []}})

    async with both_databases() as session:
        seen_at = (await session.execute(select(SeenActivity.seen_at))).scalar_one()
        updated_at = (await session.execute(select(BotStateRow.updated_at))).scalar_one()
    # SQLite gives the moment back without its zone (SQLAlchemy's own format); it is UTC.
    assert seen_at.replace(tzinfo=UTC) == T0
    assert before - timedelta(seconds=1) <= updated_at.replace(tzinfo=UTC) <= datetime.now(UTC)


async def test_a_locked_sqlite_file_is_reported_unavailable_and_the_write_lands_once_it_is_free(database_url: str) -> None:
    path = sqlite_file(database_url)
    if path is None:
        pytest.skip("SQLite only: the PostgreSQL run tests a lost connection instead")
    engine = create_engine(database_url, timeout=0.2)
    storage = SqlStorage(create_sessionmaker(engine))
    holder = sqlite3.connect(path, isolation_level=None)
    try:
        holder.execute("BEGIN IMMEDIATE")
        with pytest.raises(StoreUnavailable):
            await storage.write({"conv-1": {"stack": ["kept"]}})
        holder.execute("ROLLBACK")

        await storage.write({"conv-1": {"stack": ["kept"]}})
        assert (await storage.read(["conv-1"]))["conv-1"]["stack"] == ["kept"]
    finally:
        holder.close()
        await close_rows(engine)
        await engine.dispose()


async def test_recording_a_visit_leaves_no_read_open_on_sqlite(database_url: str) -> None:
    """A statement left open holds its snapshot: the write-ahead log could then never be
    folded back into the database file, and would grow for as long as the bot runs."""
    path = sqlite_file(database_url)
    if path is None:
        pytest.skip("SQLite only: PostgreSQL's statements end with their transaction")
    engine = create_engine(database_url)
    people = PeopleStore(create_sessionmaker(engine))
    other = sqlite3.connect(path, isolation_level=None)
    try:
        await people.remember(Identity("29:worker"))
        await people.remember(Identity("29:worker"), language="sv")

        busy, _pages, _moved = other.execute("PRAGMA wal_checkpoint(TRUNCATE)").fetchone()
        assert busy == 0
    finally:
        other.close()
        await close_rows(engine)
        await engine.dispose()


@pytest.mark.postgres
async def test_a_dropped_postgresql_connection_fails_one_call_and_is_not_handed_out_again(postgres_url: str) -> None:
    engine = create_engine(postgres_url, timeout=5)
    storage = SqlStorage(create_sessionmaker(engine))
    try:
        await storage.write({"conv-1": {"stack": ["kept"]}})
        dsn = make_url(postgres_url).set(drivername="postgresql").render_as_string(hide_password=False)
        admin = await asyncpg.connect(dsn)
        try:
            await admin.execute("SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = current_database() AND pid <> pg_backend_pid()")
        finally:
            await admin.close()

        with pytest.raises((StoreUnavailable, OSError)):
            await storage.read(["conv-1"])
        assert (await storage.read(["conv-1"]))["conv-1"]["stack"] == ["kept"]
    finally:
        await close_rows(engine)
        await engine.dispose()


async def test_an_in_memory_sqlite_database_is_refused_with_its_reason(tmp_path: Path) -> None:
    engine = create_engine("sqlite+aiosqlite://")
    try:
        with pytest.raises(NotImplementedError, match="PostgreSQL or an SQLite file"):
            rows_for(engine)
    finally:
        await engine.dispose()
