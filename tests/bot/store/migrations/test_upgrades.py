"""Upgrading keeps data: for every revision, a database made at that revision with a row in
each of its tables is upgraded to head, and every row is still there with its values.

Generic over the revision list, so a new migration is covered without touching this file:
rows are made from the reflected columns (a value per column type, foreign keys pointing at
the row of the referenced table). A migration that drops or rewrites data, or adds a NOT NULL
column without a default or a backfill, fails here. A column whose values a CHECK
constraint limits gets its sample value in `SAMPLE_VALUES`.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import pytest
import sqlalchemy as sa
from alembic.script import ScriptDirectory
from sqlalchemy import Connection

from bot.store.db import create_engine
from bot.store.migrations import alembic_config, head_revision, upgrade
from tests.support import db

SAMPLE_VALUES: dict[tuple[str, str], object] = {
    # (table, column): value, for columns a generic value would not fit.
    ("qna_unanswered", "reason"): "no_match",
    ("qna_unanswered", "lang"): "fi",
}
SAMPLE_TIME = dt.datetime(2025, 11, 22, 8, 30, 15, tzinfo=dt.UTC)
SKIPPED_TABLES = frozenset({"alembic_version"})


def revisions_base_to_head() -> list[str]:
    script = ScriptDirectory.from_config(alembic_config())
    return [revision.revision for revision in reversed(list(script.walk_revisions()))]


def _sample(table: sa.Table, column: sa.Column[Any], made: Mapping[str, Mapping[str, object]]) -> object:
    if (table.name, column.name) in SAMPLE_VALUES:
        return SAMPLE_VALUES[(table.name, column.name)]
    for key in column.foreign_keys:
        return made[key.column.table.name][key.column.name]
    kind = column.type
    if isinstance(kind, sa.Enum):
        return kind.enums[0]
    if isinstance(kind, sa.Boolean):
        return True
    if isinstance(kind, sa.Integer):
        return 7
    if isinstance(kind, sa.Numeric | sa.Float):
        return 1.5
    if isinstance(kind, sa.DateTime):
        return SAMPLE_TIME
    if isinstance(kind, sa.Date):
        return SAMPLE_TIME.date()
    if isinstance(kind, sa.JSON):
        return {"sample": [1, 2]}
    if isinstance(kind, sa.LargeBinary):
        return b"\x00sample"
    if isinstance(kind, sa.String):
        value = f"{table.name}.{column.name} säilyy"
        return value[: kind.length] if kind.length else value
    raise AssertionError(f"no sample value for {table.name}.{column.name} ({kind!r}): add one to SAMPLE_VALUES")


def _seed(connection: Connection) -> dict[str, dict[str, object]]:
    metadata = sa.MetaData()
    metadata.reflect(connection)
    made: dict[str, dict[str, object]] = {}
    for table in metadata.sorted_tables:
        if table.name in SKIPPED_TABLES:
            continue
        row = {column.name: _sample(table, column, made) for column in table.columns}
        connection.execute(table.insert().values(**row))
        made[table.name] = row
    return made


def _same(stored: object, written: object) -> bool:
    if isinstance(written, dt.datetime) and isinstance(stored, dt.datetime):
        # SQLite gives naive datetimes back; the instant is what must survive.
        return stored.replace(tzinfo=None) == written.astimezone(dt.UTC).replace(tzinfo=None)
    if isinstance(written, float):
        return float(stored) == written  # type: ignore[arg-type]
    return stored == written


def _check(connection: Connection, made: Mapping[str, Mapping[str, object]]) -> None:
    metadata = sa.MetaData()
    metadata.reflect(connection)
    for name, row in made.items():
        assert name in metadata.tables, f"table {name} was dropped by a later migration"
        table = metadata.tables[name]
        rows = [dict(r._mapping) for r in connection.execute(sa.select(table))]
        assert len(rows) == 1, f"{name}: {len(rows)} rows after the upgrade, 1 before"
        for column, value in row.items():
            if column in rows[0]:
                assert _same(rows[0][column], value), f"{name}.{column}: {rows[0][column]!r} after the upgrade, {value!r} before"


async def _upgrade_keeps_data(url: str, revision: str) -> None:
    await upgrade(url, revision)
    engine = create_engine(url)
    try:
        async with engine.begin() as connection:
            made = await connection.run_sync(_seed)
        await upgrade(url)
        async with engine.connect() as connection:
            await connection.run_sync(_check, made)
    finally:
        await engine.dispose()
    assert made or revision == revisions_base_to_head()[0], "every revision after the first has tables to fill"


def test_the_revisions_form_one_line_from_0001_initial_to_head() -> None:
    revisions = revisions_base_to_head()

    assert revisions[0] == "0001_initial"
    assert revisions[-1] == head_revision()
    assert len(set(revisions)) == len(revisions)


@pytest.mark.parametrize("revision", revisions_base_to_head())
async def test_data_written_at_a_revision_survives_the_upgrade_to_head_on_sqlite(revision: str, tmp_path: Path) -> None:
    await _upgrade_keeps_data(db.sqlite_url(tmp_path / "old.db"), revision)


@pytest.mark.postgres
@pytest.mark.usefixtures("_postgres_template")
@pytest.mark.parametrize("revision", revisions_base_to_head())
async def test_data_written_at_a_revision_survives_the_upgrade_to_head_on_postgresql(revision: str) -> None:
    base = db.postgres_base_url()
    name = db.new_database_name()
    await db.create_empty_postgres_database(base, name)
    url = db.with_database(base, name)
    try:
        await _upgrade_keeps_data(url, revision)
    finally:
        await db.drop_postgres_database(base, url)
