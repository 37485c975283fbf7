"""The fast model-to-JSON walk gives exactly what msrest's `serialize()` gives."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

import pytest
from botbuilder.core import TurnContext
from botbuilder.schema import Activity, ActivityTypes, CardAction, ChannelAccount, ConversationAccount, Mention, SuggestedActions

from bot.service.wire import to_json
from bot.ui.cards.message import card_activity
from tests.support.http import activity

CARD: dict[str, Any] = {
    "type": "AdaptiveCard",
    "version": "1.5",
    "body": [{"type": "TextBlock", "text": "Minkä ikäinen lapsi on?", "wrap": True}, {"type": "Input.Text", "id": "x", "value": None}],
    "actions": [{"type": "Action.Submit", "title": "Alle 12-vuotias", "data": {"pv": {"dialog": "finder", "step": "age", "value": 0, "on": True}}}],
}


def _incoming() -> Activity:
    return Activity().deserialize(activity(text="hei", conversation_id="a:1;messageid=2", expect_replies=False))


def _samples() -> list[Activity]:
    reply = TurnContext.apply_conversation_reference(card_activity(CARD, text="Valitse"), TurnContext.get_conversation_reference(_incoming()))
    reply.summary = "Minkä ikäinen lapsi on? [1] Alle 12-vuotias"
    mentioned = Activity(
        type=ActivityTypes.message,
        text="<at>Testi</at> hei",
        entities=[Mention(mentioned=ChannelAccount(id="u", name="Testi"), text="<at>Testi</at>", type="mention")],
    )
    typing = TurnContext.apply_conversation_reference(Activity(type=ActivityTypes.typing), TurnContext.get_conversation_reference(_incoming()))
    dated = Activity(
        type="message", text="ä", timestamp=datetime(2026, 12, 6, 4, 30, 1, 120000, tzinfo=UTC), conversation=ConversationAccount(id="c", is_group=False)
    )
    suggested = Activity(type="message", suggested_actions=SuggestedActions(actions=[CardAction(type="imBack", title="Kyllä", value="kyllä")]))
    return [reply, mentioned, typing, dated, suggested, _incoming()]


@pytest.mark.parametrize("model", _samples(), ids=["card reply", "mention", "typing", "timestamp", "suggested actions", "incoming"])
def test_to_json_equals_msrest_serialize(model: Activity) -> None:
    assert to_json(model) == model.serialize()
