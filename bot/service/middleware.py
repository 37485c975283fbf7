"""Turn middleware: the turn log line, and the typing indicator, sent once."""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import Awaitable, Callable

from botbuilder.core import Middleware, TurnContext
from botbuilder.schema import Activity, ActivityTypes, DeliveryModes

from bot.service.metrics import Metrics, activity_kind
from domain.logs import log_event

log = logging.getLogger("bot.turn")


class TurnLogMiddleware(Middleware):
    """One line per turn (ids, activity type, outcome and latency; never the text), and the
    turn counted in the metrics."""

    def __init__(self, metrics: Metrics | None = None) -> None:
        self._metrics = metrics or Metrics()

    async def on_turn(self, context: TurnContext, logic: Callable[[], Awaitable[None]]) -> None:
        started = time.perf_counter()
        outcome = "error"
        try:
            await logic()
            outcome = "ok"
        finally:
            activity = context.activity
            seconds = time.perf_counter() - started
            self._metrics.turn(activity_kind(activity.type, activity.value is not None, bool(activity.text)), outcome, seconds)
            log_event(
                log,
                "turn",
                conversation_id=activity.conversation.id if activity.conversation else None,
                activity_id=activity.id,
                channel_id=activity.channel_id,
                activity_type=activity.type,
                has_value=activity.value is not None,
                outcome=outcome,
                latency_ms=round(seconds * 1000, 1),
            )


class TypingMiddleware(Middleware):
    """One typing indicator for a message whose turn takes longer than `delay` seconds.

    Replaces botbuilder's ShowTypingMiddleware, which sends "typing" every period for as
    long as the turn runs: into a connector that does not answer, that multiplied the
    blocked sends (and a turn that raised never stopped its timer). Here it is sent at most
    once, never into a connector that already failed this turn (the turn's delivery skips
    it), and a send already under way is left to finish rather than cut off. A turn whose
    replies come back in the HTTP response (expectReplies) has no typing indicator.
    """

    def __init__(self, delay: float = 0.5) -> None:
        self._delay = delay
        self._in_flight: set[asyncio.Task[None]] = set()

    async def on_turn(self, context: TurnContext, logic: Callable[[], Awaitable[None]]) -> None:
        activity = context.activity
        if activity.type != ActivityTypes.message or activity.delivery_mode == DeliveryModes.expect_replies:
            await logic()
            return
        sending = asyncio.Event()
        task = asyncio.create_task(self._typing_later(context, sending))
        self._in_flight.add(task)
        task.add_done_callback(self._in_flight.discard)
        try:
            await logic()
        finally:
            if not sending.is_set():
                task.cancel()

    async def _typing_later(self, context: TurnContext, sending: asyncio.Event) -> None:
        await asyncio.sleep(self._delay)
        sending.set()
        typing = TurnContext.apply_conversation_reference(
            Activity(type=ActivityTypes.typing, relates_to=context.activity.relates_to),
            TurnContext.get_conversation_reference(context.activity),
        )
        await context.adapter.send_activities(context, [typing])
