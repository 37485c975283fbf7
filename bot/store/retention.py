"""Retention: what the bot keeps is deleted once it is older than the retention period.

* `bot_state` rows (a conversation's dialog in progress, a user's state) not written for
  `RETENTION_DAYS` (default 90): the conversation starts afresh, as after `peruuta`;
* unanswered Q&A questions not asked again for `RETENTION_DAYS`;
* de-duplication rows older than their window (`bot.store.dedup.DEDUP_WINDOW`).

`purge` is run by the app every `PURGE_INTERVAL` (`bot.service.app`) and by
`palveluopas db purge`; each run is a few indexed DELETEs, safe to run from several
instances at once.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any, Final, cast

from sqlalchemy import CursorResult, delete
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot.store.dedup import DEDUP_WINDOW, SeenActivity
from bot.store.qna_store import QnaUnanswered
from bot.store.storage import BotStateRow

PURGE_INTERVAL: Final = timedelta(hours=1)


@dataclass(frozen=True)
class Purged:
    bot_state: int
    unanswered: int
    seen_activities: int


async def purge(sessionmaker: async_sessionmaker[AsyncSession], now: datetime, retention_days: int) -> Purged:
    """Delete what is older than the retention period; how many rows of each kind went."""
    if retention_days < 1:
        raise ValueError("retention_days must be at least 1")
    cutoff = now - timedelta(days=retention_days)
    async with sessionmaker() as session, session.begin():
        states = await session.execute(delete(BotStateRow).where(BotStateRow.updated_at < cutoff))
        questions = await session.execute(delete(QnaUnanswered).where(QnaUnanswered.last_seen < cutoff))
        seen = await session.execute(delete(SeenActivity).where(SeenActivity.seen_at < now - DEDUP_WINDOW))
    return Purged(*(cast(CursorResult[Any], result).rowcount for result in (states, questions, seen)))
