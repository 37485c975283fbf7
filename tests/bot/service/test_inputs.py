"""Where a turn's dialogs are stored: one state per personal chat, one per worker in a group
chat or a channel."""

from __future__ import annotations

from botbuilder.schema import Activity, ChannelAccount, ConversationAccount

from bot.service.inputs import state_key


def _activity(kind: str | None, user: str) -> Activity:
    return Activity(channel_id="msteams", conversation=ConversationAccount(id="c-1", conversation_type=kind), from_property=ChannelAccount(id=user))


def test_a_personal_chat_has_one_state_whoever_writes() -> None:
    assert state_key(_activity("personal", "anna")) == state_key(_activity("personal", "bertil")) == "msteams/conversations/c-1"
    assert state_key(_activity(None, "anna")) == "msteams/conversations/c-1"


def test_in_a_group_chat_or_a_channel_each_worker_has_their_own_state() -> None:
    for kind in ("groupChat", "channel"):
        anna, bertil = state_key(_activity(kind, "anna")), state_key(_activity(kind, "bertil"))
        assert anna != bertil and anna.endswith("/users/anna")
