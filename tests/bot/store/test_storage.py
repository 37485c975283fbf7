"""Bot state in the database: what it holds, and eTag optimistic concurrency.

Every test runs on the suite's database (SQLite, or PostgreSQL with TEST_DATABASE_URL); the
`postgres` cases run on PostgreSQL in any case, where concurrent writers really overlap.
"""

from __future__ import annotations

import asyncio

import pytest
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot.store.db import create_engine, create_sessionmaker
from bot.store.storage import BotStateRow, SqlStorage, StorageConflictError


async def test_a_written_item_reads_back_with_an_etag(bot_storage: SqlStorage) -> None:
    item = {"count": 1, "names": ["a", "b"]}

    await bot_storage.write({"conv/1": item})
    stored = await bot_storage.read(["conv/1", "missing"])

    assert set(stored) == {"conv/1"}
    assert stored["conv/1"]["count"] == 1
    assert stored["conv/1"]["names"] == ["a", "b"]
    assert stored["conv/1"]["e_tag"] == item["e_tag"], "the new eTag is written back into the item"


async def test_state_is_plain_json_and_comes_back_equal(bot_storage: SqlStorage) -> None:
    state = {"engine": 2, "frames": [{"dialog": "root", "step": "home", "seq": 2, "data": {"answers": [["ika", "alle-12"]]}}]}

    await bot_storage.write({"conv/1": dict(state)})
    restored = (await bot_storage.read(["conv/1"]))["conv/1"]

    assert {k: v for k, v in restored.items() if k != "e_tag"} == state


async def test_objects_are_refused_rather_than_pickled(bot_storage: SqlStorage) -> None:
    with pytest.raises(TypeError, match="not JSON serializable"):
        await bot_storage.write({"conv/1": {"DialogState": object()}})

    assert await bot_storage.read(["conv/1"]) == {}


async def test_a_write_with_a_stale_etag_raises_and_keeps_the_newer_state(bot_storage: SqlStorage) -> None:
    await bot_storage.write({"conv/1": {"turn": 0}})
    first = (await bot_storage.read(["conv/1"]))["conv/1"]
    second = (await bot_storage.read(["conv/1"]))["conv/1"]

    first["turn"] = 1
    await bot_storage.write({"conv/1": first})
    second["turn"] = 2
    with pytest.raises(StorageConflictError):
        await bot_storage.write({"conv/1": second})

    assert (await bot_storage.read(["conv/1"]))["conv/1"]["turn"] == 1


async def test_the_item_can_be_written_again_with_the_etag_written_back(bot_storage: SqlStorage) -> None:
    item = {"turn": 0}
    await bot_storage.write({"conv/1": item})
    item["turn"] = 1

    await bot_storage.write({"conv/1": item})

    assert (await bot_storage.read(["conv/1"]))["conv/1"]["turn"] == 1


@pytest.mark.parametrize("etag", [None, "*"])
async def test_none_or_star_etag_writes_unconditionally(bot_storage: SqlStorage, etag: str | None) -> None:
    await bot_storage.write({"conv/1": {"turn": 0}})
    await bot_storage.write({"conv/1": {"turn": 1}})

    await bot_storage.write({"conv/1": {"turn": 2, "e_tag": etag}})

    assert (await bot_storage.read(["conv/1"]))["conv/1"]["turn"] == 2


async def test_an_empty_etag_is_refused(bot_storage: SqlStorage) -> None:
    with pytest.raises(ValueError, match="empty eTag"):
        await bot_storage.write({"conv/1": {"turn": 0, "e_tag": ""}})


async def test_writing_to_a_deleted_item_with_its_old_etag_is_a_conflict(bot_storage: SqlStorage) -> None:
    await bot_storage.write({"conv/1": {"turn": 0}})
    stale = (await bot_storage.read(["conv/1"]))["conv/1"]
    await bot_storage.delete(["conv/1"])

    with pytest.raises(StorageConflictError):
        await bot_storage.write({"conv/1": stale})

    assert await bot_storage.read(["conv/1"]) == {}


async def test_a_multi_key_write_is_all_or_nothing(bot_storage: SqlStorage, sessionmaker: async_sessionmaker[AsyncSession]) -> None:
    await bot_storage.write({"conv/1": {"turn": 0}})
    stale = (await bot_storage.read(["conv/1"]))["conv/1"]
    await bot_storage.write({"conv/1": {"turn": 1}})

    with pytest.raises(StorageConflictError):
        await bot_storage.write({"user/1": {"visits": 1}, "conv/1": stale})

    async with sessionmaker() as session:
        keys = (await session.scalars(select(BotStateRow.key))).all()
    assert keys == ["conv/1"]


async def test_concurrent_writers_of_one_etag_exactly_one_wins(bot_storage: SqlStorage, database_url: str) -> None:
    await _exactly_one_of_concurrent_writers_wins(bot_storage, database_url)


@pytest.mark.postgres
async def test_concurrent_writers_of_one_etag_exactly_one_wins_on_postgresql(postgres_url: str) -> None:
    engine = create_engine(postgres_url)
    try:
        await _exactly_one_of_concurrent_writers_wins(SqlStorage(create_sessionmaker(engine)), postgres_url)
    finally:
        await engine.dispose()


async def _exactly_one_of_concurrent_writers_wins(storage: SqlStorage, database_url: str) -> None:
    await storage.write({"conv/1": {"writer": None}})
    etag = (await storage.read(["conv/1"]))["conv/1"]["e_tag"]
    # Separate engines: separate connections and transactions, as two server processes have.
    engines = [create_engine(database_url) for _ in range(4)]
    try:
        writers = [SqlStorage(create_sessionmaker(engine)) for engine in engines]
        results = await asyncio.gather(*(writer.write({"conv/1": {"writer": n, "e_tag": etag}}) for n, writer in enumerate(writers)), return_exceptions=True)
    finally:
        for engine in engines:
            await engine.dispose()

    winners = [n for n, result in enumerate(results) if result is None]
    assert len(winners) == 1, results
    assert all(isinstance(result, StorageConflictError) for result in results if result is not None), results
    assert (await storage.read(["conv/1"]))["conv/1"]["writer"] == winners[0]
