"""The bot's SQLite engine: write-ahead log, and connections that open while another holds a lock."""

from __future__ import annotations

import sqlite3
from pathlib import Path

from sqlalchemy import text

from bot.store.db import create_engine
from tests.support.db import sqlite_url


async def _journal_mode(url: str) -> str:
    engine = create_engine(url, timeout=2)
    try:
        async with engine.connect() as connection:
            return str((await connection.execute(text("PRAGMA journal_mode"))).scalar_one())
    finally:
        await engine.dispose()


async def test_a_connection_opened_while_another_reads_still_serves_and_a_later_one_turns_on_the_write_ahead_log(tmp_path: Path) -> None:
    path = tmp_path / "bot.db"
    database_url = sqlite_url(path)
    reader = sqlite3.connect(path)
    reader.execute("CREATE TABLE t (x)")
    reader.execute("BEGIN")
    reader.execute("SELECT count(*) FROM sqlite_master").fetchone()  # a shared lock: no mode change now
    try:
        assert await _journal_mode(database_url) == "delete"
    finally:
        reader.rollback()
        reader.close()

    assert await _journal_mode(database_url) == "wal"
