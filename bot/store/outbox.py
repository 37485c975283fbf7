"""The outbox queue in the database: claim rows, reserve send slots, record outcomes.

Every transition is one conditional UPDATE, so two workers (two app instances on one
PostgreSQL database) can never both move one row:

* claim: `queued` rows whose `not_before` has come -> `claimed` by this instance, picked with
  `FOR UPDATE SKIP LOCKED` on PostgreSQL (another instance's claim skips them instead of
  waiting); SQLite ignores the clause and serialises writers, and runs one worker.
* begin: `claimed` by me -> `sending`, only if still mine; from here the message is never
  sent again, because the request may reach Teams whatever happens to this process.
* finish: `sending` by me -> `sent` / `failed` / `unknown`, or back to `queued` with a later
  `not_before` for a retryable answer (the server said it did not take the message).
* reap: a `claimed` row whose lease ran out (its instance died before sending) goes back to
  `queued`; a `sending` row whose lease ran out becomes `unknown`: it may have arrived.

The shared rate limit (the `outbox_rate` row) is explained in `bot/service/outbox.py`.
"""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import Sequence
from contextlib import AbstractAsyncContextManager
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any, cast

from sqlalchemy import CursorResult, Exists, Float, and_, case, exists, func, literal, or_, select, update
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot.store.campaigns import RATE_ROW, Campaign, CampaignRecipient, OutboxMessage, SendRate
from domain.campaign import PENDING_STATES, CampaignState, DeliveryState, MessageKind


@dataclass(frozen=True)
class Claim:
    message_id: int
    slot: float
    """Epoch seconds at which this message may be sent (its rate-limit slot)."""


@dataclass(frozen=True)
class Delivery:
    """Everything needed to send one outbox message."""

    message_id: int
    kind: MessageKind
    attempts: int
    campaign_id: int
    recipient_id: int
    user_id: str
    conversation_id: str | None
    locale: str
    tenant_id: str
    service_url: str
    bot_id: str
    service_id: str | None
    provider_id: int | None
    provider_name: str | None
    service_line: str | None
    note: str | None
    due_at: datetime


@dataclass(frozen=True)
class Result:
    """One attempt's outcome, to be recorded."""

    message_id: int
    recipient_id: int
    state: DeliveryState
    reason: str | None = None
    status_code: int | None = None
    activity_id: str | None = None
    retry_at: datetime | None = None
    """Back to the queue, not before then (a retryable answer)."""
    conversation_id: str | None = None
    """A 1:1 chat made for the recipient by this attempt: later messages reuse it."""

    def values(self, now: datetime) -> dict[str, object]:
        values: dict[str, object] = {"reason": self.reason, "status_code": self.status_code, "updated_at": now, "lease_until": None}
        if self.retry_at is not None:
            values.update(state=DeliveryState.QUEUED, not_before=self.retry_at)
        else:
            values["state"] = self.state
            if self.state is DeliveryState.SENT:
                values.update(sent_at=now, activity_id=self.activity_id)
        return values


@dataclass(frozen=True)
class Rate:
    per_second: float
    ceiling_per_second: float
    """Every request, refused ones included, stays under this (see `bot/service/outbox.py`)."""


