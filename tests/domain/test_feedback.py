"""Feedback rules: provider matching, report validation, status machines, Finnish time."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest

from domain.feedback import (
    KnownName,
    ReportDraft,
    age_days,
    case_transition,
    finnish_time,
    match_provider,
    opens_supervision,
    provider_key,
    rating_average,
    report_transition,
    validate_report,
)

KNOWN = [
    KnownName(1, "Perhekoti Kataja Oy", "Perhekoti Kataja Oy"),
    KnownName(2, "Lastensuojelun Tukipalvelut Ry", "Lastensuojelun Tukipalvelut Ry"),
    KnownName(2, "LS Tukipalvelut", "Lastensuojelun Tukipalvelut Ry"),
    KnownName(3, "Familjehemmet Ab", "Familjehemmet Ab"),
]
TODAY = date(2026, 12, 6)


@pytest.mark.parametrize(
    "typed",
    ["Perhekoti Kataja Oy", "perhekoti kataja", "PERHEKOTI KATAJA OY.", "Oy Perhekoti Kataja", "Perhekoti  Kataja, oy", "Perhekotti Kataja"],
)
def test_spellings_of_a_known_provider_match_it(typed: str) -> None:
    match = match_provider(typed, KNOWN)

    assert match.exact is not None and match.exact.provider_id == 1


def test_an_alias_matches_its_provider_and_shows_its_own_name() -> None:
    match = match_provider("ls tukipalvelut", KNOWN)

    assert match.exact is not None
    assert (match.exact.provider_id, match.exact.display) == (2, "Lastensuojelun Tukipalvelut Ry")


def test_a_different_provider_is_new() -> None:
    match = match_provider("Perhepalvelut Aurinko", KNOWN)

    assert match.exact is None
    assert all(s.provider_id != 1 for s in match.suggestions)


def test_a_close_but_unsure_name_is_only_suggested() -> None:
    match = match_provider("Kataja", KNOWN)

    assert match.exact is None
    assert [s.provider_id for s in match.suggestions] == [1]


def test_legal_forms_and_punctuation_do_not_count() -> None:
    assert provider_key("Oy Perhekoti Kataja Ab.") == provider_key("perhekoti   kataja") == "perhekoti kataja"
    assert provider_key("Ääriviiva Oy") == "ääriviiva"


def _draft(**changes: object) -> ReportDraft:
    base: dict[str, object] = {
        "service_id": "perhetyo",
        "provider_name": "Perhekoti Kataja",
        "service_line": "lastensuojelu",
        "period_start": date(2026, 9, 1),
        "period_end": date(2026, 11, 30),
        "ratings": {"goals": 4, "reporting": 2},
    }
    base.update(changes)
    return ReportDraft(**base)  # type: ignore[arg-type]


def test_a_complete_draft_is_valid() -> None:
    assert validate_report(_draft(), ["perhetyo"], TODAY) == []


@pytest.mark.parametrize(
    ("changes", "problem"),
    [
        ({"service_id": "poistettu"}, "service_unknown"),
        ({"provider_name": "x" * 5000}, "provider_long"),
        ({"provider_name": " .. "}, "provider_empty"),
        ({"service_line": "vanhuspalvelut"}, "service_line"),
        ({"period_end": date(2026, 8, 1)}, "period_order"),
        ({"period_start": date(2027, 1, 1), "period_end": date(2027, 2, 1)}, "period_future"),
        ({"period_start": None}, "period_missing"),
        ({"ratings": {"goals": 6}}, "rating"),
        ({"ratings": {"staffing": 3}}, "rating"),
        ({"ratings": {"goals": True}}, "rating"),
        ({"concern_area": "safety", "concern_kind": "billing"}, "concern"),
        ({"concern_area": None, "concern_kind": "other"}, "concern"),
        ({"free_text": "a" * 2001}, "free_text_long"),
    ],
)
def test_a_bad_draft_names_its_problem(changes: dict[str, object], problem: str) -> None:
    assert problem in validate_report(_draft(**changes), ["perhetyo"], TODAY)


def test_report_moves() -> None:
    assert report_transition("new", "take").to_status == "in_handling"
    assert report_transition("in_handling", "take").refusal == "already_taken"
    assert report_transition("new", "ask").to_status == "in_handling"
    assert report_transition("in_handling", "close").refusal == "outcome"
    assert report_transition("in_handling", "close", "noted").to_status == "closed"
    for action in ("take", "ask", "supervise", "close"):
        refused = report_transition("closed", action, "noted")
        assert (refused.allowed, refused.refusal, refused.to_status) == (False, "closed", "closed")
    assert report_transition("new", "delete").refusal == "unknown_action"


def test_case_moves() -> None:
    assert case_transition("new", "in_handling").allowed
    assert case_transition("in_handling", "procurement").allowed
    assert case_transition("procurement", "in_handling").allowed
    assert case_transition("in_handling", "new").refusal == "case_move"
    assert case_transition("in_handling", "closed").refusal == "outcome"
    assert case_transition("in_handling", "closed", "remarks").to_status == "closed"
    assert case_transition("closed", "in_handling").refusal == "closed"


def test_only_a_safety_concern_opens_supervision_at_once() -> None:
    assert opens_supervision("safety")
    assert not opens_supervision("quality")
    assert not opens_supervision(None)


def test_rating_average_skips_reports_that_did_not_rate_the_aspect() -> None:
    assert rating_average([{"goals": 4}, {"goals": 2, "reporting": 5}, {}], "goals") == 3
    assert rating_average([{}], "goals") is None


def test_utc_is_shown_in_finnish_time_summer_and_winter() -> None:
    assert finnish_time(datetime(2026, 12, 6, 3, 46, tzinfo=UTC)) == "6.12.2026 05:46"
    assert finnish_time(datetime(2026, 7, 1, 21, 5, tzinfo=UTC)) == "2.7.2026 00:05"
    naive = datetime(2026, 7, 1, 21, 5)  # noqa: DTZ001 (SQLite gives naive timestamps back: they are UTC)
    assert finnish_time(naive) == "2.7.2026 00:05"


def test_age_in_whole_days() -> None:
    assert age_days(datetime(2026, 12, 1, 12, tzinfo=UTC), datetime(2026, 12, 6, 11, tzinfo=UTC)) == 4
