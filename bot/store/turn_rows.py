"""The statements every turn runs (the activity check, the state's read and write), at the driver.

Through SQLAlchemy these three statements cost more CPU than the rest of a turn: on SQLite
5.5 ms a turn (aiosqlite sends each cursor call, fetch and commit to its thread and back, 16
hops a turn; SQLAlchemy builds, caches and adapts each statement), on PostgreSQL 3.2 ms. Here
they are fixed SQL text sent straight to the driver:

* SQLite: one thread of our own with its own `sqlite3` connection, one hop per operation
  (a whole write transaction is one hop): 0.73 ms CPU a turn. The connection waits for the
  write lock as long as the engine's (`db.lock_wait`) and serves in the same WAL mode.
* PostgreSQL: a connection from the engine's own pool (no second pool: replicas share
  `max_connections`), its asyncpg connection used directly with asyncpg's prepared-statement
  cache: 1.0 ms CPU a turn. A connection that broke is invalidated, as SQLAlchemy would.

The tables stay declared and migrated by SQLAlchemy (`storage.BotStateRow`,
`dedup.SeenActivity`); times are written in the format SQLAlchemy's SQLite dialect reads back.
Driver errors that mean "the database is away" are raised as `StoreUnavailable`.
"""

from __future__ import annotations

import asyncio
import sqlite3
import weakref
from collections.abc import Callable, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from datetime import datetime
from typing import Any, TypeVar

import asyncpg
from sqlalchemy.engine import Engine
from sqlalchemy.ext.asyncio import AsyncEngine

from bot.store.db import lock_wait, prepare_sqlite_for_serving, sqlite_file

T = TypeVar("T")


class StorageConflictError(Exception):
    """The stored item changed (or vanished) since it was read: this write would lose data."""

    def __init__(self, key: str) -> None:
        super().__init__(f"eTag conflict writing {key!r}: it changed since it was read")
        self.key = key


class StoreUnavailable(Exception):
    """The database did not serve the statement (locked, stopped, frozen, connection lost)."""


@dataclass(frozen=True, slots=True)
class StateWrite:
    key: str
    expected: str | None
    """The eTag the row must still have; None writes whatever is there."""
    etag: str
    document: str
    at: datetime


class TurnRows:
    async def read_states(self, keys: Sequence[str]) -> list[tuple[str, str, str]]:
        """(key, etag, document) of the stored keys."""
        raise NotImplementedError

    async def write_states(self, writes: Sequence[StateWrite]) -> None:
        """All of them in one transaction, or none (`StorageConflictError`)."""
        raise NotImplementedError

    async def delete_states(self, keys: Sequence[str]) -> None:
        raise NotImplementedError

    async def first_seen(self, key: str, now: datetime, cutoff: datetime) -> bool:
        """Record the activity key; True when no row newer than `cutoff` had it."""
        raise NotImplementedError

    async def close(self) -> None:
        return None


_SQLITE_TIME = "%Y-%m-%d %H:%M:%S.%f"
"""SQLAlchemy's storage format for DateTime on SQLite (UTC, the zone not written)."""

_UPSERT = (
    "INSERT INTO bot_state (key, etag, document, updated_at) VALUES ({0}) "
    "ON CONFLICT (key) DO UPDATE SET etag = excluded.etag, document = excluded.document, updated_at = excluded.updated_at"
)
_COMPARE_AND_SET = "UPDATE bot_state SET etag = {0}, document = {1}, updated_at = {2} WHERE key = {3} AND etag = {4}"
# A row older than the window is taken over (counts as new); a fresh one is left alone, and
# then no row changes.
_SEEN = (
    "INSERT INTO activity_seen (key, seen_at) VALUES ({0}, {1}) ON CONFLICT (key) DO UPDATE SET seen_at = excluded.seen_at WHERE activity_seen.seen_at < {2}"
)


def _marks(keys: Sequence[str]) -> str:
    return ", ".join("?" * len(keys))


