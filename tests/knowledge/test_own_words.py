"""The knowledge base is written in the project's own words.

Facts carry over from the five source documents, sentences do not (see
`../shared/seeds/README.md`). A 12-word window of a source document found verbatim in any
YAML file under `knowledge/` fails the test. Twelve words is long enough that shared
phrases of the field ("lapsen asioista vastaava sosiaalityöntekijä") never trip it, and
short enough that a copied sentence with a word changed at one end still does.

The documents live beside the repository, not in it. A user's clone without them skips
with a reason; CI (`CI=true`) must have them, so there the absence is a failure.
"""

from __future__ import annotations

import os
import re
import unicodedata
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import get_args

import pytest
import yaml

from knowledge.model import DocumentId

WINDOW = 12
REPO_ROOT = Path(__file__).resolve().parents[2]
KNOWLEDGE_DIR = REPO_ROOT / "knowledge"
DOCUMENT_IDS: tuple[str, ...] = get_args(DocumentId)

_NOT_WORD = re.compile(r"[^\w\s]|_")


def seeds_dir() -> Path:
    override = os.environ.get("PALVELUOPAS_SEEDS")
    return Path(override) if override else REPO_ROOT.parent / "shared" / "seeds"


def words(text: str) -> list[str]:
    """Lower-case words with punctuation stripped and whitespace folded.

    NFKC first so that a copied text with different Unicode forms of ä/ö still compares
    equal; punctuation becomes a space so `Länsi-Uudenmaan` splits the same way on both
    sides whatever the dash.
    """
    text = unicodedata.normalize("NFKC", text).casefold()
    return _NOT_WORD.sub(" ", text).split()


def windows(tokens: list[str], size: int = WINDOW) -> Iterator[tuple[str, ...]]:
    for start in range(len(tokens) - size + 1):
        yield tuple(tokens[start : start + size])


def _strings(node: object) -> Iterator[str]:
    if isinstance(node, str):
        yield node
    elif isinstance(node, dict):
        for key, value in node.items():
            yield from _strings(key)
            yield from _strings(value)
    elif isinstance(node, list):
        for item in node:
            yield from _strings(item)


def yaml_texts(path: Path) -> Iterator[str]:
    """The raw file (comments included) and, when it parses, every string in it.

    The parsed strings catch text the raw file hides behind escapes or line folding of
    quoted scalars; the raw text catches comments and files that do not parse yet.
    """
    raw = path.read_text(encoding="utf-8", errors="replace")
    yield raw
    try:
        data = yaml.safe_load(raw)
    except yaml.YAMLError:
        return
    yield from _strings(data)


def yaml_files(root: Path) -> list[Path]:
    return sorted(p for p in root.rglob("*") if p.suffix in {".yaml", ".yml"} and p.is_file())


def copied_windows(document: str, files: Iterable[Path]) -> list[tuple[Path, str]]:
    """Every (file, 12 words) where a window of `document` appears in a file."""
    source = set(windows(words(document)))
    found: list[tuple[Path, str]] = []
    for path in files:
        seen: set[tuple[str, ...]] = set()
        for text in yaml_texts(path):
            for window in windows(words(text)):
                if window in source and window not in seen:
                    seen.add(window)
                    found.append((path, " ".join(window)))
    return found


def _document_text(document_id: str) -> str:
    folder = seeds_dir()
    if not folder.is_dir():
        reason = f"source documents not found at {folder} (set PALVELUOPAS_SEEDS to their folder)"
        if os.environ.get("CI") == "true":
            pytest.fail(f"{reason}; CI must check the knowledge base against them")
        pytest.skip(reason)
    path = folder / f"{document_id}.txt"
    if not path.is_file():
        pytest.fail(f"source document {path} is missing from {folder}")
    return path.read_text(encoding="utf-8")


@pytest.mark.parametrize("document_id", DOCUMENT_IDS)
def test_no_twelve_words_of_a_source_document_appear_verbatim_in_knowledge(
    document_id: str,
) -> None:
    text = _document_text(document_id)

    copied = copied_windows(text, yaml_files(KNOWLEDGE_DIR))

    if copied:
        lines = [f"  {path.relative_to(REPO_ROOT)}: {window!r}" for path, window in copied]
        pytest.fail(
            f"{len(copied)} passage(s) of {document_id}.txt appear verbatim in knowledge/; rewrite them in the project's own words:\n" + "\n".join(lines)
        )


# --- The check itself must be able to fail ------------------------------------------------

_SENTENCE = "Perhesosiaalityön ja lastensuojelun ydin on sosiaalihuollon ammattihenkilön työskentely asiakkaan kanssa, ja palveluja voidaan tarvita lisäksi."


def test_a_copied_sentence_is_found_despite_case_punctuation_and_line_folding(
    tmp_path: Path,
) -> None:
    card = tmp_path / "card.yaml"
    card.write_text(
        "description: >\n"
        "  PERHESOSIAALITYÖN ja lastensuojelun ydin on — sosiaalihuollon\n"
        "  ammattihenkilön työskentely asiakkaan kanssa ja palveluja voidaan\n",
        encoding="utf-8",
    )

    copied = copied_windows(_SENTENCE, [card])

    assert copied == [
        (
            card,
            "perhesosiaalityön ja lastensuojelun ydin on sosiaalihuollon ammattihenkilön työskentely asiakkaan kanssa ja palveluja",
        ),
        (
            card,
            "ja lastensuojelun ydin on sosiaalihuollon ammattihenkilön työskentely asiakkaan kanssa ja palveluja voidaan",
        ),
    ]


def test_a_copied_sentence_hidden_in_a_comment_is_found(tmp_path: Path) -> None:
    card = tmp_path / "card.yaml"
    card.write_text(f"# {_SENTENCE}\nid: x\n", encoding="utf-8")

    assert copied_windows(_SENTENCE, [card])


def test_a_copied_sentence_behind_yaml_escapes_is_found(tmp_path: Path) -> None:
    card = tmp_path / "card.yaml"
    escaped = _SENTENCE.replace("ö", "\\xF6").replace(" ", "\\n", 3)
    card.write_text(f'description: "{escaped}"\n', encoding="utf-8")

    assert copied_windows(_SENTENCE, [card])


def test_eleven_shared_words_are_own_words(tmp_path: Path) -> None:
    card = tmp_path / "card.yaml"
    eleven = " ".join(words(_SENTENCE)[:11])
    card.write_text(f"description: {eleven} mutta sitten omin sanoin\n", encoding="utf-8")

    assert copied_windows(_SENTENCE, [card]) == []


def test_seeds_folder_can_be_overridden_by_environment(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("PALVELUOPAS_SEEDS", str(tmp_path))

    assert seeds_dir() == tmp_path


def test_missing_seeds_fail_under_ci_instead_of_skipping(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("PALVELUOPAS_SEEDS", str(tmp_path / "absent"))
    monkeypatch.setenv("CI", "true")

    with pytest.raises(pytest.fail.Exception, match="CI must check"):
        _document_text(DOCUMENT_IDS[0])


def test_missing_seeds_skip_with_the_folder_named_outside_ci(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("PALVELUOPAS_SEEDS", str(tmp_path / "absent"))
    monkeypatch.delenv("CI", raising=False)

    with pytest.raises(pytest.skip.Exception, match="absent"):
        _document_text(DOCUMENT_IDS[0])
