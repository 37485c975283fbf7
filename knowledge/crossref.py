"""Layer 2: what no single file can check: ids, references, the finder, completeness.

Runs on the files that passed layer 1. When some file failed, its text is still searched
for ids (`unvalidated`), so one broken card does not also flood the report with "unknown
id" for every reference to it: fix the schema errors first, then this layer speaks fully.
"""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from typing import Any, Final

from pydantic import BaseModel
from rapidfuzz import fuzz
from rapidfuzz import process as fuzzy

from knowledge.files import LoadedFile
from knowledge.model import (
    TRANSLATED_LANGUAGES,
    ContraIndication,
    Criterion,
    FaqFile,
    Finder,
    Glossary,
    IdRecord,
    Localized,
    Process,
    RecordKind,
    ServiceCard,
)
from knowledge.problems import Problem
from knowledge.similarity import phrasing_problems
from knowledge.situations import situation_problems
from knowledge.text import normalise
from knowledge.yaml_lines import YamlPath

_KIND_NAMES: dict[RecordKind, str] = {
    "service": "service",
    "criterion": "criterion",
    "contraindication": "contra-indication",
    "prerequisite": "prerequisite",
    "process": "process",
    "phase": "phase",
    "step": "step",
    "faq": "FAQ entry",
    "term": "glossary term",
}


@dataclass(frozen=True)
class CrossRefInput:
    services: Sequence[LoadedFile[ServiceCard]] = ()
    processes: Sequence[LoadedFile[Process]] = ()
    faq_files: Sequence[LoadedFile[FaqFile]] = ()
    glossary: LoadedFile[Glossary] | None = None
    finder: LoadedFile[Finder] | None = None
    finder_broken: bool = False
    """finder.yaml is missing or failed layer 1: its questions are unknown, not absent."""
    unvalidated: frozenset[str] = frozenset()
    """Every word in files that failed layer 1; a reference to one of them is not flagged."""
    absent: frozenset[RecordKind] = frozenset()
    """Kinds whose folder is missing or empty: references to them are not flagged either,
    the missing folder is the one problem to report."""


@dataclass(frozen=True)
class _Definition:
    kind: RecordKind
    source: LoadedFile[Any]
    path: YamlPath
    record: IdRecord


@dataclass
class _Ids:
    by_kind: dict[RecordKind, set[str]] = field(default_factory=lambda: defaultdict(set))
    kind_of: dict[str, RecordKind] = field(default_factory=dict)


def check_cross_references(kb: CrossRefInput) -> list[Problem]:
    definitions = list(_definitions(kb))
    ids = _Ids()
    for d in definitions:
        ids.by_kind[d.kind].add(d.record.id)
        ids.kind_of.setdefault(d.record.id, d.kind)
    return [
        *_duplicate_ids(definitions),
        *_file_names(kb),
        *_finder(kb),
        *_references(kb, ids),
        *_completeness(kb),
        *_glossary(kb),
        *_translations(kb),
        *_bare_yes_or_no(kb),
        *phrasing_problems(kb.faq_files),
        *situation_problems(kb.services),
    ]


def _definitions(kb: CrossRefInput) -> Iterator[_Definition]:
    sources: list[LoadedFile[Any]] = [*kb.services, *kb.processes, *kb.faq_files]
    if kb.glossary is not None:
        sources.append(kb.glossary)
    for source in sources:
        for kind, path, record in source.model.records():
            yield _Definition(kind, source, path, record)


def _duplicate_ids(definitions: list[_Definition]) -> Iterator[Problem]:
    first: dict[str, _Definition] = {}
    for d in definitions:
        earlier = first.setdefault(d.record.id, d)
        if earlier is not d:
            yield d.source.problem(
                "KB201",
                (*d.path, "id"),
                f"duplicate id '{d.record.id}': already the id of the {_KIND_NAMES[earlier.kind]} at {earlier.source.location((*earlier.path, 'id'))}",
            )


def _file_names(kb: CrossRefInput) -> Iterator[Problem]:
    owners: tuple[LoadedFile[ServiceCard] | LoadedFile[Process], ...] = (*kb.services, *kb.processes)
    for loaded in owners:
        stem = loaded.file.path.stem
        if stem != loaded.model.id:
            yield loaded.problem(
                "KB202",
                ("id",),
                f"id '{loaded.model.id}' differs from the file name '{stem}.yaml'; "
                f"rename the file to '{loaded.model.id}.yaml' (ids are stable, file names follow)",
            )


