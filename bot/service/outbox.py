"""The delivery engine: a background worker in every app instance sends the outbox.

Design
------
*Queue.* Every proactive message is a row in `campaign_outbox` (see `bot/store/outbox.py`
for the state machine). A worker claims due rows, sends each once, and records the outcome.
A row that has entered `sending` is never sent again: a crash, a timeout or a connection reset
after that point leaves it `unknown` (shown to the supervisor), because a second prompt is
worse than a missing one and Teams has no idempotency key for activities. Rows only claimed
(not yet sending) when an instance stops are released, or reaped after their lease, and sent
by whoever claims them next. The unique (recipient, kind) constraint backs all of this up.

*Shared rate limit: time slots in one row.* The limit is shared by all instances through the
`outbox_rate` row, which holds the next free send slot as epoch seconds (GCRA, the "virtual
scheduling" form of a token bucket). A worker claiming `n` rows reserves `n` consecutive slots
in the same transaction with one `UPDATE ... SET next_free = max(next_free, now) + n/rate
RETURNING next_free`, then sends each message at its slot. Why this and not a token bucket
row debited per message or per-instance quotas:

* one row write per *batch*, not per message, so the hot row is touched a few times a second;
* the slots are exact: two instances interleave instead of each sending at the full rate, and
  an instance that joins or dies needs no rebalancing (dead instances' slots simply lapse);
* it is the same statement on PostgreSQL (row lock) and SQLite (database write lock).

The budget counts messages: a request answered 429 gives its slot back (`refund_slot`),
because that message was not taken and must not make every later prompt wait. So that refunds
cannot turn into a request storm when Teams throttles everything, the same row keeps a second,
never-refunded slot line for all requests at `ceiling` (1.5 x the rate by default: 30/s at the
default 20/s, under Teams' 50 requests/s per app per tenant). The refused message itself waits
its `Retry-After` (at least) with exponential backoff and jitter (`domain.delivery`).

*Concurrency* is bounded by `max_in_flight` (claimed-and-waiting plus sending), which also
bounds how far ahead slots are reserved (`max_in_flight / rate` seconds).

*Time* comes from an injected `Clock` (tests move it; no test sleeps until a send time).
"""

from __future__ import annotations

import asyncio
import logging
import time
import uuid
from collections.abc import Awaitable, Callable, Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any, Final, Protocol

from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot.service.connector import BotConnector, Delivered, Outcome, PermanentFailure, Retryable, Unknown
from bot.store.campaign_store import CampaignStore
from bot.store.outbox import Claim, Delivery, OutboxQueue, Rate
from domain.campaign import DeliveryState
from domain.delivery import RetryPolicy
from domain.logs import log_event

log = logging.getLogger(__name__)

DEFAULT_RATE: Final = 20.0
DEFAULT_IN_FLIGHT: Final = 32


class Clock(Protocol):
    def now(self) -> datetime: ...


class SystemClock:
    def now(self) -> datetime:
        return datetime.now(UTC)


Renderer = Callable[[Delivery], Mapping[str, Any]]
"""Builds the activity (the prompt or reminder card) for one delivery."""


@dataclass(frozen=True)
class OutboxConfig:
    rate: float = DEFAULT_RATE
    """Messages per second, shared by all instances."""
    ceiling: float | None = None
    """Requests per second, refused ones included; default 1.5 x `rate`."""
    max_in_flight: int = DEFAULT_IN_FLIGHT
    poll_seconds: float = 1.0
    claim_lease: timedelta = timedelta(minutes=2)
    send_lease: timedelta = timedelta(minutes=2)
    """Longer than a request can take (the connector's timeout), or a live send is reaped."""
    retry: RetryPolicy = field(default_factory=RetryPolicy)

    @property
    def shared_rate(self) -> Rate:
        return Rate(self.rate, self.ceiling or self.rate * 1.5)


