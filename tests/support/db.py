"""Test databases, migrated with the real Alembic revisions.

Each test gets a database of its own: a copy of a SQLite file migrated once per session, or
on PostgreSQL a new database created from a migrated template database (also once per
session) and dropped after the test. Databases are named `pv_test_<random>`, so test runs of
several people against one server do not collide.

PostgreSQL rule: when it cannot be reached the test is skipped with the reason; when the
environment says `CI=true` it fails instead, so CI never passes by skipping.
"""

from __future__ import annotations

import asyncio
import os
import shutil
import uuid
from collections.abc import Coroutine
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any, Final, TypeVar

import asyncpg
import pytest
from sqlalchemy import make_url

from bot.store.migrations import upgrade

DEFAULT_POSTGRES_URL: Final = "postgresql+asyncpg://postgres@127.0.0.1:5432/test"
T = TypeVar("T")


def in_ci() -> bool:
    return os.environ.get("CI", "").lower() == "true"


def test_database_url() -> str | None:
    """`TEST_DATABASE_URL`: when set, every test's database is made on that server."""
    return os.environ.get("TEST_DATABASE_URL") or None


def postgres_base_url() -> str:
    url = test_database_url()
    return url if url and make_url(url).get_backend_name() == "postgresql" else DEFAULT_POSTGRES_URL


def run_in_thread(coroutine: Coroutine[Any, Any, T]) -> T:
    """Run a coroutine to completion from sync code, whatever loop the caller is in."""
    with ThreadPoolExecutor(max_workers=1) as pool:
        return pool.submit(asyncio.run, coroutine).result()


# --- SQLite ---------------------------------------------------------------------------------


def sqlite_url(path: Path) -> str:
    return f"sqlite+aiosqlite:///{path}"


def migrated_sqlite_template(directory: Path) -> Path:
    template = directory / "template.db"
    run_in_thread(upgrade(sqlite_url(template)))
    return template


def sqlite_copy(template: Path, directory: Path) -> str:
    path = directory / "bot.store.db"
    shutil.copyfile(template, path)
    return sqlite_url(path)


# --- PostgreSQL -----------------------------------------------------------------------------


def _asyncpg_dsn(url: str, database: str | None = None) -> str:
    parsed = make_url(url).set(drivername="postgresql")
    if database is not None:
        parsed = parsed.set(database=database)
    return parsed.render_as_string(hide_password=False)


async def _execute(url: str, *statements: str) -> None:
    connection = await asyncpg.connect(_asyncpg_dsn(url), timeout=5)
    try:
        for statement in statements:
            await connection.execute(statement)
    finally:
        await connection.close()


def postgres_unreachable_reason(url: str) -> str | None:
    """None when PostgreSQL answers at `url`; otherwise why not."""
    try:
        run_in_thread(_execute(url, "SELECT 1"))
    except (TimeoutError, OSError, asyncpg.PostgresError) as exc:
        safe = make_url(url).render_as_string(hide_password=True)
        return f"PostgreSQL unreachable at {safe}: {type(exc).__name__}: {exc}"
    return None


def require_postgres(url: str) -> None:
    reason = postgres_unreachable_reason(url)
    if reason is None:
        return
    if in_ci():
        pytest.fail(f"{reason} (CI=true: PostgreSQL tests must run, not skip)", pytrace=False)
    pytest.skip(reason)


def new_database_name() -> str:
    return f"pv_test_{uuid.uuid4().hex[:12]}"


def with_database(base_url: str, name: str) -> str:
    return make_url(base_url).set(database=name).render_as_string(hide_password=False)


async def create_empty_postgres_database(base_url: str, name: str) -> None:
    await _execute(base_url, f'CREATE DATABASE "{name}"')


def migrated_postgres_template(base_url: str) -> str:
    """A migrated database to copy per test; returns its name."""
    name = new_database_name()
    run_in_thread(create_empty_postgres_database(base_url, name))
    run_in_thread(upgrade(with_database(base_url, name)))
    return name


async def create_postgres_database(base_url: str, template: str) -> str:
    name = new_database_name()
    await _execute(base_url, f'CREATE DATABASE "{name}" TEMPLATE "{template}"')
    return with_database(base_url, name)


async def drop_postgres_database(base_url: str, url: str) -> None:
    name = make_url(url).database
    await _execute(base_url, f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def drop_postgres_database_sync(base_url: str, name: str) -> None:
    run_in_thread(_execute(base_url, f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
