"""Text normalisation shared by the checks that compare what authors wrote."""

from __future__ import annotations

import re
import unicodedata

_NOT_WORD = re.compile(r"[^\w\s]|_")


def normalise(text: str) -> str:
    """Lower-case words, punctuation dropped, whitespace folded to single spaces.

    NFKC first so that the same word typed with combining or composed ä/ö compares equal.
    """
    folded = unicodedata.normalize("NFKC", text).casefold()
    return " ".join(_NOT_WORD.sub(" ", folded).split())
