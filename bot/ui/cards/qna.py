"""Adaptive Cards (1.5) of the onboarding Q&A: the answer, "Did you mean…", and no match.

Builders take plain data (`domain.qna.answer.Answer`, candidate titles) and a `QnaUi`; every
word on a card comes from the knowledge base or `bot/ui/locales/<lang>/qna.yaml`. Buttons of the
Q&A itself report back to the Q&A dialog with its current step token, so a button from an
earlier answer is recognised as stale. Related cards and processes use the menu's start
convention (`Submit(dialog="menu", step="menu", action=Action.START, value=<dialog id>)`) with the
record in an extra field (`service`, or `process` and `step`), so they work at any time.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from bot.ui.cards.guided_common import Button, Card, Element, action_sets, card, choice, facts, heading, short, submit_action, text
from bot.ui.cards.payload import Submit
from bot.ui.i18n import Strings
from bot.ui.protocol import Action, DialogId
from domain.justification import SOURCE_TITLES
from domain.qna.answer import Answer, Link
from domain.qna.case import CaseReading
from domain.qna.index import RecordRef


@dataclass(frozen=True)
class QnaUi:
    strings: Strings
    lang: str

    def __call__(self, key: str, **params: object) -> str:
        return self.strings.get(f"qna.{key}", self.lang, **params)


def _own(title: str, step: str, action: Action, value: str | None = None, *, primary: bool = False) -> Button:
    return submit_action(title, Submit(DialogId.QNA, step, action, value), primary=primary)


def link_action(ui: QnaUi, link: Link) -> Button:
    """A button that opens a service card or the process guide (at the step) via the menu."""
    if link.kind == "service":
        submit = Submit(DialogId.MENU, DialogId.MENU, Action.START, DialogId.CARD)
        extra: dict[str, Any] = {"service": link.id}
        title = ui("open_card", name=link.title)
    elif link.kind == "criteria":
        submit = Submit(DialogId.MENU, DialogId.MENU, Action.START, DialogId.CRITERIA)
        extra = {"service": link.id}
        title = ui("open_check", name=link.title)
    else:
        submit = Submit(DialogId.MENU, DialogId.MENU, Action.START, DialogId.PROCESS)
        extra = {"process": link.process_id, **({"step": link.id} if link.kind == "step" else {})}
        title = ui("open_process", name=link.title)
    action: Button = {"type": "Action.Submit", "title": short(title), "data": submit.data(**extra), "associatedInputs": "none"}
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


def answer_card(ui: QnaUi, answer: Answer, step: str, matched: str | None = None, also: Sequence[tuple[RecordRef, str]] = ()) -> Card:
    """The answer: title, text, facts, source; related records, follow-ups and feedback."""
    body: list[Element] = [
        {**text(ui(f"kind.{answer.ref.kind}"), subtle=True), "size": "Small"},
        heading(answer.title, size="Medium"),
    ]
    if matched and matched != answer.title:
        body.append({**text(ui("matched", phrasing=matched), subtle=True), "size": "Small"})
    if not answer.in_language:
        body.append({**text(ui("answer_note_fi_only"), color="Accent"), "size": "Small"})
    body += verdict_block(ui, answer)
    if answer.text:
        body.append(text(answer.text))
    fact_set = facts((ui(key), value) for key, value in answer.facts)
    if fact_set:
        body.append(fact_set)
    source = source_text(ui, answer)
    if source:
        body.append({**text(source, subtle=True, spacing="Medium"), "size": "Small", "separator": True})
    links = [*(alt for c in answer.conditions for alt in c.alternatives), *answer.related]
    if answer.check is not None:
        links.insert(0, answer.check)
    unique = list({(link.kind, link.id): link for link in links}.values())
    if unique:
        body.append({**text(ui("related"), spacing="Medium"), "weight": "Bolder"})
        body += [choice(link_action(ui, link)) for link in unique]
    if answer.follow_ups:
        body.append({**text(ui("follow_ups"), spacing="Medium"), "weight": "Bolder"})
        body += [choice(_own(question, step, Action.FOLLOW_UP, faq_id)) for faq_id, question in answer.follow_ups]
    body += also_block(ui, also, step)
    body.append({**text(ui("feedback_prompt"), spacing="Medium"), "separator": True})
    ref = str(answer.ref)
    actions = [
        # Neither answer styled: a coloured "helpful" reads as already chosen.
        _own(ui("helpful"), step, Action.HELPFUL, ref),
        _own(ui("not_helpful"), step, Action.NOT_HELPFUL, ref),
        _own(ui("menu"), step, Action.MENU),
    ]
    return card(body, actions, fallback=answer.text)


def age_text(ui: QnaUi, answer: Answer) -> str | None:
    """The age of the question read against the card's age rule, in one sentence."""
    reading = answer.age
    if reading is None:
        return None
    if reading.special_min is not None and reading.min is not None:
        rule = ui("age_rule_special", min=reading.min, max=reading.max, special_min=reading.special_min, below=reading.min - 1)
    else:
        rule = ui("age_rule", min=reading.min if reading.min is not None else 0, max=reading.max if reading.max is not None else "")
    return ui(f"age.{reading.verdict}", age=reading.age, rule=rule)


