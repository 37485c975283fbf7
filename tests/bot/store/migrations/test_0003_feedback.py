"""0003_feedback upgrades a database of the previous version (0002_qna) with its data, and
the models match what the revisions create."""

from __future__ import annotations

from pathlib import Path

import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import inspect, text

import bot.store.feedback
import bot.store.people
from bot.store.db import Base, create_engine
from bot.store.migrations import current_revision, upgrade
from tests.support import db
from tests.support.db import sqlite_url

MODELS = (bot.store.feedback, bot.store.people)
"""Imported so that `Base.metadata` holds the tables compared against the revisions."""

FEEDBACK_TABLES = {
    "users",
    "user_roles",
    "role_events",
    "conversation_refs",
    "arranging_teams",
    "providers",
    "provider_aliases",
    "feedback_reports",
    "feedback_ratings",
    "feedback_events",
    "supervision_cases",
    "supervision_case_reports",
    "supervision_events",
}


async def _upgrade_keeps_data(url: str) -> None:
    await upgrade(url, "0002_qna")
    engine = create_engine(url)
    try:
        async with engine.begin() as connection:
            await connection.execute(text("INSERT INTO bot_state (key, etag, document, updated_at) VALUES ('k', 'e', '{}', '2026-12-01 10:00:00+00:00')"))
            await connection.execute(
                text(
                    "INSERT INTO qna_unanswered (question_hash, question, reason, answer_id, lang, count, first_seen, last_seen) "
                    "VALUES ('h', 'mikä on x', 'no_match', '', 'fi', 3, '2026-12-01 10:00:00+00:00', '2026-12-01 10:00:00+00:00')"
                )
            )
        await upgrade(url, "0003_feedback")
        async with engine.connect() as connection:
            tables = await connection.run_sync(lambda sync: set(inspect(sync).get_table_names()))
            revision = await connection.run_sync(current_revision)
            state = (await connection.execute(text("SELECT key, document FROM bot_state"))).all()
            question = (await connection.execute(text("SELECT question, count FROM qna_unanswered"))).all()
        await upgrade(url)
        async with engine.connect() as connection:
            differences = await connection.run_sync(lambda sync: compare_metadata(MigrationContext.configure(sync), Base.metadata))
    finally:
        await engine.dispose()

    assert tables >= FEEDBACK_TABLES
    assert revision == "0003_feedback"
    assert [tuple(r) for r in state] == [("k", "{}")]
    assert [tuple(r) for r in question] == [("mikä on x", 3)]
    assert differences == [], "the models and the revisions disagree"


async def test_0003_upgrades_a_0002_sqlite_database_with_its_data(tmp_path: Path) -> None:
    await _upgrade_keeps_data(sqlite_url(tmp_path / "old.db"))


@pytest.mark.postgres
@pytest.mark.usefixtures("_postgres_template")
async def test_0003_upgrades_a_0002_postgresql_database_with_its_data() -> None:
    base = db.postgres_base_url()
    name = db.new_database_name()
    await db.create_empty_postgres_database(base, name)
    url = db.with_database(base, name)
    try:
        await _upgrade_keeps_data(url)
    finally:
        await db.drop_postgres_database(base, url)
