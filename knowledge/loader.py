"""Load the knowledge base from YAML, validated in two layers, into one immutable object.

Public API (the bot calls these at start-up and on reload):

- `validate(root)`: every problem found, and the knowledge base if there were no errors.
- `load_knowledge_base(root)`: the knowledge base, or `KnowledgeBaseError` with problems.

Layer 1 checks each file against its model (`schema_errors`), layer 2 what spans files
(`crossref`). Warnings never stop loading; they ride along as `KnowledgeBase.kb_warnings`.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from types import MappingProxyType
from typing import Any

from knowledge.crossref import CrossRefInput, check_cross_references
from knowledge.files import DEFAULT_ROOT, FileKind, KbFile, LoadedFile, discover, read_text
from knowledge.model import (
    FaqFile,
    Finder,
    Glossary,
    KnowledgeBase,
    Process,
    Record,
    RecordKind,
    ServiceCard,
)
from knowledge.problems import Problem, format_problems, sorted_problems
from knowledge.schema_errors import validate_model
from knowledge.yaml_lines import YamlSyntaxError, format_path, parse_yaml

__all__ = [
    "KnowledgeBaseError",
    "ValidationResult",
    "load_knowledge_base",
    "validate",
]

VERSION_LENGTH = 12
_ID_LIKE = re.compile(r"[a-z0-9][a-z0-9.-]*")


class KnowledgeBaseError(Exception):
    """The knowledge base has errors. `problems` holds all problems, warnings included."""

    def __init__(self, problems: tuple[Problem, ...]) -> None:
        self.problems = problems
        super().__init__(format_problems(problems))

    @property
    def errors(self) -> tuple[Problem, ...]:
        return tuple(p for p in self.problems if p.is_error)


@dataclass(frozen=True)
class ValidationResult:
    problems: tuple[Problem, ...]
    """Errors first, then warnings, each group by file and line."""
    kb: KnowledgeBase | None
    """None exactly when there are errors."""
    locations: Mapping[str, str] = field(default_factory=dict)
    """Record id -> `file:line` where it is defined, for `kb show` and messages."""

    @property
    def errors(self) -> tuple[Problem, ...]:
        return tuple(p for p in self.problems if p.is_error)

    @property
    def warnings(self) -> tuple[Problem, ...]:
        return tuple(p for p in self.problems if not p.is_error)

    @property
    def ok(self) -> bool:
        return self.kb is not None


def validate(root: Path | None = None) -> ValidationResult:
    """Read and check every file under `root` (default: the `knowledge/` package)."""
    root = Path(root) if root is not None else DEFAULT_ROOT
    files, problems = discover(root)
    collected = _Collected(absent=_absent_kinds(files))
    for kb_file in files:
        problems.extend(collected.load(kb_file, root))
    problems.extend(check_cross_references(collected.cross_ref_input()))
    ordered = tuple(sorted_problems(problems))
    if any(p.is_error for p in ordered):
        return ValidationResult(ordered, None, collected.locations())
    kb = collected.knowledge_base().with_warnings(ordered)
    return ValidationResult(ordered, kb, collected.locations())


def load_knowledge_base(root: Path | None = None) -> KnowledgeBase:
    """The validated knowledge base; raises `KnowledgeBaseError` if it has errors."""
    result = validate(root)
    if result.kb is None:
        raise KnowledgeBaseError(result.problems)
    return result.kb


@dataclass
class _Collected:
    """Files as they pass layer 1, grouped by kind, and what is needed to hash them."""

    services: list[LoadedFile[ServiceCard]] = field(default_factory=list)
    processes: list[LoadedFile[Process]] = field(default_factory=list)
    faq_files: list[LoadedFile[FaqFile]] = field(default_factory=list)
    glossary: LoadedFile[Glossary] | None = None
    finder: LoadedFile[Finder] | None = None
    unvalidated: set[str] = field(default_factory=set)
    absent: frozenset[RecordKind] = frozenset()
    digest: hashlib._Hash = field(default_factory=hashlib.sha256)

    def load(self, kb_file: KbFile, root: Path) -> list[Problem]:
        text, unreadable = read_text(kb_file)
        if text is None:
            assert unreadable is not None
            return [unreadable]
        # The path is hashed too: renaming a card changes what the bot serves.
        self.digest.update(kb_file.path.relative_to(root).as_posix().encode() + b"\0")
        self.digest.update(text.encode() + b"\0")
        loaded, problems = _load_file(kb_file, text)
        if loaded is None:
            # Keep the failed file's words: references to its ids are then not reported
            # as unknown while the author fixes the file itself.
            self.unvalidated.update(_ID_LIKE.findall(text))
        else:
            self._add(loaded)
        return problems

    def _add(self, loaded: LoadedFile[Any]) -> None:
        kind = loaded.file.layout.kind
        if kind == "service":
            self.services.append(loaded)
        elif kind == "process":
            self.processes.append(loaded)
        elif kind == "faq":
            self.faq_files.append(loaded)
        elif kind == "glossary":
            self.glossary = loaded
        else:
            self.finder = loaded

    def cross_ref_input(self) -> CrossRefInput:
        return CrossRefInput(
            services=self.services,
            processes=self.processes,
            faq_files=self.faq_files,
            glossary=self.glossary,
            finder=self.finder,
            finder_broken=self.finder is None,
            unvalidated=frozenset(self.unvalidated),
            absent=self.absent,
        )

    def knowledge_base(self) -> KnowledgeBase:
        assert self.glossary is not None and self.finder is not None
        return KnowledgeBase(
            services=tuple(s.model for s in self.services),
            processes=tuple(p.model for p in self.processes),
            faq=tuple(entry for f in self.faq_files for entry in f.model.entries),
            glossary=self.glossary.model,
            finder=self.finder.model,
            version=self.digest.hexdigest()[:VERSION_LENGTH],
        )

    def locations(self) -> Mapping[str, str]:
        found: dict[str, str] = {}
        sources: list[LoadedFile[Any]] = [*self.services, *self.processes, *self.faq_files]
        if self.glossary is not None:
            sources.append(self.glossary)
        for source in sources:
            for _kind, path, record in source.model.records():
                found.setdefault(record.id, source.location((*path, "id")))
        return MappingProxyType(found)


_KINDS_IN_FILE: dict[FileKind, tuple[RecordKind, ...]] = {
    "service": ("service", "criterion", "contraindication", "prerequisite"),
    "process": ("process", "phase", "step"),
    "faq": ("faq",),
    "glossary": ("term",),
    "finder": (),
}


def _absent_kinds(files: list[KbFile]) -> frozenset[RecordKind]:
    present = {f.layout.kind for f in files}
    absent = [kinds for file_kind, kinds in _KINDS_IN_FILE.items() if file_kind not in present]
    return frozenset(kind for kinds in absent for kind in kinds)


def _load_file(kb_file: KbFile, text: str) -> tuple[LoadedFile[Any] | None, list[Problem]]:
    where = kb_file.display
    try:
        parsed = parse_yaml(text)
    except YamlSyntaxError as exc:
        return None, [Problem.of("KB004", where, exc.line, "", f"YAML syntax: {exc.message}")]
    problems = [
        Problem.of(
            "KB005",
            where,
            dup.line,
            format_path(dup.path),
            f"duplicate key '{dup.path[-1]}' (first at line {dup.first_line}); YAML would silently keep only the last one",
        )
        for dup in parsed.duplicate_keys
    ]
    if not isinstance(parsed.data, dict):
        what = "empty" if parsed.data is None else f"a {type(parsed.data).__name__}, not a mapping"
        expected = kb_file.layout.model.__name__
        problems.append(Problem.of("KB006", where, 1, "", f"file is {what}; expected a mapping ({expected})"))
        return None, problems
    model: Record | None
    model, schema_problems = validate_model(kb_file.layout.model, parsed.data, parsed.lines, where)
    problems.extend(schema_problems)
    if model is None:
        return None, problems
    return LoadedFile(kb_file, parsed.lines, model), problems
