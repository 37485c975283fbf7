"""Near spellings of a word among the index's keys, without comparing it to every key.

rapidfuzz's `ratio` is the normalised Indel similarity, `100 * (1 - distance / (a + b))` for
words of `a` and `b` letters, and the distance is at least `|a - b|`. So a key whose length
is too far from the word's cannot reach the cutoff, and only the keys of the lengths that can
are compared: about half the vocabulary for a typical word, far less for a long one.

The answer is exactly `process.extract` over the whole sorted vocabulary: the same cutoff, the
same limit, and ties in the same order (rapidfuzz breaks them by position, and each length's
keys keep their order in the vocabulary).
"""

from __future__ import annotations

from collections import defaultdict

from rapidfuzz import fuzz, process


class NearSpellings:
    def __init__(self, vocabulary: tuple[str, ...], cutoff: float, limit: int) -> None:
        self.cutoff = cutoff
        self.limit = limit
        grouped: dict[int, list[tuple[str, int]]] = defaultdict(list)
        for pos, key in enumerate(vocabulary):
            grouped[len(key)].append((key, pos))
        self._by_length = {length: (tuple(key for key, _ in keys), tuple(pos for _, pos in keys)) for length, keys in sorted(grouped.items())}

    def _reachable(self, a: int, b: int) -> bool:
        """Whether words of `a` and `b` letters can be `cutoff` similar at all."""
        return (100.0 - self.cutoff) * (a + b) >= 100.0 * abs(a - b)

    def find(self, word: str) -> list[tuple[str, float]]:
        """(key, similarity 0-100) of the `limit` keys most similar to `word`, at least
        `cutoff` similar, best first, ties in vocabulary order."""
        found: list[tuple[float, int, str]] = []
        n = len(word)
        for length, (keys, positions) in self._by_length.items():
            if not self._reachable(n, length):
                continue
            for key, score, i in process.extract(word, keys, scorer=fuzz.ratio, score_cutoff=self.cutoff, limit=self.limit):
                found.append((-score, positions[i], key))
        found.sort()
        return [(key, -neg) for neg, _pos, key in found[: self.limit]]
