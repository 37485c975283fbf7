"""The criteria check: does one service suit the client's situation, and why.

The worker answers a principle card's suitability criteria and contra-indications (some are
already implied by the service finder's answers, see `domain.finder.implied_answers`); this
module turns those answers into a verdict with structured reasons (a code and the record it
is about), which the bot layer words in the user's language. It only supports the
professional's assessment: the verdict is never a decision.

Plain Python over the knowledge model: no Bot Framework, no I/O, no UI strings.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from enum import StrEnum
from typing import Final, Literal, TypeVar

from knowledge.model import (
    ContraIndication,
    Criterion,
    Duration,
    ImpliedBy,
    KnowledgeBase,
    Localized,
    Prerequisite,
    ServiceCard,
)

_Item = TypeVar("_Item", Criterion, ContraIndication)


class CheckAnswer(StrEnum):
    YES = "yes"
    NO = "no"
    UNKNOWN = "unknown"
    CONSIDER = "consider"
    """Met only after special consideration. Comes from a finder answer (`implied_by`), or
    from the worker for a criterion whose `implied_by.consider` is non-empty (the source
    allows the service there after special consideration, e.g. a 7–9-year-old)."""


BASE_ANSWERS: Final = (CheckAnswer.YES, CheckAnswer.NO, CheckAnswer.UNKNOWN)
"""The answers every item offers the worker."""


class Verdict(StrEnum):
    FITS = "fits"
    CONSIDER = "consider"
    DOES_NOT_FIT = "does_not_fit"


class Basis(StrEnum):
    """What a verdict rests on: CONSIDER has three distinct grounds, worded differently."""

    ALL_MET = "all_met"
    """FITS: every criterion met, no contra-indication applies."""
    RULED_OUT = "ruled_out"
    """DOES_NOT_FIT: a criterion is not met or a contra-indication applies."""
    UNDETERMINED = "undetermined"
    """CONSIDER: something is still unknown, so suitability cannot be assessed yet."""
    SPECIAL = "special"
    """CONSIDER: everything is known, and a criterion is met only after special consideration."""
    CASE_BY_CASE = "case_by_case"
    """CONSIDER: everything known is favourable, but the card is thin or has no criteria."""


class ReasonCode(StrEnum):
    """One kind of reason; the bot layer has a string for each (`criteria.reason.<code>`)."""

    FITS = "fits"
    RULED_OUT = "ruled_out"
    UNDETERMINED = "undetermined"
    """`count` items still to find out."""
    SPECIAL = "special"
    CASE_BY_CASE = "case_by_case"
    UNMET = "unmet"
    """`record`: a criterion answered no."""
    APPLIES = "applies"
    """`record`: a contra-indication answered yes."""
    ALTERNATIVES = "alternatives"
    """`services`: what to consider instead."""
    CONSIDER = "consider"
    """`record`: a criterion met only after special consideration."""
    THIN_CARD = "thin_card"
    """`note`: the card's incomplete_note (Finnish content), if any."""
    NO_CRITERIA = "no_criteria"


_HEADLINES: Final = {
    Basis.ALL_MET: ReasonCode.FITS,
    Basis.RULED_OUT: ReasonCode.RULED_OUT,
    Basis.UNDETERMINED: ReasonCode.UNDETERMINED,
    Basis.SPECIAL: ReasonCode.SPECIAL,
    Basis.CASE_BY_CASE: ReasonCode.CASE_BY_CASE,
}


@dataclass(frozen=True)
class Reason:
    """One reason for a verdict: a code and what it is about. Never any text the worker typed."""

    code: ReasonCode
    record: Criterion | ContraIndication | None = None
    services: tuple[ServiceCard, ...] = ()
    count: int = 0
    note: Localized | None = None


def statement_of(item: Criterion | ContraIndication, lang: str = "fi") -> str:
    """The item's condition as an affirmative sentence in `lang` (Finnish where the record
    lacks it); the question where the card has none (older content; the validator warns,
    KB223)."""
    return (item.statement or item.question).get(lang).strip()


def consider_statement_of(criterion: Criterion, lang: str = "fi") -> str | None:
    """What holds when the criterion is met only after special consideration (e.g. the
    child's age band below the main one); None where the card does not say (KB224)."""
    text = criterion.consider_statement
    return text.get(lang).strip() if text is not None else None


