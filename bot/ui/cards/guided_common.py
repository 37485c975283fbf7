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

import orjson

from bot.ui.cards.payload import Submit
from bot.ui.cards.text import TYPED_VALUES_ID
from bot.ui.i18n import Strings
from bot.ui.protocol import COMMANDS, NAVIGATION, Action
from domain.justification import SOURCE_TITLES
from knowledge.model import Localized, Source

Card = dict[str, Any]
Element = dict[str, Any]
Button = dict[str, Any]

CARD_VERSION: Final = "1.5"
SCHEMA_URL: Final = "http://adaptivecards.io/schemas/adaptive-card.json"
MAX_ACTIONS_PER_SET: Final = 5
"""Teams shows a limited number of buttons in one row; longer lists are split into sets."""
MAX_TITLE: Final = 100
"""Titles longer than this are cut (a runaway label, not a normal option)."""
MAX_BUTTON_TITLE: Final = 30
"""The longest title a button may have. Teams shows a button's title on one line and cuts
what does not fit (at a 480 px chat column a full-width button holds about 55 characters,
on a phone or when buttons share a row far fewer), so buttons carry short verbs only;
answers, services and questions, whose text is longer, are `choice` tiles, which wrap."""


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

    def loc(self, value: Localized | None, default: str = "") -> str:
        """A knowledge text in the user's language (Finnish where it lacks one)."""
        return value.get(self.lang).strip() if value is not None else default


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

    def button(self, title: str, action: Action, value: str | None = None, *, primary: bool = False, named: str | None = None) -> Button:
        submit = Submit(self.dialog, self.step, action, value)
        # Typed text names a button by its standalone name where it has one ("Näytä kortti:
        # Perhetyö"): several short "Näytä kortti" could not be told apart.
        self.buttons.append(Choice(named or title, submit, numbered=action not in NAVIGATION and action not in COMMANDS))
        return submit_action(title, submit, primary=primary, named=named)


def submit_action(title: str, submit: Submit, *, primary: bool = False, named: str | None = None) -> Button:
    """A button. `named` is its name standing alone ("Näytä kortti: Perhetyö" for a short
    "Näytä kortti" under the service's name): the tooltip Teams shows on hover and reads to
    a screen reader, and the name text renderings show and typing matches, where the
    card's grouping is lost (`bot.ui.cards.text`)."""
    action: Button = {"type": "Action.Submit", "title": short(title), "data": submit.data()}
    if named and named != title:
        action["tooltip"] = short(named)
    if primary:
        action["style"] = "positive"
    return action


def _without_inputs(node: Any) -> None:
    """Cards with a copyable text field must not send it back with every button press; a
    button that is there to send the card's fields (a form's "Next") says so itself and
    keeps its setting."""
    if isinstance(node, dict):
        if node.get("type") == "Action.Submit":
            node.setdefault("associatedInputs", "none")
        for value in node.values():
            _without_inputs(value)
    elif isinstance(node, list):
        for value in node:
            _without_inputs(value)


def _has_input(card: Card) -> bool:
    # Every card is built on every turn and most have no input: one pass in C over the card
    # as compact JSON, where this byte sequence can only be an object whose type is an input
    # (a quote inside a text is escaped), replaces a walk of every node in Python.
    return b'"type":"Input.' in orjson.dumps(card)


def short(title: str, limit: int = MAX_TITLE) -> str:
    return title if len(title) <= limit else title[: limit - 1].rstrip() + "…"


def card(body: Sequence[Element], actions: Sequence[Button] = (), *, fallback: str | None = None) -> Card:
    result: Card = {"type": "AdaptiveCard", "$schema": SCHEMA_URL, "version": CARD_VERSION, "body": list(body)}
    if actions:
        result["actions"] = list(actions)
    if _has_input(result):
        _without_inputs(result)
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
    """Name–value pairs, one line each with the name in bold. Not a FactSet: Teams gives a
    FactSet's names a narrow fixed column and breaks longer names mid-word
    ("Järjest|elmä"); a line wraps between words only."""
    rows = [_fact_line(title, value) for title, value in pairs if value]
    return {"type": "Container", "spacing": "Small", "items": rows} if rows else None


