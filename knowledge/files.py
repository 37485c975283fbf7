"""Where the knowledge base's files live, which model each follows, and reading them.

The layout is the one place that knows `services/*.yaml` are service cards and so on; the
loader and the editor schemas both follow it.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Generic, Literal, TypeVar

from knowledge.model import FaqFile, Finder, Glossary, Process, Record, ServiceCard
from knowledge.problems import Problem, display_path
from knowledge.yaml_lines import LineMap, YamlPath, format_path

M = TypeVar("M", bound=Record)

DEFAULT_ROOT = Path(__file__).resolve().parent
"""The `knowledge/` package folder: the content ships inside the package."""

FileKind = Literal["service", "process", "faq", "glossary", "finder"]


@dataclass(frozen=True)
class Layout:
    kind: FileKind
    name: str
    """Folder name for `many`, else the file name."""
    model: type[Record]
    many: bool


LAYOUT: tuple[Layout, ...] = (
    Layout("service", "services", ServiceCard, many=True),
    Layout("process", "processes", Process, many=True),
    Layout("faq", "faq", FaqFile, many=True),
    Layout("glossary", "glossary.yaml", Glossary, many=False),
    Layout("finder", "finder.yaml", Finder, many=False),
)


@dataclass(frozen=True)
class KbFile:
    path: Path
    layout: Layout

    @property
    def display(self) -> str:
        return display_path(self.path)


def discover(root: Path) -> tuple[list[KbFile], list[Problem]]:
    """Every file to load, in a stable order, and what is missing or out of place."""
    if not root.is_dir():
        return [], [Problem.of("KB001", display_path(root), None, "", "knowledge folder not found")]
    files: list[KbFile] = []
    problems: list[Problem] = []
    for layout in LAYOUT:
        target = root / layout.name
        if not layout.many:
            if target.is_file():
                files.append(KbFile(target, layout))
            else:
                problems.append(_missing(target, f"{layout.name} not found"))
            continue
        if not target.is_dir():
            problems.append(_missing(target, f"folder {layout.name}/ not found"))
            continue
        found = sorted(p for p in target.iterdir() if p.suffix == ".yaml" and p.is_file())
        if not found:
            problems.append(Problem.of("KB002", display_path(target), None, "", "no .yaml files in folder"))
        files.extend(KbFile(path, layout) for path in found)
        problems.extend(_stray(p, "not loaded: only *.yaml files directly in this folder are") for p in _strays(target, set(found)))
    loaded_singles = {layout.name for layout in LAYOUT if not layout.many}
    problems.extend(
        _stray(p, "not loaded: YAML here must be glossary.yaml or finder.yaml")
        for p in sorted(root.iterdir())
        if p.suffix in {".yaml", ".yml"} and p.name not in loaded_singles
    )
    return files, problems


def read_text(file: KbFile) -> tuple[str | None, Problem | None]:
    """The file's text, or the problem that kept it from being read."""
    try:
        raw = file.path.read_bytes()
    except OSError as exc:
        return None, Problem.of("KB003", file.display, None, "", f"cannot read: {exc.strerror}")
    try:
        # utf-8-sig: editors on Windows may add a byte-order mark; it is not content.
        return raw.decode("utf-8-sig"), None
    except UnicodeDecodeError as exc:
        line = raw[: exc.start].count(b"\n") + 1
        return None, Problem.of("KB003", file.display, line, "", "not UTF-8 text; save as UTF-8")


def _strays(folder: Path, loaded: set[Path]) -> Iterator[Path]:
    for path in sorted(folder.iterdir()):
        # Hidden files (.gitkeep, editor swap files) are nobody's content.
        if path not in loaded and not path.name.startswith(".") and path.name != "__pycache__":
            yield path


def _missing(path: Path, message: str) -> Problem:
    return Problem.of("KB001", display_path(path), None, "", message)


def _stray(path: Path, message: str) -> Problem:
    return Problem.of("KB007", display_path(path), None, "", message)


@dataclass(frozen=True)
class LoadedFile(Generic[M]):
    """A file that passed layer 1: its validated model and where each key stands."""

    file: KbFile
    lines: LineMap
    model: M

    def problem(self, code: str, path: YamlPath, message: str) -> Problem:
        line = self.lines.line(path)
        return Problem.of(code, self.file.display, line, format_path(path), message)

    def location(self, path: YamlPath) -> str:
        return f"{self.file.display}:{self.lines.line(path)}"
