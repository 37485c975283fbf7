"""The outbound side of a turn in normal delivery: replies POSTed to the `serviceUrl`.

Every send of a turn goes through one `TurnDelivery` (kept in the turn state), over the app's
pooled `BotConnector`. The first failed send is logged once, with its outcome and reason, and
the rest of the turn's sends are skipped: a connector that refused or did not answer once is
not given every further reply and typing indicator to time out on too. Sends never raise for
a delivery problem, so the turn ends cleanly and its state is saved.
"""

from __future__ import annotations

import logging
from typing import Final

from botbuilder.core import BotAdapter, TurnContext
from botbuilder.schema import Activity, ConversationReference, ResourceResponse

from bot.service.connector import BotConnector, Delivered, Outcome
from domain.logs import log_event

log = logging.getLogger(__name__)

DELIVERY_KEY: Final = "palveluopas.delivery"


class TurnDelivery:
    def __init__(self, connector: BotConnector, audience: str | None) -> None:
        self._connector = connector
        self._audience = audience
        self.failure: Outcome | None = None
        """The first failed send's outcome; once set, nothing more is sent this turn."""

    @classmethod
    def of(cls, context: TurnContext, connector: BotConnector) -> TurnDelivery:
        """The turn's delivery, made on first use (also for proactive turns)."""
        delivery = context.turn_state.get(DELIVERY_KEY)
        if delivery is None:
            delivery = cls(connector, context.turn_state.get(BotAdapter.BOT_OAUTH_SCOPE_KEY))
            context.turn_state[DELIVERY_KEY] = delivery
        return delivery  # type: ignore[no-any-return]  # the SDK's turn_state is an untyped dict; we put it there

    async def send(self, activity: Activity) -> ResourceResponse:
        if self.failure is not None:
            return ResourceResponse(id="")
        conversation_id = activity.conversation.id if activity.conversation else ""
        if activity.reply_to_id:
            outcome = await self._connector.reply_to_activity(activity.service_url, conversation_id, activity.reply_to_id, activity, audience=self._audience)
        else:
            outcome = await self._connector.send_to_conversation(activity.service_url, conversation_id, activity, audience=self._audience)
        return self._response(outcome, activity, "send")

    async def update(self, activity: Activity) -> ResourceResponse | None:
        if self.failure is not None:
            return None
        conversation_id = activity.conversation.id if activity.conversation else ""
        outcome = await self._connector.update_activity(activity.service_url, conversation_id, activity.id or "", activity, audience=self._audience)
        response = self._response(outcome, activity, "update")
        return response if response.id else None

    async def delete(self, reference: ConversationReference) -> None:
        if self.failure is not None:
            return
        conversation_id = reference.conversation.id if reference.conversation else ""
        outcome = await self._connector.delete_activity(reference.service_url, conversation_id, reference.activity_id or "", audience=self._audience)
        self._record(outcome, reference.conversation.id if reference.conversation else None, "delete", "delete")

    def _response(self, outcome: Outcome, activity: Activity, operation: str) -> ResourceResponse:
        if isinstance(outcome, Delivered):
            return ResourceResponse(id=outcome.activity_id)
        self._record(outcome, activity.conversation.id if activity.conversation else None, activity.type, operation)
        return ResourceResponse(id="")

    def _record(self, outcome: Outcome, conversation_id: str | None, activity_type: str | None, operation: str) -> None:
        if isinstance(outcome, Delivered) or self.failure is not None:
            return
        self.failure = outcome
        log_event(
            log,
            "delivery_failed",
            level=logging.WARNING,
            outcome=type(outcome).__name__,
            status=getattr(outcome, "status", None),
            reason=outcome.reason,
            retry_after=getattr(outcome, "retry_after", None),
            operation=operation,
            activity_type=activity_type,
            conversation_id=conversation_id,
        )
