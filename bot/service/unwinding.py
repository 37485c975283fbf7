"""Work the bot stopped waiting for: a turn past its deadline, a duplicate check or a
readiness probe on a frozen database. The worker got an answer already; the task is
cancelled and left to unwind (closing its database connection) in the background.

Kept in one place so that the app can wait for them before it disposes of the database
engine: a task still unwinding when the event loop closes can keep a driver's worker
thread alive, and the process then never exits.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from typing import Any, Final

DRAIN_SECONDS: Final = 5.0
RECANCEL_SECONDS: Final = 0.2


class Unwinding:
    def __init__(self) -> None:
        self._tasks: set[asyncio.Future[Any]] = set()

    def leave(self, task: asyncio.Future[Any], on_done: Callable[[asyncio.Future[Any]], None] | None = None) -> None:
        """Cancel `task` and keep it referenced until it has finished unwinding."""
        task.cancel()
        self._tasks.add(task)
        task.add_done_callback(self._tasks.discard)
        if on_done is not None:
            task.add_done_callback(on_done)

    def __len__(self) -> int:
        return len(self._tasks)

    async def drain(self, within: float = DRAIN_SECONDS) -> int:
        """Wait for the tasks left to unwind, `within` seconds at most; returns how many remain.

        They are cancelled again every `RECANCEL_SECONDS`: SQLAlchemy's pool catches one
        cancellation to close the connection and then awaits that close, which on a stopped
        driver thread may never complete; only a further cancellation ends the wait.
        """
        loop = asyncio.get_running_loop()
        deadline = loop.time() + within
        while self._tasks and (left := deadline - loop.time()) > 0:
            await asyncio.wait(set(self._tasks), timeout=min(RECANCEL_SECONDS, left))
            for task in self._tasks:
                task.cancel()
        return len(self._tasks)