class SqliteTurnRows(TurnRows):
    def __init__(self, path: str, wait: float) -> None:
        self._connection: sqlite3.Connection | None = None
        """Opened, used and closed on the one thread only."""
        self._path = path
        self._wait = wait
        # One thread: SQLite has one writer at a time anyway, and one connection needs no
        # lock handoff between our own turns.
        self._thread = ThreadPoolExecutor(max_workers=1, thread_name_prefix="turn-rows")
        self._upsert = _UPSERT.format("?, ?, ?, ?")
        self._cas = _COMPARE_AND_SET.format("?", "?", "?", "?", "?")
        self._seen = _SEEN.format("?", "?", "?")

    async def _run(self, work: Callable[[sqlite3.Connection], T]) -> T:
        try:
            return await asyncio.get_running_loop().run_in_executor(self._thread, self._call, work)
        except sqlite3.OperationalError as error:  # "database is locked", disk I/O, gone file
            raise StoreUnavailable(str(error)) from error

    def _call(self, work: Callable[[sqlite3.Connection], T]) -> T:
        if self._connection is None:
            # Autocommit mode: transactions are begun and ended here, not by the module.
            self._connection = sqlite3.connect(self._path, timeout=self._wait, isolation_level=None, check_same_thread=False)
            prepare_sqlite_for_serving(self._connection, None)
        return work(self._connection)

    async def read_states(self, keys: Sequence[str]) -> list[tuple[str, str, str]]:
        statement = f"SELECT key, etag, document FROM bot_state WHERE key IN ({_marks(keys)})"  # noqa: S608 (only "?" marks)
        return await self._run(lambda connection: connection.execute(statement, tuple(keys)).fetchall())

    async def write_states(self, writes: Sequence[StateWrite]) -> None:
        def write(connection: sqlite3.Connection) -> None:
            # IMMEDIATE: the write lock from the start, so the compare-and-set cannot interleave.
            connection.execute("BEGIN IMMEDIATE")
            try:
                for item in writes:
                    at = item.at.strftime(_SQLITE_TIME)
                    if item.expected is None:
                        connection.execute(self._upsert, (item.key, item.etag, item.document, at))
                    elif connection.execute(self._cas, (item.etag, item.document, at, item.key, item.expected)).rowcount != 1:
                        raise StorageConflictError(item.key)
            except BaseException:
                connection.execute("ROLLBACK")
                raise
            connection.execute("COMMIT")

        await self._run(write)

    async def delete_states(self, keys: Sequence[str]) -> None:
        statement = f"DELETE FROM bot_state WHERE key IN ({_marks(keys)})"  # noqa: S608 (only "?" marks)
        await self._run(lambda connection: connection.execute(statement, tuple(keys)))

    async def first_seen(self, key: str, now: datetime, cutoff: datetime) -> bool:
        values = (key, now.strftime(_SQLITE_TIME), cutoff.strftime(_SQLITE_TIME))
        return await self._run(lambda connection: connection.execute(self._seen, values).rowcount == 1)

    async def close(self) -> None:
        def close(_nothing: None) -> None:
            if self._connection is not None:
                self._connection.close()
                self._connection = None

        try:
            await asyncio.get_running_loop().run_in_executor(self._thread, close, None)
        finally:
            self._thread.shutdown(wait=False)


# The driver's errors that mean the server or the connection is away, not that the statement
# is wrong: the turn gets the "try again soon" answer and the conversation is kept.
_PG_AWAY: tuple[type[BaseException], ...] = (
    asyncpg.exceptions.InterfaceError,  # the connection closed under us
    # "another operation is in progress": a connection the server dropped mid-message, or one
    # whose query a cancelled turn interrupted.
    asyncpg.exceptions.InternalClientError,
    asyncpg.exceptions.PostgresConnectionError,
    asyncpg.exceptions.QueryCanceledError,  # statement_timeout
    asyncpg.exceptions.OperatorInterventionError,  # admin shutdown, cannot connect now
    asyncpg.exceptions.InsufficientResourcesError,  # too many connections, disk full
)
_PG_BROKEN: tuple[type[BaseException], ...] = (*_PG_AWAY, OSError, TimeoutError)


