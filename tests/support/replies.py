"""What a user sees in the bot's replies.

Replies come as JSON dicts (over HTTP) or as botbuilder `Activity` objects (TestAdapter);
every helper takes either.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from botbuilder.schema import Activity

from bot.ui.cards.message import ADAPTIVE_CARD_CONTENT_TYPE
from bot.ui.cards.text import SubmitAction, render_card_text, submit_actions


def as_dicts(replies: Iterable[Activity | dict[str, Any]]) -> list[dict[str, Any]]:
    return [reply.serialize() if isinstance(reply, Activity) else reply for reply in replies]


def messages(replies: Iterable[Activity | dict[str, Any]]) -> list[dict[str, Any]]:
    """Message activities only (no typing indicators or traces)."""
    return [reply for reply in as_dicts(replies) if reply.get("type") == "message"]


def texts(replies: Iterable[Activity | dict[str, Any]]) -> list[str]:
    """The `text` of each message that has one."""
    return [reply["text"] for reply in messages(replies) if reply.get("text")]


def cards(replies: Iterable[Activity | dict[str, Any]]) -> list[dict[str, Any]]:
    """Every Adaptive Card attached to the replies, in order."""
    return [
        attachment["content"]
        for reply in messages(replies)
        for attachment in reply.get("attachments") or ()
        if attachment.get("contentType") == ADAPTIVE_CARD_CONTENT_TYPE
    ]


def shown_text(replies: Iterable[Activity | dict[str, Any]]) -> str:
    """Everything a user reads: message texts and cards rendered as text, in order."""
    parts: list[str] = []
    for reply in messages(replies):
        if reply.get("text"):
            parts.append(reply["text"])
        for attachment in reply.get("attachments") or ():
            if attachment.get("contentType") == ADAPTIVE_CARD_CONTENT_TYPE:
                parts.append(render_card_text(attachment["content"]))
    return "\n".join(parts)


def buttons(replies: Iterable[Activity | dict[str, Any]]) -> list[SubmitAction]:
    """The submit buttons of all cards, in order (numbers restart per card)."""
    return [action for card in cards(replies) for action in submit_actions(card)]


def button(replies: Iterable[Activity | dict[str, Any]], title: str) -> Any:
    """The `data` of the button titled `title` (what clicking it sends as `activity.value`)."""
    found = [action.data for action in buttons(replies) if action.title == title]
    assert found, f"no button {title!r}; buttons: {[a.title for a in buttons(replies)]}"
    return found[0]
