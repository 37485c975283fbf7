"""Finnish base forms for the Q&A: a table made with Voikko, so the server never loads Voikko.

Snowball strips endings by rule and stops at different points for the forms of one word
(`laki` / `lain`, `ilmoitus` / `ilmoituksen`); Voikko knows the word and gives its base form.
Voikko's transducer (`pyvoikko` on `kfst-rs`) takes about 245 MB of memory and a second or two
to load, more than the whole server otherwise needs. So the analyses are made ahead of time,
with Voikko, for every word of the knowledge base (`palveluopas qna lemmas` writes
`fi_lemmas.json`; a test keeps it current), and the server reads the table:

* a word in the table gets its base forms (up to `MAX_LEMMAS`);
* another form of a word in the table is found by its Snowball stem (`ilmoitukset` has the stem
  of `ilmoituksen`, which the table knows as `ilmoitus`);
* anything else (a typo, a word the knowledge base never uses) gets nothing here and is matched
  by its Snowball stems and near spellings, as it always was.

`use_voikko()` switches to Voikko itself: for writing the table, and for measuring what the
table loses (`palveluopas qna eval --voikko`).
"""

from __future__ import annotations

import json
from collections import Counter, defaultdict
from collections.abc import Iterable, Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any, Final

from domain.qna.normalize import keys_of

MAX_LEMMAS: Final = 2
"""Base forms kept per word: the analyses are ambiguous (`lain` is `laki` or `laaja`), and two
cover the real cases without flooding the index with unrelated words."""
_MIN_LENGTH: Final = 3
TABLE_PATH: Final = Path(__file__).with_name("fi_lemmas.json")

Analysis = tuple[tuple[str, ...], tuple[str, ...]]
"""(base forms, compound parts' base forms) of one word."""


@dataclass
class _Mode:
    voikko: bool = False
    recorded: set[str] | None = None


_MODE: Final = _Mode()


@contextmanager
def recording() -> Iterator[set[str]]:
    """The words analysed meanwhile (for writing the table from an index build)."""
    _MODE.recorded = set()
    analyse.cache_clear()
    try:
        yield _MODE.recorded
    finally:
        _MODE.recorded = None
        analyse.cache_clear()


def use_voikko(on: bool = True) -> None:
    """Analyse with Voikko itself from now on (loads the transducer on first use)."""
    _MODE.voikko = on
    analyse.cache_clear()


@lru_cache(maxsize=1)
def _analyser() -> Any:
    """pyvoikko's `analyse`, loaded on first use; None when pyvoikko is not installed."""
    try:
        import pyvoikko  # GPL-3.0; see README "Dependencies and licences"
    except ImportError:  # pragma: no cover - the project depends on it
        return None
    return pyvoikko.analyse


def available() -> bool:
    return _analyser() is not None


class LemmaTable:
    """Words to base forms, and Snowball stems to the base forms of the words that have them."""

    def __init__(self, words: Mapping[str, Iterable[str]]) -> None:
        self._words = {w: tuple(lemmas) for w, lemmas in words.items()}
        by_stem: dict[str, Counter[str]] = defaultdict(Counter)
        for word, lemmas in self._words.items():
            for lemma in lemmas:
                by_stem[keys_of(word, "fi")[0]][lemma] += 1
        # The most common base forms first: a stem shared by two words keeps both readings.
        self._stems = {stem: tuple(lemma for lemma, _ in counts.most_common(MAX_LEMMAS)) for stem, counts in by_stem.items()}

    def __len__(self) -> int:
        return len(self._words)

    def lemmas(self, word: str) -> tuple[str, ...]:
        known = self._words.get(word)
        if known is not None:
            return known
        return self._stems.get(keys_of(word, "fi")[0], ())


@lru_cache(maxsize=1)
def table() -> LemmaTable:
    """The shipped table; empty (Snowball only) when the file is missing or unreadable, so the
    Q&A still answers, only less well."""
    try:
        data = json.loads(TABLE_PATH.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return LemmaTable({})
    words = data.get("words", {}) if isinstance(data, dict) else {}
    return LemmaTable({str(w): [str(x) for x in v] for w, v in words.items() if isinstance(v, list)})


@lru_cache(maxsize=65536)
def analyse(word: str) -> Analysis:
    """(base forms, compound parts' base forms) of one lower-case Finnish word; empty tuples
    when nothing is known. Compound parts come only from Voikko itself (`use_voikko`)."""
    if len(word) < _MIN_LENGTH or not word.isalpha():
        return (), ()
    if _MODE.recorded is not None:
        _MODE.recorded.add(word)
    if not _MODE.voikko:
        return table().lemmas(word), ()
    return voikko_analysis(word)


def voikko_analysis(word: str) -> Analysis:
    """Voikko's own analysis (loads the transducer on first use)."""
    analyse_fn = _analyser()
    if analyse_fn is None or len(word) < _MIN_LENGTH or not word.isalpha():
        return (), ()
    try:
        analyses = analyse_fn(word)
    except Exception:  # a transducer error on odd input must not cost the question
        return (), ()
    lemmas: list[str] = []
    parts: list[str] = []
    for a in analyses:
        base = (a.BASEFORM or "").casefold()
        if base and base not in lemmas and len(lemmas) < MAX_LEMMAS:
            lemmas.append(base)
        compound = a.COMPOUND_PARTS or ()
        if len(compound) > 1 and not parts:
            parts = [(p.BASEFORM or p.FORM or "").casefold() for p in compound]
    return tuple(lemmas), tuple(p for p in parts if len(p) >= _MIN_LENGTH)


def table_of(words: Iterable[str]) -> dict[str, Any]:
    """The table file's content for `words`, analysed by Voikko: sorted, so a regenerated file
    differs only where the knowledge base did."""
    analysed = {w: list(voikko_analysis(w)[0]) for w in sorted(set(words)) if len(w) >= _MIN_LENGTH and w.isalpha()}
    return {
        "about": "Finnish base forms of the knowledge base's words, made with Voikko by `palveluopas qna lemmas`; do not edit.",
        # Words Voikko does not know are kept too, so they stay unknown here as well.
        "words": analysed,
    }
