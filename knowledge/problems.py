"""Problems found while loading the knowledge base, their stable codes, and how they print.

Codes are stable: authors search for them in `knowledge/README.md`, and tests and CI logs
refer to them. Add new codes; never renumber or reuse one.
"""

from __future__ import annotations

import enum
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parent.parent


class Severity(enum.Enum):
    ERROR = "error"
    WARNING = "warning"


_E, _W = Severity.ERROR, Severity.WARNING

CODES: dict[str, tuple[Severity, str]] = {
    # Files and YAML (layer 0)
    "KB001": (_E, "required file or folder is missing"),
    "KB002": (_E, "folder holds no .yaml files"),
    "KB003": (_E, "file cannot be read (permissions, or not UTF-8)"),
    "KB004": (_E, "YAML syntax error"),
    "KB005": (_E, "duplicate key in one mapping"),
    "KB006": (_E, "file is empty or its top level is not a mapping"),
    "KB007": (_W, "file or folder is not loaded (wrong extension or place)"),
    # Schema (layer 1): each file against its model in knowledge/model.py
    "KB101": (_E, "unknown key"),
    "KB102": (_E, "required key is missing"),
    "KB103": (_E, "wrong type (text, number, true/false, list or mapping expected)"),
    "KB104": (_E, "invalid id (lower-case ASCII words joined by '-', namespaced by '.')"),
    "KB105": (_E, "value is not one of the allowed values"),
    "KB106": (_E, "value too short, too long, too small or too large (e.g. empty list)"),
    "KB199": (_E, "other schema error"),
    # Cross-references (layer 2)
    "KB201": (_E, "duplicate id (ids are unique across the whole knowledge base)"),
    "KB202": (_E, "file name differs from the record's id (services and processes)"),
    "KB203": (_E, "implied_by names an unknown finder question"),
    "KB204": (_E, "implied_by names an unknown option of its finder question"),
    "KB205": (_E, "implied_by lists one option in more than one of yes/no/consider"),
    "KB206": (_W, "finder question that no criterion or contra-indication uses"),
    "KB207": (_E, "duplicate finder question id, or duplicate option id within a question"),
    "KB208": (_E, "needs names an option the presenting-need question lacks"),
    "KB210": (_E, "alternatives names an unknown service"),
    "KB211": (_E, "alternatives names the service itself"),
    "KB212": (_E, "related names an unknown service, process, phase or step"),
    "KB213": (_E, "follow_ups names an unknown FAQ entry"),
    "KB214": (_E, "process_steps names an unknown step"),
    "KB215": (_E, "a step's services names an unknown service"),
    "KB216": (_W, "follow_ups names the entry itself"),
    "KB220": (_E, "complete: false without incomplete_note"),
    "KB221": (_W, "incomplete_note on a complete record"),
    "KB222": (_W, "service card without criteria (and not marked complete: false)"),
    "KB223": (_W, "criterion or contra-indication without a statement (affirmative sentence)"),
    "KB224": (_W, "criterion with implied_by.consider but no consider_statement"),
    "KB240": (_W, "worker-facing text without its Swedish or English translation"),
    "KB241": (_W, "a Swedish or English text that leaves out a number of the Finnish"),
    "KB250": (_W, "FAQ answer that opens with a bare yes or no (Kyllä., Ja, No.)"),
    "KB230": (_E, "FAQ phrasing a fuzzy matcher cannot tell from another entry's (>= 95)"),
    "KB231": (_W, "FAQ phrasing very close to another entry's (>= 90)"),
    "KB232": (_W, "the same phrasing twice in one FAQ entry"),
    "KB233": (_W, "glossary synonym (or term) shared by two terms"),
    "KB234": (_W, "a condition's situation repeated, or very close to another condition's on the card (>= 90)"),
}
"""Code -> (severity, meaning). `knowledge/README.md` repeats this table for authors."""


@dataclass(frozen=True)
class Problem:
    """One thing wrong with the knowledge base, located as precisely as the YAML allows.

    `line` is 1-based, None where the problem has no line (a missing folder). `path` is the
    place inside the file in `a.b[2].c` notation, "" for the file as a whole.
    """

    file: str
    line: int | None
    path: str
    message: str
    code: str
    severity: Severity

    @classmethod
    def of(cls, code: str, file: str, line: int | None, path: str, message: str) -> Problem:
        """A problem with the severity its code has in `CODES`."""
        return cls(file, line, path, message, code, CODES[code][0])

    @property
    def is_error(self) -> bool:
        return self.severity is Severity.ERROR

    def __str__(self) -> str:
        where = self.file if self.line is None else f"{self.file}:{self.line}"
        parts = [where]
        if self.path:
            parts.append(self.path)
        parts.append(self.message if self.is_error else f"warning: {self.message}")
        return f"{': '.join(parts)} [{self.code}]"


def display_path(path: Path) -> str:
    """The path relative to the repository (or the working directory), else absolute."""
    resolved = path.resolve()
    for base in (REPO_ROOT, Path.cwd().resolve()):
        if resolved.is_relative_to(base):
            return resolved.relative_to(base).as_posix()
    return resolved.as_posix()


def sorted_problems(problems: Iterable[Problem]) -> list[Problem]:
    """Errors before warnings, then by file and line, so output is stable between runs."""
    return sorted(problems, key=lambda p: (not p.is_error, p.file, p.line or 0, p.path, p.code))


def summary(problems: Sequence[Problem]) -> str:
    errors = sum(p.is_error for p in problems)
    warnings = len(problems) - errors
    return f"{_count(errors, 'error')}, {_count(warnings, 'warning')}"


def format_problems(problems: Sequence[Problem], max_lines: int = 20) -> str:
    """Problems for one screen: at most `max_lines` lines, the summary line included.

    The bot prints this when it refuses to start, so it points to the full list instead of
    flooding the log.
    """
    ordered = sorted_problems(problems)
    shown = ordered if len(ordered) < max_lines else ordered[: max(max_lines - 2, 0)]
    lines = [str(p) for p in shown]
    hidden = len(ordered) - len(shown)
    if hidden:
        lines.append(f"... and {hidden} more; run `palveluopas kb validate` to see them all")
    lines.append(f"knowledge base: {summary(ordered)}")
    return "\n".join(lines)


def _count(n: int, noun: str) -> str:
    return f"{n} {noun}" if n == 1 else f"{n} {noun}s"
