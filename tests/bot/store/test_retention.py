"""Retention: state and unanswered questions older than the period are deleted (bot/store/retention.py)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot.store.dedup import SeenActivity
from bot.store.qna_store import QnaUnanswered
from bot.store.retention import purge
from bot.store.storage import BotStateRow

NOW = datetime(2026, 12, 6, 12, 0, tzinfo=UTC)


async def add_rows(sessionmaker: async_sessionmaker[AsyncSession], ages: dict[str, timedelta]) -> None:
    """One state row, one unanswered question and one seen activity per name, `age` old."""
    async with sessionmaker() as session, session.begin():
        for name, age in ages.items():
            at = NOW - age
            session.add(BotStateRow(key=f"emulator/conversations/{name}", etag="e", document="{}", updated_at=at))
            session.add(
                QnaUnanswered(
                    question_hash=name.ljust(64, "0"),
                    question=f"kysymys {name}",
                    reason="no_match",
                    answer_id="",
                    lang="fi",
                    count=1,
                    first_seen=at - timedelta(days=400),
                    last_seen=at,
                )
            )
            session.add(SeenActivity(key=name.ljust(64, "0"), seen_at=at))


async def remaining(sessionmaker: async_sessionmaker[AsyncSession]) -> tuple[list[str], list[str], int]:
    async with sessionmaker() as session:
        states = sorted(key.rsplit("/", 1)[1] for key in (await session.execute(select(BotStateRow.key))).scalars())
        questions = sorted(q.split()[1] for q in (await session.execute(select(QnaUnanswered.question))).scalars())
        seen = len((await session.execute(select(SeenActivity.key))).all())
    return states, questions, seen


async def test_rows_older_than_the_retention_period_are_deleted_and_newer_kept(both_databases: async_sessionmaker[AsyncSession]) -> None:
    await add_rows(
        both_databases,
        {"eilen": timedelta(days=1), "melkein": timedelta(days=89, hours=23), "vanha": timedelta(days=90, minutes=1), "ikivanha": timedelta(days=800)},
    )

    purged = await purge(both_databases, NOW, retention_days=90)

    assert (purged.bot_state, purged.unanswered) == (2, 2)
    states, questions, _ = await remaining(both_databases)
    assert states == questions == ["eilen", "melkein"]


async def test_a_question_asked_again_recently_is_kept_however_old_its_first_asking(both_databases: async_sessionmaker[AsyncSession]) -> None:
    await add_rows(both_databases, {"toistuva": timedelta(days=3)})  # first asked 403 days ago

    await purge(both_databases, NOW, retention_days=90)

    assert (await remaining(both_databases))[1] == ["toistuva"]


async def test_seen_activities_go_after_their_window_not_the_retention_period(both_databases: async_sessionmaker[AsyncSession]) -> None:
    await add_rows(both_databases, {"tuore": timedelta(minutes=1), "vartti": timedelta(minutes=15)})

    purged = await purge(both_databases, NOW, retention_days=90)

    assert purged.seen_activities == 1
    assert (await remaining(both_databases))[2] == 1


async def test_a_shorter_period_deletes_more(both_databases: async_sessionmaker[AsyncSession]) -> None:
    await add_rows(both_databases, {"eilen": timedelta(days=1), "viikko": timedelta(days=8)})

    await purge(both_databases, NOW, retention_days=7)

    assert (await remaining(both_databases))[0] == ["eilen"]


async def test_the_period_must_be_positive(both_databases: async_sessionmaker[AsyncSession]) -> None:
    with pytest.raises(ValueError, match="at least 1"):
        await purge(both_databases, NOW, retention_days=0)
