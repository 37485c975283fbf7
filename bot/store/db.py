"""The database: declarative base for every table, and the engine for a `DATABASE_URL`.

Tables are declared on `Base` (the bot's state in `bot/store/storage.py`, Q&A tables beside the
Q&A code) and created only by the Alembic revisions in `bot/store/migrations/`, never by
`create_all`, so a database always matches one known revision.
"""

from __future__ import annotations

import logging
import weakref
from collections.abc import Callable
from pathlib import Path
from typing import Any, Final

from sqlalchemy import MetaData, event, make_url
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.engine import URL, Engine
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncEngine, AsyncSession, async_sessionmaker, create_async_engine
from sqlalchemy.orm import DeclarativeBase

# Named constraints, so that a later revision can drop or alter them by name on every backend.
NAMING_CONVENTION = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING_CONVENTION)


def sqlite_file(url: str | URL) -> Path | None:
    """The file of a file-backed SQLite URL; None for other databases and in-memory SQLite."""
    parsed = make_url(url)
    if parsed.get_backend_name() != "sqlite" or parsed.database in (None, "", ":memory:"):
        return None
    return Path(parsed.database)


QUIET_DRIVER_LOGGERS: Final = ("aiosqlite", "asyncpg", "sqlalchemy.engine", "sqlalchemy.pool")
"""Drivers and SQLAlchemy's engine log SQL with its parameters, i.e. stored text, when their
logger is enabled (SQLAlchemy echoes at INFO as soon as a root logger is at DEBUG): never
below WARNING."""


SQLITE_BUSY_SECONDS = 30.0
"""SQLite's wait for the write lock when no timeout is given (migrations, commands)."""

_LOCK_WAITS: weakref.WeakKeyDictionary[Engine, float] = weakref.WeakKeyDictionary()


def lock_wait(engine: AsyncEngine) -> float:
    """How long the engine's SQLite connections wait for the write lock (connections of our
    own, `turn_rows`, wait as long)."""
    return _LOCK_WAITS.get(engine.sync_engine, SQLITE_BUSY_SECONDS)


def create_engine(url: str | URL, *, timeout: float | None = None) -> AsyncEngine:
    """An async engine; for SQLite, creates the folder of the database file first.

    `timeout` (the bot's engine) bounds every wait on the database, so that a stopped or
    frozen database fails a turn in seconds instead of hanging it: connecting, waiting for a
    pooled connection, and one statement (PostgreSQL's `statement_timeout`, enforced by the
    server, and asyncpg's `command_timeout`, which also covers a server that stopped
    answering); on SQLite the wait for the write lock. Without it (migrations, commands)
    only SQLite's generous lock wait applies.
    """
    for name in QUIET_DRIVER_LOGGERS:
        logging.getLogger(name).setLevel(max(logging.getLogger(name).level, logging.WARNING))
    path = sqlite_file(url)
    if path is not None:
        path.parent.mkdir(parents=True, exist_ok=True)
        # Concurrent turns write state at the same moment; wait for the lock instead of
        # failing with "database is locked".
        if timeout is None:
            engine = create_async_engine(url, connect_args={"timeout": SQLITE_BUSY_SECONDS}, hide_parameters=True)
            _LOCK_WAITS[engine.sync_engine] = SQLITE_BUSY_SECONDS
            return engine
        # No rollback when a connection goes back to the pool: every session and connection
        # ends its own transaction (commit, or rollback on close), so the pool's was a second
        # one, a round trip to the driver's thread, twice a turn.
        engine = create_async_engine(url, connect_args={"timeout": timeout}, pool_timeout=timeout, pool_reset_on_return=None, hide_parameters=True)
        event.listen(engine.sync_engine, "connect", prepare_sqlite_for_serving)
        _LOCK_WAITS[engine.sync_engine] = timeout
        return engine
    if timeout is None or make_url(url).get_backend_name() != "postgresql":
        return create_async_engine(url, pool_pre_ping=True, hide_parameters=True)
    connect_args = {
        "timeout": timeout,
        "command_timeout": timeout,
        "server_settings": {"statement_timeout": str(int(timeout * 1000)), "idle_in_transaction_session_timeout": str(int(timeout * 5000))},
    }
    # No pre-ping: it cost a round trip on every checkout (two per turn). A connection the
    # server dropped fails its statement instead; SQLAlchemy then discards the whole pool, so
    # one turn gets the friendly reply and the next reconnects.
    # 16 + 16 connections: with the default 5 + 10, 200 conversations at once waited past the
    # pool timeout for a connection.
    return create_async_engine(url, pool_size=16, max_overflow=16, pool_timeout=timeout, connect_args=connect_args, hide_parameters=True)


def prepare_sqlite_for_serving(dbapi_connection: Any, _record: Any) -> None:
    """Write-ahead log, synced at checkpoints: a turn's state write no longer waits for two
    fsyncs of a rollback journal (25 ms of a 31 ms read-and-write on a busy disk), and readers
    never wait for a writer. A power cut may lose the last moments' state (never corrupt the
    file); a crash of the process loses nothing.

    The mode is kept in the file, so only the first connection changes it; that change needs
    the database to itself, and a connection opened while another reads (the retention job and
    the outbox worker at start-up) would fail with "database is locked". It then serves in the
    file's current mode, and a later connection makes the change."""
    cursor = dbapi_connection.cursor()
    try:
        cursor.execute("PRAGMA journal_mode")
        if str(cursor.fetchone()[0]).lower() != "wal":
            try:
                cursor.execute("PRAGMA journal_mode=WAL")
            except Exception as exc:  # the driver's OperationalError; anything else is raised
                if "locked" not in str(exc):
                    raise
        cursor.execute("PRAGMA synchronous=NORMAL")
    finally:
        cursor.close()


def create_sessionmaker(engine: AsyncEngine) -> async_sessionmaker[AsyncSession]:
    return async_sessionmaker(engine, expire_on_commit=False)


def dialect_insert(session: AsyncSession | AsyncConnection) -> Callable[..., Any]:
    """The `insert` of the session's (or connection's) dialect, which has `on_conflict_do_update` (an upsert).

    Both supported databases have it, under the same name and signature; anything else is
    refused rather than silently losing the conflict handling.
    """
    dialect = (session.get_bind() if isinstance(session, AsyncSession) else session).dialect.name
    if dialect == "postgresql":
        return postgresql.insert
    if dialect == "sqlite":
        return sqlite.insert
    raise NotImplementedError(f"Palveluopas supports PostgreSQL and SQLite, not {dialect}")
