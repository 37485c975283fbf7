"""Feedback on purchased services and reactive supervision: the rules, in plain Python.

A worker responsible for a client reports on a purchased service (document 000, "Palautteen
ja valvontatiedon kerääminen"): the report goes to the team that arranges services of its
service line, the team assesses it and, where there is a problem, starts reactive
supervision. This module holds what does not depend on Teams or the database:

* the vocabularies: service lines, rating aspects, concern areas and kinds, outcomes;
* provider matching (`match_provider`): one provider is not recorded under five spellings;
* report validation (`validate_report`): what the dialog checks before anything is stored;
* the status machines of reports (`report_transition`) and supervision cases
  (`case_transition`): which action is allowed in which state, and what it leads to;
* Finnish time (`finnish_time`): timestamps are stored in UTC and shown in Helsinki time.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from typing import Final, Literal
from zoneinfo import ZoneInfo

from rapidfuzz import fuzz
from rapidfuzz import process as fuzzy

# --- Vocabularies ----------------------------------------------------------------------------

ServiceLine = Literal["perhesosiaalityo", "lastensuojelu"]
SERVICE_LINES: Final[tuple[ServiceLine, ...]] = ("perhesosiaalityo", "lastensuojelu")
"""Family social work and child protection: each has its own arranging team."""

RATING_ASPECTS: Final = ("goals", "family_cooperation", "worker_cooperation", "agreements", "reporting")
"""What a responsible worker can judge from where they stand: progress on the goals agreed,
cooperation with the family, cooperation with the worker, keeping to what was agreed, and
reporting. Not e.g. the provider's staffing or finances, which the worker does not see."""
RATING_MIN: Final = 1
RATING_MAX: Final = 5

ConcernArea = Literal["quality", "safety", "contract"]
CONCERN_AREAS: Final[tuple[ConcernArea, ...]] = ("quality", "safety", "contract")
CONCERN_KINDS: Final[Mapping[str, tuple[str, ...]]] = {
    "quality": ("content", "staff", "reporting", "other"),
    "safety": ("child_safety", "conduct", "other"),
    "contract": ("scope", "timeliness", "billing", "other"),
}
"""Kinds of concern per area: what the arranging team needs to route it (content of the
work, staff changes or competence, late or missing reports; a child's safety, conduct of
staff; what was bought, when, what was billed)."""

ReportStatus = Literal["new", "in_handling", "closed"]
REPORT_STATUSES: Final[tuple[ReportStatus, ...]] = ("new", "in_handling", "closed")
REPORT_OUTCOMES: Final = ("noted", "resolved_with_provider", "to_supervision", "no_action")
"""How the arranging team closes a report: recorded for planned supervision and arranging;
settled with the provider; moved to reactive supervision; nothing to do."""

ReportAction = Literal["take", "ask", "supervise", "close"]
REPORT_ACTIONS: Final[tuple[ReportAction, ...]] = ("take", "ask", "supervise", "close")

CaseStatus = Literal["new", "in_handling", "procurement", "closed"]
CASE_STATUSES: Final[tuple[CaseStatus, ...]] = ("new", "in_handling", "procurement", "closed")
OPEN_CASE_STATUSES: Final[tuple[CaseStatus, ...]] = ("new", "in_handling", "procurement")
CASE_OUTCOMES: Final = ("no_findings", "remarks", "corrective_plan", "contract_measures")
"""No findings; remarks to the provider; a corrective plan required; contractual measures
(with procurement)."""

Role = Literal["admin", "member", "supervisor"]
ROLES: Final[tuple[Role, ...]] = ("admin", "member", "supervisor")
"""Admin (from configuration, may grant roles and register channels); member of a service
line's arranging team (handles reports, per service line); supervisor (reads supervision,
not bound to one line)."""

# --- Limits ------------------------------------------------------------------------------------

PROVIDER_NAME_MAX: Final = 120
"""Longer than any Finnish company name in the trade register (legal maximum is lower)."""
FREE_TEXT_MAX: Final = 2000
ANSWER_MAX: Final = 2000
PERIOD_MAX_YEARS: Final = 10


# --- Provider matching ------------------------------------------------------------------------

