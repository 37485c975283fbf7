"""Criteria check cards: the service choice, one question a card, then the summary.

UI words come from `dialogs.criteria.*` (through `Ui`) and, for what the check added later,
from `criteria.*` (`bot/ui/locales/<lang>/criteria.yaml`, through `CriteriaUi`). The domain's
reasons are codes with the record they concern; they are worded here, in the user's
language, around the record's own text in that language. The justification is in the user's
language too.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Final

from bot.ui.cards.guided_common import (
    Card,
    Element,
    Origin,
    Ui,
    bullets,
    card,
    choice,
    choice_buttons,
    copyable,
    heading,
    nav_actions,
    section,
    source_block,
    text,
)
from bot.ui.cards.guided_service import duration_facts
from bot.ui.protocol import Action
from domain.criteria import BASE_ANSWERS, Basis, CheckAnswer, CheckItem, CheckResult, Reason, ReasonCode, Verdict, statement_of
from domain.justification import consider_text, justification_text
from knowledge.model import ContraIndication, Criterion, KnowledgeBase, ServiceCard

ASKED_ANSWERS: Final = BASE_ANSWERS
"""The answers every question offers; a criterion the source allows in some cases only after
special consideration offers CONSIDER as well (`CheckItem.answers`)."""

JUSTIFICATION_INPUT_ID: Final = "perustelut"

_VERDICT_COLOR: Final = {Verdict.FITS: "Good", Verdict.CONSIDER: "Warning", Verdict.DOES_NOT_FIT: "Attention"}
_QUOTES: Final = {"en": ("“", "”")}
"""Quotation marks around quoted record texts; Finnish and Swedish use ” on both sides."""


@dataclass(frozen=True)
class CriteriaUi:
    """UI strings of the `criteria` namespace (`bot/ui/locales/<lang>/criteria.yaml`)."""

    ui: Ui

    def __call__(self, key: str, **params: object) -> str:
        return self.ui.strings.get(f"criteria.{key}", self.ui.lang, **params)

    def count(self, key: str, n: int, **params: object) -> str:
        return self(f"{key}_one" if n == 1 else key, n=n, **params)

    def quoted(self, value: str) -> str:
        left, right = _QUOTES.get(self.ui.lang, ("”", "”"))
        return f"{left}{value.strip()}{right}"


def answer_title(ui: Ui, answer: CheckAnswer) -> str:
    if answer is CheckAnswer.CONSIDER:
        return CriteriaUi(ui)("answer.consider")
    return ui(f"criteria.answer.{answer.value}")


def _collation_key(name: str) -> str:
    """Alphabetical in Finnish and Swedish: å, ä and ö after z (code points put å after ä)."""
    table: dict[str, str | int | None] = {"å": "z\u0001", "ä": "z\u0002", "ö": "z\u0003"}
    return name.casefold().translate(str.maketrans(table))


def pick_card(kb: KnowledgeBase, ui: Ui, origin: Origin) -> Card:
    """One button a service, sorted by the name the user sees."""
    services = sorted(kb.services, key=lambda s: _collation_key(s.name.get(ui.lang)))
    tiles = [choice(origin.button(s.name.get(ui.lang), Action.PICK, s.id), ui.loc(s.summary)) for s in services]
    return card([heading(ui("criteria.title")), text(ui("criteria.pick")), *tiles], nav_actions(ui, origin))


def consider_when(ui: Ui, kb: KnowledgeBase | None, item: CheckItem) -> str | None:
    """When 'only after special consideration' applies, from the finder answers the card
    links it to; None where the card links none or the finder lacks the question."""
    if kb is None or item.consider_when is None:
        return None
    question = kb.finder_question(item.consider_when.question)
    if question is None:
        return None
    cui = CriteriaUi(ui)
    labels = [cui.quoted(o.label.get(ui.lang)) for o in question.options if o.id in item.consider_when.consider]
    if not labels:
        return None
    return cui("consider_when", question=question.text.get(ui.lang), options=", ".join(labels))


def _answer_buttons(ui: Ui, item: CheckItem, origin: Origin) -> list[Element]:
    """One tile an answer: whole in a narrow Teams pane, and unlike the navigation buttons."""
    return choice_buttons([origin.button(answer_title(ui, answer), Action.ANSWER, answer.value) for answer in item.answers])


def question_card(
    ui: Ui,
    service: ServiceCard,
    item: CheckItem,
    number: int,
    total: int,
    implied: int,
    origin: Origin,
    kb: KnowledgeBase | None = None,
) -> Card:
    body: list[Element] = [
        heading(service.name.get(ui.lang), size="Medium"),
        text(ui("criteria.progress", n=number, total=total), subtle=True, spacing="None"),
        text(ui(f"criteria.kind.{item.kind}"), color="Accent", spacing="Small"),
        text(f"**{ui.loc(item.question)}**"),
        text(ui.loc(item.explanation), subtle=True),
    ]
    when = consider_when(ui, kb, item)
    if when:
        body.append(text(when, subtle=True, spacing="Small"))
    body += _answer_buttons(ui, item, origin)
    if number == 1:
        # The source once, on the first question (and on the summary), not on every step.
        if implied:
            body.append(text(ui.count("criteria.implied", implied), subtle=True, spacing="Medium"))
        body.append(source_block(ui, service.sources))
    return card(body, nav_actions(ui, origin))


def reason_record_text(ui: Ui, reason: Reason) -> str:
    """The record a reason is about, in the user's language: what holds when it is met only
    after special consideration, else its statement."""
    record = reason.record
    if reason.code is ReasonCode.CONSIDER and isinstance(record, Criterion):
        return consider_text(record, ui.lang)
    return statement_of(record, ui.lang) if record is not None else ""


def reason_text(ui: Ui, reason: Reason) -> str:
    """One reason in the user's language; the record's own text (Finnish) quoted in it."""
    cui = CriteriaUi(ui)
    key = f"reason.{reason.code.value}"
    if reason.code is ReasonCode.UNDETERMINED:
        return cui.count(key, reason.count)
    if reason.record is not None:
        return cui(key, text=cui.quoted(reason_record_text(ui, reason)))
    if reason.code is ReasonCode.ALTERNATIVES:
        return cui(key, services=", ".join(s.name.get(ui.lang) for s in reason.services))
    if reason.code is ReasonCode.THIN_CARD and reason.note:
        return f"{cui(key)} {ui.loc(reason.note)}"
    return cui(key)


def verdict_title(ui: Ui, result: CheckResult) -> str:
    if result.basis is Basis.UNDETERMINED:
        return CriteriaUi(ui)("verdict.undetermined")
    return ui(f"criteria.verdict.{result.verdict.value}")


def summary_card(ui: Ui, result: CheckResult, justification: str | None, origin: Origin) -> Card:
    service = result.service
    if justification is None:
        justification = justification_text(result, ui.lang)
    cui = CriteriaUi(ui)
    ruled_out = result.verdict is Verdict.DOES_NOT_FIT
    body: list[Element] = [
        heading(ui("criteria.summary_title", service=service.name.get(ui.lang))),
        {**text(verdict_title(ui, result), color=_VERDICT_COLOR[result.verdict]), "size": "Large", "weight": "Bolder"},
    ]
    body += section(ui("criteria.reasons"), bullets(reason_text(ui, r) for r in result.reasons))
    failed: tuple[ContraIndication | Criterion, ...] = (*result.applying, *result.unmet)
    body += section(ui("criteria.unmet"), bullets(ui.loc(c.explanation) for c in failed))
    body += section(ui("criteria.consider"), bullets(ui.loc(c.explanation) for c in result.consider))
    body += section(cui("not_assessed") if ruled_out else ui("criteria.unknown"), bullets(ui.loc(c.question) for c in result.unknown))
    if result.alternatives:
        body += section(
            ui("criteria.alternatives"),
            *[choice(origin.button(ui("common.open_card", service=s.name.get(ui.lang)), Action.CARD, s.id)) for s in result.alternatives],
        )
    elif result.applying:
        # What to consider instead is the contra-indications' to say; an unmet criterion
        # names none, and "the source names none" would be read as said of it too.
        body.append(text(ui("common.no_alternative"), subtle=True))
    if not ruled_out:
        # Tasks and duration only for a service that may be arranged.
        body += section(ui("criteria.prerequisites"), bullets(f"☐ {ui.loc(p.text)}" for p in result.prerequisites))
        if result.duration:
            body += section(ui("criteria.duration"), text(ui.loc(result.duration.description)), duration_facts(ui, result.duration))
    body += [
        copyable(JUSTIFICATION_INPUT_ID, ui("criteria.justification"), justification),
        text(ui("criteria.justification_hint"), subtle=True, spacing="None"),
        # The same text once more, folded away: text renderings (the terminal chat, channels
        # without cards) show no input's value, and a reader may prefer it unboxed.
        {
            "type": "ActionSet",
            "actions": [
                {"type": "Action.ShowCard", "title": ui("criteria.justification_as_text"), "card": {"type": "AdaptiveCard", "body": [text(justification)]}}
            ],
        },
        source_block(ui, service.sources),
    ]
    actions = [
        origin.button(ui("criteria.show_card"), Action.CARD, service.id),
        origin.button(ui("criteria.start_process"), Action.PROCESS, service.id),
        origin.button(ui("criteria.check_another"), Action.RESTART),
        *nav_actions(ui, origin),
    ]
    return card(body, actions)
