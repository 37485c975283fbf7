"""A message activity carrying an Adaptive Card, with the card's text as its fallback."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, Final

from botbuilder.schema import Activity, ActivityTypes, Attachment

from bot.ui.cards.text import render_card_text

ADAPTIVE_CARD_CONTENT_TYPE: Final = "application/vnd.microsoft.card.adaptive"
CARD_VERSION: Final = "1.5"
"""The newest Adaptive Card version Teams renders on desktop, web and mobile."""


def adaptive_card(body: list[dict[str, Any]], actions: list[dict[str, Any]] | None = None) -> dict[str, Any]:
    card: dict[str, Any] = {"type": "AdaptiveCard", "version": CARD_VERSION, "body": body}
    if actions:
        card["actions"] = actions
    return card


def card_activity(card: Mapping[str, Any], text: str | None = None, summary: str | None = None) -> Activity:
    """`text` shows above the card; `summary` is what channels without cards show instead
    (the card's text rendering unless given)."""
    return Activity(
        type=ActivityTypes.message,
        text=text,
        summary=render_card_text(card) if summary is None else summary,
        attachments=[Attachment(content_type=ADAPTIVE_CARD_CONTENT_TYPE, content=dict(card))],
    )