_LEGAL_FORMS: Final = frozenset({"oy", "oyj", "ab", "abp", "ky", "ry", "rf", "tmi", "ltd", "inc", "osk", "sr", "kb"})
_NON_WORD: Final = re.compile(r"[^\w]+", re.UNICODE)
EXACT_SCORE: Final = 100.0
SAME_PROVIDER_SCORE: Final = 92.0
"""`token_sort_ratio` at or above this: a spelling of a known provider (the worker still
sees which one); e.g. "Perhekotti Kataja" for "Perhekoti Kataja Oy"."""
SUGGEST_SCORE: Final = 70.0
"""`WRatio` at or above this: offered as "did you mean", never taken silently; it scores a
part of the name well ("Kataja" for "Perhekoti Kataja Oy")."""


def provider_key(name: str) -> str:
    """The comparable form of a provider name: case, accents on non-Finnish letters,
    punctuation and legal form (Oy, Ab, ry, ...) removed; whitespace collapsed.

    Å, Ä and Ö are letters of their own in Finnish and Swedish, so they are kept."""
    text = unicodedata.normalize("NFC", name).casefold()
    words = [w for w in _NON_WORD.sub(" ", text).split() if w not in _LEGAL_FORMS]
    return " ".join(words)


def clean_provider_name(name: str) -> str:
    """The name as it will be stored and shown: whitespace collapsed, trimmed."""
    return " ".join(unicodedata.normalize("NFC", name).split())


@dataclass(frozen=True)
class KnownName:
    provider_id: int
    name: str
    """The provider's own name or one of its aliases."""
    display: str
    """The provider's own name (what is shown)."""


@dataclass(frozen=True)
class ProviderCandidate:
    provider_id: int
    display: str
    score: float


@dataclass(frozen=True)
class ProviderMatch:
    exact: ProviderCandidate | None
    """The same provider (same comparable form, or above `SAME_PROVIDER_SCORE`)."""
    suggestions: tuple[ProviderCandidate, ...]
    """Other likely providers, best first, one per provider."""


def match_provider(typed: str, known: Iterable[KnownName], limit: int = 3) -> ProviderMatch:
    """Match what a worker typed against the names (and aliases) of known providers.

    Scores compare the comparable forms (`provider_key`), so case, punctuation and legal
    forms do not count; word order does not either ("Oy Kataja Perhekoti").
    """
    key = provider_key(typed)
    names = list(known)
    if not key or not names:
        return ProviderMatch(None, ())
    keys = [provider_key(n.name) for n in names]
    best: dict[int, ProviderCandidate] = {}
    same: dict[int, float] = {}
    for _, score, index in fuzzy.extract(key, keys, scorer=fuzz.WRatio, score_cutoff=SUGGEST_SCORE, limit=None):
        item = names[index]
        if item.provider_id not in best or score > best[item.provider_id].score:
            best[item.provider_id] = ProviderCandidate(item.provider_id, item.display, float(score))
        same[item.provider_id] = max(same.get(item.provider_id, 0.0), fuzz.token_sort_ratio(key, keys[index]))
    ranked = sorted(best.values(), key=lambda c: (-same[c.provider_id], -c.score, c.display))
    exact = ranked[0] if ranked and same[ranked[0].provider_id] >= SAME_PROVIDER_SCORE else None
    rest = tuple(c for c in ranked if c is not exact)[:limit]
    return ProviderMatch(exact, rest)


# --- Report validation -------------------------------------------------------------------------


@dataclass(frozen=True)
class ReportDraft:
    """What the worker has entered; validated before the summary and again before storing."""

    service_id: str = ""
    provider_name: str = ""
    service_line: str = ""
    period_start: date | None = None
    period_end: date | None = None
    ratings: Mapping[str, int] = field(default_factory=dict)
    """Aspect -> 1..5; an aspect the worker cannot judge is left out."""
    concern_area: str | None = None
    concern_kind: str | None = None
    free_text: str = ""


def validate_report(draft: ReportDraft, known_services: Iterable[str], today: date) -> list[str]:
    """Problem codes (UI strings `feedback.problem.<code>`); empty when the draft can be sent."""
    problems: list[str] = []
    if draft.service_id not in set(known_services):
        problems.append("service_unknown")
    problems.extend(provider_name_problems(draft.provider_name))
    if draft.service_line not in SERVICE_LINES:
        problems.append("service_line")
    problems.extend(period_problems(draft.period_start, draft.period_end, today))
    for aspect, value in draft.ratings.items():
        if aspect not in RATING_ASPECTS or isinstance(value, bool) or not isinstance(value, int) or not RATING_MIN <= value <= RATING_MAX:
            problems.append("rating")
            break
    problems.extend(concern_problems(draft.concern_area, draft.concern_kind))
    if len(draft.free_text) > FREE_TEXT_MAX:
        problems.append("free_text_long")
    return problems


