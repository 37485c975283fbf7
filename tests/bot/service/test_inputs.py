"""Where a turn's dialogs are stored: one state per personal chat, one per worker in a group
chat or a channel; and what the feedback desk is handed from an activity, read once before
anything acts on it."""

from __future__ import annotations

from typing import Any

import pytest
from botbuilder.schema import Activity, ChannelAccount, ConversationAccount

from bot.service.inputs import DeskCommand, DeskPress, read_desk_input, state_key
from bot.ui.cards.feedback import ACTION_KEY, OUTCOME_INPUT, QUESTION_INPUT, CardAction, CaseAction
from bot.ui.cards.payload import PAYLOAD_KEY
from bot.ui.i18n import Strings
from tests.support.http import activity as activity_json


def _activity(kind: str | None, user: str) -> Activity:
    return Activity(channel_id="msteams", conversation=ConversationAccount(id="c-1", conversation_type=kind), from_property=ChannelAccount(id=user))


def test_a_personal_chat_has_one_state_whoever_writes() -> None:
    assert state_key(_activity("personal", "anna")) == state_key(_activity("personal", "bertil")) == "msteams/conversations/c-1"
    assert state_key(_activity(None, "anna")) == "msteams/conversations/c-1"


def test_in_a_group_chat_or_a_channel_each_worker_has_their_own_state() -> None:
    for kind in ("groupChat", "channel"):
        anna, bertil = state_key(_activity(kind, "anna")), state_key(_activity(kind, "bertil"))
        assert anna != bertil and anna.endswith("/users/anna")


# --- What the feedback desk is handed: read from activities as Teams sends them ------------------

STRINGS = Strings.load()
BOT = {"id": "28:palveluopas", "name": "Palveluopas"}
TIINA = {"id": "29:tiina", "name": "Tiina Tiimiläinen"}
CHANNEL = {"id": "19:lastensuojelu@thread.tacv2;messageid=1712", "conversationType": "channel", "isGroup": True, "tenantId": "tenant-1"}


def _teams(type: str = "message", **fields: Any) -> Activity:
    """An incoming activity as the adapter deserializes Teams' JSON."""
    conversation = {"id": "a:1personal", "conversationType": "personal", "tenantId": "tenant-1"}
    body = activity_json(type, channel_id="msteams", bot_id=BOT["id"], user_id="29:admin", expect_replies=False, **{"conversation": conversation, **fields})
    return Activity().deserialize(body)


def _mention(who: dict[str, str]) -> dict[str, Any]:
    return {"type": "mention", "text": f"<at>{who['name']}</at>", "mentioned": who}


def _execute(verb: str, data: Any) -> Activity:
    """A Universal Action (`Action.Execute`) as Teams invokes it."""
    value = {"action": {"type": "Action.Execute", "id": "a1", "verb": verb, "data": data}, "trigger": "manual"}
    return _teams(type="invoke", name="adaptiveCard/action", conversation=CHANNEL, value=value)


def test_a_universal_action_on_a_report_card_is_read_with_its_inputs() -> None:
    given = read_desk_input(_execute("feedback.close", {ACTION_KEY: {"verb": "close", "report": 7}, OUTCOME_INPUT: "noted"}), STRINGS)
    assert given == DeskPress(CardAction("close", 7, outcome="noted"))


def test_a_universal_action_on_a_case_names_the_case_and_its_new_status() -> None:
    given = read_desk_input(_execute("feedback.case", {ACTION_KEY: {"verb": "case", "case": 3, "to": "in_handling"}}), STRINGS)
    assert given == DeskPress(CaseAction(3, "in_handling", None))


def test_an_invoke_whose_verb_is_not_its_datas_is_the_desks_to_refuse() -> None:
    # Ours (the key is there), so not left to the dialogs, but no action: the desk says so.
    assert read_desk_input(_execute("feedback.take", {ACTION_KEY: {"verb": "close", "report": 7}}), STRINGS) == DeskPress(None)
    assert read_desk_input(_execute("feedback.take", {ACTION_KEY: {"verb": "case", "case": 3, "to": "closed"}}), STRINGS) == DeskPress(None)


