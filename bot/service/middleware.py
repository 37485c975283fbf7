"""Turn middleware: the turn log line, and the typing indicator made safe."""

from __future__ import annotations

import logging
import time
from collections.abc import Awaitable, Callable

from botbuilder.core import Middleware, ShowTypingMiddleware, TurnContext
from botbuilder.schema import DeliveryModes

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


class TypingMiddleware(ShowTypingMiddleware):
    """botbuilder's ShowTypingMiddleware, with two of its faults kept out.

    Its timer is stopped only when the turn returns, so a turn that raises would send
    "typing" every period for the life of the process; here the turn's exception is held
    until the timer has stopped. And its typing activities go straight to the adapter, past
    the expectReplies buffer, i.e. to a `serviceUrl` nobody listens on: a turn whose replies
    come back in the HTTP response has no typing indicator.
    """

    async def on_turn(self, context: TurnContext, logic: Callable[[], Awaitable[None]]) -> None:
        if context.activity.delivery_mode == DeliveryModes.expect_replies:
            await logic()
            return
        failure: BaseException | None = None

        async def guarded() -> None:
            nonlocal failure
            try:
                await logic()
            except BaseException as exc:  # re-raised below, once the timer has stopped
                failure = exc

        await super().on_turn(context, guarded)
        if failure is not None:
            raise failure
