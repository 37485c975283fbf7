"""0004_campaigns upgrades a 0003 database with its data, creates the shared rate row, and the
models match what the revisions create."""

from __future__ import annotations

from pathlib import Path

import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import inspect, text

import bot.store.campaigns
import bot.store.feedback
import bot.store.people
from bot.store.db import Base, create_engine
from bot.store.migrations import current_revision, head_revision, upgrade
from tests.support import db
from tests.support.db import sqlite_url

MODELS = (bot.store.campaigns, bot.store.feedback, bot.store.people)
CAMPAIGN_TABLES = {"campaigns", "campaign_recipients", "campaign_outbox", "outbox_rate", "export_links"}


async def _upgrade_keeps_data(url: str) -> None:
    await upgrade(url, "0003_feedback")
    engine = create_engine(url)
    try:
        async with engine.begin() as connection:
            await connection.execute(
                text(
                    "INSERT INTO users (aad_object_id, channel_user_id, first_seen, last_seen) VALUES ('aad-1', '29:one', '2026-12-01 10:00:00+00:00', '2026-12-01 10:00:00+00:00')"
                )
            )
        await upgrade(url)
        async with engine.connect() as connection:
            tables = await connection.run_sync(lambda sync: set(inspect(sync).get_table_names()))
            revision = await connection.run_sync(current_revision)
            users = (await connection.execute(text("SELECT channel_user_id FROM users"))).scalars().all()
            rate = (await connection.execute(text("SELECT name, next_free FROM outbox_rate"))).all()
            differences = await connection.run_sync(lambda sync: compare_metadata(MigrationContext.configure(sync), Base.metadata))
    finally:
        await engine.dispose()

    assert tables >= CAMPAIGN_TABLES
    assert revision == head_revision()
    assert users == ["29:one"]
    assert [tuple(r) for r in rate] == [("connector", 0.0)]
    assert differences == [], "the models and the revisions disagree"


async def test_0004_upgrades_a_0003_sqlite_database_with_its_data(tmp_path: Path) -> None:
    await _upgrade_keeps_data(sqlite_url(tmp_path / "old.db"))


@pytest.mark.postgres
@pytest.mark.usefixtures("_postgres_template")
async def test_0004_upgrades_a_0003_postgresql_database_with_its_data() -> None:
    base = db.postgres_base_url()
    name = db.new_database_name()
    await db.create_empty_postgres_database(base, name)
    url = db.with_database(base, name)
    try:
        await _upgrade_keeps_data(url)
    finally:
        await db.drop_postgres_database(base, url)
