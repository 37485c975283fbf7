"""The statements every turn runs (the activity check, the state's read and write) and every
conversation's first turn (the user and the conversation reference), at the driver.

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
`dedup.SeenActivity`, `people.User`, `people.ConversationRef`); times are written in the
format SQLAlchemy's SQLite dialect reads back.
Driver errors that mean "the database is away" are raised as `StoreUnavailable`.
"""

from __future__ import annotations

import asyncio
import sqlite3
import weakref
from collections.abc import Callable, Mapping, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from datetime import UTC, datetime
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


@dataclass(frozen=True, slots=True)
class Visit:
    """A user's turn in a conversation, to be recorded (`PeopleStore.remember` says what)."""

    channel_user_id: str
    aad_object_id: str | None
    new_user: Mapping[str, Any]
    """The `users` columns of a user seen for the first time."""
    changes: Callable[[str | None, str | None], Mapping[str, Any]]
    """(stored Entra id, stored channel id) of the user found -> the columns to set on them."""
    reference: Mapping[str, Any] | None
    """The `conversation_refs` columns of the conversation (its id included), if any."""
    reference_update: tuple[str, ...] = ()
    """The columns an existing reference takes from `reference`."""
    personal: bool = False
    """The reference's `user_id` is the user's (a 1:1 conversation)."""


_USER_COLUMNS = frozenset({"aad_object_id", "channel_user_id", "display_name", "first_seen", "last_seen", "language"})
_REFERENCE_COLUMNS = frozenset({"conversation_id", "conversation_type", "channel_id", "service_url", "tenant_id", "bot_id", "team_id", "updated_at", "user_id"})


def _columns(names: Sequence[str], allowed: frozenset[str]) -> str:
    # Statements are built from column names, never from values: only known names pass.
    unknown = set(names) - allowed
    if unknown:
        raise ValueError(f"not a column here: {sorted(unknown)}")
    return ", ".join(names)


def _visit_statements(visit: Visit, mark: Callable[[int], str]) -> tuple[str, str]:
    """(insert of a new user, upsert of the reference) with `mark(n)` as the n-th parameter."""
    user_columns = list(visit.new_user)
    insert_user = f"INSERT INTO users ({_columns(user_columns, _USER_COLUMNS)}) VALUES ({', '.join(mark(n) for n in range(1, len(user_columns) + 1))})"  # noqa: S608
    if visit.reference is None:
        return insert_user, ""
    columns = [*visit.reference, *(["user_id"] if visit.personal else [])]
    update = [*visit.reference_update, *(["user_id"] if visit.personal else [])]
    _columns(update, _REFERENCE_COLUMNS)
    upsert = (
        f"INSERT INTO conversation_refs ({_columns(columns, _REFERENCE_COLUMNS)}) VALUES ({', '.join(mark(n) for n in range(1, len(columns) + 1))}) "  # noqa: S608
        f"ON CONFLICT (conversation_id) DO UPDATE SET {', '.join(f'{c} = excluded.{c}' for c in update)}"
    )
    return insert_user, upsert


def _update_user(columns: Sequence[str], mark: Callable[[int], str]) -> str:
    _columns(columns, _USER_COLUMNS)
    sets = ", ".join(f"{column} = {mark(n)}" for n, column in enumerate(columns, start=1))
    return f"UPDATE users SET {sets} WHERE id = {mark(len(columns) + 1)}"  # noqa: S608


_FIND_USER = "SELECT id, aad_object_id, channel_user_id FROM users WHERE channel_user_id = {0} OR aad_object_id = {1} ORDER BY id LIMIT 1"


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

    async def remember(self, visit: Visit) -> int:
        """The user's id (found by either id, or added) after recording the visit, all in one
        transaction."""
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

    async def remember(self, visit: Visit) -> int:
        def value(v: Any) -> Any:
            return v.astimezone(UTC).strftime(_SQLITE_TIME) if isinstance(v, datetime) else v

        def mark(_n: int) -> str:
            return "?"

        insert_user, upsert = _visit_statements(visit, mark)

        def record(connection: sqlite3.Connection) -> int:
            # IMMEDIATE: no other writer between finding the user and adding them.
            connection.execute("BEGIN IMMEDIATE")
            try:
                found = connection.execute(_FIND_USER.format("?", "?"), (visit.channel_user_id, visit.aad_object_id)).fetchone()
                if found is None:
                    user_id = int(connection.execute(insert_user, tuple(value(v) for v in visit.new_user.values())).lastrowid or 0)
                else:
                    user_id = int(found[0])
                    changes = visit.changes(found[1], found[2])
                    connection.execute(_update_user(list(changes), mark), (*(value(v) for v in changes.values()), user_id))
                if visit.reference is not None:
                    connection.execute(upsert, (*(value(v) for v in visit.reference.values()), *((user_id,) if visit.personal else ())))
            except BaseException:
                connection.execute("ROLLBACK")
                raise
            connection.execute("COMMIT")
            return user_id

        return await self._run(record)

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

    async def remember(self, visit: Visit) -> int:
        def mark(n: int) -> str:
            return f"${n}"

        insert_user, upsert = _visit_statements(visit, mark)
        find = _FIND_USER.format("$1", "$2")

        async def record(driver: Any) -> int:
            async with driver.transaction():
                found = await driver.fetchrow(find, visit.channel_user_id, visit.aad_object_id)
                if found is None:
                    # Another turn of the same user may add them at the same moment: then
                    # theirs is the row (the conflict waits for it to be committed).
                    user_id = await driver.fetchval(insert_user + " ON CONFLICT DO NOTHING RETURNING id", *visit.new_user.values())
                    if user_id is None:
                        user_id = (await driver.fetchrow(find, visit.channel_user_id, visit.aad_object_id))[0]
                else:
                    user_id = found[0]
                    changes = visit.changes(found[1], found[2])
                    await driver.execute(_update_user(list(changes), mark), *changes.values(), user_id)
                if visit.reference is not None:
                    await driver.execute(upsert, *visit.reference.values(), *((user_id,) if visit.personal else ()))
                return int(user_id)

        result: int = await self._run(record)
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
