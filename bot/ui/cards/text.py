"""Adaptive Cards as plain text: the terminal chat's view and the fallback on activities.

`render_card_text(card)` shows what a person would read on the card: title and text blocks,
facts as `name: value`, and each submit button numbered `[1]`, `[2]`, ... in reading order
(body first, then the card's own actions). `submit_actions(card)` lists the same buttons in
the same order, so a number typed in the terminal picks the button shown with it. Buttons of
a question that reads typed numbers itself (the child's age) are listed unnumbered: there a
typed number is the answer's value in every client.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any, Final

TYPED_VALUES_ID: Final = "typed-values"
"""Id prefix of the ActionSets whose question reads a typed number as a value (an age), not as
a button's number (`guided_common.choice_buttons`): listed unnumbered, so a number typed in
the terminal or a text-only channel means what it means in Teams."""


@dataclass(frozen=True)
class SubmitAction:
    number: int | None
    """None on a card whose question reads typed numbers itself: words pick its buttons."""
    title: str
    data: Any
    """The button's `data`, which Teams sends back as `activity.value`."""
    sends_inputs: bool = False
    """Whether a client sends the card's input fields with it (`associatedInputs` not "none")."""


@dataclass
class _Rendering:
    first_number: int = 1
    numbered: bool = True
    """False on a card whose question reads typed numbers itself: no button takes a number."""
    lines: list[str] = field(default_factory=list)
    actions: list[SubmitAction] = field(default_factory=list)
    revealable: frozenset[str] = frozenset()
    """Ids a toggle on the card shows: text has no toggles, so these are shown as read."""


def render_card_text(card: Mapping[str, Any], first_number: int = 1) -> str:
    """The card as text; buttons are numbered from `first_number` (to continue a numbering
    across the cards of one reply)."""
    return "\n".join(_render(card, first_number).lines)


def submit_actions(card: Mapping[str, Any], first_number: int = 1) -> list[SubmitAction]:
    return _render(card, first_number).actions


def _render(card: Mapping[str, Any], first_number: int) -> _Rendering:
    out = _Rendering(first_number=first_number, numbered=not _reads_typed_numbers(card), revealable=frozenset(_toggle_targets(card)))
    _elements(card.get("body") or (), out, indent="")
    _actions(card.get("actions") or (), out, indent="")
    return out


def _elements(elements: Iterable[Any], out: _Rendering, indent: str) -> None:
    for element in elements:
        if not isinstance(element, Mapping) or (element.get("isVisible") is False and element.get("id") not in out.revealable):
            continue
        kind = element.get("type")
        select = element.get("selectAction")
        if kind == "Container" and isinstance(select, Mapping) and select.get("type") == "Action.Submit":
            # A tile that is a button as a whole: its button line, then what else it says.
            _actions((select,), out, indent)
            rest = [item for item in element.get("items") or () if not (isinstance(item, Mapping) and item.get("text") == select.get("title"))]
            _elements(rest, out, indent + "    ")
            continue
        if kind == "TextBlock":
            _line(out, indent, str(element.get("text", "")))
        elif kind == "RichTextBlock":
            _line(out, indent, "".join(str(i.get("text", "")) if isinstance(i, Mapping) else str(i) for i in element.get("inlines") or ()))
        elif kind == "FactSet":
            for fact in element.get("facts") or ():
                if isinstance(fact, Mapping):
                    _line(out, indent, f"{fact.get('title', '')}: {fact.get('value', '')}")
        elif kind == "Image":
            if element.get("altText"):
                _line(out, indent, f"[{element['altText']}]")
        elif kind in ("Container", "Column"):
            _elements(element.get("items") or (), out, indent)
        elif kind == "ColumnSet":
            for column in element.get("columns") or ():
                if isinstance(column, Mapping):
                    _elements(column.get("items") or (), out, indent)
        elif kind == "ActionSet":
            _actions(element.get("actions") or (), out, indent)
        elif isinstance(kind, str) and kind.startswith("Input."):
            label = element.get("label") or element.get("placeholder") or element.get("id", "")
            _line(out, indent, f"({label})")
        if isinstance(element.get("selectAction"), Mapping):
            _actions((element["selectAction"],), out, indent)


def _actions(actions: Iterable[Any], out: _Rendering, indent: str) -> None:
    for action in actions:
        if not isinstance(action, Mapping) or action.get("isEnabled") is False:
            continue
        # A tooltip is the button's name standing alone (`submit_action`): text has no card
        # grouping to tell two "Show card" buttons apart.
        kind, title = action.get("type"), str(action.get("tooltip") or action.get("title", ""))
        if kind == "Action.Submit" and not out.numbered:
            # A typed number answers this card's question itself (an age): words pick buttons.
            out.actions.append(SubmitAction(number=None, title=title, data=action.get("data"), sends_inputs=_sends_inputs(action)))
            _line(out, indent, f"- {title}")
        elif kind == "Action.Submit":
            number = out.first_number + sum(1 for a in out.actions if a.number is not None)
            out.actions.append(SubmitAction(number=number, title=title, data=action.get("data"), sends_inputs=_sends_inputs(action)))
            _line(out, indent, f"[{number}] {title}")
        elif kind == "Action.Execute" and isinstance(action.get("fallback"), Mapping):
            # A Universal Action reads as the Action.Submit it falls back to (what the
            # terminal chat and clients without Universal Actions send).
            _actions((action["fallback"],), out, indent)
        elif kind == "Action.OpenUrl":
            _line(out, indent, f"{title}: {action.get('url', '')}")
        elif kind == "Action.ShowCard" and isinstance(action.get("card"), Mapping):
            _line(out, indent, f"{title}:")
            _elements(action["card"].get("body") or (), out, indent + "  ")
            _actions(action["card"].get("actions") or (), out, indent + "  ")


def _sends_inputs(action: Mapping[str, Any]) -> bool:
    return action.get("associatedInputs") != "none"


def _toggle_targets(card: Any) -> list[str]:
    """Every element id a toggle on the card names. One walk with a stack: the card is
    rendered on every turn, and building a list per node cost more than the rest."""
    found: list[str] = []
    stack = [card]
    while stack:
        node = stack.pop()
        if isinstance(node, dict | Mapping):
            if node.get("type") == "Action.ToggleVisibility":
                found.extend(t if isinstance(t, str) else str(t.get("elementId", "")) for t in node.get("targetElements") or () if isinstance(t, str | Mapping))
            stack.extend(value for value in node.values() if not isinstance(value, str) and isinstance(value, dict | list | Mapping))
        elif isinstance(node, list):
            stack.extend(value for value in node if not isinstance(value, str) and isinstance(value, dict | list | Mapping))
    return found


def _line(out: _Rendering, indent: str, text: str) -> None:
    for line in text.strip().splitlines():
        out.lines.append(f"{indent}{line}")


def _reads_typed_numbers(card: Mapping[str, Any]) -> bool:
    return any(
        isinstance(element, Mapping) and element.get("type") in ("ActionSet", "Container") and str(element.get("id", "")).startswith(TYPED_VALUES_ID)
        for element in card.get("body") or ()
    )
