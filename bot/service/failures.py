"""Which turn errors mean "the service is briefly away" rather than "this conversation broke".

A database that is down, frozen or out of connections, and a turn past its deadline, say
nothing about the conversation's state: it is kept and the user is asked to try again soon.
Anything else (a bug, bad state) resets the conversation.
"""

from __future__ import annotations

from sqlalchemy import exc as sa_exc

from bot.store.turn_rows import StoreUnavailable

_UNAVAILABLE: tuple[type[BaseException], ...] = (
    TimeoutError,  # the turn's deadline, asyncio timeouts, asyncpg's command timeout
    OSError,  # connection refused or reset on the way to the database
    sa_exc.OperationalError,  # the database's own "cannot serve now" errors, SQLite's "locked"
    sa_exc.InterfaceError,  # the connection broke under the driver
    sa_exc.TimeoutError,  # no pooled connection free within the pool timeout
    # asyncpg's "another operation is in progress": a connection whose query a late turn's
    # cancellation interrupted came back to the pool; the state is not at fault.
    sa_exc.InternalError,
    StoreUnavailable,  # the same, from the turn's own statements at the driver
)


def is_unavailable(error: BaseException) -> bool:
    """True when the error, or one it was raised from, is an outage rather than a bug."""
    seen: set[int] = set()
    current: BaseException | None = error
    while current is not None and id(current) not in seen:
        seen.add(id(current))
        if isinstance(current, _UNAVAILABLE):
            return True
        if isinstance(current, sa_exc.DBAPIError) and current.connection_invalidated:
            return True
        current = current.__cause__ or current.__context__
    return False