class OutboxWorker:
    def __init__(
        self,
        sessionmaker: async_sessionmaker[AsyncSession],
        connector: BotConnector,
        render: Renderer,
        *,
        clock: Clock | None = None,
        config: OutboxConfig | None = None,
        instance_id: str | None = None,
        on_housekeeping: Callable[[datetime], Awaitable[object]] | None = None,
    ) -> None:
        self.queue = OutboxQueue(sessionmaker, instance_id or uuid.uuid4().hex[:16])
        self.campaigns = CampaignStore(sessionmaker)
        self._connector = connector
        self._render = render
        self._clock = clock or SystemClock()
        self._config = config or OutboxConfig()
        self._on_housekeeping = on_housekeeping
        self._tasks: dict[asyncio.Task[None], Claim] = {}
        self._started: set[int] = set()
        self._wake = asyncio.Event()
        self._idle = asyncio.Event()
        self._housekeep_now = True
        self._stopping = False
        self._loop_task: asyncio.Task[None] | None = None

    @property
    def instance_id(self) -> str:
        return self.queue.instance_id

    def start(self) -> None:
        self._loop_task = asyncio.create_task(self._run(), name=f"outbox-{self.instance_id}")

    def wake(self) -> None:
        """Look at the queue now (a campaign was created, the clock moved)."""
        self._housekeep_now = True
        self._idle.clear()
        self._wake.set()

    async def settle(self, timeout: float = 10.0) -> None:
        """Wait until a pass finds nothing due and nothing is in flight (tests, the benchmark)."""
        self.wake()
        await asyncio.wait_for(self._idle.wait(), timeout)

    async def stop(self, grace_seconds: float = 20.0) -> None:
        """Stop claiming; give back claims not yet sending; let sends in progress finish."""
        self._stopping = True
        self._wake.set()
        if self._loop_task is not None:
            await self._loop_task
        waiting = {task: claim.message_id for task, claim in self._tasks.items() if claim.message_id not in self._started}
        for task in waiting:
            task.cancel()
        await asyncio.gather(*waiting, return_exceptions=True)
        await self.queue.release(list(waiting.values()), self._clock.now())
        if self._tasks:
            await asyncio.wait(list(self._tasks), timeout=grace_seconds)

    async def _run(self) -> None:
        while not self._stopping:
            # Cleared before the pass: a wake-up during it (a send finished, a retry queued)
            # makes the loop look again at once instead of waiting for the next poll.
            self._wake.clear()
            try:
                found = await self._pass()
            except Exception as exc:  # the database may be briefly away; the loop must live on
                log_event(log, "outbox_pass_failed", level=logging.WARNING, exc_info=exc, error_type=type(exc).__name__)
                found = 0
            if self._stopping:
                break
            if found == 0 and not self._tasks and not self._wake.is_set():
                self._idle.set()
            if self._wake.is_set() or (found and len(self._tasks) < self._config.max_in_flight):
                continue
            try:
                await asyncio.wait_for(self._wake.wait(), await self._wait_seconds())
            except TimeoutError:
                self._housekeep_now = True

    async def _pass(self) -> int:
        now = self._clock.now()
        if self._housekeep_now:
            self._housekeep_now = False
            await self.queue.housekeeping(now)
            await self.campaigns.queue_due_reminders(now)
            if self._on_housekeeping is not None:
                await self._on_housekeeping(now)
        free = self._config.max_in_flight - len(self._tasks)
        if free <= 0:
            return 0
        claims = await self.queue.claim(now, free, self._config.shared_rate, self._config.claim_lease)
        for claim in claims:
            task = asyncio.create_task(self._deliver(claim))
            self._tasks[task] = claim
            task.add_done_callback(self._done)
        return len(claims)

    def _done(self, task: asyncio.Task[None]) -> None:
        claim = self._tasks.pop(task, None)
        if claim is not None:
            self._started.discard(claim.message_id)
        self._wake.set()

    async def _wait_seconds(self) -> float:
        """Until the next poll, or sooner when a retry falls due before it."""
        wait = self._config.poll_seconds
        try:
            due = await self.queue.next_due()
        except Exception:  # reported by the pass that failed the same way; just poll later
            return wait
        if due is not None:
            wait = min(wait, max(0.0, (due - self._clock.now()).total_seconds()))
        return max(wait, 0.01)

    async def _deliver(self, claim: Claim) -> None:
        delay = claim.slot - self._clock.now().timestamp()
        if delay > 0:
            await asyncio.sleep(delay)
        self._started.add(claim.message_id)
        started = time.monotonic()
        try:
            outcome = await self._attempt(claim)
        except Exception as exc:  # the row stays `sending` and is reaped as unknown: never resent
            log_event(log, "outbox_send_failed", level=logging.ERROR, exc_info=exc, message_id=claim.message_id, error_type=type(exc).__name__)
            return
        if outcome is not None:
            log_event(log, "outbox_send", message_id=claim.message_id, outcome=outcome, latency_ms=round((time.monotonic() - started) * 1000))

    async def _attempt(self, claim: Claim) -> str | None:
        config = self._config
        delivery = await self.queue.begin(claim.message_id, self._clock.now(), config.send_lease)
        if not isinstance(delivery, Delivery):
            return None if delivery is None else delivery.value
        conversation_id = delivery.conversation_id
        if conversation_id is None:
            created = await self._connector.create_conversation(delivery.service_url, tenant_id=delivery.tenant_id, bot_id=delivery.bot_id, user_id=delivery.user_id)
            if isinstance(created, Unknown):
                # Making a 1:1 chat shows the user nothing and Teams gives the same chat again:
                # a lost answer is safe to ask again.
                created = Retryable(None, None, created.reason)
            if not isinstance(created, Delivered) or not created.conversation_id:
                return await self._record(delivery, created if not isinstance(created, Delivered) else PermanentFailure(None, "NoConversationId"))
            conversation_id = created.conversation_id
            await self.queue.remember_conversation(delivery.recipient_id, conversation_id)
        outcome = await self._connector.send_to_conversation(delivery.service_url, conversation_id, self._render(delivery))
        return await self._record(delivery, outcome)

    async def _record(self, delivery: Delivery, outcome: Outcome) -> str:
        now = self._clock.now()
        queue, policy = self.queue, self._config.retry
        if isinstance(outcome, Delivered):
            await queue.finish(delivery.message_id, now, DeliveryState.SENT, activity_id=outcome.activity_id or None)
            return "sent"
        if isinstance(outcome, PermanentFailure):
            await queue.finish(delivery.message_id, now, DeliveryState.FAILED, reason=outcome.reason[:120], status_code=outcome.status)
            return "failed"
        if isinstance(outcome, Unknown):
            await queue.finish(delivery.message_id, now, DeliveryState.UNKNOWN, reason=outcome.reason[:120])
            return "unknown"
        if outcome.status == 429:
            await queue.refund_slot(self._config.shared_rate)
        if policy.exhausted(delivery.attempts):
            await queue.finish(delivery.message_id, now, DeliveryState.FAILED, reason=f"retries_exhausted_{outcome.status or 'connect'}", status_code=outcome.status)
            return "failed"
        retry_at = now + timedelta(seconds=policy.delay(delivery.attempts, outcome.retry_after))
        await queue.finish(delivery.message_id, now, DeliveryState.QUEUED, status_code=outcome.status, reason="retry", retry_at=retry_at)
        self._wake.set()
        return "retry"