# --- Finder --------------------------------------------------------------------------------


def _finder(kb: CrossRefInput) -> Iterator[Problem]:
    if kb.finder_broken:
        return
    questions: dict[str, frozenset[str]] = {}
    if kb.finder is not None:
        yield from _finder_duplicates(kb.finder)
        for q in kb.finder.model.questions:
            questions.setdefault(q.id, frozenset(o.id for o in q.options))
    used: set[str] = set()
    for card in kb.services:
        for path, item in _implying_records(card.model):
            if item.implied_by is not None:
                used.add(item.implied_by.question)
                yield from _implied_by(card, (*path, "implied_by"), item, questions, kb.unvalidated)
    if kb.finder is None:
        return
    need_options = next((frozenset(o.id for o in q.options) for q in kb.finder.model.questions if q.presenting_need), None)
    for card in kb.services:
        for k, need in enumerate(card.model.needs):
            if need_options is None or need not in need_options:
                known = ", ".join(sorted(need_options or ())) or "none: no question has presenting_need: true"
                yield card.problem("KB208", ("needs", k), f"'{need}' is not an option of the presenting-need question (options: {known})")
        if card.model.needs:
            used.update(q.id for q in kb.finder.model.questions if q.presenting_need)
    for i, q in enumerate(kb.finder.model.questions):
        if q.id not in used and q.id not in kb.unvalidated:
            yield kb.finder.problem(
                "KB206",
                ("questions", i, "id"),
                f"no criterion or contra-indication uses finder question '{q.id}' (implied_by.question); the finder would ask it for nothing",
            )


def _finder_duplicates(finder: LoadedFile[Finder]) -> Iterator[Problem]:
    seen_questions: set[str] = set()
    for i, q in enumerate(finder.model.questions):
        if q.id in seen_questions:
            yield finder.problem("KB207", ("questions", i, "id"), f"duplicate question id '{q.id}'")
        seen_questions.add(q.id)
        seen_options: set[str] = set()
        for j, option in enumerate(q.options):
            if option.id in seen_options:
                yield finder.problem(
                    "KB207",
                    ("questions", i, "options", j, "id"),
                    f"duplicate option id '{option.id}' in question '{q.id}'",
                )
            seen_options.add(option.id)


def _implying_records(
    card: ServiceCard,
) -> Iterator[tuple[YamlPath, Criterion | ContraIndication]]:
    for i, criterion in enumerate(card.criteria):
        yield ("criteria", i), criterion
    for i, contra in enumerate(card.contraindications):
        yield ("contraindications", i), contra


def _implied_by(
    card: LoadedFile[ServiceCard],
    base: YamlPath,
    item: Criterion | ContraIndication,
    questions: dict[str, frozenset[str]],
    unvalidated: frozenset[str],
) -> Iterator[Problem]:
    implied = item.implied_by
    assert implied is not None
    options = questions.get(implied.question)
    if options is None:
        if implied.question not in unvalidated:
            yield card.problem(
                "KB203",
                (*base, "question"),
                f"unknown finder question '{implied.question}'{_suggest(implied.question, set(questions))}",
            )
        return
    listed_in: dict[str, str] = {}
    for answer in ("yes", "no", "consider"):
        for k, option in enumerate(getattr(implied, answer)):
            path = (*base, answer, k)
            if option not in options:
                yield card.problem(
                    "KB204",
                    path,
                    f"unknown option '{option}' of finder question '{implied.question}' (options: {', '.join(sorted(options))})",
                )
            elif listed_in.setdefault(option, answer) != answer:
                yield card.problem(
                    "KB205",
                    path,
                    f"option '{option}' is already listed in {listed_in[option]}; an answer cannot both meet and not meet a criterion",
                )


# --- References ----------------------------------------------------------------------------


