"""Activities already seen are recognised through the database (bot/store/dedup.py)."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime, timedelta

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot.store.dedup import DEDUP_WINDOW, ActivityLog, SeenActivity

T0 = datetime(2026, 12, 6, 12, 0, tzinfo=UTC)


class Clock:
    def __init__(self) -> None:
        self.now = T0

    def __call__(self) -> datetime:
        return self.now


async def test_an_activity_is_new_once_per_conversation(both_databases: async_sessionmaker[AsyncSession]) -> None:
    seen = ActivityLog(both_databases)

    assert await seen.first_time("msteams", "conv-1", "act-1")
    assert not await seen.first_time("msteams", "conv-1", "act-1")
    assert await seen.first_time("msteams", "conv-2", "act-1")
    assert await seen.first_time("emulator", "conv-1", "act-1")


async def test_after_the_window_the_same_id_counts_as_new(both_databases: async_sessionmaker[AsyncSession]) -> None:
    clock = Clock()
    seen = ActivityLog(both_databases, now=clock)
    assert await seen.first_time("msteams", "conv-1", "act-1")

    clock.now = T0 + DEDUP_WINDOW - timedelta(seconds=1)
    assert not await seen.first_time("msteams", "conv-1", "act-1")
    clock.now = T0 + DEDUP_WINDOW + timedelta(seconds=1)
    assert await seen.first_time("msteams", "conv-1", "act-1")
    assert not await seen.first_time("msteams", "conv-1", "act-1")


async def test_of_two_instances_receiving_one_activity_at_once_exactly_one_runs_it(both_databases: async_sessionmaker[AsyncSession]) -> None:
    instances = [ActivityLog(both_databases) for _ in range(8)]

    results = await asyncio.gather(*(instance.first_time("msteams", "conv-1", "act-1") for instance in instances))

    assert sorted(results) == [False] * 7 + [True]
    async with both_databases() as session:
        assert (await session.execute(select(func.count()).select_from(SeenActivity))).scalar_one() == 1


async def test_no_id_is_stored_as_such(both_databases: async_sessionmaker[AsyncSession]) -> None:
    await ActivityLog(both_databases).first_time("msteams", "19:secret-conversation", "act-1")

    async with both_databases() as session:
        (key,) = (await session.execute(select(SeenActivity.key))).scalars()
    assert "secret" not in key and len(key) == 64
