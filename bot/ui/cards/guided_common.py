"""Building blocks shared by the guided dialogs' Adaptive Cards.

Cards are plain dicts in Adaptive Card schema 1.5 (what Teams renders). Builders take the
knowledge records and a `Ui` (UI strings in the user's language) and never hold content of
their own: every fact shown comes from `knowledge/`, every UI word from
`bot/ui/locales/<lang>/dialogs.yaml`.

Buttons are `Action.Submit`s carrying the `{"pv": ...}` payload of `bot.ui.cards.payload`, built
through an `Origin` (the dialog and step token the card belongs to), so a dialog can tell its
current buttons from stale ones.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any, Final

from bot.ui.cards.payload import Submit
from bot.ui.cards.text import TYPED_VALUES_ID
from bot.ui.i18n import Strings
from bot.ui.protocol import NAVIGATION
from domain.justification import SOURCE_TITLES
from knowledge.model import Source

Card = dict[str, Any]
Element = dict[str, Any]
Action = dict[str, Any]

CARD_VERSION: Final = "1.5"
SCHEMA_URL: Final = "http://adaptivecards.io/schemas/adaptive-card.json"
MAX_ACTIONS_PER_SET: Final = 5
"""Teams shows a limited number of buttons in one row; longer lists are split into sets."""
MAX_TITLE: Final = 100
"""Button titles longer than this are cut (a runaway label, not a normal option)."""
LONG_LABEL: Final = 30
"""Options with a label longer than this are stacked one button a row, full width, so each
label shows whole instead of being squeezed into a shared row."""


@dataclass(frozen=True)
class Ui:
    """UI strings of the `dialogs` namespace in one language."""

    strings: Strings
    lang: str

    def __call__(self, key: str, **params: object) -> str:
        return self.strings.get(f"dialogs.{key}", self.lang, **params)

    def count(self, key: str, n: int, **params: object) -> str:
        """`<key>_one` for exactly one, else `<key>`: the three languages all inflect so."""
        return self(f"{key}_one" if n == 1 else key, n=n, **params)


@dataclass(frozen=True)
class Choice:
    """A button as typed text may name it: its label, what it submits, and whether its
    number picks it (navigation is chosen by its words only)."""

    label: str
    submit: Submit
    numbered: bool = True


@dataclass(frozen=True)
class Origin:
    """The dialog and step token a card's buttons report back to. Every button built through
    it is remembered in `buttons`, in card order, so the dialog engine can match a typed answer
    against the choices the card offered without reading the card back."""

    dialog: str
    step: str
    buttons: list[Choice] = field(default_factory=list, compare=False)

    def button(self, title: str, action: str, value: str | None = None, *, primary: bool = False) -> Action:
        submit = Submit(self.dialog, self.step, action, value)
        self.buttons.append(Choice(title, submit, numbered=action not in NAVIGATION and action not in ("cancel", "help")))
        return submit_action(title, submit, primary=primary)


def submit_action(title: str, submit: Submit, *, primary: bool = False) -> Action:
    action: Action = {"type": "Action.Submit", "title": short(title), "data": submit.data()}
    if primary:
        action["style"] = "positive"
    # Cards with a copyable text field must not send it back with every button press.
    action["associatedInputs"] = "none"
    return action


def short(title: str, limit: int = MAX_TITLE) -> str:
    return title if len(title) <= limit else title[: limit - 1].rstrip() + "…"


def card(body: Sequence[Element], actions: Sequence[Action] = (), *, fallback: str | None = None) -> Card:
    result: Card = {"type": "AdaptiveCard", "$schema": SCHEMA_URL, "version": CARD_VERSION, "body": list(body)}
    if actions:
        result["actions"] = list(actions)
    if fallback:
        result["fallbackText"] = fallback
    return result


def heading(text: str, *, size: str = "Large") -> Element:
    return {"type": "TextBlock", "text": text, "wrap": True, "weight": "Bolder", "size": size, "style": "heading"}


def subheading(text: str) -> Element:
    return {"type": "TextBlock", "text": text, "wrap": True, "weight": "Bolder", "spacing": "Medium"}


def text(value: str, *, subtle: bool = False, color: str | None = None, spacing: str | None = None) -> Element:
    block: Element = {"type": "TextBlock", "text": value, "wrap": True}
    if subtle:
        block["isSubtle"] = True
    if color:
        block["color"] = color
    if spacing:
        block["spacing"] = spacing
    return block


def bullets(items: Iterable[str]) -> Element | None:
    """A markdown list in one TextBlock (Teams renders `- ` lists), None when empty."""
    lines = [f"- {item}" for item in items]
    return text("\n".join(lines)) if lines else None


def facts(pairs: Iterable[tuple[str, str]]) -> Element | None:
    rows = [{"title": title, "value": value} for title, value in pairs if value]
    return {"type": "FactSet", "facts": rows} if rows else None


def section(title: str, *elements: Element | None) -> list[Element]:
    """A subheading with its elements; nothing at all when every element is empty."""
    present = [element for element in elements if element]
    return [subheading(title), *present] if present else []


def container(*elements: Element | None, style: str | None = None, separator: bool = False) -> Element:
    box: Element = {"type": "Container", "items": [element for element in elements if element]}
    if style:
        box["style"] = style
    if separator:
        box["separator"] = True
        box["spacing"] = "Medium"
    return box


def action_sets(actions: Sequence[Action]) -> list[Element]:
    """Buttons in the card body, split into rows Teams shows in full."""
    return [
        {"type": "ActionSet", "actions": list(actions[start : start + MAX_ACTIONS_PER_SET])}
        for start in range(0, len(actions), MAX_ACTIONS_PER_SET)
    ]


def choice_buttons(actions: Sequence[Action], *, typed_numbers_are_values: bool = False) -> list[Element]:
    """Answer options: a shared row for short labels, one full-width row each for long ones."""
    if any(len(action["title"]) > LONG_LABEL for action in actions):
        sets = [{"type": "ActionSet", "actions": [action]} for action in actions]
    else:
        sets = action_sets(actions)
    if typed_numbers_are_values:
        for number, element in enumerate(sets):
            element["id"] = f"{TYPED_VALUES_ID}-{number}"
    return sets


def copyable(block_id: str, label: str, value: str) -> Element:
    """A read-and-copy text field: Teams lets the user select and copy an input's text,
    not a TextBlock's, so ready-to-paste text goes into a multi-line Input.Text."""
    return {"type": "Input.Text", "id": block_id, "label": label, "isMultiline": True, "value": value}


