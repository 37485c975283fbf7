"""The retention job inside the app: `bot.store.retention.purge` at start and then every
`PURGE_INTERVAL`, with a log line of how many rows went (counts only)."""

from __future__ import annotations

import asyncio
import logging
from datetime import UTC, datetime

from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot.store.retention import PURGE_INTERVAL, Purged, purge
from domain.logs import log_event

log = logging.getLogger(__name__)


async def purge_logged(sessionmaker: async_sessionmaker[AsyncSession], retention_days: int) -> Purged | None:
    """One purge; None (logged) when the database fails, the next run tries again."""
    try:
        purged = await purge(sessionmaker, datetime.now(UTC), retention_days)
    except Exception as exc:  # a database hiccup must not end the job
        log_event(log, "retention_purge", level=logging.WARNING, outcome="error", error_type=type(exc).__name__)
        return None
    log_event(
        log,
        "retention_purge",
        outcome="ok",
        retention_days=retention_days,
        bot_state=purged.bot_state,
        unanswered=purged.unanswered,
        seen_activities=purged.seen_activities,
    )
    return purged


async def purge_periodically(
    sessionmaker: async_sessionmaker[AsyncSession], retention_days: int, interval_seconds: float = PURGE_INTERVAL.total_seconds()
) -> None:
    while True:
        await purge_logged(sessionmaker, retention_days)
        await asyncio.sleep(interval_seconds)