def test_an_old_clients_action_submit_is_read_from_the_message_value() -> None:
    value = {ACTION_KEY: {"verb": "ask", "report": 12}, QUESTION_INPUT: "  Mikä palvelu oli kyseessä?  "}
    given = read_desk_input(_teams(conversation=CHANNEL, value=value, replyToId="card-1"), STRINGS)
    assert given == DeskPress(CardAction("ask", 12, question="Mikä palvelu oli kyseessä?"))


def test_a_role_command_in_a_channel_names_the_mentioned_user_and_not_the_bot() -> None:
    activity = _teams(
        conversation=CHANNEL,
        text="<at>Palveluopas</at> lisää rooli <at>Tiina Tiimiläinen</at> jäsen lastensuojelu\n",
        entities=[_mention(BOT), _mention(TIINA), {"type": "clientInfo", "locale": "fi-FI", "country": "FI", "platform": "Web"}],
    )
    given = read_desk_input(activity, STRINGS)
    assert given == DeskCommand("grant", "jäsen lastensuojelu", mentioned=("29:tiina",))
    # Read as sent: `read_input` still finds the bot's mention to take out after the desk.
    assert activity.text.startswith("<at>Palveluopas</at>")


def test_a_swedish_role_command_names_the_user_by_entra_object_id() -> None:
    given = read_desk_input(_teams(locale="sv-SE", text="Lägg till roll 6F1C2D3E-0000-4000-8000-00000000A0B1 medlem barnskydd"), STRINGS)
    assert isinstance(given, DeskCommand) and given.name == "grant" and given.rest.endswith(" medlem barnskydd")
    assert given.object_id == "6f1c2d3e-0000-4000-8000-00000000a0b1" and given.mentioned == ()


def test_commands_are_known_in_every_language_whatever_the_locale() -> None:
    for text, name in (
        ("rekisteröi kanava lastensuojelu", "register"),
        ("registrera kanal barnskydd", "register"),
        ("remove role", "revoke"),
        ("Valvonta!", "cases"),
    ):
        given = read_desk_input(_teams(locale="en-US", text=text), STRINGS)
        assert isinstance(given, DeskCommand) and given.name == name, text


def test_a_question_that_starts_with_a_cases_word_is_left_to_the_dialogs() -> None:
    assert read_desk_input(_teams(text="valvonta ja hankinnat?"), STRINGS) is None
    assert read_desk_input(_teams(conversation=CHANNEL, text="<at>Palveluopas</at>", entities=[_mention(BOT)]), STRINGS) is None


@pytest.mark.parametrize(
    "activity",
    [
        _teams(value="pvfb"),
        _teams(value=["pvfb"]),
        _teams(value={PAYLOAD_KEY: {"dialog": "finder", "step": "finder:ika:1", "action": "answer"}}),
        _execute("feedback.take", [ACTION_KEY]),
        _execute("feedback.take", "pvfb"),
        _teams(type="invoke", name="adaptiveCard/action", value={"action": "Action.Execute"}),
        _teams(type="invoke", name="adaptiveCard/action", value={"action": {"type": "Action.Submit", "data": {ACTION_KEY: {"verb": "take", "report": 7}}}}),
        _teams(type="conversationUpdate", value={ACTION_KEY: {"verb": "take", "report": 7}}),
    ],
)
def test_values_of_the_wrong_shape_are_not_the_desks(activity: Activity) -> None:
    assert read_desk_input(activity, STRINGS) is None


def test_a_desk_payload_of_the_wrong_types_is_the_desks_to_refuse() -> None:
    for value in ({ACTION_KEY: "take"}, {ACTION_KEY: {"verb": "take", "report": "7"}}, {ACTION_KEY: {"verb": "close", "report": 7}, OUTCOME_INPUT: ["noted"]}):
        assert read_desk_input(_teams(value=value), STRINGS) == DeskPress(None), value