class OutboxQueue:
    def __init__(self, sessionmaker: async_sessionmaker[AsyncSession], instance_id: str) -> None:
        self._sessionmaker = sessionmaker
        self.instance_id = instance_id
        # SQLite has one writer at a time and its busy wait is not fair: dozens of sends
        # finishing at once can starve one past the engine's lock timeout. Queue the
        # worker's own writes here instead (PostgreSQL locks rows, not the database).
        self._sqlite_writes = asyncio.Lock()

    def _writing(self) -> AbstractAsyncContextManager[object]:
        bind = self._sessionmaker.kw.get("bind")
        if bind is not None and bind.dialect.name == "sqlite":
            return self._sqlite_writes
        return contextlib.nullcontext()

    async def claim(self, now: datetime, limit: int, rate: Rate, lease: timedelta) -> list[Claim]:
        """Claim up to `limit` due messages and reserve one send slot for each."""
        if limit <= 0:
            return []
        is_due = and_(OutboxMessage.state == DeliveryState.QUEUED, OutboxMessage.not_before <= now)
        if not await self._any(exists().where(is_due)):
            return []
        due = select(OutboxMessage.id).where(is_due).order_by(OutboxMessage.not_before, OutboxMessage.id).limit(limit).with_for_update(skip_locked=True)
        async with self._writing(), self._sessionmaker() as session, session.begin():
            claimed = (
                (
                    await session.execute(
                        update(OutboxMessage)
                        .where(OutboxMessage.id.in_(due))
                        .values(state=DeliveryState.CLAIMED, claimed_by=self.instance_id, lease_until=now + lease, updated_at=now)
                        .returning(OutboxMessage.id)
                        .execution_options(synchronize_session=False)
                    )
                )
                .scalars()
                .all()
            )
            if not claimed:
                return []
            slots = await _reserve_slots(session, now.timestamp(), len(claimed), rate)
        return [Claim(message_id, slot) for message_id, slot in zip(sorted(claimed), slots, strict=True)]

    async def begin(self, message_ids: Sequence[int], now: datetime, lease: timedelta) -> list[Delivery]:
        """Move my claims to `sending` (one transaction for the batch) and return what to send.

        Claims no longer mine (reaped, cancelled) are left out; a reminder to someone who
        answered meanwhile is closed as `skipped` and left out.
        """
        if not message_ids:
            return []
        async with self._writing(), self._sessionmaker() as session, session.begin():
            moved = (
                (
                    await session.execute(
                        update(OutboxMessage)
                        .where(
                            OutboxMessage.id.in_(list(message_ids)), OutboxMessage.state == DeliveryState.CLAIMED, OutboxMessage.claimed_by == self.instance_id
                        )
                        .values(state=DeliveryState.SENDING, lease_until=now + lease, attempts=OutboxMessage.attempts + 1, updated_at=now)
                        .returning(OutboxMessage.id)
                        .execution_options(synchronize_session=False)
                    )
                )
                .scalars()
                .all()
            )
            if not moved:
                return []
            rows = (
                await session.execute(
                    select(OutboxMessage, CampaignRecipient, Campaign)
                    .join(CampaignRecipient, CampaignRecipient.id == OutboxMessage.recipient_id)
                    .join(Campaign, Campaign.id == OutboxMessage.campaign_id)
                    .where(OutboxMessage.id.in_(list(moved)))
                    .order_by(OutboxMessage.id)
                )
            ).all()
            deliveries = []
            for message, recipient, campaign in rows:
                if message.kind != MessageKind.PROMPT and recipient.answered_at is not None:
                    message.state = DeliveryState.SKIPPED
                    message.lease_until = None
                    continue
                deliveries.append(_delivery(message, recipient, campaign))
            return deliveries

    async def finish(self, results: Sequence[Result], now: datetime, refunds: int = 0, rate: Rate | None = None) -> int:
        """Record many attempts' outcomes in one transaction (and give back refused requests'
        slots). The number recorded: a row reaped as unknown meanwhile is not overwritten."""
        if not results and not refunds:
            return 0
        recorded = 0
        async with self._writing(), self._sessionmaker() as session, session.begin():
            for result in results:
                outcome = await session.execute(
                    update(OutboxMessage)
                    .where(OutboxMessage.id == result.message_id, OutboxMessage.state == DeliveryState.SENDING, OutboxMessage.claimed_by == self.instance_id)
                    .values(**result.values(now))
                    .execution_options(synchronize_session=False)
                )
                recorded += cast(CursorResult[Any], outcome).rowcount
                if result.conversation_id is not None:
                    await session.execute(
                        update(CampaignRecipient).where(CampaignRecipient.id == result.recipient_id).values(conversation_id=result.conversation_id)
                    )
            if refunds and rate is not None:
                await session.execute(update(SendRate).where(SendRate.name == RATE_ROW).values(next_free=SendRate.next_free - refunds / rate.per_second))
        return recorded

    async def release(self, message_ids: Sequence[int], now: datetime) -> None:
        """Give back claims not yet started (shutdown): nothing was sent, so they stay queued."""
        if not message_ids:
            return
        async with self._writing(), self._sessionmaker() as session, session.begin():
            await session.execute(
                update(OutboxMessage)
                .where(OutboxMessage.id.in_(list(message_ids)), OutboxMessage.state == DeliveryState.CLAIMED, OutboxMessage.claimed_by == self.instance_id)
                .values(state=DeliveryState.QUEUED, claimed_by=None, lease_until=None, updated_at=now)
                .execution_options(synchronize_session=False)
            )

    async def housekeeping(self, now: datetime) -> None:
        """Reap expired leases and move campaigns between states by the clock.

        Nearly every poll finds nothing to do, and one read says so: the four conditional
        UPDATEs then run in no write transaction at all (on SQLite each one took the
        database's single write lock from the turns once a second, per poll)."""
        expired = and_(OutboxMessage.lease_until.is_not(None), OutboxMessage.lease_until < now)
        reap_claimed = and_(OutboxMessage.state == DeliveryState.CLAIMED, expired)
        reap_sending = and_(OutboxMessage.state == DeliveryState.SENDING, expired)
        starting = and_(Campaign.state == CampaignState.SCHEDULED, Campaign.send_at <= now)
        pending_prompt = exists().where(
            OutboxMessage.campaign_id == Campaign.id,
            OutboxMessage.kind == MessageKind.PROMPT,
            OutboxMessage.state.in_([s.value for s in PENDING_STATES]),
        )
        finished = and_(Campaign.state == CampaignState.SENDING, ~pending_prompt)
        if not await self._any(exists().where(or_(reap_claimed, reap_sending)), exists().where(or_(starting, finished))):
            return
        async with self._writing(), self._sessionmaker() as session, session.begin():
            await session.execute(
                update(OutboxMessage)
                .where(reap_claimed)
                .values(state=DeliveryState.QUEUED, claimed_by=None, lease_until=None, updated_at=now)
                .execution_options(synchronize_session=False)
            )
            await session.execute(
                update(OutboxMessage)
                .where(reap_sending)
                .values(state=DeliveryState.UNKNOWN, reason="interrupted", claimed_by=None, lease_until=None, updated_at=now)
                .execution_options(synchronize_session=False)
            )
            await session.execute(update(Campaign).where(starting).values(state=CampaignState.SENDING))
            await session.execute(
                update(Campaign).where(finished).values(state=CampaignState.SENT, finished_at=now).execution_options(synchronize_session=False)
            )

    async def _any(self, *conditions: Exists) -> bool:
        """Whether any of `conditions` holds, in one read (no write lock taken)."""
        async with self._sessionmaker() as session:
            row = (await session.execute(select(*conditions))).one()
        return any(row)

    async def depth(self) -> int:
        """Messages not sent yet, by every instance: queued (due or not) and claimed."""
        async with self._sessionmaker() as session:
            waiting = select(func.count()).select_from(OutboxMessage).where(OutboxMessage.state.in_((DeliveryState.QUEUED, DeliveryState.CLAIMED)))
            return int((await session.execute(waiting)).scalar_one())

    async def next_due(self) -> datetime | None:
        """When the earliest queued message becomes due (for the worker's sleep)."""
        async with self._sessionmaker() as session:
            value = (
                await session.execute(
                    select(OutboxMessage.not_before).where(OutboxMessage.state == DeliveryState.QUEUED).order_by(OutboxMessage.not_before).limit(1)
                )
            ).scalar()
        return value


