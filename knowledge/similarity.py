"""Layer 2, FAQ phrasings: entries the Q&A matcher could not tell apart.

Two entries whose phrasings score (nearly) 100 against each other in rapidfuzz's
`token_set_ratio` are a coin toss for the matcher. Each phrasing is compared once with every
other phrasing of its own language (O(n²) per language, in rapidfuzz's C code with a score
cut-off), and across languages only for the same text: two phrasings in different languages
share their tokens only where both are a name or an abbreviation ("LAPE?"), and comparing
all pairs across languages cost more than half of a first start (1.1 s of the bot's first
start for 1,466 phrasings, of which no pair across languages scored even 90).
(`rapidfuzz.process.cdist` would parallelise it but needs numpy, which is not a dependency.)
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from dataclasses import dataclass

from rapidfuzz import fuzz
from rapidfuzz import process as fuzzy

from knowledge.files import LoadedFile
from knowledge.model import CONTENT_LANGUAGES, FaqFile
from knowledge.problems import Problem
from knowledge.text import normalise
from knowledge.yaml_lines import YamlPath

ERROR_SCORE = 95.0
WARNING_SCORE = 90.0


@dataclass(frozen=True)
class _Phrasing:
    entry_id: str
    lang: str
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
            for lang in CONTENT_LANGUAGES:
                for j, text in enumerate(getattr(entry.phrasings, lang)):
                    path: YamlPath = ("entries", i, "phrasings", lang, j)
                    phrasings.append(_Phrasing(entry.id, lang, text, normalise(text), loaded, path))
            yield phrasings


def _across_entries(phrasings: list[_Phrasing]) -> Iterator[Problem]:
    """Pairs of different entries in file order (the first named in the message is the
    earlier one), within each language by score, across languages by identical text."""
    found = list(close_pairs([(p.lang, p.normalised) for p in phrasings]))
    first_of_text: dict[str, int] = {}
    for n, phrasing in enumerate(phrasings):
        earlier = first_of_text.setdefault(phrasing.normalised, n)
        if earlier != n and phrasings[earlier].lang != phrasing.lang:
            found.append((earlier, n, 100.0))
    for first_at, second_at, score in sorted(found):
        first, second = phrasings[first_at], phrasings[second_at]
        if second.entry_id != first.entry_id:
            yield _pair_problem(first, second, score)


def close_pairs(texts: Sequence[tuple[str, str]]) -> Iterator[tuple[int, int, float]]:
    """(earlier, later, score) of the (language, normalised text) pairs of one language that
    score at least WARNING_SCORE in `token_set_ratio`, each pair once."""
    for lang in CONTENT_LANGUAGES:
        positions = [n for n, (text_lang, _text) in enumerate(texts) if text_lang == lang]
        same = [texts[n][1] for n in positions]
        for i, first_at in enumerate(positions):
            for _text, score, offset in fuzzy.extract(same[i], same[i + 1 :], scorer=fuzz.token_set_ratio, score_cutoff=WARNING_SCORE, limit=None):
                yield first_at, positions[i + 1 + offset], score


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
