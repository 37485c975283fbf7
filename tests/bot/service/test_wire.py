"""The fast model-to-JSON walk gives exactly what msrest's `serialize()` gives."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

import pytest
from botbuilder.core import TurnContext
from botbuilder.schema import Activity, ActivityTypes, CardAction, ChannelAccount, ConversationAccount, Mention, SuggestedActions

from bot.service.wire import from_json, to_json
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


TEAMS_MESSAGE: dict[str, Any] = {
    "text": "<at>Palveluopas</at> apu",
    "textFormat": "plain",
    "type": "message",
    "timestamp": "2026-12-06T04:30:01.1234567Z",
    "localTimestamp": "2026-12-06T06:30:01.1234567+02:00",
    "id": "1733459401123",
    "channelId": "msteams",
    "serviceUrl": "https://smba.trafficmanager.net/emea/",
    "from": {"id": "29:1abc", "name": "Testi Työntekijä", "aadObjectId": "00000000-0000-0000-0000-000000000001"},
    "conversation": {"conversationType": "personal", "tenantId": "t-1", "id": "a:1xyz"},
    "recipient": {"id": "28:bot", "name": "Palveluopas"},
    "entities": [
        {"mentioned": {"id": "28:bot", "name": "Palveluopas"}, "text": "<at>Palveluopas</at>", "type": "mention"},
        {"locale": "fi-FI", "country": "FI", "platform": "Web", "timezone": "Europe/Helsinki", "type": "clientInfo"},
    ],
    "channelData": {"tenant": {"id": "t-1"}},
    "locale": "fi-FI",
    "localTimezone": "Europe/Helsinki",
    "value": {"pv": {"dialog": "finder", "step": "age", "value": 3, "nested": [{"a": None}]}},
    "attachments": [{"contentType": "text/html", "content": "<p>x</p>"}],
}


@pytest.mark.parametrize(
    "body",
    [
        TEAMS_MESSAGE,
        activity(text="hei"),
        activity(value={"pv": {"dialog": "menu"}}, expect_replies=False),
        {"type": "conversationUpdate", "membersAdded": [{"id": "28:bot"}], "conversation": {"id": "c"}},
        {"type": "message", "text": 12},
        {"type": "message", "service_url": "http://x"},
        {"type": "message", "timestamp": "not a date"},
        {"type": "message", "entities": [None]},
        {"type": "invoke", "name": "adaptiveCard/action", "value": {"action": {"type": "Action.Execute", "verb": "x", "data": {}}}},
    ],
    ids=["teams message", "emulator text", "card submit", "conversation update", "numeric text", "python key", "bad date", "null entity", "invoke"],
)
def test_from_json_reads_what_msrest_deserialize_reads(body: dict[str, Any]) -> None:
    try:
        expected = Activity().deserialize(body)
    except Exception as error:  # msrest refuses it: the fast path must refuse it the same way
        with pytest.raises(type(error)):
            from_json(Activity, body)
        return

    fast = from_json(Activity, body)

    assert fast.serialize() == expected.serialize()
    assert _plain(fast) == _plain(expected)


def _plain(value: Any) -> Any:
    if hasattr(value, "_attribute_map"):
        fields = {name: _plain(getattr(value, name, None)) for name in value._attribute_map}
        return {**fields, "additional_properties": getattr(value, "additional_properties", None) or {}}
    if isinstance(value, list):
        return [_plain(item) for item in value]
    if isinstance(value, dict):
        return {key: _plain(item) for key, item in value.items()}
    return value
