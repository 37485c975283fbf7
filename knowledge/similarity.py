"""Layer 2, FAQ phrasings: entries the Q&A matcher could not tell apart.

The matcher scores a question against every phrasing with rapidfuzz's `token_set_ratio`,
so two entries whose phrasings score (nearly) 100 against each other are a coin toss. The
check compares every phrasing with every other one once: O(n²), but each comparison runs
in rapidfuzz's C code with a score cut-off, about half a second for 1000 phrasings.
(`rapidfuzz.process.cdist` would parallelise it but needs numpy, which is not a dependency.)
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from dataclasses import dataclass

from rapidfuzz import fuzz
from rapidfuzz import process as fuzzy

from knowledge.files import LoadedFile
from knowledge.model import FaqFile
from knowledge.problems import Problem
from knowledge.text import normalise
from knowledge.yaml_lines import YamlPath

ERROR_SCORE = 95.0
WARNING_SCORE = 90.0


@dataclass(frozen=True)
class _Phrasing:
    entry_id: str
    text: str
    normalised: str
    source: LoadedFile[FaqFile]
    path: YamlPath


def phrasing_problems(faq_files: Sequence[LoadedFile[FaqFile]]) -> list[Problem]:
    problems: list[Problem] = []
    distinct: list[_Phrasing] = []
    for entry_phrasings in _by_entry(faq_files):
        seen: dict[str, _Phrasing] = {}
        for phrasing in entry_phrasings:
            if not phrasing.normalised:
                continue
            first = seen.get(phrasing.normalised)
            if first is None:
                seen[phrasing.normalised] = phrasing
                distinct.append(phrasing)
            else:
                problems.append(
                    phrasing.source.problem(
                        "KB232",
                        phrasing.path,
                        f"phrasing {phrasing.text!r} repeats {first.text!r} of the same entry",
                    )
                )
    problems.extend(_across_entries(distinct))
    return problems


def _by_entry(faq_files: Sequence[LoadedFile[FaqFile]]) -> Iterator[list[_Phrasing]]:
    for loaded in faq_files:
        for i, entry in enumerate(loaded.model.entries):
            phrasings: list[_Phrasing] = []
            for lang in ("fi", "sv", "en"):
                for j, text in enumerate(getattr(entry.phrasings, lang)):
                    path: YamlPath = ("entries", i, "phrasings", lang, j)
                    phrasings.append(_Phrasing(entry.id, text, normalise(text), loaded, path))
            yield phrasings


def _across_entries(phrasings: list[_Phrasing]) -> Iterator[Problem]:
    texts = [p.normalised for p in phrasings]
    for i, first in enumerate(phrasings):
        later = texts[i + 1 :]
        matches = fuzzy.extract(
            first.normalised,
            later,
            scorer=fuzz.token_set_ratio,
            score_cutoff=WARNING_SCORE,
            limit=None,
        )
        for _text, score, offset in matches:
            second = phrasings[i + 1 + offset]
            if second.entry_id == first.entry_id:
                continue
            yield _pair_problem(first, second, score)


def _pair_problem(first: _Phrasing, second: _Phrasing, score: float) -> Problem:
    identical = first.normalised == second.normalised
    code = "KB230" if identical or score >= ERROR_SCORE else "KB231"
    how = "is the same as" if identical else f"scores {score:.0f} against"
    effect = "cannot tell them apart" if code == "KB230" else "may confuse them"
    return second.source.problem(
        code,
        second.path,
        f"phrasing {second.text!r} {how} {first.text!r} of FAQ '{first.entry_id}' ({first.source.location(first.path)}); the matcher {effect}",
    )
