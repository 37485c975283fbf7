"""The retention job inside the app: `bot.store.retention.prune` at start and then every
`PRUNE_INTERVAL_SECONDS`, with a log line of how many rows went (counts only) when any did. The same
prune runs as `palveluopas db prune` (a daily timer where the bot does not run all day)."""

from __future__ import annotations

import asyncio
import contextlib
import logging
from typing import Final

from sqlalchemy.ext.asyncio import AsyncEngine

from bot.store.retention import Pruned, prune
from domain.logs import log_event

log = logging.getLogger(__name__)

PRUNE_INTERVAL_SECONDS: Final = 3600.0


async def prune_logged(engine: AsyncEngine, retention_days: int) -> list[Pruned] | None:
    """One prune; None (logged) when the database fails, the next run tries again."""
    try:
        pruned = await prune(engine, retention_days)
    except Exception as exc:  # a database hiccup must not end the job
        log_event(log, "retention_prune", level=logging.WARNING, outcome="error", error_type=type(exc).__name__)
        return None
    if any(item.rows for item in pruned):
        # Only when something went: an hourly line saying "nothing" is noise.
        log_event(log, "retention_prune", outcome="ok", retention_days=retention_days, rows={item.table: item.rows for item in pruned})
    return pruned


async def prune_periodically(engine: AsyncEngine, retention_days: int, stop: asyncio.Event, interval_seconds: float = PRUNE_INTERVAL_SECONDS) -> None:
    """Prune until `stop` is set. A prune under way is finished, not cancelled: a query
    cancelled midway leaves the driver's worker thread calling into a closed event loop."""
    while not stop.is_set():
        await prune_logged(engine, retention_days)
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(stop.wait(), interval_seconds)
