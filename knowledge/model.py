"""Typed model of the knowledge base.

Plain Python (pydantic only): no botbuilder, no aiohttp. Every model forbids unknown keys and
is frozen, so the loaded knowledge base is an immutable object built once at start-up.

Content is Finnish. Where a record offers other languages it does so through `Localized`
(`fi` required, `sv`/`en` optional), and UI code falls back to Finnish.

Identifiers are stable: persisted dialog state and Q&A feedback refer to them. They are
lower-case ASCII words joined by `-`, namespaced with `.` (e.g. `ammatillinen-tukihenkilo.ika`).
"""

from __future__ import annotations

from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field, StringConstraints

RecordId = Annotated[str, StringConstraints(pattern=r"^[a-z0-9]+(?:-[a-z0-9]+)*(?:\.[a-z0-9]+(?:-[a-z0-9]+)*)*$")]
"""A stable identifier: `word-word` segments joined by dots, lower-case ASCII."""

NonEmpty = Annotated[str, StringConstraints(min_length=1, strip_whitespace=True)]

DocumentId = Literal[
    "000_54da9fa281a6a95f",
    "001_a572beb4b9b3dc56",
    "002_d3919f8c0796ae35",
    "003_786fb2b8269256bd",
    "004_c4c347e7070b8c93",
]
"""The five source documents (file names without `.txt`, see `../shared/seeds/README.md`)."""


