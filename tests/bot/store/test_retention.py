"""`palveluopas db prune`: what is older than the retention period goes, the rest stays."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
import sqlalchemy as sa

from bot.store.db import create_engine
from bot.store.retention import prune

NOW = datetime(2026, 12, 6, 4, 0, tzinfo=UTC)


async def _seed(url: str) -> None:
    engine = create_engine(url)
    try:
        async with engine.begin() as connection:
            for key, age in (("old-conversation", 91), ("recent-conversation", 89)):
                await connection.execute(
                    sa.text("INSERT INTO bot_state (key, etag, document, updated_at) VALUES (:k, 'e', '{}', :t)"), {"k": key, "t": NOW - timedelta(days=age)}
                )
            for number, age in ((1, 400), (2, 10)):
                seen = NOW - timedelta(days=age)
                await connection.execute(
                    sa.text(
                        "INSERT INTO qna_unanswered (question_hash, question, reason, answer_id, lang, count, first_seen, last_seen) "
                        "VALUES (:h, 'kysymys', 'no_match', '', 'fi', 1, :t, :t)"
                    ),
                    {"h": f"hash-{number}", "t": seen},
                )
    finally:
        await engine.dispose()


async def _remaining(url: str) -> tuple[set[str], int]:
    engine = create_engine(url)
    try:
        async with engine.connect() as connection:
            keys = {row[0] for row in await connection.execute(sa.text("SELECT key FROM bot_state"))}
            questions = (await connection.execute(sa.text("SELECT count(*) FROM qna_unanswered"))).scalar_one()
            return keys, int(questions)
    finally:
        await engine.dispose()


async def test_rows_untouched_for_longer_than_the_period_are_deleted_the_rest_kept(database_url: str) -> None:
    await _seed(database_url)
    engine = create_engine(database_url)
    try:
        pruned = await prune(engine, days=90, now=NOW)
    finally:
        await engine.dispose()

    assert {(p.table, p.rows) for p in pruned} == {("bot_state", 1), ("qna_unanswered", 1), ("activity_seen", 0)}
    assert await _remaining(database_url) == ({"recent-conversation"}, 1)


async def test_a_retention_under_a_day_is_refused(database_url: str) -> None:
    engine = create_engine(database_url)
    try:
        with pytest.raises(ValueError, match="at least one day"):
            await prune(engine, days=0)
    finally:
        await engine.dispose()


async def test_seen_activities_go_after_their_window_not_the_retention_period(both_database_urls: str) -> None:
    engine = create_engine(both_database_urls)
    try:
        async with engine.begin() as connection:
            for key, age in (("fresh".ljust(64, "0"), timedelta(minutes=1)), ("stale".ljust(64, "0"), timedelta(minutes=15))):
                await connection.execute(sa.text("INSERT INTO activity_seen (key, seen_at) VALUES (:k, :t)"), {"k": key, "t": NOW - age})
        pruned = await prune(engine, days=90, now=NOW)
        async with engine.connect() as connection:
            left = [row[0][:5] for row in await connection.execute(sa.text("SELECT key FROM activity_seen"))]
    finally:
        await engine.dispose()

    assert ("activity_seen", 1) in {(p.table, p.rows) for p in pruned}
    assert left == ["fresh"]