def _references(kb: CrossRefInput, ids: _Ids) -> Iterator[Problem]:
    def unknown(source: LoadedFile[Any], path: YamlPath, ref: str, kinds: tuple[RecordKind, ...], code: str) -> Iterator[Problem]:
        if any(ref in ids.by_kind[k] for k in kinds) or ref in kb.unvalidated:
            return
        if any(k in kb.absent for k in kinds):
            return
        names = [_KIND_NAMES[k] for k in kinds]
        wanted = names[0] if len(names) == 1 else f"{', '.join(names[:-1])} or {names[-1]}"
        actual = ids.kind_of.get(ref)
        if actual is not None:
            hint = f": it is a {_KIND_NAMES[actual]}"
        else:
            candidates = set().union(*(ids.by_kind[k] for k in kinds))
            hint = _suggest(ref, candidates)
        yield source.problem(code, path, f"unknown {wanted} '{ref}'{hint}")

    for card in kb.services:
        service = card.model
        for i, contra in enumerate(service.contraindications):
            for k, alternative in enumerate(contra.alternatives):
                path = ("contraindications", i, "alternatives", k)
                if alternative == service.id:
                    yield card.problem("KB211", path, f"'{alternative}' is this service itself; name another one")
                else:
                    yield from unknown(card, path, alternative, ("service",), "KB210")
        for k, step_id in enumerate(service.process_steps):
            yield from unknown(card, ("process_steps", k), step_id, ("step",), "KB214")
    for process in kb.processes:
        for i, phase in enumerate(process.model.phases):
            for j, step in enumerate(phase.steps):
                for k, service_id in enumerate(step.services):
                    step_path = ("phases", i, "steps", j, "services", k)
                    yield from unknown(process, step_path, service_id, ("service",), "KB215")
    related_kinds: tuple[RecordKind, ...] = ("service", "process", "phase", "step")
    for faq in kb.faq_files:
        for i, entry in enumerate(faq.model.entries):
            for k, ref in enumerate(entry.related):
                yield from unknown(faq, ("entries", i, "related", k), ref, related_kinds, "KB212")
            for k, ref in enumerate(entry.follow_ups):
                path = ("entries", i, "follow_ups", k)
                if ref == entry.id:
                    yield faq.problem("KB216", path, "follow-up to the entry itself")
                else:
                    yield from unknown(faq, path, ref, ("faq",), "KB213")


# --- Completeness --------------------------------------------------------------------------


def _completeness(kb: CrossRefInput) -> Iterator[Problem]:
    for card in kb.services:
        yield from _note(card, (), card.model.complete, card.model.incomplete_note)
        if not card.model.criteria and card.model.complete:
            yield card.problem(
                "KB222",
                ("criteria",),
                "no criteria: the criteria check has nothing to ask; add them, or mark the "
                "card complete: false with an incomplete_note saying the sources give none",
            )
        for path, item in _implying_records(card.model):
            if item.statement is None:
                yield card.problem(
                    "KB223",
                    (*path, "id"),
                    f"'{item.id}' has no statement: the pasted justification falls back to "
                    "the question; add the condition as an affirmative sentence (e.g. "
                    "'statement: Lapsi on noin 10–17-vuotias.')",
                )
            if isinstance(item, Criterion) and item.implied_by and item.implied_by.consider and item.consider_statement is None:
                yield card.problem(
                    "KB224",
                    (*path, "id"),
                    f"'{item.id}' can be met only after special consideration but has no "
                    "consider_statement: the justification would quote the statement, which is "
                    "then not true; say what holds instead",
                )
    for process in kb.processes:
        yield from _note(process, (), process.model.complete, process.model.incomplete_note)
        for i, phase in enumerate(process.model.phases):
            for j, step in enumerate(phase.steps):
                path = ("phases", i, "steps", j)
                yield from _note(process, path, step.complete, step.incomplete_note)


def _note(source: LoadedFile[Any], path: YamlPath, complete: bool, note: object) -> Iterator[Problem]:
    has_note = bool(note and str(note).strip())
    if not complete and not has_note:
        yield source.problem(
            "KB220",
            (*path, "complete"),
            "complete: false needs an incomplete_note saying what the sources leave open",
        )
    elif complete and has_note:
        yield source.problem(
            "KB221",
            (*path, "incomplete_note"),
            "incomplete_note on a complete record; remove it or set complete: false",
        )


# --- Translations --------------------------------------------------------------------------


