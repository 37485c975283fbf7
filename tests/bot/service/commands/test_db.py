"""`palveluopas db upgrade | backup | restore`, run as the operator (and the image) runs them."""

from __future__ import annotations

import asyncio
import os
import sqlite3
import subprocess
import sys
import time
from contextlib import closing
from pathlib import Path

import asyncpg
import pytest
from aiohttp.test_utils import TestClient
from sqlalchemy import make_url

from bot.store.migrations import MIGRATION_LOCK_KEY, head_revision
from tests.support import db
from tests.support.http import send

REPO_ROOT = Path(__file__).resolve().parents[4]


def _palveluopas(database_url: str, *args: str, **environ: str) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "DATABASE_URL": database_url, **environ}
    return subprocess.run([sys.executable, "-m", "bot.service.cli", *args], check=False, env=env, cwd=REPO_ROOT, capture_output=True, text=True, timeout=120)


def _state_keys(path: Path) -> set[str]:
    with closing(sqlite3.connect(path)) as connection:
        return {row[0] for row in connection.execute("SELECT key FROM bot_state")}


async def test_a_backup_taken_while_the_bot_serves_restores_its_conversations(bot_client: TestClient, database_url: str, tmp_path: Path) -> None:
    if not database_url.startswith("sqlite"):
        pytest.skip("SQLite backup; PostgreSQL is backed up with pg_dump (see the notes test)")
    await send(bot_client, text="hei", conversation_id="kept-conversation")
    backup = tmp_path / "backups" / "b.db"

    taken = _palveluopas(database_url, "db", "backup", str(backup))
    restored_url = db.sqlite_url(tmp_path / "restored" / "palveluopas.db")
    restored = _palveluopas(restored_url, "db", "restore", str(backup))
    current = _palveluopas(restored_url, "db", "current")

    assert taken.returncode == 0, taken.stderr
    assert f"schema revision {head_revision()}" in taken.stdout
    assert restored.returncode == 0, restored.stderr
    assert any("kept-conversation" in key for key in _state_keys(tmp_path / "restored" / "palveluopas.db"))
    assert current.returncode == 0 and f"current: {head_revision()}" in current.stdout


def test_restore_does_not_overwrite_a_database_unless_told_to(tmp_path: Path) -> None:
    url = db.sqlite_url(tmp_path / "live.db")
    assert _palveluopas(url, "db", "upgrade").returncode == 0
    assert _palveluopas(url, "db", "backup", str(tmp_path / "b.db")).returncode == 0

    refused = _palveluopas(url, "db", "restore", str(tmp_path / "b.db"))
    replaced = _palveluopas(url, "db", "restore", "--replace", str(tmp_path / "b.db"))

    assert refused.returncode == 2 and "--replace" in refused.stderr
    assert replaced.returncode == 0, replaced.stderr


def test_a_file_that_is_no_palveluopas_database_is_not_restored(tmp_path: Path) -> None:
    not_a_backup = tmp_path / "notes.db"
    not_a_backup.write_text("hello")
    target = tmp_path / "live.db"

    refused = _palveluopas(db.sqlite_url(target), "db", "restore", str(not_a_backup))

    assert refused.returncode == 2 and "not a Palveluopas SQLite database" in refused.stderr
    assert not target.exists()


def test_backup_never_overwrites_an_earlier_backup(tmp_path: Path) -> None:
    url = db.sqlite_url(tmp_path / "live.db")
    assert _palveluopas(url, "db", "upgrade").returncode == 0
    earlier = tmp_path / "b.db"
    earlier.write_bytes(b"earlier backup")

    refused = _palveluopas(url, "db", "backup", str(earlier))

    assert refused.returncode == 2
    assert earlier.read_bytes() == b"earlier backup"


def test_prune_takes_its_period_from_the_option_or_retention_days(tmp_path: Path) -> None:
    url = db.sqlite_url(tmp_path / "live.db")
    assert _palveluopas(url, "db", "upgrade").returncode == 0

    by_option = _palveluopas(url, "db", "prune", "--days", "30")
    by_variable = _palveluopas(url, "db", "prune", RETENTION_DAYS="45")
    refused = _palveluopas(url, "db", "prune", "--days", "0")

    assert by_option.returncode == 0, by_option.stderr
    assert by_option.stdout.startswith("Deleted what was untouched for 30 days: bot_state: 0 rows, qna_unanswered: 0 rows")
    assert by_variable.stdout.startswith("Deleted what was untouched for 45 days")
    assert refused.returncode == 2


def test_on_postgresql_backup_says_how_to_use_pg_dump() -> None:
    answer = _palveluopas("postgresql+asyncpg://palveluopas@db.invalid:5432/palveluopas", "db", "backup")

    assert answer.returncode == 2
    assert "pg_dump --format=custom" in answer.stderr and "pg_restore" in answer.stderr


async def _waiting_for_the_migration_lock(connection: asyncpg.Connection, database: str) -> int:
    query = "SELECT count(*) FROM pg_locks l JOIN pg_database d ON d.oid = l.database WHERE l.locktype = 'advisory' AND NOT l.granted AND d.datname = $1"
    return int(await connection.fetchval(query, database))


@pytest.mark.postgres
@pytest.mark.usefixtures("_postgres_template")
async def test_two_upgrades_started_together_migrate_once_and_both_succeed() -> None:
    base = db.postgres_base_url()
    name = db.new_database_name()
    await db.create_empty_postgres_database(base, name)
    url = db.with_database(base, name)
    env = {**os.environ, "DATABASE_URL": url}
    # The test holds the lock first, so that both processes are inside `db upgrade` at the
    # same moment however their start-up times differ; then it lets them go together.
    holder = await asyncpg.connect(make_url(url).set(drivername="postgresql").render_as_string(hide_password=False))
    try:
        await holder.execute("SELECT pg_advisory_lock($1)", MIGRATION_LOCK_KEY)
        command = [sys.executable, "-m", "bot.service.cli", "db", "upgrade"]
        processes = [
            await asyncio.create_subprocess_exec(*command, env=env, cwd=REPO_ROOT, stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.PIPE)
            for _ in range(2)
        ]
        deadline = time.monotonic() + 90
        while await _waiting_for_the_migration_lock(holder, name) < 2:
            assert time.monotonic() < deadline and all(p.returncode is None for p in processes), "both upgrades must wait on the lock"
            await asyncio.sleep(0.1)
        await holder.execute("SELECT pg_advisory_unlock($1)", MIGRATION_LOCK_KEY)
        outputs = [await asyncio.wait_for(process.communicate(), timeout=120) for process in processes]

        assert [p.returncode for p in processes] == [0, 0], outputs
        stdout = sorted(out.decode() for out, _ in outputs)
        assert stdout[0].startswith(f"Database already at revision {head_revision()}"), stdout
        assert stdout[1].startswith(f"Database upgraded from an empty database to revision {head_revision()}"), stdout
    finally:
        await holder.close()
        await db.drop_postgres_database(base, url)
