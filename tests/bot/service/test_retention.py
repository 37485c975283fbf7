"""The app runs the retention job itself (bot/service/retention.py)."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime, timedelta
from typing import Any

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot.service.app import create_app
from bot.service.context import KnowledgeProvider
from bot.service.retention import prune_periodically
from bot.service.settings import Settings
from bot.store.db import create_engine
from bot.store.storage import BotStateRow
from tests.support.http import send


async def _add_state(sessionmaker: async_sessionmaker[AsyncSession], key: str, age: timedelta) -> None:
    async with sessionmaker() as session, session.begin():
        session.add(BotStateRow(key=key, etag="e", document="{}", updated_at=datetime.now(UTC) - age))


async def _keys(sessionmaker: async_sessionmaker[AsyncSession]) -> set[str]:
    async with sessionmaker() as session:
        return set((await session.execute(select(BotStateRow.key))).scalars())


async def test_a_running_bot_deletes_state_older_than_retention_days(
    aiohttp_client: Any, settings: Settings, knowledge: KnowledgeProvider, sessionmaker: async_sessionmaker[AsyncSession]
) -> None:
    await _add_state(sessionmaker, "emulator/conversations/vanha", timedelta(days=31))
    await _add_state(sessionmaker, "emulator/conversations/tuore", timedelta(days=29))
    short = Settings(database_url=settings.database_url, knowledge_root=settings.knowledge_root, retention_days=30)

    client = await aiohttp_client(create_app(short, knowledge=knowledge))
    for _ in range(100):
        if "emulator/conversations/vanha" not in await _keys(sessionmaker):
            break
        await asyncio.sleep(0.05)

    keys = await _keys(sessionmaker)
    assert "emulator/conversations/vanha" not in keys
    assert "emulator/conversations/tuore" in keys
    assert await send(client, text="apu")  # the bot answers meanwhile


async def test_the_job_runs_again_after_its_interval(database_url: str, sessionmaker: async_sessionmaker[AsyncSession]) -> None:
    engine = create_engine(database_url)
    stop = asyncio.Event()
    job = asyncio.create_task(prune_periodically(engine, 30, stop, interval_seconds=0.05))
    try:
        await asyncio.sleep(0.2)  # the first run is over; this row comes later
        await _add_state(sessionmaker, "emulator/conversations/myohemmin", timedelta(days=40))
        for _ in range(100):
            if not await _keys(sessionmaker):
                break
            await asyncio.sleep(0.05)
    finally:
        stop.set()
        await job
        await engine.dispose()
    assert await _keys(sessionmaker) == set()


async def test_a_failing_database_does_not_end_the_job() -> None:
    engine = create_engine("postgresql+asyncpg://postgres@127.0.0.1:1/nothing")
    stop = asyncio.Event()
    job = asyncio.create_task(prune_periodically(engine, 30, stop, interval_seconds=0.05))
    try:
        await asyncio.sleep(0.3)
        assert not job.done()
    finally:
        stop.set()
        await job
        await engine.dispose()
