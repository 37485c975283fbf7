"""The welcome card (greeting and what the bot can do) and the shorter menu card."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from bot.ui.cards.guided_common import choice
from bot.ui.cards.message import adaptive_card


@dataclass(frozen=True)
class MenuItem:
    title: str
    description: str
    data: dict[str, Any]
    """Action.Submit data, built with `bot.ui.cards.payload.Submit.data()`."""


def welcome_card(title: str, intro: str, items: Sequence[MenuItem], tip: str) -> dict[str, Any]:
    body: list[dict[str, Any]] = [
        {"type": "TextBlock", "text": title, "size": "Large", "weight": "Bolder", "wrap": True},
        {"type": "TextBlock", "text": intro, "wrap": True},
    ]
    # Each capability is one tile (the whole tile is its button): its name and what it does
    # together, not a list of descriptions followed by the same names again as buttons.
    body += [choice(_action(item), item.description) for item in items]
    body.append({"type": "TextBlock", "text": tip, "size": "Small", "isSubtle": True, "spacing": "Large", "wrap": True})
    return adaptive_card(body)


def menu_card(title: str, items: Sequence[MenuItem]) -> dict[str, Any]:
    """The capabilities as tiles, as on the welcome card, without their descriptions."""
    return adaptive_card([{"type": "TextBlock", "text": title, "weight": "Bolder", "wrap": True}, *(choice(_action(item)) for item in items)])


def _action(item: MenuItem) -> dict[str, Any]:
    return {"type": "Action.Submit", "title": item.title, "data": item.data}