def provider_name_problems(name: str) -> list[str]:
    cleaned = clean_provider_name(name)
    if not provider_key(cleaned):
        return ["provider_empty"]
    if len(cleaned) > PROVIDER_NAME_MAX:
        return ["provider_long"]
    return []


def period_problems(start: date | None, end: date | None, today: date) -> list[str]:
    if start is None or end is None:
        return ["period_missing"]
    if end < start:
        return ["period_order"]
    if start > today:
        return ["period_future"]
    if start < today.replace(year=today.year - PERIOD_MAX_YEARS):
        return ["period_old"]
    return []


def concern_problems(area: str | None, kind: str | None) -> list[str]:
    if area is None:
        return [] if kind is None else ["concern"]
    if area not in CONCERN_AREAS or kind not in CONCERN_KINDS[area]:
        return ["concern"]
    return []


# --- Status machines ---------------------------------------------------------------------------


@dataclass(frozen=True)
class Transition:
    allowed: bool
    to_status: str
    refusal: str = ""
    """Why not (UI string `feedback.refusal.<code>`): `closed`, `already_taken`, `outcome`, ..."""


def report_transition(status: str, action: str, outcome: str | None = None) -> Transition:
    """What `action` does to a report in `status`.

    take: new -> in_handling. ask (the reporter for more) and supervise keep an open report
    open and take a new one into handling. close needs an outcome. Nothing changes a closed
    report: the card then shows its current state.
    """
    if action not in REPORT_ACTIONS:
        return Transition(False, status, "unknown_action")
    if status == "closed":
        return Transition(False, status, "closed")
    if action == "take":
        if status == "in_handling":
            return Transition(False, status, "already_taken")
        return Transition(True, "in_handling")
    if action == "close":
        if outcome not in REPORT_OUTCOMES:
            return Transition(False, status, "outcome")
        return Transition(True, "closed")
    return Transition(True, "in_handling")


CASE_MOVES: Final[Mapping[str, tuple[str, ...]]] = {
    "new": ("in_handling", "procurement", "closed"),
    "in_handling": ("procurement", "closed"),
    "procurement": ("in_handling", "closed"),
    "closed": (),
}
"""A case is handled by the arranging team, with procurement where needed (and back), and
closed with an outcome; a closed case is not reopened: a new problem opens a new case."""


def case_transition(status: str, to_status: str, outcome: str | None = None) -> Transition:
    if status == "closed":
        return Transition(False, status, "closed")
    if to_status not in CASE_MOVES.get(status, ()):
        return Transition(False, status, "case_move")
    if to_status == "closed" and outcome not in CASE_OUTCOMES:
        return Transition(False, status, "outcome")
    return Transition(True, to_status)


def opens_supervision(concern_area: str | None) -> bool:
    """A safety concern opens a reactive supervision case as soon as the report is sent;
    quality and contract concerns are assessed by the arranging team first, which may start
    supervision from the card."""
    return concern_area == "safety"


# --- Ratings -----------------------------------------------------------------------------------


def rating_average(ratings: Sequence[Mapping[str, int]], aspect: str) -> float | None:
    """The mean of one aspect over reports that rated it; None when none did."""
    values = [r[aspect] for r in ratings if aspect in r]
    return sum(values) / len(values) if values else None


# --- Time --------------------------------------------------------------------------------------

FINNISH_TIME: Final = ZoneInfo("Europe/Helsinki")


def utc_now() -> datetime:
    return datetime.now(UTC)


def finnish_time(moment: datetime) -> str:
    """A stored UTC timestamp in Helsinki time, `6.12.2026 05:46`: day.month.year and a 24-hour
    clock read the same in fi, sv and en."""
    local = as_utc(moment).astimezone(FINNISH_TIME)
    return f"{local.day}.{local.month}.{local.year} {local.hour:02d}:{local.minute:02d}"


def finnish_date(day: date) -> str:
    return f"{day.day}.{day.month}.{day.year}"


def as_utc(moment: datetime) -> datetime:
    """Naive timestamps (SQLite gives them back so) are UTC by this project's rule."""
    return moment.replace(tzinfo=UTC) if moment.tzinfo is None else moment.astimezone(UTC)


def age_days(since: datetime, now: datetime) -> int:
    return max(0, (as_utc(now) - as_utc(since)) // timedelta(days=1))