@dataclass(frozen=True)
class CheckItem:
    """One question of the criteria check, as the dialog asks it."""

    id: str
    kind: Literal["criterion", "contraindication"]
    question: Localized
    explanation: Localized
    answers: tuple[CheckAnswer, ...] = BASE_ANSWERS
    """The answers to offer: yes / no / don't know, and 'only after special consideration'
    for a criterion the source allows in some cases only after special consideration."""
    consider_when: ImpliedBy | None = None
    """For such a criterion: the finder answers that mean it (what the card says when)."""


@dataclass(frozen=True)
class Assessment:
    """A card's criteria and contra-indications sorted by their answers, in card order.

    Shared by the finder's ranking and the criteria check so that both read the answers the
    same way.
    """

    met: tuple[Criterion, ...]
    consider: tuple[Criterion, ...]
    unmet: tuple[Criterion, ...]
    applying: tuple[ContraIndication, ...]
    cleared: tuple[ContraIndication, ...]
    """Contra-indications answered no: assessed and found not to apply."""
    unknown: tuple[Criterion | ContraIndication, ...]
    """Still to check: criteria first, then contra-indications."""

    @property
    def ruled_out(self) -> bool:
        return bool(self.unmet or self.applying)


def _answer(answers: Mapping[str, CheckAnswer], item_id: str) -> CheckAnswer:
    """The answer for one item; missing or unrecognised (stale dialog state) is unknown.

    Answers restored from dialog state may be plain strings, so they are parsed, not compared
    by identity.
    """
    try:
        return CheckAnswer(answers.get(item_id, CheckAnswer.UNKNOWN))
    except ValueError:
        return CheckAnswer.UNKNOWN


def _with(pairs: list[tuple[_Item, CheckAnswer]], *wanted: CheckAnswer) -> tuple[_Item, ...]:
    return tuple(item for item, answer in pairs if answer in wanted)


def assess(card: ServiceCard, answers: Mapping[str, CheckAnswer]) -> Assessment:
    """Sort the card's items by their answers; an item missing from `answers` is unknown.

    A contra-indication has no 'consider' state (see `ImpliedBy`), so CONSIDER on one is
    treated as unknown: it still has to be checked.
    """
    criteria = [(c, _answer(answers, c.id)) for c in card.criteria]
    contras = [(c, _answer(answers, c.id)) for c in card.contraindications]
    return Assessment(
        met=_with(criteria, CheckAnswer.YES),
        consider=_with(criteria, CheckAnswer.CONSIDER),
        unmet=_with(criteria, CheckAnswer.NO),
        applying=_with(contras, CheckAnswer.YES),
        cleared=_with(contras, CheckAnswer.NO),
        unknown=(*_with(criteria, CheckAnswer.UNKNOWN), *_with(contras, CheckAnswer.UNKNOWN, CheckAnswer.CONSIDER)),
    )


def answer_options(criterion: Criterion) -> tuple[CheckAnswer, ...]:
    """What the worker may answer to a criterion: the base three, plus CONSIDER where the
    card links it to finder answers that allow the service only after special consideration."""
    if criterion.implied_by is not None and criterion.implied_by.consider:
        return (*BASE_ANSWERS, CheckAnswer.CONSIDER)
    return BASE_ANSWERS


def check_items(card: ServiceCard, already: Mapping[str, CheckAnswer]) -> tuple[CheckItem, ...]:
    """The questions still to ask: card order, criteria first, skipping ids in `already`.

    Any answer in `already` counts, UNKNOWN included: the worker who said "en tiedä" once is
    not asked again.
    """
    items: list[CheckItem] = []
    for c in card.criteria:
        if c.id in already:
            continue
        answers = answer_options(c)
        items.append(
            CheckItem(
                id=c.id,
                kind="criterion",
                question=c.question,
                explanation=c.explanation,
                answers=answers,
                consider_when=c.implied_by if CheckAnswer.CONSIDER in answers else None,
            )
        )
    items.extend(
        CheckItem(id=c.id, kind="contraindication", question=c.question, explanation=c.explanation) for c in card.contraindications if c.id not in already
    )
    return tuple(items)