def verdict_block(ui: QnaUi, answer: Answer) -> list[Element]:
    """The verdict first, in plain words: never a bare yes or no that could be read as agreeing
    with something else. "Ei yleensä sovellu: …  Harkitse sen sijaan: …"."""
    out: list[Element] = []
    age = age_text(ui, answer)
    if age:
        out.append({**text(age), "weight": "Bolder"})
    if answer.verdict is None or not answer.conditions:
        return out
    if len(answer.conditions) > 1:
        out.append({**text(ui("verdict.does_not_fit_list")), "weight": "Bolder"})
        for condition in answer.conditions:
            line = f"- {condition.text}"
            if condition.alternatives:
                line += " " + ui("instead_short", names=", ".join(link.title for link in condition.alternatives))
            out.append(text(line))
        return out
    condition = answer.conditions[0]
    verdict = answer.verdict if answer.verdict in ("does_not_fit", "condition") else "condition"
    out.append({**text(ui(f"verdict.{verdict}", text=condition.text)), "weight": "Bolder"})
    if answer.verdict == "does_not_fit":
        if condition.alternatives:
            out.append(text(ui("instead", names=", ".join(link.title for link in condition.alternatives))))
        elif answer.no_alternative:
            out.append({**text(ui("no_alternative"), subtle=True), "size": "Small"})
    return out


def encode_finder_answers(answers: Sequence[tuple[str, str]]) -> str:
    """Finder answers as a button's start option (options are short strings): `q=o;q=o`."""
    return ";".join(f"{question}={option}" for question, option in answers)


def case_card(
    ui: QnaUi,
    reading: CaseReading,
    age_label: str | None,
    services: Sequence[tuple[str, str, str]],
    finder_answers: Sequence[tuple[str, str]],
    conditions: Sequence[Answer] = (),
) -> Card:
    """A client situation understood: one line of what was understood (never the text), the
    service finder with those answers filled in, and the services the situation touches
    (id, name, summary), each with what it is in one line, so the worker can tell which are
    worth checking without opening them all."""
    parts = [age_label or ui("case.no_age")]
    parts += [ui(f"case.topic.{topic}") for topic in reading.topics]
    body: list[Element] = [
        heading(ui("case.title"), size="Medium"),
        text(ui("case.understood", summary=", ".join(parts))),
        {**text(ui("case.finder_note"), subtle=True), "size": "Small"},
    ]
    finder = Submit(DialogId.MENU, DialogId.MENU, Action.START, DialogId.FINDER)
    finder_action: Button = {
        "type": "Action.Submit",
        "title": short(ui("case.finder")),
        "data": finder.data(finder=encode_finder_answers(finder_answers)),
        "associatedInputs": "none",
        "style": "positive",
    }
    body += action_sets([finder_action])
    if conditions:
        body.append({**text(ui("case.conditions"), spacing="Medium"), "weight": "Bolder"})
    shown_title = None
    for answer in conditions:
        # What the situation touches, in plain words: "Ei yleensä sovellu: …  Harkitse …",
        # under each card's name once.
        if answer.title != shown_title:
            body.append({**text(answer.title, spacing="Small"), "weight": "Bolder", "isSubtle": True})
            shown_title = answer.title
        body += verdict_block(ui, answer)
    alternatives = [alt for answer in conditions for c in answer.conditions for alt in c.alternatives]
    if alternatives:
        body += action_sets([link_action(ui, link) for link in {(a.kind, a.id): a for a in alternatives}.values()])
    if services:
        body.append({**text(ui("case.touches"), spacing="Medium"), "weight": "Bolder"})
        for number, (service_id, name, summary) in enumerate(services):
            # A line between the cards, so each summary reads as its button's.
            body.append({**text(summary, spacing="Small" if number == 0 else "Medium"), "size": "Small", "separator": number > 0})
            body += action_sets([link_action(ui, Link("criteria", service_id, None, name))])
    body.append({**text(ui("case.privacy"), subtle=True), "size": "Small", "separator": True})
    return card(body, fallback=ui("case.title"))


def also_block(ui: QnaUi, offers: Sequence[tuple[RecordRef, str]], step: str) -> list[Element]:
    """ "Or did you mean" under an answer that is clearly ahead but not certain."""
    if not offers:
        return []
    body: list[Element] = [{**text(ui("also_title"), spacing="Medium"), "weight": "Bolder"}]
    # Tiles, not buttons: a question is often longer than a button's one line (a Swedish one
    # was cut off in Web Chat); a tile's text wraps.
    body += [choice(_own(title, step, Action.PICK, str(ref))) for ref, title in offers]
    return body


def did_you_mean_card(ui: QnaUi, offers: Sequence[tuple[RecordRef, str]], step: str) -> Card:
    """Up to three candidate questions as buttons, plus "none of these"."""
    body: list[Element] = [heading(ui("did_you_mean_title"), size="Medium"), text(ui("did_you_mean_intro"))]
    buttons = [_own(title, step, Action.PICK, str(ref)) for ref, title in offers]
    buttons.append(_own(ui("none_of_these"), step, Action.NONE_OF_THESE))
    body += [choice(button) for button in buttons]
    return card(body, [_own(ui("menu"), step, Action.MENU)], fallback=ui("did_you_mean_title"))


def no_match_card(ui: QnaUi, nearest: Sequence[tuple[RecordRef, str]] = (), step: str = "") -> Card:
    """An honest "I do not know", where to ask instead, and the menu (shown by the root after).
    With `nearest`, the nearest topics follow the "no answer", introduced as topics that may
    not answer the question, and the card carries its own menu button (the dialog stays to
    take the pick)."""
    body: list[Element] = [heading(ui("no_match_title"), size="Medium"), text(ui("no_match_text"))]
    if nearest:
        body.append(text(ui("nearest_intro")))
        body += [choice(_own(title, step, Action.PICK, str(ref))) for ref, title in nearest]
    body += [text(ui("no_match_ask")), {**text(ui("privacy"), subtle=True), "size": "Small"}]
    actions = [_own(ui("menu"), step, Action.MENU)] if nearest else []
    return card(body, actions, fallback=ui("no_match_title"))


def notice_card(message: str) -> Card:
    return card([text(message)], fallback=message)
