"""Adaptive Cards (1.5) of the onboarding Q&A: the answer, "Did you mean…", and no match.

Builders take plain data (`domain.qna.answer.Answer`, candidate titles) and a `QnaUi`; every
word on a card comes from the knowledge base or `bot/ui/locales/<lang>/qna.yaml`. Buttons of the
Q&A itself report back to the Q&A dialog with its current step token, so a button from an
earlier answer is recognised as stale. Related cards and processes use the menu's start
convention (`Submit(dialog="menu", step="menu", action="start", value=<dialog id>)`) with the
record in an extra field (`service`, or `process` and `step`), so they work at any time.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any, Final

from bot.ui.cards.guided_common import Action, Card, Element, card, choice, facts, heading, short, submit_action, text
from bot.ui.cards.payload import Submit
from bot.ui.i18n import Strings
from domain.justification import SOURCE_TITLES
from domain.qna.answer import Answer, Link
from domain.qna.index import RecordRef

QNA_DIALOG: Final = "qna"
MENU_DIALOG: Final = "menu"
CARD_DIALOG: Final = "card"
PROCESS_DIALOG: Final = "process"

# Actions a Q&A card's own buttons carry.
HELPFUL: Final = "helpful"
NOT_HELPFUL: Final = "not_helpful"
PICK: Final = "pick"
NONE_OF_THESE: Final = "none"
FOLLOW_UP: Final = "ask"
TO_MENU: Final = "menu"


@dataclass(frozen=True)
class QnaUi:
    strings: Strings
    lang: str

    def __call__(self, key: str, **params: object) -> str:
        return self.strings.get(f"qna.{key}", self.lang, **params)


def _own(title: str, step: str, action: str, value: str | None = None, *, primary: bool = False) -> Action:
    return submit_action(title, Submit(QNA_DIALOG, step, action, value), primary=primary)


def link_action(ui: QnaUi, link: Link) -> Action:
    """A button that opens a service card or the process guide (at the step) via the menu."""
    if link.kind == "service":
        submit = Submit(MENU_DIALOG, MENU_DIALOG, "start", CARD_DIALOG)
        extra: dict[str, Any] = {"service": link.id}
        title = ui("open_card", name=link.title)
    else:
        submit = Submit(MENU_DIALOG, MENU_DIALOG, "start", PROCESS_DIALOG)
        extra = {"process": link.process_id, **({"step": link.id} if link.kind == "step" else {})}
        title = ui("open_process", name=link.title)
    action: Action = {"type": "Action.Submit", "title": short(title), "data": submit.data(**extra), "associatedInputs": "none"}
    return action


def source_text(ui: QnaUi, answer: Answer) -> str | None:
    if answer.card_name:
        return ui("source_card", name=answer.card_name)
    if answer.step_place:
        place = answer.step_place
        return ui("source_step", process=place.process, phase=place.phase, step=place.step)
    if answer.source:
        title = SOURCE_TITLES.get(answer.source.document, answer.source.document)
        return ui("source", source=f"{title}, {answer.source.section}")
    return None


def answer_card(ui: QnaUi, answer: Answer, step: str, matched: str | None = None) -> Card:
    """The answer: title, text, facts, source; related records, follow-ups and feedback."""
    body: list[Element] = [
        {**text(ui(f"kind.{answer.ref.kind}"), subtle=True), "size": "Small"},
        heading(answer.title, size="Medium"),
    ]
    if matched and matched != answer.title:
        body.append({**text(ui("matched", phrasing=matched), subtle=True), "size": "Small"})
    if not answer.in_language:
        body.append({**text(ui("answer_note_fi_only"), color="Accent"), "size": "Small"})
    body.append(text(answer.text))
    fact_set = facts((ui(key), value) for key, value in answer.facts)
    if fact_set:
        body.append(fact_set)
    source = source_text(ui, answer)
    if source:
        body.append({**text(source, subtle=True, spacing="Medium"), "size": "Small", "separator": True})
    if answer.related:
        body.append({**text(ui("related"), spacing="Medium"), "weight": "Bolder"})
        body += [choice(link_action(ui, link)) for link in answer.related]
    if answer.follow_ups:
        body.append({**text(ui("follow_ups"), spacing="Medium"), "weight": "Bolder"})
        body += [choice(_own(question, step, FOLLOW_UP, faq_id)) for faq_id, question in answer.follow_ups]
    body.append({**text(ui("feedback_prompt"), spacing="Medium"), "separator": True})
    ref = str(answer.ref)
    actions = [
        # Neither answer styled: a coloured "helpful" reads as already chosen.
        _own(ui("helpful"), step, HELPFUL, ref),
        _own(ui("not_helpful"), step, NOT_HELPFUL, ref),
        _own(ui("menu"), step, TO_MENU),
    ]
    return card(body, actions, fallback=answer.text)


def did_you_mean_card(ui: QnaUi, offers: Sequence[tuple[RecordRef, str]], step: str) -> Card:
    """Up to three candidate questions as buttons, plus "none of these"."""
    body: list[Element] = [heading(ui("did_you_mean_title"), size="Medium"), text(ui("did_you_mean_intro"))]
    buttons = [_own(title, step, PICK, str(ref)) for ref, title in offers]
    buttons.append(_own(ui("none_of_these"), step, NONE_OF_THESE))
    body += [choice(button) for button in buttons]
    return card(body, [_own(ui("menu"), step, TO_MENU)], fallback=ui("did_you_mean_title"))


def no_match_card(ui: QnaUi) -> Card:
    """An honest "I do not know", where to ask instead, and the menu (shown by the root after)."""
    body: list[Element] = [
        heading(ui("no_match_title"), size="Medium"),
        text(ui("no_match_text")),
        text(ui("no_match_ask")),
        {**text(ui("privacy"), subtle=True), "size": "Small"},
    ]
    return card(body, fallback=ui("no_match_title"))


def notice_card(message: str) -> Card:
    return card([text(message)], fallback=message)