class PostgresTurnRows(TurnRows):
    def __init__(self, engine: AsyncEngine) -> None:
        self._engine = engine
        self._upsert = _UPSERT.format("$1, $2, $3, $4")
        self._cas = _COMPARE_AND_SET.format("$1", "$2", "$3", "$4", "$5")
        self._seen = _SEEN.format("$1", "$2", "$3")

    async def _run(self, work: Callable[[Any], Any]) -> Any:
        async with self._engine.connect() as connection:
            driver = (await connection.get_raw_connection()).driver_connection
            try:
                return await work(driver)
            except _PG_BROKEN as error:
                # It may be half-way through a statement or talking to a server that is gone:
                # never hand it to another turn.
                await connection.invalidate(error if isinstance(error, Exception) else None)
                if isinstance(error, _PG_AWAY):
                    raise StoreUnavailable(type(error).__name__) from error
                raise
            except asyncio.CancelledError:
                # A turn past its deadline: the statement may still be running on it.
                await connection.invalidate()
                raise

    async def read_states(self, keys: Sequence[str]) -> list[tuple[str, str, str]]:
        async def read(driver: Any) -> list[tuple[str, str, str]]:
            rows = await driver.fetch("SELECT key, etag, document FROM bot_state WHERE key = ANY($1::text[])", list(keys))
            return [(row[0], row[1], row[2]) for row in rows]

        result: list[tuple[str, str, str]] = await self._run(read)
        return result

    async def write_states(self, writes: Sequence[StateWrite]) -> None:
        async def write_one(driver: Any, item: StateWrite) -> None:
            if item.expected is None:
                await driver.execute(self._upsert, item.key, item.etag, item.document, item.at)
            # Compare-and-set in one statement: the row lock makes a concurrent writer of the
            # same eTag match nothing. The status reads "UPDATE <rows>".
            elif await driver.execute(self._cas, item.etag, item.document, item.at, item.key, item.expected) != "UPDATE 1":
                raise StorageConflictError(item.key)

        async def write(driver: Any) -> None:
            if len(writes) == 1:  # one statement is its own transaction
                await write_one(driver, writes[0])
                return
            async with driver.transaction():
                for item in writes:
                    await write_one(driver, item)

        await self._run(write)

    async def delete_states(self, keys: Sequence[str]) -> None:
        async def delete(driver: Any) -> None:
            await driver.execute("DELETE FROM bot_state WHERE key = ANY($1::text[])", list(keys))

        await self._run(delete)

    async def first_seen(self, key: str, now: datetime, cutoff: datetime) -> bool:
        async def seen(driver: Any) -> bool:
            # The status reads "INSERT 0 <rows>": 1 when inserted or taken over.
            return bool(await driver.execute(self._seen, key, now, cutoff) == "INSERT 0 1")

        result: bool = await self._run(seen)
        return result


_ROWS: weakref.WeakKeyDictionary[Engine, TurnRows] = weakref.WeakKeyDictionary()


def rows_for(engine: AsyncEngine) -> TurnRows:
    """The engine's turn statements: one set per engine, so SQLite keeps one thread."""
    found = _ROWS.get(engine.sync_engine)
    if found is None:
        dialect = engine.dialect.name
        if dialect == "postgresql":
            found = PostgresTurnRows(engine)
        elif dialect == "sqlite" and (path := sqlite_file(engine.url)) is not None:
            found = SqliteTurnRows(str(path), lock_wait(engine))
        else:
            raise NotImplementedError(f"Palveluopas serves from PostgreSQL or an SQLite file, not {engine.url.render_as_string()}")
        _ROWS[engine.sync_engine] = found
    return found


async def close_rows(engine: AsyncEngine) -> None:
    """Before the engine is disposed: closes the SQLite thread's connection."""
    found = _ROWS.pop(engine.sync_engine, None)
    if found is not None:
        await found.close()