@dataclass(frozen=True)
class CheckResult:
    service: ServiceCard
    verdict: Verdict
    reasons: tuple[Reason, ...]
    """Why, most important first: the headline (see `basis`), then the deciding records."""
    unmet: tuple[Criterion, ...]
    unknown: tuple[Criterion | ContraIndication, ...]
    applying: tuple[ContraIndication, ...]
    """Contra-indications answered yes."""
    consider: tuple[Criterion, ...]
    alternatives: tuple[ServiceCard, ...]
    """From the applying contra-indications, de-duplicated, in order."""
    prerequisites: tuple[Prerequisite, ...]
    duration: Duration | None

    @property
    def met(self) -> tuple[Criterion, ...]:
        """Criteria answered yes (derived, so the constructor stays as agreed)."""
        excluded = {c.id for c in (*self.unmet, *self.consider, *self.unknown)}
        return tuple(c for c in self.service.criteria if c.id not in excluded)

    @property
    def cleared(self) -> tuple[ContraIndication, ...]:
        """Contra-indications answered no: assessed and found not to apply."""
        excluded = {c.id for c in (*self.applying, *self.unknown)}
        return tuple(c for c in self.service.contraindications if c.id not in excluded)

    @property
    def basis(self) -> Basis:
        """What the verdict rests on. Unknowns outrank special consideration: while anything
        is unknown, suitability cannot be assessed yet, whatever else is known."""
        return basis_of(self.verdict, self.unknown, self.consider)

    @property
    def nothing_known(self) -> bool:
        """No item has an answer yet (every criterion and contra-indication is unknown)."""
        return not (self.met or self.consider or self.unmet or self.applying or self.cleared)


def basis_of(verdict: Verdict, unknown: tuple[object, ...], consider: tuple[object, ...]) -> Basis:
    if verdict is Verdict.FITS:
        return Basis.ALL_MET
    if verdict is Verdict.DOES_NOT_FIT:
        return Basis.RULED_OUT
    if unknown:
        return Basis.UNDETERMINED
    return Basis.SPECIAL if consider else Basis.CASE_BY_CASE


def resolve_alternatives(kb: KnowledgeBase, card: ServiceCard, contras: tuple[ContraIndication, ...]) -> tuple[ServiceCard, ...]:
    """The services the contra-indications name, de-duplicated, in order.

    An id the knowledge base lacks is skipped rather than raised: the loader reports it
    (KB210), and a worker mid-dialog is better served by the other alternatives.
    """
    seen: set[str] = {card.id}
    found: list[ServiceCard] = []
    for contra in contras:
        for service_id in contra.alternatives:
            if service_id in seen:
                continue
            seen.add(service_id)
            service = kb.service(service_id)
            if service is not None:
                found.append(service)
    return tuple(found)


def _reasons(card: ServiceCard, basis: Basis, a: Assessment, alternatives: tuple[ServiceCard, ...]) -> tuple[Reason, ...]:
    """Headline first, then what decides it. A ruled-out service says why it is ruled out and
    nothing about what is still open: the open items cannot change that verdict."""
    reasons = [Reason(_HEADLINES[basis], count=len(a.unknown) if basis is Basis.UNDETERMINED else 0)]
    reasons += [Reason(ReasonCode.APPLIES, record=contra) for contra in a.applying]
    reasons += [Reason(ReasonCode.UNMET, record=criterion) for criterion in a.unmet]
    if alternatives:
        reasons.append(Reason(ReasonCode.ALTERNATIVES, services=alternatives))
    if basis is Basis.RULED_OUT:
        return tuple(reasons)
    reasons += [Reason(ReasonCode.CONSIDER, record=criterion) for criterion in a.consider]
    if not card.complete:
        reasons.append(Reason(ReasonCode.THIN_CARD, note=card.incomplete_note))
    elif not card.criteria:
        reasons.append(Reason(ReasonCode.NO_CRITERIA))
    return tuple(reasons)


def evaluate(kb: KnowledgeBase, card: ServiceCard, answers: Mapping[str, CheckAnswer]) -> CheckResult:
    """The criteria check's verdict for one service.

    DOES_NOT_FIT if any criterion is answered no or any contra-indication yes; else CONSIDER
    if anything is unknown (suitability cannot be assessed yet) or met only after special
    consideration, or the card is incomplete (or has no criteria at all: nothing to show it
    fits); else FITS. Ids in `answers` that the card does not have are ignored, so stray input
    never reaches the result.
    """
    a = assess(card, answers)
    if a.ruled_out:
        verdict = Verdict.DOES_NOT_FIT
    elif a.unknown or a.consider or not card.complete or not card.criteria:
        verdict = Verdict.CONSIDER
    else:
        verdict = Verdict.FITS
    alternatives = resolve_alternatives(kb, card, a.applying)
    return CheckResult(
        service=card,
        verdict=verdict,
        reasons=_reasons(card, basis_of(verdict, a.unknown, a.consider), a, alternatives),
        unmet=a.unmet,
        unknown=a.unknown,
        applying=a.applying,
        consider=a.consider,
        alternatives=alternatives,
        prerequisites=card.prerequisites,
        duration=card.duration,
    )
