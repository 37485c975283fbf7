"""Finnish lemmas and compound parts from Voikko (`pyvoikko`, its dictionary ships in the wheel).

Snowball strips endings by rule and stops at different points for the forms of one word
(`laki` / `lain`, `ilmoitus` / `ilmoituksen`); Voikko knows the word and gives its base form,
and splits a compound into its dictionary words (`lastensuojeluilmoituksen` -> `lapsi` +
`suojelu` + `ilmoitus`). A word Voikko does not know (a typo, an abbreviation, a Swedish word)
gets nothing here and is matched by its Snowball stems and near spellings as before.

Loaded on first use (the transducer takes a second or two to read); with `kfst-rs` installed
the look-ups run natively (about 0.5 ms a word, cached). Without `pyvoikko` every function
returns nothing, so the matcher still runs, only less well.
"""

from __future__ import annotations

from functools import lru_cache
from typing import Any, Final

MAX_LEMMAS: Final = 2
"""Base forms kept per word: the analyses are ambiguous (`lain` is `laki` or `laaja`), and two
cover the real cases without flooding the index with unrelated words."""
_MIN_LENGTH: Final = 3


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


@lru_cache(maxsize=65536)
def analyse(word: str) -> tuple[tuple[str, ...], tuple[str, ...]]:
    """(base forms, compound parts' base forms) of one lower-case Finnish word; empty tuples
    when Voikko has no analysis. Parts only for a compound (more than one part)."""
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