class Record(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class Localized(Record):
    """Text in Finnish, optionally Swedish and English. Finnish is the fallback."""

    fi: NonEmpty
    sv: NonEmpty | None = None
    en: NonEmpty | None = None

    def get(self, lang: str) -> str:
        return getattr(self, lang, None) or self.fi


class Source(Record):
    """Where a fact comes from: one of the five documents and the section within it."""

    document: DocumentId
    section: NonEmpty


# --- Service finder -----------------------------------------------------------------------


class FinderOption(Record):
    id: RecordId
    label: Localized


class FinderQuestion(Record):
    """A question the service finder may ask. Asked only when its answer changes the result."""

    id: RecordId
    text: Localized
    help: Localized | None = None
    options: tuple[FinderOption, ...] = Field(min_length=2)


class Finder(Record):
    """`knowledge/finder.yaml`: the finder's questions, in the order they are considered."""

    questions: tuple[FinderQuestion, ...] = Field(min_length=1)


class ImpliedBy(Record):
    """Links a criterion to a finder answer so the criteria check need not ask it again.

    For a suitability criterion: an option in `yes` means the criterion is met, in `no` that
    it is not met, in `consider` that it is met only after special consideration.
    For a contra-indication: `yes` means it applies (the service is ruled out), `no` that it
    does not. Options of the question listed nowhere leave the criterion unknown.
    """

    question: RecordId
    yes: tuple[RecordId, ...] = ()
    no: tuple[RecordId, ...] = ()
    consider: tuple[RecordId, ...] = ()


# --- Principle cards ----------------------------------------------------------------------


class Criterion(Record):
    """One 'when this is the right service' condition, asked as a yes/no question."""

    id: RecordId
    question: NonEmpty
    explanation: NonEmpty
    implied_by: ImpliedBy | None = None


class ContraIndication(Record):
    """One 'when it is not' condition. A yes answer speaks against the service."""

    id: RecordId
    question: NonEmpty
    explanation: NonEmpty
    alternatives: tuple[RecordId, ...] = ()
    """Service ids to consider instead. Empty where the source names none (say so in the
    explanation)."""
    implied_by: ImpliedBy | None = None


class AgeRange(Record):
    min: int | None = Field(default=None, ge=0, le=30)
    max: int | None = Field(default=None, ge=0, le=30)
    special_min: int | None = Field(default=None, ge=0, le=30)
    """Lower bound of ages the service suits only after special consideration."""
    note: str | None = None


class TargetGroup(Record):
    description: NonEmpty
    age: AgeRange | None = None


class Prerequisite(Record):
    """Something the worker must do or have before or during the service."""

    id: RecordId
    text: NonEmpty


class Duration(Record):
    description: NonEmpty
    first_period_months: int | None = None
    min_months: int | None = None
    max_months: int | None = None
    continuation: str | None = None


class ArrangedBy(Record):
    """Who arranges the service in family social work and in child protection."""

    family_social_work: str | None = None
    child_protection: str | None = None


Category = Literal["kotiin-vietava", "ymparivuorokautinen", "sijaishuolto-perheet"]
"""The menu categories of document 000: home-based; round-the-clock; only for families of
children in substitute care."""


class ServiceCard(Record):
    """A principle card: `knowledge/services/<id>.yaml`."""

    id: RecordId
    name: Localized
    category: Category | None = None
    summary: NonEmpty
    """One or two sentences for lists and search results."""
    description: NonEmpty
    target_group: TargetGroup
    criteria: tuple[Criterion, ...] = ()
    contraindications: tuple[ContraIndication, ...] = ()
    prerequisites: tuple[Prerequisite, ...] = ()
    duration: Duration | None = None
    legal_basis: tuple[NonEmpty, ...] = ()
    arranged_by: ArrangedBy | None = None
    process_steps: tuple[RecordId, ...] = ()
    """Process step ids specific to this service, shown by the process guide."""
    keywords: tuple[NonEmpty, ...] = ()
    """Extra search words (synonyms, colloquial names) for the Q&A matcher."""
    sources: tuple[Source, ...] = Field(min_length=1)
    complete: bool = True
    incomplete_note: str | None = None
    """Required when `complete` is false: what the sources do not say."""


# --- Process instructions -----------------------------------------------------------------


class ProcessStep(Record):
    id: RecordId
    title: NonEmpty
    what: NonEmpty
    """What to do, in the project's own words."""
    who: str | None = None
    system: str | None = None
    """Which information system (Laava, Effica, Webropol, ...) where the sources say."""
    deadline: str | None = None
    services: tuple[RecordId, ...] = ()
    """Service ids this step is specific to; empty for a step of every service."""
    source: Source
    complete: bool = True
    incomplete_note: str | None = None


class ProcessPhase(Record):
    id: RecordId
    title: NonEmpty
    summary: str | None = None
    steps: tuple[ProcessStep, ...] = Field(min_length=1)


Track = Literal["perhesosiaalityo", "lastensuojelu", "palaute"]
"""Family social work, child protection, and the feedback and supervision loop."""


class Process(Record):
    """`knowledge/processes/<id>.yaml`: one process, phase by phase."""

    id: RecordId
    track: Track
    name: Localized
    summary: NonEmpty
    roles: tuple[NonEmpty, ...] = ()
    """Who does what in this track, e.g. the team that arranges services."""
    phases: tuple[ProcessPhase, ...] = Field(min_length=1)
    sources: tuple[Source, ...] = Field(min_length=1)
    complete: bool = True
    incomplete_note: str | None = None


# --- Onboarding answers -------------------------------------------------------------------


class Phrasings(Record):
    """Ways a worker might ask. Finnish required; Swedish and English help matching."""

    fi: tuple[NonEmpty, ...] = Field(min_length=2)
    sv: tuple[NonEmpty, ...] = ()
    en: tuple[NonEmpty, ...] = ()


class FaqEntry(Record):
    id: RecordId
    phrasings: Phrasings
    answer: Localized
    related: tuple[RecordId, ...] = ()
    """Service, process, phase or step ids to offer as buttons."""
    follow_ups: tuple[RecordId, ...] = ()
    """Other FAQ ids to offer as follow-up questions."""
    source: Source


class FaqFile(Record):
    """`knowledge/faq/<topic>.yaml`."""

    topic: NonEmpty
    entries: tuple[FaqEntry, ...] = Field(min_length=1)


# --- Glossary -----------------------------------------------------------------------------


class GlossaryTerm(Record):
    id: RecordId
    term: NonEmpty
    """The term or abbreviation as written, e.g. `SHL`."""
    expansion: str | None = None
    """The written-out form of an abbreviation, e.g. `sosiaalihuoltolaki`."""
    synonyms: tuple[NonEmpty, ...] = ()
    """Other words for the same thing (any language, inflected forms, misspellings)."""
    definition: NonEmpty
    source: Source | None = None
    """None only for general terms of the field that no document defines."""


class Glossary(Record):
    """`knowledge/glossary.yaml`."""

    terms: tuple[GlossaryTerm, ...] = Field(min_length=1)


# --- The whole -----------------------------------------------------------------------------


class KnowledgeBase(Record):
    """The loaded, validated knowledge base. Built once; never mutated."""

    services: tuple[ServiceCard, ...]
    processes: tuple[Process, ...]
    faq: tuple[FaqEntry, ...]
    glossary: Glossary
    finder: Finder
    version: str = ""
    """Content hash, for logs and /readyz."""

    def service(self, service_id: str) -> ServiceCard | None:
        return next((s for s in self.services if s.id == service_id), None)

    def process(self, process_id: str) -> Process | None:
        return next((p for p in self.processes if p.id == process_id), None)

    def step(self, step_id: str) -> tuple[Process, ProcessPhase, ProcessStep] | None:
        for process in self.processes:
            for phase in process.phases:
                for step in phase.steps:
                    if step.id == step_id:
                        return process, phase, step
        return None

    def faq_entry(self, faq_id: str) -> FaqEntry | None:
        return next((f for f in self.faq if f.id == faq_id), None)