async def _reserve_slots(session: AsyncSession, now: float, count: int, rate: Rate) -> list[float]:
    """Reserve `count` consecutive slots in both shared limits (one row, one UPDATE)."""
    interval, ceiling_interval = 1.0 / rate.per_second, 1.0 / rate.ceiling_per_second
    start = literal(now, Float())
    row = (
        await session.execute(
            update(SendRate)
            .where(SendRate.name == RATE_ROW)
            .values(
                next_free=case((SendRate.next_free < start, start), else_=SendRate.next_free) + count * interval,
                ceiling_next_free=case((SendRate.ceiling_next_free < start, start), else_=SendRate.ceiling_next_free) + count * ceiling_interval,
            )
            .returning(SendRate.next_free, SendRate.ceiling_next_free)
        )
    ).one()
    budget_end, ceiling_end = float(row[0]), float(row[1])
    return [max(budget_end - (count - i) * interval, ceiling_end - (count - i) * ceiling_interval) for i in range(count)]


def _delivery(message: OutboxMessage, recipient: CampaignRecipient, campaign: Campaign) -> Delivery:
    return Delivery(
        message_id=message.id,
        kind=MessageKind(message.kind),
        attempts=message.attempts,
        campaign_id=campaign.id,
        recipient_id=recipient.id,
        user_id=recipient.user_id,
        conversation_id=recipient.conversation_id,
        locale=recipient.locale or campaign.locale,
        tenant_id=campaign.tenant_id,
        service_url=campaign.service_url,
        bot_id=campaign.bot_id,
        service_id=campaign.service_id,
        provider_id=campaign.provider_id,
        provider_name=campaign.provider_name,
        service_line=campaign.service_line,
        note=campaign.note,
        due_at=campaign.due_at,
    )
