"""`palveluopas db purge`: deletes what is older than RETENTION_DAYS, on SQLite and PostgreSQL."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import select

from bot.service.cli import main
from bot.store.db import create_engine, create_sessionmaker
from bot.store.storage import BotStateRow
from tests.support.db import run_in_thread


async def _add_states(url: str, ages: dict[str, timedelta]) -> None:
    engine = create_engine(url)
    try:
        async with create_sessionmaker(engine)() as session, session.begin():
            for name, age in ages.items():
                session.add(BotStateRow(key=name, etag="e", document="{}", updated_at=datetime.now(UTC) - age))
    finally:
        await engine.dispose()


async def _state_keys(url: str) -> list[str]:
    engine = create_engine(url)
    try:
        async with engine.connect() as connection:
            return sorted((await connection.execute(select(BotStateRow.key))).scalars())
    finally:
        await engine.dispose()


def test_db_purge_deletes_state_older_than_retention_days(both_database_urls: str, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> None:
    run_in_thread(_add_states(both_database_urls, {"tuore": timedelta(days=2), "vanha": timedelta(days=11)}))
    monkeypatch.setenv("DATABASE_URL", both_database_urls)
    monkeypatch.setenv("RETENTION_DAYS", "10")

    assert main(["db", "purge"]) == 0

    assert "older than 10 days: 1 conversation states" in capsys.readouterr().out
    assert run_in_thread(_state_keys(both_database_urls)) == ["tuore"]


def test_db_purge_refuses_a_database_that_is_not_migrated(tmp_path: object, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> None:
    monkeypatch.setenv("DATABASE_URL", f"sqlite+aiosqlite:///{tmp_path}/empty.db")

    assert main(["db", "purge"]) == 2

    assert "palveluopas db upgrade" in capsys.readouterr().err
