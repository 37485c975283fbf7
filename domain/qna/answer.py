"""What an answer says, as plain data: text, source, related records and follow-ups.

Composed from the knowledge base for one matched record, in the asker's language where the
knowledge base has it and in Finnish otherwise (`in_language` tells which, so the UI can add
"answer available in Finnish only"). The card builder only lays this out.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Final, Literal

from domain.qna.index import RecordRef
from knowledge.model import FaqEntry, KnowledgeBase, Source

LinkKind = Literal["service", "process", "step"]

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


def faq_title(entry: FaqEntry, lang: str) -> str:
    phrasings: tuple[str, ...] = getattr(entry.phrasings, lang, ()) or entry.phrasings.fi
    return phrasings[0]


def compose(kb: KnowledgeBase, ref: RecordRef, lang: str) -> Answer | None:
    """The answer for `ref`, or None when the record no longer exists (a reload removed it)."""
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
        return Answer(
            ref=ref,
            title=name or card.name.fi,
            text=card.summary.get(lang),
            in_language=lang == "fi" or lang not in card.summary.missing(),
            facts=(("service_target", card.target_group.description.get(lang)),),
            source=card.sources[0],
            card_name=card.name.fi,
            related=(Link("service", card.id, None, card.name.get(lang)),),
        )
    if ref.kind == "step":
        found = kb.step(ref.id)
        if found is None:
            return None
        process, phase, step = found
        facts = tuple(
            (key, value if isinstance(value, str) else value.get(lang)) for key, value in (("step_who", step.who), ("step_system", step.system), ("step_deadline", step.deadline)) if value
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
            links.append(Link("step", rid, found[0].id, f"{found[0].name.get(lang)}: {found[2].title}"))
        else:
            for process in kb.processes:
                phase = next((p for p in process.phases if p.id == rid), None)
                if phase is not None:
                    links.append(Link("process", rid, process.id, f"{process.name.get(lang)}: {phase.title.get(lang)}"))
                    break
        if len(links) >= MAX_RELATED:
            break
    return tuple(links)
