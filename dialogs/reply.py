"""Sending a guided dialog's card: as an Adaptive Card where the channel renders them, as its
plain-text rendering where it does not."""

from __future__ import annotations

import json
from typing import TYPE_CHECKING, Final

from botbuilder.core import TurnContext
from botbuilder.schema import Activity, ActivityTypes

from bot.ui.cards.message import card_activity
from bot.ui.cards.text import render_card_text

if TYPE_CHECKING:
    from dialogs.guided import Screen

CARD_CHANNELS: Final = frozenset({"msteams", "emulator", "webchat", "directline", "test"})
"""Channels that render Adaptive Cards 1.5. Elsewhere (SMS, e-mail, the terminal chat's own
channel id, ...) the same content goes out as text with numbered options to type."""

MAX_ACTIVITY_BYTES: Final = 27_000
"""Teams refuses a bot message over about 28 KB, card and summary together. A long card (the
finder's result over the whole service menu) keeps its card whole and shortens the summary,
which clients show only as a preview."""


def supports_cards(context: TurnContext) -> bool:
    return (context.activity.channel_id or "").lower() in CARD_CHANNELS


def screen_text(screen: Screen) -> str:
    rendered = render_card_text(screen.card)
    return f"{rendered}\n\n{screen.extra_text}" if screen.extra_text else rendered


def card_message(screen: Screen) -> Activity:
    """The card with its text rendering as `summary` (what a client without cards, and a
    notification, shows); cut to fit the message size limit when the card is long. Not as
    `text`: Teams would show that as a second message above the card."""
    activity = card_activity(screen.card)
    summary = screen_text(screen)
    budget = MAX_ACTIVITY_BYTES - len(json.dumps(activity.serialize(), ensure_ascii=False).encode())
    if len(summary.encode()) > budget:
        summary = summary.encode()[: max(budget - 3, 0)].decode(errors="ignore").rstrip() + "…"
    activity.summary = summary
    return activity


async def send_screen(context: TurnContext, screen: Screen) -> None:
    if supports_cards(context):
        await context.send_activity(card_message(screen))
    else:
        await context.send_activity(Activity(type=ActivityTypes.message, text=screen_text(screen)))
