"""botbuilder's TurnContext, sending the activities it is given without deep-copying them.

`TurnContext.send_activities` deep-copies every outgoing activity before stamping the
conversation reference on it, so that a caller who keeps and reuses an activity does not see
it changed. Ours are built for one send and dropped (`replies.send_replies`), and a card's
deep copy was 7 % of a help-card turn's CPU. A shallow copy still keeps the caller's object
unstamped: only top-level fields are set on the copy. Otherwise the same as botbuilder 4.17's.
"""

from __future__ import annotations

from copy import copy

from botbuilder.core import TurnContext
from botbuilder.schema import Activity, ActivityTypes, DeliveryModes, InputHints, ResourceResponse


class ReplyContext(TurnContext):
    async def send_activities(self, activities: list[Activity]) -> list[ResourceResponse]:
        reference = TurnContext.get_conversation_reference(self.activity)
        output = [_stamped(TurnContext.apply_conversation_reference(copy(activity), reference)) for activity in activities]
        sent_non_trace = any(activity.type != ActivityTypes.trace for activity in output)

        async def logic() -> list[ResourceResponse]:
            if self.activity.delivery_mode == DeliveryModes.expect_replies:
                responses = []
                for activity in output:
                    self.buffered_reply_activities.append(activity)
                    # As botbuilder: an invoke response buffered here must still reach the
                    # turn state, where the adapter looks for it.
                    if activity.type == ActivityTypes.invoke_response:
                        self.turn_state[TurnContext._INVOKE_RESPONSE_KEY] = activity
                    responses.append(ResourceResponse())
            else:
                responses = await self.adapter.send_activities(self, output)
            if sent_non_trace:
                self.responded = True
            return responses

        result: list[ResourceResponse] = await self._emit(self._on_send_activities, output, logic())
        return result


def _stamped(activity: Activity) -> Activity:
    if not getattr(activity, "type", None):
        activity.type = ActivityTypes.message
    if not activity.input_hint:
        activity.input_hint = InputHints.accepting_input
    activity.id = None
    return activity
