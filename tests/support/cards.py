"""Adaptive Card schema check: `assert_valid_card(card)` against the official 1.5 schema."""

from __future__ import annotations

import json
from functools import cache
from pathlib import Path
from typing import Any, Final

from jsonschema import Draft6Validator

SCHEMA_PATH: Final = Path(__file__).resolve().parents[1] / "schemas" / "adaptive-cards-1.5" / "adaptive-card.json"


@cache
def _validator() -> Draft6Validator:
    schema = json.loads(SCHEMA_PATH.read_text(encoding="utf-8"))
    return Draft6Validator(schema)


def assert_valid_card(card: dict[str, Any]) -> None:
    errors = sorted(_validator().iter_errors(card), key=lambda e: list(e.absolute_path))
    assert not errors, "invalid Adaptive Card:\n" + "\n".join(f"  at {'/'.join(map(str, e.absolute_path)) or '(card)'}: {e.message}" for e in errors[:10])


def button_titles(node: Any) -> list[str]:
    """Titles of every button a card shows (its actions, action sets, folded cards' buttons);
    not of tiles (`selectAction`), whose text wraps."""
    found: list[str] = []
    if isinstance(node, dict):
        for key, value in node.items():
            if key == "actions" and isinstance(value, list):
                found += [str(action.get("title", "")) for action in value if isinstance(action, dict)]
            found += button_titles(value)
    elif isinstance(node, list):
        for value in node:
            found += button_titles(value)
    return found


def assert_button_titles_fit(card: dict[str, Any], name: str = "") -> None:
    """Teams shows a button's title on one line and cuts the rest: every title is short."""
    from bot.ui.cards.guided_common import MAX_BUTTON_TITLE

    titles = button_titles(card)
    long = [title for title in titles if len(title) > MAX_BUTTON_TITLE]
    assert not long, f"{name}: button titles over {MAX_BUTTON_TITLE} characters: {long}"
