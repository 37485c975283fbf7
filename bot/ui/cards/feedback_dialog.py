"""Cards of the feedback dialog (the worker's side): provider, service line, period,
ratings, concern, details, the summary to confirm or edit.

Builders take a `FeedbackUi` (strings of the `feedback` namespace, with the `dialogs`
namespace's `Ui` for the shared navigation buttons) and an `Origin`, so every button reports
back to the dialog's current step. Cards with input fields (dates, ratings) send their
inputs with the "continue" button only.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from bot.ui.cards.guided_common import Button, Card, Origin, Ui, action_sets, card, choice_buttons, facts, heading, nav_actions, text
from bot.ui.i18n import Strings
from bot.ui.protocol import Action
from domain.feedback import CONCERN_AREAS, CONCERN_KINDS, RATING_ASPECTS, RATING_MAX, RATING_MIN, SERVICE_LINES

START_INPUT = "period_start"
END_INPUT = "period_end"
RATING_INPUT = "rating_"
EDITABLE = ("service", "provider", "line", "period", "ratings", "concern", "free_text")


@dataclass(frozen=True)
class FeedbackUi:
    strings: Strings
    lang: str

    def __call__(self, key: str, **params: object) -> str:
        return self.strings.get(f"feedback.{key}", self.lang, **params)

    @property
    def nav(self) -> Ui:
        return Ui(self.strings, self.lang)


def _with_inputs(action: Button) -> Button:
    """A button that sends the card's input fields along (guided buttons send none)."""
    action["associatedInputs"] = "auto"
    return action


def _ask(ui: FeedbackUi, origin: Origin, title: str, prompt: str | None, buttons: Sequence[Button], body: Sequence[dict[str, Any]] = ()) -> Card:
    parts = [heading(title, size="Medium"), *([text(prompt)] if prompt else []), *body, *choice_buttons(list(buttons))]
    return card(parts, nav_actions(ui.nav, origin))


def provider_choice_card(ui: FeedbackUi, origin: Origin, typed: str, exact: tuple[int, str] | None, suggestions: Sequence[tuple[int, str]]) -> Card:
    buttons = []
    if exact is not None:
        buttons.append(origin.button(ui("dialog.yes_same", name=exact[1]), Action.PICK, str(exact[0]), primary=True))
    buttons += [origin.button(name, Action.PICK, str(pid)) for pid, name in suggestions]
    buttons.append(origin.button(ui("dialog.provider_new_button", name=typed), Action.CONFIRM, "new"))
    buttons.append(origin.button(ui("dialog.provider_retype"), Action.EDIT))
    if exact is not None:
        prompt = ui("dialog.provider_same", name=exact[1])
    elif suggestions:
        prompt = ui("dialog.provider_pick")
    else:
        prompt = ui("dialog.provider_new", name=typed)
    return _ask(ui, origin, ui("dialog.provider"), prompt, buttons)


def line_card(ui: FeedbackUi, origin: Origin) -> Card:
    return _ask(ui, origin, ui("dialog.line"), None, [origin.button(ui(f"line.{line}"), Action.ANSWER, line) for line in SERVICE_LINES])


def period_card(ui: FeedbackUi, origin: Origin, start: str | None, end: str | None) -> Card:
    inputs = [
        {"type": "Input.Date", "id": START_INPUT, "label": ui("dialog.period_start"), **({"value": start} if start else {})},
        {"type": "Input.Date", "id": END_INPUT, "label": ui("dialog.period_end"), **({"value": end} if end else {})},
    ]
    return _ask(ui, origin, ui("dialog.period"), None, [_with_inputs(origin.button(ui("dialog.next"), Action.ANSWER, primary=True))], inputs)


def ratings_card(ui: FeedbackUi, origin: Origin, given: Mapping[str, int]) -> Card:
    choices = [{"title": str(score), "value": str(score)} for score in range(RATING_MIN, RATING_MAX + 1)]
    inputs: list[dict[str, Any]] = [text(ui("rating.scale"), subtle=True)]
    for aspect in RATING_ASPECTS:
        field: dict[str, Any] = {
            "type": "Input.ChoiceSet",
            "id": RATING_INPUT + aspect,
            "label": ui(f"aspect.{aspect}"),
            "style": "compact",
            "placeholder": ui("rating.skip"),
            "choices": choices,
        }
        if aspect in given:
            field["value"] = str(given[aspect])
        inputs.append(field)
    return _ask(ui, origin, ui("dialog.ratings"), None, [_with_inputs(origin.button(ui("dialog.next"), Action.ANSWER, primary=True))], inputs)


def concern_card(ui: FeedbackUi, origin: Origin) -> Card:
    buttons = [origin.button(ui("concern.none"), Action.ANSWER, "none")]
    buttons += [origin.button(ui(f"concern.{area}"), Action.ANSWER, area) for area in CONCERN_AREAS]
    return _ask(ui, origin, ui("dialog.concern"), None, buttons)


def concern_kind_card(ui: FeedbackUi, origin: Origin, area: str) -> Card:
    buttons = [origin.button(ui(f"kind.{area}.{kind}"), Action.ANSWER, kind) for kind in CONCERN_KINDS[area]]
    return _ask(ui, origin, ui("dialog.concern_kind"), ui(f"concern.{area}"), buttons)


def free_text_card(ui: FeedbackUi, origin: Origin, max_chars: int) -> Card:
    return _ask(
        ui, origin, ui("dialog.free_text_input"), ui("dialog.free_text", max=max_chars), [origin.button(ui("dialog.free_text_skip"), Action.ANSWER, "none")]
    )


def summary_card(ui: FeedbackUi, origin: Origin, pairs: Sequence[tuple[str, str]], ratings: Sequence[tuple[str, str]], free_text: str, token: str) -> Card:
    body = [heading(ui("dialog.summary")), facts(pairs), text(ui("card.ratings"), spacing="Medium")]
    body.append(facts(ratings) or text(ui("card.no_ratings"), subtle=True))
    if free_text:
        body += [text(ui("card.free_text"), spacing="Medium"), text(free_text)]
    body.append(text(ui("dialog.summary_note"), subtle=True, spacing="Medium"))
    buttons = [origin.button(ui("dialog.send"), Action.CONFIRM, token, primary=True), origin.button(ui("dialog.edit"), Action.EDIT)]
    return card([b for b in body if b] + action_sets(buttons), nav_actions(ui.nav, origin))


def edit_card(ui: FeedbackUi, origin: Origin) -> Card:
    labels = {
        "service": "card.service",
        "provider": "card.provider",
        "line": "card.line",
        "period": "card.period",
        "ratings": "card.ratings",
        "concern": "card.concern",
        "free_text": "card.free_text",
    }
    return _ask(ui, origin, ui("dialog.edit_prompt"), None, [origin.button(ui(labels[field]), Action.EDIT, field) for field in EDITABLE])
