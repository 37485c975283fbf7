"""The database: declarative base for every table, and the engine for a `DATABASE_URL`.

Tables are declared on `Base` (the bot's state in `bot/store/storage.py`, Q&A tables beside the
Q&A code) and created only by the Alembic revisions in `bot/store/migrations/`, never by
`create_all`, so a database always matches one known revision.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from pathlib import Path
from typing import Any, Final

from sqlalchemy import MetaData, make_url
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.engine import URL
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession, async_sessionmaker, create_async_engine
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


def create_engine(url: str | URL) -> AsyncEngine:
    """An async engine; for SQLite, creates the folder of the database file first."""
    for name in QUIET_DRIVER_LOGGERS:
        logging.getLogger(name).setLevel(max(logging.getLogger(name).level, logging.WARNING))
    path = sqlite_file(url)
    if path is not None:
        path.parent.mkdir(parents=True, exist_ok=True)
        # Concurrent turns write state at the same moment; wait for the lock instead of
        # failing with "database is locked".
        return create_async_engine(url, connect_args={"timeout": 30}, hide_parameters=True)
    return create_async_engine(url, pool_pre_ping=True, hide_parameters=True)


def create_sessionmaker(engine: AsyncEngine) -> async_sessionmaker[AsyncSession]:
    return async_sessionmaker(engine, expire_on_commit=False)


def dialect_insert(session: AsyncSession) -> Callable[..., Any]:
    """The `insert` of the session's dialect, which has `on_conflict_do_update` (an upsert).

    Both supported databases have it, under the same name and signature; anything else is
    refused rather than silently losing the conflict handling.
    """
    dialect = session.get_bind().dialect.name
    if dialect == "postgresql":
        return postgresql.insert
    if dialect == "sqlite":
        return sqlite.insert
    raise NotImplementedError(f"Palveluopas supports PostgreSQL and SQLite, not {dialect}")
