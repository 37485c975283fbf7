"""Typed text at a choice step: which of the card's buttons did the user mean?

In Teams the worker taps a button; in a plain-text channel (and when typing anyway) they
type the number shown beside it (`[2]`) or its label, possibly misspelt or shortened (a
navigation button only by its label: see `Option.numbered`).
Matching is deliberately conservative: a number, an exact label, a unique prefix, or one
clearly best fuzzy match. Anything that fits two buttons equally is ambiguous and is asked
again rather than guessed, so a wrong answer is never recorded.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Final, Generic, TypeVar

from rapidfuzz import fuzz

T = TypeVar("T")

FUZZY_THRESHOLD: Final = 80.0
"""Token-set similarity (0-100) a typed answer must reach; high enough that 'ei' never
matches 'en tiedä', low enough for a typo or a missing diacritic."""
FUZZY_MARGIN: Final = 8.0
"""How far the best match must lead the runner-up to count as unambiguous."""

_NUMBER = re.compile(r"^\[?\s*(\d{1,3})\s*[\].)]?$")
_PUNCT = re.compile(r"[^\w\s]")


@dataclass(frozen=True)
class Option(Generic[T]):
    label: str
    value: T
    numbered: bool = True
    """Whether its number picks it. Navigation buttons (back, cancel, ...) keep their place
    in the numbering but are chosen only by their words: a typed "6" meant as an age or a
    count must never go back or cancel."""


@dataclass(frozen=True)
class Matched(Generic[T]):
    value: T


@dataclass(frozen=True)
class Ambiguous:
    labels: tuple[str, ...]


@dataclass(frozen=True)
class NoMatch:
    pass


MatchResult = Matched[T] | Ambiguous | NoMatch


def normalize(text: str) -> str:
    """Case-, accent-form- and punctuation-insensitive form for comparing labels."""
    text = unicodedata.normalize("NFKC", text).casefold()
    return " ".join(_PUNCT.sub(" ", text).split())


def match_option(typed: str, options: Sequence[Option[T]], *, partial: bool = True) -> MatchResult[T]:
    """The option `typed` names: by its 1-based number, its label, or unambiguously near it.

    `partial=False` compares whole strings only (a typo still matches, a sentence that
    merely contains a label does not): where typed text may as well be a new question."""
    number = _NUMBER.match(typed.strip())
    if number:
        index = int(number.group(1)) - 1
        return Matched(options[index].value) if 0 <= index < len(options) and options[index].numbered else NoMatch()
    wanted = normalize(typed)
    if not wanted:
        return NoMatch()
    labels = [normalize(option.label) for option in options]
    for tier in (
        [i for i, label in enumerate(labels) if label == wanted],
        [i for i, label in enumerate(labels) if label.startswith(wanted) and len(wanted) >= 3],
    ):
        result = _decide(options, tier)
        if result is not None:
            return result
    scorer = fuzz.WRatio if partial else fuzz.ratio
    scored = sorted(((scorer(wanted, label), i) for i, label in enumerate(labels) if label), reverse=True)
    if not scored or scored[0][0] < FUZZY_THRESHOLD:
        return NoMatch()
    close = [i for score, i in scored if scored[0][0] - score < FUZZY_MARGIN]
    return _decide(options, close) or NoMatch()


def _decide(options: Sequence[Option[T]], indices: Sequence[int]) -> MatchResult[T] | None:
    """One distinct value: matched; several: ambiguous; none: keep looking (None).

    Several buttons may carry the same value (a label repeated); that is still one answer.
    """
    if not indices:
        return None
    values = {repr(options[i].value): options[i].value for i in indices}
    if len(values) == 1:
        return Matched(next(iter(values.values())))
    return Ambiguous(tuple(dict.fromkeys(options[i].label for i in indices)))