def nav_actions(ui: Ui, origin: Origin, *, back: bool = True) -> list[Action]:
    """Back / cancel / help: on every step of every dialog, so a card user never needs to type."""
    actions = [origin.button(ui("common.back"), "back")] if back else []
    actions += [origin.button(ui("common.cancel"), "cancel"), origin.button(ui("common.help"), "help")]
    return actions


def source_label(ui: Ui, sources: Iterable[Source], *, sections: bool = True) -> str:
    """'Lähde: <document>: <section>; <section>. <document>: ...', each document by its
    readable title (the titles the pasted justification cites) and named once. Without
    `sections`, the documents only: for lists of many services, where each card's own
    view gives the sections."""
    by_document: dict[str, list[str]] = {}
    for item in sources:
        listed = by_document.setdefault(SOURCE_TITLES.get(item.document, item.document), [])
        if item.section not in listed:
            listed.append(item.section)
    parts = [f"{title}: {'; '.join(listed)}" if sections else title for title, listed in by_document.items()]
    return ui("common.source_line", sources=". ".join(parts))


def source_block(ui: Ui, sources: Iterable[Source], *, sections: bool = True) -> Element:
    return {**text(source_label(ui, sources, sections=sections), subtle=True, spacing="Medium"), "size": "Small", "separator": True}


def notice(value: str, *, color: str = "Attention") -> Element:
    return text(value, color=color)
