"""Redaction of personal data from free text: the one place that decides what is personal.

Every feature that keeps what a worker typed (unanswered Q&A questions, feedback comments, ...)
runs it through `redact` and `cap` first (`redact_and_cap`), and so does anything that would
put a piece of text into a log line.

What is redacted is what can be detected reliably, in this order:

1. Finnish personal identity codes (henkilötunnus): every century sign, including the ones
   added in 2023, with or without the sign, with spaces or invisible characters inside, and
   glued to the words around them (`asiakas150812A944Nx`). A code whose check character is
   right (python-stdnum) is redacted in any of these forms; a look-alike with a wrong check
   character or an impossible date is redacted too when it cannot be anything else (it has a
   century sign or ends in a letter), because it is still someone's mistyped code.
2. E-mail addresses, also obfuscated: `nimi(at)hel.fi`, `nimi [ät] hel [piste] fi`,
   `nimi at hel dot fi`.
3. Phone numbers: Google's libphonenumber (`phonenumbers`, Finnish numbering plan, VALID
   leniency) finds formatted numbers (`044.555.1212`, `+358 44 718 3703`); any run of 7 to 15
   digits left after that is redacted as well (`puh0447183703`), since E.164 numbers have at
   most 15 digits and section numbers, years and counts have fewer than 7. A span of years
   ("2022–2023") is the one run of eight that is kept.

Identity codes go first because their digits would otherwise read as a phone number.
Invisible format characters (zero-width space, soft hyphen, ...) are dropped before
matching, so they cannot hide a code: they carry no meaning in a question.

Names cannot be told apart from ordinary words, so callers store as little free text as they
can instead of trusting this module to find them.
"""

from __future__ import annotations

import re
import unicodedata
from typing import Final

import phonenumbers
from stdnum.fi import hetu

HETU_MARK: Final = "[henkilötunnus]"
PHONE_MARK: Final = "[puhelinnumero]"
EMAIL_MARK: Final = "[sähköposti]"
DEFAULT_CAP: Final = 500

# --- identity codes -------------------------------------------------------------------------

# Spaces that may stand inside a code typed or pasted carelessly (no line breaks: a code is
# never split across lines, while numbers on consecutive lines are common).
_S: Final = r"[ \t\u00a0\u2000-\u200a\u202f\u205f\u3000]?"
# Century signs: `+` (1800s); `-` and, since 2023, `Y X W V U` (1900s); `A` and, since 2023,
# `B C D E F` (2000s). Dashes pasted from word processors (‐ ‑ – — −) count as `-`.
_SIGN: Final = r"[-+\u2010\u2011\u2013\u2014\u2212A-FU-Ya-fu-y]"


def _spaced(*parts: str) -> str:
    return _S.join(parts)


# DDMMYY: a plausible day and month (an impossible date such as 29.2. of a common year is
# still a mistyped code), each digit possibly followed by a stray space.
_DATE: Final = (
    r"(?:0"
    + _S
    + r"[1-9]|[12]"
    + _S
    + r"[0-9]|3"
    + _S
    + r"[01])"
    + _S  # day
    + r"(?:0"
    + _S
    + r"[1-9]|1"
    + _S
    + r"[0-2])"
    + _S  # month
    + _spaced("[0-9]", "[0-9]")  # year
)
_INDIVIDUAL: Final = _spaced("[0-9]", "[0-9]", "[0-9]")
# Not preceded by a digit (a longer number is not a code); letters may touch it on both sides.
_HETU: Final = re.compile(
    r"(?<![0-9])(?P<date>"
    + _DATE
    + r")"
    + _S
    + r"(?P<sign>"
    + _SIGN
    + r")?"
    + _S
    + r"(?P<individual>"
    + _INDIVIDUAL
    + r")"
    + _S
    + r"(?P<check>[0-9](?![0-9])|[A-Za-z])"
)
_SPACES: Final = re.compile(_S[:-1])


def _is_identity_code(match: re.Match[str]) -> bool:
    """Whether a candidate is redacted as an identity code (see the module docstring)."""
    if match.group("sign") is not None or not match.group("check").isdigit():
        # A century sign or a letter at the end: no phone number or count looks like that.
        return True
    # Ten digits in a row may as well be a phone number: only a right check character makes
    # them a code (tried with a sign of either century, since the sign is not checked).
    digits = _SPACES.sub("", match.group(0))
    return any(hetu.is_valid(f"{digits[:6]}{sign}{digits[6:]}", allow_temporary=True) for sign in "-A")


def _hetu(match: re.Match[str]) -> str:
    return HETU_MARK if _is_identity_code(match) else match.group(0)


# --- e-mail addresses -----------------------------------------------------------------------

# `@`, a full-width `＠`, or `at`/`ät`/`a` in brackets or between spaces (`nimi (at) hel.fi`,
# `nimi ät hel piste fi`): the ways people write an address so that harvesters miss it.
_AT: Final = r"(?:\s*[@\uff20]\s*|\s*[(\[{<]\s*(?:at|ät|a|@)\s*[)\]}>]\s*|\s+(?:at|ät)\s+)"
_DOT: Final = r"(?:\.|\s*[(\[{<]\s*(?:dot|piste|punkt)\s*[)\]}>]\s*|\s+(?:dot|piste|punkt)\s+)"
_EMAIL: Final = re.compile(r"(?<![\w.+-])[\w.+-]+" + _AT + r"[\w-]+(?:" + _DOT + r"[\w-]+)*" + _DOT + r"[^\W\d_]{2,}(?![\w-])", re.IGNORECASE)

# --- phone numbers --------------------------------------------------------------------------

_REGION: Final = "FI"
_DIGIT_RUN: Final = re.compile(r"(?<![0-9])\+?[0-9](?:[ \-\u2013()]?[0-9]){6,14}(?![0-9])")
_YEAR_SPAN: Final = re.compile(r"((?:19|20)[0-9]{2}) ?[-\u2013] ?((?:19|20)[0-9]{2})")
_YEAR_SPAN_MAX: Final = 30
"""A span of years ("vuosina 2022–2023") has eight digits like a phone number, but no Finnish
number is written as two years with the second the later by at most this many."""


def _digit_run(match: re.Match[str]) -> str:
    run = match.group()
    span = _YEAR_SPAN.fullmatch(run)
    if span is not None and 0 < int(span.group(2)) - int(span.group(1)) <= _YEAR_SPAN_MAX:
        return run
    return PHONE_MARK


def _phones(text: str) -> str:
    found = [(m.start, m.end) for m in phonenumbers.PhoneNumberMatcher(text, _REGION, leniency=phonenumbers.Leniency.VALID)]
    for start, end in reversed(found):
        text = text[:start] + PHONE_MARK + text[end:]
    return _DIGIT_RUN.sub(_digit_run, text)


# --- the public functions -------------------------------------------------------------------


def _without_format_characters(text: str) -> str:
    """`text` without invisible format characters (Unicode category Cf: zero-width space and
    joiners, soft hyphen, word joiner, byte order mark, direction marks)."""
    if text.isascii():
        return text
    return "".join(ch for ch in text if unicodedata.category(ch) != "Cf")


def redact(text: str) -> str:
    """`text` with identity codes, e-mail addresses and phone numbers replaced by markers."""
    text = _without_format_characters(text)
    text = _HETU.sub(_hetu, text)
    text = _EMAIL.sub(EMAIL_MARK, text)
    return _phones(text)


def contains_identity_code(text: str) -> bool:
    """Whether `text` holds something `redact` would replace by the identity-code marker."""
    text = _without_format_characters(text)
    return any(_is_identity_code(match) for match in _HETU.finditer(text))


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
