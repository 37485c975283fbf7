"""What an answer says, as plain data: text, source, related records and follow-ups.

Composed from the knowledge base for one matched record, in the asker's language where the
knowledge base has it and in Finnish otherwise (`in_language` tells which, so the UI can add
"answer available in Finnish only"). The card builder only lays this out.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from typing import Final, Literal

from domain.qna.index import RecordRef
from knowledge.model import ContraIndication, Criterion, FaqEntry, KnowledgeBase, ServiceCard, Source

LinkKind = Literal["service", "process", "step", "criteria"]
"""A button to a card, a process (phase), a step, or the criteria check of a card."""
Verdict = Literal["fits", "consider", "does_not_fit", "condition"]
"""What an answer about a condition says first, in plain words (the card words it):
does_not_fit "Ei yleensä sovellu: …"; consider "Sopii vain erityisellä harkinnalla: …";
fits "Sopii: …"; condition "Edellytys: …" (a criterion, whose check the button runs)."""

MAX_RELATED: Final = 4
MAX_FOLLOW_UPS: Final = 3


@dataclass(frozen=True)
class Link:
    """A related card or process (step) the answer offers as a button."""

    kind: LinkKind
    id: str
    """The service, process or step id."""
    process_id: str | None
    """For a step or phase: its process, which the process dialog starts with."""
    title: str


@dataclass(frozen=True)
class StepPlace:
    process: str
    phase: str
    step: str


@dataclass(frozen=True)
class AgeReading:
    """An age from the question read against a card's age rule."""

    age: int
    verdict: Verdict
    min: int | None
    max: int | None
    special_min: int | None


@dataclass(frozen=True)
class Condition:
    """One criterion or contra-indication in an answer: its statement and where to go instead."""

    text: str
    alternatives: tuple[Link, ...] = ()


@dataclass(frozen=True)
class Answer:
    ref: RecordRef
    title: str
    text: str
    in_language: bool
    """False when the asker's language was not available and `text` is Finnish."""
    facts: tuple[tuple[str, str], ...] = ()
    """(UI key, value) pairs, e.g. ("step_who", "omatyöntekijä")."""
    source: Source | None = None
    card_name: str | None = None
    """Set when the answer is a service card: the source is the card itself."""
    step_place: StepPlace | None = None
    related: tuple[Link, ...] = ()
    follow_ups: tuple[tuple[str, str], ...] = ()
    """(FAQ id, question) pairs."""
    verdict: Verdict | None = None
    """Set for a criterion, contra-indication or a card's contra-indications."""
    conditions: tuple[Condition, ...] = ()
    """The statements the verdict is about, each with its alternatives (a contra-indication
    answer has one, a card's "when not suitable" all of them)."""
    no_alternative: bool = False
    """A contra-indication for which the source names no alternative service."""
    age: AgeReading | None = None
    check: Link | None = None
    """The button that runs the full criteria check of the card."""


def faq_title(entry: FaqEntry, lang: str) -> str:
    phrasings: tuple[str, ...] = getattr(entry.phrasings, lang, ()) or entry.phrasings.fi
    return phrasings[0]


def read_age(card: ServiceCard, age: int) -> AgeReading | None:
    """`age` against the card's age rule; None when the card has none."""
    rule = card.target_group.age
    if rule is None or (rule.min is None and rule.max is None):
        return None
    low = rule.min if rule.min is not None else 0
    high = rule.max if rule.max is not None else 99
    if low <= age <= high:
        verdict: Verdict = "fits"
    elif rule.special_min is not None and rule.special_min <= age < low:
        verdict = "consider"
    else:
        verdict = "does_not_fit"
    return AgeReading(age=age, verdict=verdict, min=rule.min, max=rule.max, special_min=rule.special_min)


def compose(kb: KnowledgeBase, ref: RecordRef, lang: str, age: int | None = None) -> Answer | None:
    """The answer for `ref`, or None when the record no longer exists (a reload removed it).

    `age` (from the question, `normalize.age_in`) is read against the age rule of the card the
    answer is about, if it has one."""
    answer = _compose(kb, ref, lang)
    if answer is None or age is None:
        return answer
    card = kb.service(_service_of(kb, ref) or "")
    reading = read_age(card, age) if card is not None else None
    if reading is None:
        return answer
    verdict = answer.verdict
    if (ref.kind in ("criterion", "service", "faq") and reading.verdict != "fits") or ref.kind == "criterion":
        verdict = reading.verdict
    return replace(answer, age=reading, verdict=verdict, check=answer.check or (_check(card, lang) if card else None))


def _service_of(kb: KnowledgeBase, ref: RecordRef) -> str | None:
    if ref.kind in ("service", "unsuitable"):
        return ref.id
    if ref.kind in ("criterion", "contra"):
        indexed = kb.record(ref.id)
        return indexed.owner.id if indexed is not None and isinstance(indexed.owner, ServiceCard) else None
    if ref.kind == "faq":
        entry = kb.faq_entry(ref.id)
        if entry is not None:
            return next((rid for rid in entry.related if kb.service(rid) is not None), None)
    return None


def _check(card: ServiceCard, lang: str) -> Link:
    return Link("criteria", card.id, None, card.name.get(lang))


