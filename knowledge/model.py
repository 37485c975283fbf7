"""Typed model of the knowledge base.

Plain Python (pydantic only): no botbuilder, no aiohttp. Every model forbids unknown keys and
is frozen, so the loaded knowledge base is an immutable object built once at start-up.

Content is Finnish first. Every text a worker reads (service cards, criteria, statements,
prerequisites, process phases and steps, finder questions) is `Localized`: `fi` required,
`sv`/`en` optional for the model (UI code falls back to Finnish) but expected by the validator
(KB240). A plain string where a `Localized` is expected is read as its Finnish text, so hand-built
test records stay short. Notes for curators (`incomplete_note` of processes and steps, YAML
comments) are plain Finnish strings and never shown to workers.

Identifiers are stable: persisted dialog state and Q&A feedback refer to them. They are
lower-case ASCII words joined by `-`, namespaced with `.` (e.g. `ammatillinen-tukihenkilo.ika`).
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from types import MappingProxyType
from typing import TYPE_CHECKING, Annotated, Any, Literal, NamedTuple

from pydantic import BaseModel, ConfigDict, Field, PrivateAttr, StringConstraints, model_validator

if TYPE_CHECKING:
    from knowledge.problems import Problem

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


RecordKind = Literal[
    "service",
    "criterion",
    "contraindication",
    "prerequisite",
    "process",
    "phase",
    "step",
    "faq",
    "term",
]
"""Kinds of record that carry an id in the one id namespace of the knowledge base."""

RecordPath = tuple[str | int, ...]
"""Keys and list indices from the top of a file to a record, e.g. `("criteria", 2)`."""


class Localized(Record):
    """Text in Finnish, optionally Swedish and English. Finnish is the fallback."""

    fi: NonEmpty
    sv: NonEmpty | None = None
    en: NonEmpty | None = None

    @model_validator(mode="before")
    @classmethod
    def _plain_string_is_finnish(cls, data: Any) -> Any:
        return {"fi": data} if isinstance(data, str) else data

    def get(self, lang: str) -> str:
        return getattr(self, lang, None) or self.fi

    def missing(self) -> tuple[str, ...]:
        """The languages besides Finnish that this text lacks (KB240)."""
        return tuple(lang for lang in TRANSLATED_LANGUAGES if not getattr(self, lang))

    def __str__(self) -> str:
        # Finnish, so a text put into a string without a language still reads as content.
        return self.fi


TRANSLATED_LANGUAGES: tuple[str, ...] = ("sv", "en")
"""Languages besides Finnish that worker-facing content is expected in (KB240)."""
CONTENT_LANGUAGES: tuple[str, ...] = ("fi", *TRANSLATED_LANGUAGES)


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
    presenting_need: bool = False
    """The presenting-need question (at most one): its options are the kinds of need a
    service answers (`ServiceCard.needs`). Once answered, the finder lists only services for
    that need and the others behind one line."""


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


class Situations(Record):
    """How workers describe a client situation that a condition is about ("tyttö kaipaa
    lähinnä turvallista aikuista harrastuksiin"), for the Q&A matcher only: never shown.
    A situation is matched to the condition it touches, and workers describe situations in
    the family's words, not in the card's."""

    fi: tuple[NonEmpty, ...] = ()
    sv: tuple[NonEmpty, ...] = ()
    en: tuple[NonEmpty, ...] = ()


class Criterion(Record):
    """One 'when this is the right service' condition, asked as a yes/no question."""

    id: RecordId
    question: Localized
    explanation: Localized
    statement: Localized | None = None
    """The condition as an affirmative sentence, e.g. "Lapsi on noin 10–17-vuotias.": what
    the pasted justification quotes after the answer ("Täyttyy: ...", "Ei täyty: ...").
    Optional for older content; the validator warns where it is missing (KB223)."""
    consider_statement: Localized | None = None
    """For a criterion with `implied_by.consider`: what holds when it is met only after
    special consideration, e.g. "Lapsi on 7–9-vuotias; palvelu sopii tämän ikäisille vain
    erityisellä harkinnalla." (the statement itself would then be false). KB224 warns where
    it is missing."""
    implied_by: ImpliedBy | None = None
    situations: Situations | None = None


class ContraIndication(Record):
    """One 'when it is not' condition. A yes answer speaks against the service."""

    id: RecordId
    question: Localized
    explanation: Localized
    statement: Localized | None = None
    """The condition as an affirmative sentence, e.g. "Asiakas on autettavissa
    vapaaehtoisella tukihenkilöllä.": the justification lists it as applying or, when
    answered no, as assessed not to apply. The validator warns where it is missing (KB223)."""
    alternatives: tuple[RecordId, ...] = ()
    """Service ids to consider instead. Empty where the source names none (say so in the
    explanation)."""
    implied_by: ImpliedBy | None = None
    situations: Situations | None = None


class AgeRange(Record):
    min: int | None = Field(default=None, ge=0, le=30)
    max: int | None = Field(default=None, ge=0, le=30)
    special_min: int | None = Field(default=None, ge=0, le=30)
    """Lower bound of ages the service suits only after special consideration."""
    note: Localized | None = None


class TargetGroup(Record):
    description: Localized
    age: AgeRange | None = None


class Prerequisite(Record):
    """Something the worker must do or have before or during the service."""

    id: RecordId
    text: Localized


class Duration(Record):
    description: Localized
    first_period_months: int | None = None
    min_months: int | None = None
    max_months: int | None = None
    continuation: Localized | None = None


class ArrangedBy(Record):
    """Who arranges the service in family social work and in child protection."""

    family_social_work: Localized | None = None
    child_protection: Localized | None = None


Category = Literal["kotiin-vietava", "ymparivuorokautinen", "sijaishuolto-perheet"]
"""The menu categories of document 000: home-based; round-the-clock; only for families of
children in substitute care."""


class ServiceCard(Record):
    """A principle card: `knowledge/services/<id>.yaml`."""

    id: RecordId
    name: Localized
    category: Category | None = None
    kind: Literal["service", "project"] = "service"
    """`project`: a pilot or development project the sources describe (knowledge, not an
    orderable service): the card and the Q&A show it, the service finder never offers it."""
    needs: tuple[RecordId, ...] = ()
    """Options of the finder's presenting-need question this service answers, as its source
    describes it (e.g. `lapsi` for work focused on the child). Empty: every need."""
    summary: Localized
    """One or two sentences for lists and search results."""
    description: Localized
    target_group: TargetGroup
    criteria: tuple[Criterion, ...] = ()
    contraindications: tuple[ContraIndication, ...] = ()
    prerequisites: tuple[Prerequisite, ...] = ()
    duration: Duration | None = None
    legal_basis: tuple[Localized, ...] = ()
    arranged_by: ArrangedBy | None = None
    process_steps: tuple[RecordId, ...] = ()
    """Process step ids specific to this service, shown by the process guide."""
    keywords: tuple[NonEmpty, ...] = ()
    """Extra search words (synonyms, colloquial names) for the Q&A matcher."""
    sources: tuple[Source, ...] = Field(min_length=1)
    complete: bool = True
    incomplete_note: Localized | None = None
    """Required when `complete` is false: what the sources do not say. Shown to workers on
    the service card, so it is written for them (and translated)."""

    def records(self) -> Iterator[tuple[RecordKind, RecordPath, IdRecord]]:
        """This card and every record with an id inside it, with its path in the file."""
        yield "service", (), self
        for i, criterion in enumerate(self.criteria):
            yield "criterion", ("criteria", i), criterion
        for i, contra in enumerate(self.contraindications):
            yield "contraindication", ("contraindications", i), contra
        for i, prerequisite in enumerate(self.prerequisites):
            yield "prerequisite", ("prerequisites", i), prerequisite


# --- Process instructions -----------------------------------------------------------------


class ProcessStep(Record):
    id: RecordId
    title: Localized
    what: Localized
    """What to do, in the project's own words."""
    who: Localized | None = None
    """Who does it, only where a source assigns it; None shows "the source does not say"."""
    system: str | None = None
    """Which information system (Laava, Effica, Webropol, ...) where the sources say: a
    name, the same in every language."""
    deadline: Localized | None = None
    services: tuple[RecordId, ...] = ()
    """Service ids this step is specific to; empty for a step of every service."""
    source: Source
    source_gap: Localized | None = None
    """Worker-facing, one quiet line: what the source leaves open here (e.g. it names the
    topic without its content). Shown once on the step card."""
    complete: bool = True
    incomplete_note: str | None = None
    """For curators only (never shown to workers): what is missing and where to look."""


class ProcessPhase(Record):
    id: RecordId
    title: Localized
    summary: Localized | None = None
    steps: tuple[ProcessStep, ...] = Field(min_length=1)


Track = Literal["perhesosiaalityo", "lastensuojelu", "palaute"]
"""Family social work, child protection, and the feedback and supervision loop."""


class Process(Record):
    """`knowledge/processes/<id>.yaml`: one process, phase by phase."""

    id: RecordId
    track: Track
    name: Localized
    summary: Localized
    roles: tuple[Localized, ...] = ()
    """Who does what in this track, e.g. the team that arranges services."""
    phases: tuple[ProcessPhase, ...] = Field(min_length=1)
    sources: tuple[Source, ...] = Field(min_length=1)
    source_gap: Localized | None = None
    """Worker-facing, one quiet line on the first screen: what the sources leave open."""
    complete: bool = True
    incomplete_note: str | None = None
    """For curators only (never shown to workers)."""

    def records(self) -> Iterator[tuple[RecordKind, RecordPath, IdRecord]]:
        """This process, its phases and steps, with their paths in the file."""
        yield "process", (), self
        for i, phase in enumerate(self.phases):
            yield "phase", ("phases", i), phase
            for j, step in enumerate(phase.steps):
                yield "step", ("phases", i, "steps", j), step


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

    def records(self) -> Iterator[tuple[RecordKind, RecordPath, IdRecord]]:
        for i, entry in enumerate(self.entries):
            yield "faq", ("entries", i), entry


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

    def records(self) -> Iterator[tuple[RecordKind, RecordPath, IdRecord]]:
        for i, term in enumerate(self.terms):
            yield "term", ("terms", i), term


# --- The whole -----------------------------------------------------------------------------


IdRecord = ServiceCard | Criterion | ContraIndication | Prerequisite | Process | ProcessPhase | ProcessStep | FaqEntry | GlossaryTerm


class IndexedRecord(NamedTuple):
    """A record found by id, with the service card or process it belongs to (if any)."""

    kind: RecordKind
    record: IdRecord
    owner: ServiceCard | Process | None


class KnowledgeBase(Record):
    """The loaded, validated knowledge base. Built once; never mutated.

    Lookups go through read-only indices built once in `model_post_init`; where an id is
    defined twice (only possible when the model is built by hand, the loader rejects it)
    the first definition wins, as the linear searches this replaced did.
    """

    services: tuple[ServiceCard, ...]
    processes: tuple[Process, ...]
    faq: tuple[FaqEntry, ...]
    glossary: Glossary
    finder: Finder
    version: str = ""
    """Content hash, for logs and /readyz."""

    _index: Mapping[str, IndexedRecord] = PrivateAttr(default_factory=dict)
    _by_kind: Mapping[RecordKind, Mapping[str, IdRecord]] = PrivateAttr(default_factory=dict)
    _steps: Mapping[str, tuple[Process, ProcessPhase, ProcessStep]] = PrivateAttr(default_factory=dict)
    _questions: Mapping[str, FinderQuestion] = PrivateAttr(default_factory=dict)
    _warnings: tuple[Problem, ...] = PrivateAttr(default=())

    def model_post_init(self, context: Any, /) -> None:
        index: dict[str, IndexedRecord] = {}
        by_kind: dict[RecordKind, dict[str, IdRecord]] = {}
        steps: dict[str, tuple[Process, ProcessPhase, ProcessStep]] = {}
        for kind, record, owner in self._all_records():
            index.setdefault(record.id, IndexedRecord(kind, record, owner))
            by_kind.setdefault(kind, {}).setdefault(record.id, record)
        for process in self.processes:
            for phase in process.phases:
                for step in phase.steps:
                    steps.setdefault(step.id, (process, phase, step))
        questions: dict[str, FinderQuestion] = {}
        for question in self.finder.questions:
            questions.setdefault(question.id, question)
        self._index = MappingProxyType(index)
        self._by_kind = MappingProxyType({k: MappingProxyType(v) for k, v in by_kind.items()})
        self._steps = MappingProxyType(steps)
        self._questions = MappingProxyType(questions)

    def _all_records(self) -> Iterator[tuple[RecordKind, IdRecord, ServiceCard | Process | None]]:
        owners: tuple[ServiceCard | Process, ...] = (*self.services, *self.processes)
        for owner in owners:
            for kind, _path, record in owner.records():
                yield kind, record, None if record is owner else owner
        for entry in self.faq:
            yield "faq", entry, None
        for kind, _path, record in self.glossary.records():
            yield kind, record, None

    def _get(self, kind: RecordKind, record_id: str) -> Any:
        return self._by_kind.get(kind, {}).get(record_id)

    def service(self, service_id: str) -> ServiceCard | None:
        found: ServiceCard | None = self._get("service", service_id)
        return found

    def process(self, process_id: str) -> Process | None:
        found: Process | None = self._get("process", process_id)
        return found

    def step(self, step_id: str) -> tuple[Process, ProcessPhase, ProcessStep] | None:
        return self._steps.get(step_id)

    def faq_entry(self, faq_id: str) -> FaqEntry | None:
        found: FaqEntry | None = self._get("faq", faq_id)
        return found

    def phase(self, phase_id: str) -> ProcessPhase | None:
        found: ProcessPhase | None = self._get("phase", phase_id)
        return found

    def term(self, term_id: str) -> GlossaryTerm | None:
        found: GlossaryTerm | None = self._get("term", term_id)
        return found

    def finder_question(self, question_id: str) -> FinderQuestion | None:
        return self._questions.get(question_id)

    def record(self, record_id: str) -> IndexedRecord | None:
        """Any record with an id (service, criterion, ..., FAQ entry, glossary term)."""
        return self._index.get(record_id)

    def record_ids(self) -> tuple[str, ...]:
        return tuple(self._index)

    @property
    def kb_warnings(self) -> tuple[Problem, ...]:
        """Warnings the loader found; empty when the model was built by hand."""
        return self._warnings

    def with_warnings(self, warnings: tuple[Problem, ...]) -> KnowledgeBase:
        """A copy carrying the loader's warnings; this instance stays as it was."""
        copy = self.model_copy()
        copy._warnings = tuple(warnings)
        return copy
