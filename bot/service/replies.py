"""Sending what a turn decided: cards as Adaptive Cards where the channel renders them, as
their plain-text rendering where it does not; notices as plain messages.

In a group chat or a channel a flow belongs to the worker who started it, so every reply
there mentions that worker.
"""

from __future__ import annotations

import hashlib
from collections import OrderedDict
from collections.abc import Sequence
from typing import Any, Final

import orjson
from botbuilder.core import TurnContext
from botbuilder.schema import Activity, ActivityTypes, ChannelAccount, Mention

from bot.ui.cards.message import card_activity
from bot.ui.cards.text import render_card_text
from dialogs.engine import Notice, Replace, Reply, Screen

CARD_CHANNELS: Final = frozenset({"msteams", "emulator", "webchat", "directline", "test"})
"""Channels that render Adaptive Cards 1.5. Elsewhere (SMS, e-mail, the terminal chat's own
channel id, ...) the same content goes out as text with numbered options to type."""

MAX_ACTIVITY_BYTES: Final = 27_000
"""Teams refuses a bot message over about 28 KB, card and summary together. A long card (the
finder's result over the whole service menu) keeps its card whole and shortens the summary,
which clients show only as a preview."""

ENVELOPE_BYTES: Final = 2_000
"""What an activity adds around its card and text: type, ids, conversation, sender, recipient,
service URL, locale, a mention (a few hundred bytes in Teams; kept generous)."""

SHARED_CONVERSATIONS: Final = frozenset({"groupChat", "channel"})


def supports_cards(context: TurnContext) -> bool:
    return (context.activity.channel_id or "").lower() in CARD_CHANNELS


def screen_text(screen: Screen) -> str:
    if screen.card is None:
        return screen.text
    return _with_lines(screen, render_card_text(screen.card))


def _with_lines(screen: Screen, rendered: str) -> str:
    if screen.text:
        rendered = f"{screen.text}\n\n{rendered}"
    return f"{rendered}\n\n{screen.extra_text}" if screen.extra_text else rendered


_RENDERED: OrderedDict[bytes, str] = OrderedDict()
"""Text renderings of recent cards by a digest of their JSON: most cards a turn sends (the
help card, a service card, a finder question) are the same card again, and rendering one
walks all of it in Python."""
RENDERED_KEPT: Final = 512


def _rendered(card: dict[str, Any], encoded: bytes) -> str:
    key = hashlib.blake2b(encoded, digest_size=16).digest()
    found = _RENDERED.get(key)
    if found is None:
        found = _RENDERED[key] = render_card_text(card)
        if len(_RENDERED) > RENDERED_KEPT:
            _RENDERED.popitem(last=False)
    else:
        _RENDERED.move_to_end(key)
    return found


def card_message(screen: Screen) -> Activity:
    """The card with its text rendering as `summary` (what a client without cards, and a
    notification, shows); cut to fit the message size limit when the card is long. Not as
    `text` (unless the screen has a line above the card): Teams would show a second message."""
    assert screen.card is not None
    # The card and the line above it, measured as the JSON they go out as (orjson: compact
    # UTF-8, a turn's card rendered once, not walked again as an activity), plus room for the
    # envelope's ids.
    encoded = orjson.dumps(screen.card)
    summary = _with_lines(screen, _rendered(screen.card, encoded))
    budget = MAX_ACTIVITY_BYTES - ENVELOPE_BYTES - (len(encoded) + len(orjson.dumps(screen.text)) + len(b"[,]"))
    if len(summary.encode()) > budget:
        summary = summary.encode()[: max(budget - 3, 0)].decode(errors="ignore").rstrip() + "…"
    return card_activity(screen.card, text=screen.text or None, summary=summary)


def activity_of(context: TurnContext, reply: Screen | Notice) -> Activity:
    if isinstance(reply, Notice):
        return Activity(type=ActivityTypes.message, text=reply.text)
    if reply.card is not None and supports_cards(context):
        return card_message(reply)
    return Activity(type=ActivityTypes.message, text=screen_text(reply))


def _mention(activity: Activity, person: ChannelAccount) -> None:
    """Address a reply in a shared conversation to the worker it answers."""
    tag = f"<at>{person.name or 'user'}</at>"
    activity.text = f"{tag} {activity.text}" if activity.text else tag
    mention = Mention(mentioned=ChannelAccount(id=person.id, name=person.name), text=tag, type="mention")
    activity.entities = [*(activity.entities or []), mention]


async def send_replies(context: TurnContext, replies: Sequence[Reply]) -> dict[str, Any] | None:
    """Send the replies in order. A `Replace` answers a Universal Action (returned, to go
    into the invoke response) or, from an old client's Submit, updates the card in place."""
    incoming = context.activity
    shared = (incoming.conversation.conversation_type if incoming.conversation else None) in SHARED_CONVERSATIONS
    replaced: dict[str, Any] | None = None
    for reply in replies:
        if isinstance(reply, Replace):
            if reply.screen.card is None:
                continue
            if incoming.type == ActivityTypes.invoke:
                replaced = dict(reply.screen.card)
            elif incoming.reply_to_id:
                update = card_message(reply.screen)
                update.id = incoming.reply_to_id
                await context.update_activity(update)
            else:
                await context.send_activity(card_message(reply.screen))
            continue
        activity = activity_of(context, reply)
        if shared and incoming.from_property is not None and incoming.from_property.id:
            _mention(activity, incoming.from_property)
        await context.send_activity(activity)
    return replaced
