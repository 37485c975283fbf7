"""Alembic environment: migrates the connection it is handed, or opens one from the URL.

Both paths go through our async engine factory, so SQLite's data folder is created and the
same drivers are used as at run time.
"""

from __future__ import annotations

import asyncio

from alembic import context
from sqlalchemy import Connection

# Imported for their tables: each declares its tables on Base, so `alembic revision
# --autogenerate` sees them all. A new store module with tables is added here.
from bot.store import campaigns, dedup, feedback, people, qna_store, storage  # noqa: F401 (imported for the tables they declare)
from bot.store.db import Base, create_engine

target_metadata = Base.metadata


def _migrate(connection: Connection) -> None:
    context.configure(connection=connection, target_metadata=target_metadata, render_as_batch=True)
    with context.begin_transaction():
        context.run_migrations()


async def _migrate_url(url: str) -> None:
    engine = create_engine(url)
    try:
        async with engine.begin() as connection:
            await connection.run_sync(_migrate)
    finally:
        await engine.dispose()


def run() -> None:
    if context.is_offline_mode():
        context.configure(url=context.config.get_main_option("sqlalchemy.url"), target_metadata=target_metadata, literal_binds=True)
        with context.begin_transaction():
            context.run_migrations()
        return
    connection = context.config.attributes.get("connection")
    if connection is not None:
        _migrate(connection)
        return
    url = context.config.get_main_option("sqlalchemy.url")
    if not url:
        raise RuntimeError("no database: pass a connection or set sqlalchemy.url")
    asyncio.run(_migrate_url(url))


run()
