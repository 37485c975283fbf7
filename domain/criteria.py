"""The criteria check: does one service suit the client's situation, and why.

The worker answers a principle card's suitability criteria and contra-indications (some are
already implied by the service finder's answers, see `domain.finder.implied_answers`); this
module turns those answers into a verdict with plain Finnish reasons. It only supports the
professional's assessment: the verdict is never a decision.

Plain Python over the knowledge model: no Bot Framework, no I/O.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from enum import StrEnum
from typing import Literal, TypeVar

from knowledge.model import (
    ContraIndication,
    Criterion,
    Duration,
    KnowledgeBase,
    Prerequisite,
    ServiceCard,
)


_Item = TypeVar("_Item", Criterion, ContraIndication)


class CheckAnswer(StrEnum):
    YES = "yes"
    NO = "no"
    UNKNOWN = "unknown"
    CONSIDER = "consider"
    """Met only after special consideration. Comes only from a finder answer (`implied_by`);
    the worker's own answers are yes, no or unknown."""


class Verdict(StrEnum):
    FITS = "fits"
    CONSIDER = "consider"
    DOES_NOT_FIT = "does_not_fit"


@dataclass(frozen=True)
class CheckItem:
    """One yes/no question of the criteria check, as the dialog asks it."""

    id: str
    kind: Literal["criterion", "contraindication"]
    question: str
    explanation: str


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


def check_items(card: ServiceCard, already: Mapping[str, CheckAnswer]) -> tuple[CheckItem, ...]:
    """The questions still to ask: card order, criteria first, skipping ids in `already`.

    Any answer in `already` counts, UNKNOWN included: the worker who said "en tiedä" once is
    not asked again.
    """
    items: list[CheckItem] = [
        CheckItem(id=c.id, kind="criterion", question=c.question, explanation=c.explanation)
        for c in card.criteria
        if c.id not in already
    ]
    items.extend(
        CheckItem(id=c.id, kind="contraindication", question=c.question, explanation=c.explanation)
        for c in card.contraindications
        if c.id not in already
    )
    return tuple(items)


@dataclass(frozen=True)
class CheckResult:
    service: ServiceCard
    verdict: Verdict
    reasons: tuple[str, ...]
    """Plain Finnish sentences explaining the verdict, most important first."""
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


def resolve_alternatives(
    kb: KnowledgeBase, card: ServiceCard, contras: tuple[ContraIndication, ...]
) -> tuple[ServiceCard, ...]:
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


def _quoted(text: str) -> str:
    return f"”{text.strip()}”"


def _names(services: tuple[ServiceCard, ...]) -> str:
    return ", ".join(s.name.fi for s in services)


def _reasons(card: ServiceCard, verdict: Verdict, a: Assessment, alternatives: tuple[ServiceCard, ...]) -> tuple[str, ...]:
    reasons: list[str] = []
    if verdict is Verdict.DOES_NOT_FIT:
        reasons.append("Palvelu ei sovellu tilanteeseen annettujen vastausten perusteella.")
    elif verdict is Verdict.CONSIDER:
        reasons.append("Palvelu voi soveltua, mutta soveltuvuus on vielä harkittava.")
    else:
        reasons.append("Kaikki palvelun soveltuvuusperusteet täyttyvät, eikä mikään poissulkeva tekijä koske tilannetta.")
    for criterion in a.unmet:
        reasons.append(f"Soveltuvuusperuste ei täyty: vastaus kysymykseen {_quoted(criterion.question)} on ei.")
    for contra in a.applying:
        reasons.append(f"Poissulkeva tekijä koskee tilannetta: vastaus kysymykseen {_quoted(contra.question)} on kyllä.")
    if alternatives:
        reasons.append(f"Harkitse sen sijaan: {_names(alternatives)}.")
    for criterion in a.consider:
        reasons.append(f"Soveltuvuusperuste {_quoted(criterion.question)} täyttyy vain erityisellä harkinnalla.")
    if a.unknown:
        count = len(a.unknown)
        what = "kohta" if count == 1 else "kohtaa"
        reasons.append(f"Tarkistamatta on vielä {count} {what}, joten soveltuvuutta ei voi vielä todeta.")
    if not card.complete:
        note = f" {card.incomplete_note.strip()}" if card.incomplete_note else ""
        reasons.append(
            "Palvelukortti on suppea, eikä palvelua siksi voi esittää varmana vaihtoehtona;"
            f" soveltuvuus harkitaan tapauskohtaisesti.{note}"
        )
    elif not card.criteria:
        reasons.append("Palvelukortissa ei ole soveltuvuusperusteita, joten soveltuvuus harkitaan tapauskohtaisesti.")
    return tuple(reasons)


def evaluate(kb: KnowledgeBase, card: ServiceCard, answers: Mapping[str, CheckAnswer]) -> CheckResult:
    """The criteria check's verdict for one service.

    DOES_NOT_FIT if any criterion is answered no or any contra-indication yes; else CONSIDER
    if anything is unknown or met only after consideration, or the card is incomplete (or has
    no criteria at all: nothing to show it fits); else FITS. Ids in `answers` that the card
    does not have are ignored, so stray input never reaches the result.
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
        reasons=_reasons(card, verdict, a, alternatives),
        unmet=a.unmet,
        unknown=a.unknown,
        applying=a.applying,
        consider=a.consider,
        alternatives=alternatives,
        prerequisites=card.prerequisites,
        duration=card.duration,
    )
