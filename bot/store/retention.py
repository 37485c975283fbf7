"""Retention: delete what the bot keeps once it has not been touched for a number of days.

`palveluopas db prune --days N` (or `RETENTION_DAYS`) runs it; schedule it daily (a cron job
or a timer on the host, see deploy/README.md). What it deletes:

* `bot_state`: a conversation's dialogs not written for N days (the next message starts
  afresh, as after `peruuta`);
* `qna_unanswered`: redacted questions last asked N days ago or earlier;
* `activity_seen`: de-duplication entries older than their window (`DEDUP_WINDOW`, minutes),
  whatever N is.

The running bot also prunes hourly (`bot/service/retention.py`).

Counters without a person or a text (`qna_feedback`) are kept. A feature that stores more
adds its table to `PRUNED` with the column that says when a row was last written.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Final

import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncEngine

from bot.store.dedup import DEDUP_WINDOW

PRUNED: Final = (("bot_state", "updated_at"), ("qna_unanswered", "last_seen"))
"""(table, the column with the time a row was last written)."""


@dataclass(frozen=True)
class Pruned:
    table: str
    rows: int


async def prune(engine: AsyncEngine, days: int, now: datetime | None = None) -> list[Pruned]:
    """Delete rows last written more than `days` days before `now`; the counts per table."""
    if days < 1:
        raise ValueError("retention must be at least one day")
    now = now or datetime.now(UTC)
    cutoffs = [(table, column, now - timedelta(days=days)) for table, column in PRUNED]
    cutoffs.append(("activity_seen", "seen_at", now - DEDUP_WINDOW))
    done: list[Pruned] = []
    async with engine.begin() as connection:
        for table, column, cutoff in cutoffs:
            rows = sa.table(table, sa.column(column, sa.DateTime(timezone=True)))
            result = await connection.execute(sa.delete(rows).where(rows.c[column] < cutoff))
            done.append(Pruned(table, result.rowcount or 0))
    return done