def _fact_line(title: str, value: str) -> Element:
    return {
        "type": "RichTextBlock",
        "spacing": "None",
        "inlines": [{"type": "TextRun", "text": f"{title}: ", "weight": "Bolder"}, {"type": "TextRun", "text": value}],
    }


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


def action_sets(actions: Sequence[Button]) -> list[Element]:
    """Buttons in the card body, split into rows Teams shows in full."""
    return [{"type": "ActionSet", "actions": list(actions[start : start + MAX_ACTIONS_PER_SET])} for start in range(0, len(actions), MAX_ACTIONS_PER_SET)]


def choice(action: Button, detail: str | None = None) -> Element:
    """An answer or a pick as a tile: the whole tile is the button (`selectAction`) and its
    text wraps, so a long option shows whole at any width where a button's title is cut;
    and it looks unlike the card's buttons (back, cancel, help), which only navigate."""
    items: list[Element] = [{"type": "TextBlock", "text": action["title"], "wrap": True, "weight": "Bolder", "color": "Accent"}]
    if detail:
        items.append({**text(detail, subtle=True, spacing="None"), "size": "Small"})
    return {"type": "Container", "style": "emphasis", "spacing": "Small", "selectAction": action, "items": items}


def choice_buttons(actions: Sequence[Button], *, typed_numbers_are_values: bool = False) -> list[Element]:
    """Answer options, one tile each (see `choice`). Where the question reads a typed number
    as a value (an age), the tiles are marked so text renderings leave them unnumbered."""
    tiles = [choice(action) for action in actions]
    if typed_numbers_are_values:
        for number, tile in enumerate(tiles):
            tile["id"] = f"{TYPED_VALUES_ID}-{number}"
    return tiles


def toggle(title: str, *targets: str) -> Button:
    """A button that shows and hides the elements with these ids (detail kept off the
    first view, so a card is taken in at a glance)."""
    return {"type": "Action.ToggleVisibility", "title": title, "targetElements": list(targets)}


def hidden(element_id: str, *elements: Element | None) -> Element:
    """A container shown only when its toggle is pressed. Text renderings, which have no
    toggles, show it (`bot.ui.cards.text`)."""
    return {**container(*elements), "id": element_id, "isVisible": False}


COPY_LINE_PX: Final = 19
"""Height of one line of the copy box; a line holds about COPY_LINE_CHARS characters at a
480 px chat column (measured in Web Chat: 17.5 px and about 68 characters; kept on the
large side, as a box a little too tall costs less than a clipped one)."""
COPY_LINE_CHARS: Final = 62


def copyable(block_id: str, label: str, value: str) -> Element:
    """A read-and-copy text field: Teams lets the user select and copy an input's text,
    not a TextBlock's, so ready-to-paste text goes into a multi-line Input.Text. A
    multi-line input is one or two lines tall by default; it stretches to a container
    sized for the whole text (estimated for a 480 px column), so nothing is scrolled away."""
    lines = sum(max(1, -(-len(line) // COPY_LINE_CHARS)) for line in value.splitlines() or [""])
    field: Element = {"type": "Input.Text", "id": block_id, "label": label, "isMultiline": True, "value": value, "height": "stretch"}
    return {"type": "Container", "minHeight": f"{lines * COPY_LINE_PX + 40}px", "items": [field]}


def nav_actions(ui: Ui, origin: Origin, *, back: bool = True) -> list[Button]:
    """Back / cancel / help: on every step of every dialog, so a card user never needs to type."""
    actions = [origin.button(ui("common.back"), Action.BACK)] if back else []
    actions += [origin.button(ui("common.cancel"), Action.CANCEL), origin.button(ui("common.help"), Action.HELP)]
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