def _compose(kb: KnowledgeBase, ref: RecordRef, lang: str) -> Answer | None:
    if ref.kind == "faq":
        entry = kb.faq_entry(ref.id)
        if entry is None:
            return None
        localized = getattr(entry.answer, lang, None)
        return Answer(
            ref=ref,
            title=faq_title(entry, lang if localized else "fi"),
            text=localized or entry.answer.fi,
            in_language=bool(localized) or lang == "fi",
            source=entry.source,
            related=_links(kb, entry.related, lang),
            follow_ups=tuple((fid, faq_title(f, lang)) for fid in entry.follow_ups[:MAX_FOLLOW_UPS] if (f := kb.faq_entry(fid))),
        )
    if ref.kind == "service":
        card = kb.service(ref.id)
        if card is None:
            return None
        name = getattr(card.name, lang, None)
        service_facts = [("service_target", card.target_group.description.get(lang))]
        if card.target_group.age is not None and card.target_group.age.note:
            service_facts.append(("service_age", card.target_group.age.note.get(lang)))
        if card.duration is not None:
            service_facts.append(("service_duration", card.duration.description.get(lang)))
        service_facts += [("service_prerequisite", p.text.get(lang)) for p in card.prerequisites[:3]]
        return Answer(
            ref=ref,
            title=name or card.name.fi,
            text=card.summary.get(lang),
            in_language=lang == "fi" or lang not in card.summary.missing(),
            facts=tuple(service_facts),
            source=card.sources[0],
            card_name=card.name.get(lang),
            related=(Link("service", card.id, None, card.name.get(lang)),),
            check=_check(card, lang) if card.criteria or card.contraindications else None,
        )
    if ref.kind in ("criterion", "contra"):
        indexed = kb.record(ref.id)
        if indexed is None or not isinstance(indexed.owner, ServiceCard):
            return None
        card = indexed.owner
        condition = indexed.record
        if not isinstance(condition, Criterion | ContraIndication):
            return None
        localized = condition.statement or condition.question
        statement = localized.get(lang)
        alternatives = _links(kb, tuple(getattr(condition, "alternatives", ())), lang)
        contra = ref.kind == "contra"
        return Answer(
            ref=ref,
            title=card.name.get(lang),
            text=condition.explanation.get(lang),
            in_language=lang == "fi" or lang not in localized.missing(),
            source=card.sources[0],
            card_name=card.name.get(lang),
            related=(Link("service", card.id, None, card.name.get(lang)),),
            verdict="does_not_fit" if contra else "condition",
            conditions=(Condition(statement, alternatives),),
            no_alternative=contra and not alternatives,
            check=_check(card, lang),
        )
    if ref.kind == "unsuitable":
        card = kb.service(ref.id)
        if card is None or not card.contraindications:
            return None
        conditions = tuple(Condition((c.statement or c.question).get(lang), _links(kb, c.alternatives, lang)) for c in card.contraindications)
        return Answer(
            ref=ref,
            title=card.name.get(lang),
            text="",
            in_language=lang == "fi" or all(lang not in (c.statement or c.question).missing() for c in card.contraindications),
            source=card.sources[0],
            card_name=card.name.get(lang),
            related=(Link("service", card.id, None, card.name.get(lang)),),
            verdict="does_not_fit",
            conditions=conditions,
            check=_check(card, lang),
        )
    if ref.kind == "step":
        found = kb.step(ref.id)
        if found is None:
            return None
        process, phase, step = found
        facts = tuple(
            (key, value if isinstance(value, str) else value.get(lang))
            for key, value in (("step_who", step.who), ("step_system", step.system), ("step_deadline", step.deadline))
            if value
        )
        return Answer(
            ref=ref,
            title=step.title.get(lang),
            text=step.what.get(lang),
            in_language=lang == "fi" or lang not in step.what.missing(),
            facts=facts,
            source=step.source,
            step_place=StepPlace(process=process.name.get(lang), phase=phase.title.get(lang), step=step.title.get(lang)),
            related=(Link("step", step.id, process.id, process.name.get(lang)), *_links(kb, step.services, lang)),
        )
    if ref.kind == "term":
        term = next((t for t in kb.glossary.terms if t.id == ref.id), None)
        if term is None:
            return None
        title = f"{term.term} ({term.expansion})" if term.expansion else term.term
        return Answer(ref=ref, title=title, text=term.definition, in_language=lang == "fi", source=term.source)
    return None


def _links(kb: KnowledgeBase, ids: tuple[str, ...], lang: str) -> tuple[Link, ...]:
    """Buttons for related ids: a service opens its card, a process, phase or step opens the
    process guide there. Unknown ids (the loader warns about them) are skipped.

    Names are in the reader's language where the knowledge base has one. A step's label names
    its process too: the two tracks share step titles, and two identical buttons would leave
    the worker guessing which track each opens."""
    links: list[Link] = []
    for rid in ids:
        if (card := kb.service(rid)) is not None:
            links.append(Link("service", rid, None, card.name.get(lang)))
        elif (process := kb.process(rid)) is not None:
            links.append(Link("process", rid, rid, process.name.get(lang)))
        elif (found := kb.step(rid)) is not None:
            links.append(Link("step", rid, found[0].id, f"{found[0].name.get(lang)}: {found[2].title.get(lang)}"))
        else:
            for process in kb.processes:
                phase = next((p for p in process.phases if p.id == rid), None)
                if phase is not None:
                    links.append(Link("process", rid, process.id, f"{process.name.get(lang)}: {phase.title.get(lang)}"))
                    break
        if len(links) >= MAX_RELATED:
            break
    return tuple(links)
