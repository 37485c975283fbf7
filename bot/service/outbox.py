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
import contextlib
import logging
import time
import uuid
from collections.abc import Callable, Coroutine, Mapping
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime, timedelta
from typing import Any, Final, Protocol

from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot.service.connector import BotConnector, Delivered, Outcome, PermanentFailure, Retryable, Unknown
from bot.service.metrics import Metrics
from bot.store.campaign_store import CampaignStore
from bot.store.outbox import Claim, Delivery, OutboxQueue, Rate, Result
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
    begin_window: float = 0.25
    """Claims whose slots fall within this many seconds are moved to `sending` in one write."""
    flush_seconds: float = 0.1
    """Outcomes are recorded in one write per this interval."""
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
        metrics: Metrics | None = None,
    ) -> None:
        self._metrics = metrics
        self.queue = OutboxQueue(sessionmaker, instance_id or uuid.uuid4().hex[:16])
        self.campaigns = CampaignStore(sessionmaker)
        self._connector = connector
        self._render = render
        self._clock = clock or SystemClock()
        self._config = config or OutboxConfig()
        self._tasks: set[asyncio.Task[None]] = set()
        self._in_flight: set[int] = set()
        """Claimed messages whose outcome is not yet recorded."""
        self._waiting: dict[asyncio.Task[None], list[int]] = {}
        """Batches not yet moved to `sending`: safe to give back on shutdown."""
        self._results: list[Result] = []
        self._refunds = 0
        self._flushing = False
        self._wake = asyncio.Event()
        self._idle = asyncio.Event()
        self._housekeep_now = True
        self._stopping = False
        self._loop_task: asyncio.Task[None] | None = None
        self._flush_task: asyncio.Task[None] | None = None
        self._closing = asyncio.Event()

    @property
    def instance_id(self) -> str:
        return self.queue.instance_id

    def start(self) -> None:
        self._loop_task = asyncio.create_task(self._run(), name=f"outbox-{self.instance_id}")
        self._flush_task = asyncio.create_task(self._flush_loop(), name=f"outbox-flush-{self.instance_id}")

    def wake(self) -> None:
        """Look at the queue now (a campaign was created, the clock moved)."""
        self._housekeep_now = True
        self._idle.clear()
        self._wake.set()

    async def settle(self) -> None:
        """Wait until a pass finds nothing due and every outcome is recorded (tests; callers
        bound the wait)."""
        self.wake()
        await self._idle.wait()

    async def stop(self, grace_seconds: float = 20.0) -> None:
        """Stop claiming; give back batches not yet sending; let sends in progress finish;
        record every outcome."""
        self._stopping = True
        self._wake.set()
        if self._loop_task is not None:
            await self._loop_task
        waiting = dict(self._waiting)
        for task in waiting:
            task.cancel()
        await asyncio.gather(*waiting, return_exceptions=True)
        await self.queue.release([message_id for ids in waiting.values() for message_id in ids], self._clock.now())
        deadline = time.monotonic() + grace_seconds
        while self._tasks and time.monotonic() < deadline:  # a batch spawns its sends as it goes
            await asyncio.wait(list(self._tasks), timeout=deadline - time.monotonic())
        # The flush loop is asked to end, never cancelled: a flush cancelled halfway would lose
        # the outcomes it had taken (their rows would stay `sending`, shown as unknown).
        self._closing.set()
        if self._flush_task is not None:
            await self._flush_task
        await self._flush()

    # --- the claim loop -------------------------------------------------------------------

    async def _run(self) -> None:
        while not self._stopping:
            # Cleared before the pass: a wake-up during it (outcomes recorded, a retry
            # queued) makes the loop look again at once instead of waiting for the next poll.
            self._wake.clear()
            try:
                found = await self._pass()
            except Exception as exc:  # the database may be briefly away; the loop must live on
                log_event(log, "outbox_pass_failed", level=logging.WARNING, exc_info=exc, error_type=type(exc).__name__)
                found = 0
            if self._stopping:
                break
            if found == 0 and not (self._tasks or self._in_flight or self._results or self._flushing or self._wake.is_set()):
                self._idle.set()
            if self._wake.is_set():
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
        config = self._config
        free = config.max_in_flight - len(self._in_flight)
        # Claim in batches (each claim is a write): when half the room is free, or all of it.
        if free <= 0 or (self._in_flight and free < config.max_in_flight // 2):
            return 0
        claims = await self.queue.claim(now, free, config.shared_rate, config.claim_lease)
        self._in_flight.update(claim.message_id for claim in claims)
        if self._metrics is not None:
            # The shared queue (every instance's), not this process's share of it.
            self._metrics.set_campaign_queue_depth(await self.queue.depth())
        # Slots are times on the clock; waiting for them is measured on the monotonic clock
        # from this moment, so a clock that does not move by itself (tests) does not stretch it.
        anchor = time.monotonic() - now.timestamp()
        for batch in _batches(claims, config.begin_window):
            task = self._spawn(self._send_batch(batch, anchor))
            self._waiting[task] = [claim.message_id for claim in batch]
        return len(claims)

    def _spawn(self, coroutine: Coroutine[Any, Any, None]) -> asyncio.Task[None]:
        task = asyncio.create_task(coroutine)
        self._tasks.add(task)
        task.add_done_callback(self._done)
        return task

    def _done(self, task: asyncio.Task[None]) -> None:
        self._tasks.discard(task)
        self._waiting.pop(task, None)
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

    # --- sending ----------------------------------------------------------------------------

    async def _send_batch(self, batch: list[Claim], anchor: float) -> None:
        """Move a batch of claims whose slots are close together to `sending` in one write,
        then send each at its own slot."""
        await _until(batch[0].slot + anchor)
        task = asyncio.current_task()
        ids = self._waiting.pop(task, []) if task is not None else []
        try:
            deliveries = {d.message_id: d for d in await self.queue.begin(ids, self._clock.now(), self._config.send_lease)}
        except Exception as exc:  # still `claimed`: the lease runs out and they are sent later
            log_event(log, "outbox_begin_failed", level=logging.WARNING, exc_info=exc, error_type=type(exc).__name__)
            self._in_flight.difference_update(ids)
            return
        for claim in batch:
            delivery = deliveries.get(claim.message_id)
            if delivery is None:
                self._in_flight.discard(claim.message_id)
                continue
            await _until(claim.slot + anchor)
            self._spawn(self._send(delivery))

    async def _send(self, delivery: Delivery) -> None:
        started = time.monotonic()
        try:
            result = await self._attempt(delivery)
        except Exception as exc:  # the row stays `sending` and is reaped as unknown: never resent
            log_event(log, "outbox_send_failed", level=logging.ERROR, exc_info=exc, message_id=delivery.message_id, error_type=type(exc).__name__)
            self._in_flight.discard(delivery.message_id)
            return
        self._results.append(result)
        self._in_flight.discard(delivery.message_id)
        if self._metrics is not None:
            self._metrics.campaign_sent(result.state.value if result.retry_at is None else "retry")
        log_event(
            log, "outbox_send", message_id=delivery.message_id, kind=delivery.kind.value, outcome=result.state.value if result.retry_at is None else "retry",
            status=result.status_code, reason=result.reason, latency_ms=round((time.monotonic() - started) * 1000),
        )  # fmt: skip

    async def _attempt(self, delivery: Delivery) -> Result:
        conversation_id, created = delivery.conversation_id, None
        if conversation_id is None:
            made = await self._connector.create_conversation(
                delivery.service_url, tenant_id=delivery.tenant_id, bot_id=delivery.bot_id, user_id=delivery.user_id
            )
            if isinstance(made, Unknown):
                # Making a 1:1 chat shows the user nothing and Teams gives the same chat again:
                # a lost answer is safe to ask again.
                made = Retryable(None, None, made.reason)
            if not isinstance(made, Delivered):
                return self._result(delivery, made)
            if not made.conversation_id:
                return self._result(delivery, PermanentFailure(None, "NoConversationId"))
            conversation_id = created = made.conversation_id
        outcome = await self._connector.send_to_conversation(delivery.service_url, conversation_id, self._render(delivery))
        return replace(self._result(delivery, outcome), conversation_id=created)

    def _result(self, delivery: Delivery, outcome: Outcome) -> Result:
        base = Result(delivery.message_id, delivery.recipient_id, DeliveryState.SENT)
        if isinstance(outcome, Delivered):
            return replace(base, activity_id=outcome.activity_id or None)
        if isinstance(outcome, PermanentFailure):
            return replace(base, state=DeliveryState.FAILED, reason=outcome.reason[:120], status_code=outcome.status)
        if isinstance(outcome, Unknown):
            return replace(base, state=DeliveryState.UNKNOWN, reason=outcome.reason[:120])
        if outcome.status == 429:
            self._refunds += 1
        policy = self._config.retry
        if policy.exhausted(delivery.attempts):
            return replace(base, state=DeliveryState.FAILED, reason=f"RetriesExhausted{outcome.status or ''}", status_code=outcome.status)
        retry_at = self._clock.now() + timedelta(seconds=policy.delay(delivery.attempts, outcome.retry_after))
        return replace(base, state=DeliveryState.QUEUED, reason=outcome.reason[:120], status_code=outcome.status, retry_at=retry_at)

    # --- recording outcomes -----------------------------------------------------------------

    async def _flush_loop(self) -> None:
        while not self._closing.is_set():
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self._closing.wait(), self._config.flush_seconds)
            await self._flush()

    async def _flush(self) -> None:
        """Record the outcomes gathered since the last flush in one transaction. Until then a
        sent message's row says `sending`: a crash now leaves it unknown, never resent."""
        if not self._results and not self._refunds:
            return
        results, refunds = self._results, self._refunds
        self._results, self._refunds = [], 0
        self._flushing = True
        try:
            await self.queue.finish(results, self._clock.now(), refunds, self._config.shared_rate)
        except Exception as exc:  # keep them for the next flush
            log_event(log, "outbox_flush_failed", level=logging.WARNING, exc_info=exc, error_type=type(exc).__name__, results=len(results))
            self._results[:0], self._refunds = results, self._refunds + refunds
        finally:
            self._flushing = False
            self._wake.set()


async def _until(monotonic: float) -> None:
    delay = monotonic - time.monotonic()
    if delay > 0:
        await asyncio.sleep(delay)


def _batches(claims: list[Claim], window: float) -> list[list[Claim]]:
    """Claims in slot order, cut wherever a slot is more than `window` after its batch's first."""
    batches: list[list[Claim]] = []
    for claim in sorted(claims, key=lambda c: c.slot):
        if batches and claim.slot - batches[-1][0].slot < window:
            batches[-1].append(claim)
        else:
            batches.append([claim])
    return batches
