"""Incoming activities already seen: Teams resends an activity when the bot takes more than
15 s to answer, and the resend must not run a second turn.

One row per activity, keyed by a hash of channel, conversation and activity id (activity ids
are unique only within a conversation). The check is a single insert-or-ignore, so two
instances of the bot that receive the same activity at once agree on which one runs it: the
database's unique key decides. Rows older than `DEDUP_WINDOW` no longer count (a reused id
after that is a new activity) and are deleted by the retention job.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from typing import Final

from sqlalchemy import DateTime, String
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker
from sqlalchemy.orm import Mapped, mapped_column

from bot.store.db import Base
from bot.store.turn_rows import rows_for

DEDUP_WINDOW: Final = timedelta(minutes=10)
"""Longer than Teams' retries of one activity (a few attempts within about a minute)."""


class SeenActivity(Base):
    __tablename__ = "activity_seen"

    key: Mapped[str] = mapped_column(String(64), primary_key=True)
    """sha256 of channel id, conversation id and activity id: no ids are stored as such."""
    seen_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), index=True)


def activity_key(channel_id: str, conversation_id: str, activity_id: str) -> str:
    joined = "\x1f".join((channel_id, conversation_id, activity_id))
    return hashlib.sha256(joined.encode("utf-8")).hexdigest()


class ActivityLog:
    def __init__(self, sessionmaker: async_sessionmaker[AsyncSession], now: Callable[[], datetime] = lambda: datetime.now(UTC)) -> None:
        # Runs on every turn: a fixed statement at the driver (`turn_rows`).
        self._rows = rows_for(sessionmaker.kw["bind"])
        self._now = now

    async def first_time(self, channel_id: str, conversation_id: str, activity_id: str) -> bool:
        """Record the activity; True when it was not seen within the window (run its turn)."""
        now = self._now()
        return await self._rows.first_seen(activity_key(channel_id, conversation_id, activity_id), now, now - DEDUP_WINDOW)
