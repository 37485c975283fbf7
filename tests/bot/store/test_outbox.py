"""The outbox queue on the database itself: what an idle poll costs the turns beside it."""

from __future__ import annotations

import sqlite3
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from bot.store.db import create_engine, create_sessionmaker, sqlite_file
from bot.store.outbox import OutboxQueue, Rate
from tests.support import db


async def test_a_poll_that_finds_nothing_to_do_does_not_wait_for_the_sqlite_write_lock(request: pytest.FixtureRequest, tmp_path: Path) -> None:
    # SQLite's lock whatever TEST_DATABASE_URL says: PostgreSQL locks rows, not the database.
    url = db.sqlite_copy(request.getfixturevalue("_sqlite_template"), tmp_path)
    engine = create_engine(url, timeout=0.3)
    queue = OutboxQueue(create_sessionmaker(engine), "idle")
    path = sqlite_file(url)
    assert path is not None
    turn = sqlite3.connect(path, isolation_level=None)
    turn.execute("BEGIN IMMEDIATE")  # a turn's write in progress holds the one write lock
    try:
        now = datetime.now(UTC)
        await queue.housekeeping(now)
        claims = await queue.claim(now, 10, Rate(20.0, 30.0), timedelta(minutes=2))
    finally:
        turn.rollback()
        turn.close()
        await engine.dispose()

    assert claims == []
