"""Redaction of personal data from free text before it is stored.

Plain Python, no dependencies: every feature that keeps what a worker typed (unanswered Q&A
questions, feedback comments, ...) runs it through `redact` and `cap` first.

What is redacted is what can be detected reliably: Finnish personal identity codes
(henkilötunnus, including the century signs added in 2023), phone numbers and e-mail
addresses. Names cannot be told apart from ordinary words, so callers store as little free text
as they can instead of trusting this module to find them.

The patterns err on the side of redacting: a code with a wrong check character or an
impossible date is still someone's mistyped identity code, so neither is validated.
"""

from __future__ import annotations

import re
from typing import Final

HETU_MARK: Final = "[henkilötunnus]"
PHONE_MARK: Final = "[puhelinnumero]"
EMAIL_MARK: Final = "[sähköposti]"
DEFAULT_CAP: Final = 500

# DDMMYY, a century sign, a three-digit individual number and a check character.
# Century signs: `+` (1800s); `-` and, since 2023, `Y X W V U` (1900s); `A` and `B C D E F`
# (2000s). Dashes pasted from word processors (‐ ‑ – — −) count as `-`. The check character is
# any digit or letter: a wrong one is still a mistyped identity code. Case-insensitive because
# people type `010190-123a`.
_HETU: Final = re.compile(
    r"(?<![0-9A-Za-z])"
    r"(?:0[1-9]|[12][0-9]|3[01])(?:0[1-9]|1[0-2])[0-9]{2}"
    r"\s?[-+\u2010\u2011\u2013\u2014\u2212A-FU-Ya-fu-y]\s?"
    r"[0-9]{3}[0-9A-Za-z]"
    r"(?![0-9A-Za-z])"
)

_EMAIL: Final = re.compile(r"(?<![\w.+-])[\w.+-]+@[\w-]+(?:\.[\w-]+)+", re.UNICODE)

# A run of digits with optional `+`/`(0)` prefix and space, dash or parenthesis separators.
# Only runs with 7 to 15 digits count (ITU-T E.164 has at most 15), so section numbers
# (`SHL 36 §`), years and counts (`n. 2 400`) are left alone. Dots are not separators, which
# keeps dates (12.03.2018) and decimals out.
_PHONE_CANDIDATE: Final = re.compile(r"(?<![\w+])(?:\+|00)?\(?\d[\d\s()\-\u2013]{5,22}\d(?!\w)")
_MIN_PHONE_DIGITS: Final = 7
_MAX_PHONE_DIGITS: Final = 15


def _phone(match: re.Match[str]) -> str:
    candidate = match.group(0)
    digits = sum(ch.isdigit() for ch in candidate)
    if _MIN_PHONE_DIGITS <= digits <= _MAX_PHONE_DIGITS:
        return PHONE_MARK
    return candidate


def redact(text: str) -> str:
    """`text` with identity codes, e-mail addresses and phone numbers replaced by markers.

    Order matters: identity codes first (their digits would otherwise read as a phone
    number), then e-mail addresses (whose local part may hold digits).
    """
    text = _HETU.sub(HETU_MARK, text)
    text = _EMAIL.sub(EMAIL_MARK, text)
    return _PHONE_CANDIDATE.sub(_phone, text)


def cap(text: str, limit: int = DEFAULT_CAP) -> str:
    """`text` cut to at most `limit` characters, ending in `…` when it was cut."""
    if limit < 1:
        raise ValueError("limit must be positive")
    if len(text) <= limit:
        return text
    return text[: limit - 1].rstrip() + "…"


def redact_and_cap(text: str, limit: int = DEFAULT_CAP) -> str:
    """What a feature stores of free text: redacted first, so a cut never splits a code
    into a fragment the patterns no longer recognise."""
    return cap(redact(text), limit)
