"""Near spellings of a word among the index's keys, without comparing it to every key.

rapidfuzz's `ratio` is the normalised Indel similarity, `100 * (1 - distance / (a + b))` for
words of `a` and `b` letters, and the distance is at least `|a - b|`. So a key whose length
is too far from the word's cannot reach the cutoff, and only the keys of the lengths that can
are compared (one slice of the vocabulary sorted by length): about half of it for a typical
word, far less for a long one.

A word the knowledge base does not have is compared only with the keys that share a pair of
adjacent letters with it (`_BIGRAM_CUTOFF`), which leaves a fraction of that slice.

The answer is exactly `process.extract` over the whole sorted vocabulary: the same cutoff, the
same limit, and ties in the same order (rapidfuzz breaks them by position, and each length's
keys keep their order in the vocabulary).
"""

from __future__ import annotations

import bisect
import math
from collections import defaultdict
from typing import Final

from rapidfuzz import fuzz, process

_BIGRAM_CUTOFF: Final = 80.0
_BIGRAM_MIN_LENGTH: Final = 4
"""At this cutoff, a word of at least this many letters shares a pair of adjacent letters with
every key similar enough. Why: similarity 80 means a common subsequence of length L >=
0.4 (a + b). Deleting a - L letters from the word keeps at least (a - 1) - 2 (a - L) of its
letter pairs, and inserting b - L letters to make the key splits at most one pair each, so at
least 3L - a - b - 1 pairs survive: >= 0.2 (a + b) - 1, which is >= 1 from a + b >= 10. Below
that the distance is 0 (the same word) or 1 (L = (a + b - 1) / 2, and 3L - a - b - 1 =
(a + b - 5) / 2 >= 1 since a >= 4 and b >= a - 1)."""


class NearSpellings:
    def __init__(self, vocabulary: tuple[str, ...], cutoff: float, limit: int) -> None:
        self.cutoff = cutoff
        self.limit = limit
        by_length = sorted(range(len(vocabulary)), key=lambda pos: (len(vocabulary[pos]), pos))
        self._keys = tuple(vocabulary[pos] for pos in by_length)
        """The vocabulary by length, each length's keys in vocabulary order."""
        self._positions = tuple(by_length)
        """Each of `_keys`' position in the vocabulary (to break ties as over the vocabulary)."""
        self._lengths = [len(key) for key in self._keys]
        pairs: dict[str, list[int]] = defaultdict(list)
        for at, key in enumerate(self._keys):
            for pair in sorted({key[i : i + 2] for i in range(len(key) - 1)}):
                pairs[pair].append(at)
        self._pairs = {pair: tuple(at) for pair, at in pairs.items()}
        """Letter pair -> the positions in `_keys` of the keys that have it, ascending."""
        self._known = self._of_vocabulary()
        """Every key's own answer, found at build: most words of a question are words of the
        knowledge base, and a scan per word was most of a long question's time."""

    def find(self, word: str) -> tuple[tuple[str, float], ...]:
        """(key, similarity 0-100) of the `limit` keys most similar to `word`, at least
        `cutoff` similar, best first, ties in vocabulary order."""
        known = self._known.get(word)
        if known is not None:
            return known
        lo, hi = self._slice(len(word))
        if self.cutoff >= _BIGRAM_CUTOFF and len(word) >= _BIGRAM_MIN_LENGTH:
            at = self._sharing_a_pair(word, lo, hi)
        else:
            at = list(range(lo, hi))
        keys = [self._keys[i] for i in at]
        found = [
            (-score, self._positions[at[i]], key) for key, score, i in process.extract(word, keys, scorer=fuzz.ratio, score_cutoff=self.cutoff, limit=None)
        ]
        return self._best(found)

    def _sharing_a_pair(self, word: str, lo: int, hi: int) -> list[int]:
        """Positions in `_keys[lo:hi]` of the keys with a letter pair of `word`, ascending."""
        at: set[int] = set()
        for pair in {word[i : i + 2] for i in range(len(word) - 1)}:
            having = self._pairs.get(pair)
            if having:
                at.update(having[bisect.bisect_left(having, lo) : bisect.bisect_left(having, hi)])
        return sorted(at)

    def _slice(self, n: int) -> tuple[int, int]:
        """The part of `_keys` of lengths `b` with (100 - cutoff) * (n + b) >= 100 * |n - b|
        (the ratio's upper bound reaches the cutoff), widened by a rounding margin."""
        share = (100.0 - self.cutoff) / 100.0
        shortest = math.ceil(n * (1.0 - share) / (1.0 + share) - 1e-9)
        longest = math.floor(n * (1.0 + share) / (1.0 - share) + 1e-9) if share < 1.0 else n * 1000
        return bisect.bisect_left(self._lengths, shortest), bisect.bisect_right(self._lengths, longest)

    def _best(self, found: list[tuple[float, int, str]]) -> tuple[tuple[str, float], ...]:
        found.sort()
        return tuple((key, -neg) for neg, _pos, key in found[: self.limit])

    def _of_vocabulary(self) -> dict[str, tuple[tuple[str, float], ...]]:
        """`find` of every key, comparing each pair of keys once (the ratio is symmetric):
        each key only with the longer keys after it, the pair noted on both sides."""
        keys, positions = self._keys, self._positions
        found: list[list[tuple[float, int, str]]] = [[(-100.0, pos, key)] for key, pos in zip(keys, positions, strict=True)]
        for j, key in enumerate(keys):
            _lo, hi = self._slice(len(key))
            for other, score, i in process.extract(key, keys[j + 1 : hi], scorer=fuzz.ratio, score_cutoff=self.cutoff, limit=None):
                found[j].append((-score, positions[j + 1 + i], other))
                found[j + 1 + i].append((-score, positions[j], key))
        return {key: self._best(near) for key, near in zip(keys, found, strict=True)}