def _translations(kb: CrossRefInput) -> Iterator[Problem]:
    """Every worker-facing text of services, processes and the finder in Swedish and English
    (KB240), so a Swedish- or English-speaking worker never meets Finnish content unannounced;
    and every translation, FAQ answers and glossary terms too, whole (KB241). One walk."""
    required: list[LoadedFile[Any]] = [*kb.services, *kb.processes, *filter(None, [kb.finder])]
    optional: list[LoadedFile[Any]] = [*kb.faq_files, *filter(None, [kb.glossary])]
    for source, all_languages in [*((s, True) for s in required), *((s, False) for s in optional)]:
        for path, text in _localized(source.model, ()):
            missing = text.missing() if all_languages else ()
            if missing:
                yield source.problem(
                    "KB240",
                    (*path, "fi"),
                    f"no {' or '.join(missing)} text for '{_preview(text.fi)}': add {', '.join(f'{lang}:' for lang in missing)} in the project's own words",
                )
            yield from _numbers_left_out(source, path, text)


_NUMBER: Final = re.compile(r"\d+")


def _numbers_left_out(source: LoadedFile[Any], path: YamlPath, text: Localized) -> Iterator[Problem]:
    """A translation that leaves out a number of the Finnish text (a deadline, an age, a
    section of a law, a count, a report's year) tells a Swedish- or English-speaking worker
    less than a Finnish one: a summary where a translation belongs (KB241). Numbers written as
    words count as left out, so the check stays this simple."""
    numbers = set(_NUMBER.findall(text.fi))
    if not numbers:
        return
    for lang in TRANSLATED_LANGUAGES:
        translated = getattr(text, lang)
        left = sorted(numbers - set(_NUMBER.findall(translated)), key=int) if translated else []
        if left:
            yield source.problem(
                "KB241",
                (*path, lang),
                f"the {lang} text leaves out {', '.join(left)} of the Finnish '{_preview(text.fi)}': translate all of it, numbers as digits",
            )


# "Kyllä." / "Ja," / "No." as an answer's first word: an entry answers several phrasings, and
# a worker whose question was another of them (or a situation matched to the entry) reads it
# as agreeing with their own question.
_BARE_YES_OR_NO: Final = re.compile(r"^\s*(kyllä|joo|ei|ja|nej|yes|no)\s*[.,!:;–-]", re.IGNORECASE)


def _bare_yes_or_no(kb: CrossRefInput) -> Iterator[Problem]:
    for faq in kb.faq_files:
        for i, entry in enumerate(faq.model.entries):
            for lang in ("fi", "sv", "en"):
                text = getattr(entry.answer, lang)
                if text and (match := _BARE_YES_OR_NO.match(text)):
                    yield faq.problem(
                        "KB250",
                        ("entries", i, "answer", lang),
                        f"the answer opens with a bare '{match.group(1)}', which reads as agreeing with whatever was asked: say what is true in a full sentence",
                    )


def _localized(node: object, path: YamlPath) -> Iterator[tuple[YamlPath, Localized]]:
    if isinstance(node, Localized):
        yield path, node
    elif isinstance(node, BaseModel):
        for name in type(node).model_fields:
            yield from _localized(getattr(node, name), (*path, name))
    elif isinstance(node, tuple):
        for i, item in enumerate(node):
            yield from _localized(item, (*path, i))


def _preview(text: str, limit: int = 40) -> str:
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"


# --- Glossary ------------------------------------------------------------------------------


def _glossary(kb: CrossRefInput) -> Iterator[Problem]:
    if kb.glossary is None:
        return
    owner: dict[str, tuple[str, YamlPath]] = {}
    for i, term in enumerate(kb.glossary.model.terms):
        names: list[tuple[YamlPath, str]] = [(("terms", i, "term"), term.term)]
        names += [(("terms", i, "synonyms", k), s) for k, s in enumerate(term.synonyms)]
        for path, name in names:
            key = normalise(name)
            other = owner.setdefault(key, (term.id, path))
            if other[0] != term.id:
                yield kb.glossary.problem(
                    "KB233",
                    path,
                    f"'{name}' also names glossary term '{other[0]}' ({kb.glossary.location(other[1])}); a look-up cannot choose",
                )


def _suggest(wrong: str, candidates: set[str]) -> str:
    # Plain edit-distance ratio: WRatio's partial matching suggests unrelated ids.
    match = fuzzy.extractOne(wrong, list(candidates), scorer=fuzz.ratio, score_cutoff=75)
    return f" (did you mean '{match[0]}'?)" if match else ""
