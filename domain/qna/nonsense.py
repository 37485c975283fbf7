"""Whether a message is noise rather than a question: kept out of the curators' list.

"asdf", "12345", "????", "😀😀" or "kkkkk" tell a curator nothing, and a list full of them hides
the real unanswered questions. Pure text rules, no knowledge base: a message is noise when it
has no word of three letters or more, or when every word is a keyboard run ("asdf", "qwerty",
"jkl") or one letter repeated.
"""

from __future__ import annotations

from typing import Final

from domain.qna.normalize import fold, normalize

_ROWS: Final = ("qwertyuiopå", "asdfghjklöä", "zxcvbnm", "1234567890")
_MIN_LETTERS: Final = 3


def _keyboard_run(word: str) -> bool:
    """Three or more neighbouring keys of one keyboard row, either direction."""
    if len(word) < _MIN_LETTERS:
        return False
    return any(word in row or word in row[::-1] for row in _ROWS) or any(fold(word) in fold(row) for row in _ROWS)


def is_nonsense(text: str) -> bool:
    words = [w for w in normalize(text).split() if any(ch.isalpha() for ch in w)]
    real = [w for w in words if sum(ch.isalpha() for ch in w) >= _MIN_LETTERS]
    if not real:
        return True
    return all(_keyboard_run(w) or len(set(w)) == 1 for w in real)
