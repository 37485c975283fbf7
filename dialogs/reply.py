"""Sending a guided dialog's card: as an Adaptive Card where the channel renders them, as its
plain-text rendering where it does not."""

from __future__ import annotations

from typing import TYPE_CHECKING, Final

from botbuilder.core import TurnContext
from botbuilder.schema import Activity, ActivityTypes

from bot.cards.message import card_activity
from bot.cards.text import render_card_text

if TYPE_CHECKING:
    from dialogs.guided import Screen

CARD_CHANNELS: Final = frozenset({"msteams", "emulator", "webchat", "directline", "test"})
"""Channels that render Adaptive Cards 1.5. Elsewhere (SMS, e-mail, the terminal chat's own
channel id, ...) the same content goes out as text with numbered options to type."""


def supports_cards(context: TurnContext) -> bool:
    return (context.activity.channel_id or "").lower() in CARD_CHANNELS


def screen_text(screen: Screen) -> str:
    rendered = render_card_text(screen.card)
    return f"{rendered}\n\n{screen.extra_text}" if screen.extra_text else rendered


async def send_screen(context: TurnContext, screen: Screen) -> None:
    if supports_cards(context):
        activity = card_activity(screen.card)
        # The summary is what a client without card support (and a notification) shows.
        activity.summary = screen_text(screen)
        await context.send_activity(activity)
    else:
        await context.send_activity(Activity(type=ActivityTypes.message, text=screen_text(screen)))
