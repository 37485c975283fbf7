"""Campaign rules: schedule checks, reminder time, counts, who is reminded, summaries."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from domain.campaign import (
    DeliveryState,
    RecipientFacts,
    ReportFacts,
    ScheduleError,
    check_schedule,
    count_recipients,
    finished_sending,
    reminder_recipients,
    reminder_time,
    summarize,
)

NOW = datetime(2026, 3, 2, 8, 0, tzinfo=UTC)


def test_a_due_date_too_close_to_the_send_time_is_refused() -> None:
    with pytest.raises(ScheduleError) as refused:
        check_schedule(NOW, NOW + timedelta(hours=2), NOW + timedelta(hours=2, minutes=30))

    assert refused.value.code == "due_too_soon"


def test_the_reminder_goes_before_the_due_date_or_not_at_all_for_a_short_campaign() -> None:
    assert reminder_time(NOW, NOW + timedelta(days=7), timedelta(days=2)) == NOW + timedelta(days=5)
    assert reminder_time(NOW, NOW + timedelta(days=1), timedelta(days=2)) is None


def test_counts_put_answered_on_top_of_sent_and_group_failure_reasons() -> None:
    counts = count_recipients(
        [
            RecipientFacts(DeliveryState.SENT, answered=True),
            RecipientFacts(DeliveryState.SENT, answered=False),
            RecipientFacts(DeliveryState.FAILED, answered=False, reason="BotNotInConversationRoster"),
            RecipientFacts(DeliveryState.UNKNOWN, answered=False, reason="Timeout"),
            RecipientFacts(DeliveryState.QUEUED, answered=False),
        ]
    )

    assert (counts.recipients, counts.sent, counts.answered, counts.failed, counts.unknown, counts.pending) == (5, 2, 1, 1, 1, 1)
    assert counts.failure_reasons == {"BotNotInConversationRoster": 1}
    assert counts.not_answered == 4


def test_nobody_who_answered_or_was_never_reached_is_reminded() -> None:
    facts = {
        "answered": RecipientFacts(DeliveryState.SENT, answered=True),
        "waiting": RecipientFacts(DeliveryState.SENT, answered=False),
        "unknown": RecipientFacts(DeliveryState.UNKNOWN, answered=False),
        "failed": RecipientFacts(DeliveryState.FAILED, answered=False),
    }

    assert reminder_recipients(facts) == ["unknown", "waiting"]


def test_sending_is_finished_only_when_every_prompt_is_final() -> None:
    assert finished_sending([DeliveryState.SENT, DeliveryState.FAILED, DeliveryState.UNKNOWN])
    assert not finished_sending([DeliveryState.SENT, DeliveryState.SENDING])


def test_the_summary_averages_each_aspect_over_those_who_rated_it() -> None:
    reports = [
        ReportFacts(1, "Perhepalvelu Oy", "perhetyo", {"goals": 4, "reporting": None}, concern=False),
        ReportFacts(1, "Perhepalvelu Oy", "perhetyo", {"goals": 5, "reporting": 2}, concern=True),
        ReportFacts(2, "Apu Ry", "perhetyo", {}, concern=False),
    ]

    rows = summarize(reports, ["goals", "reporting"], {(1, "perhetyo"): 1})

    assert [r.provider for r in rows] == ["Apu Ry", "Perhepalvelu Oy"]
    assert rows[1].reports == 2 and rows[1].averages == {"goals": 4.5, "reporting": 2.0}
    assert rows[1].concerns == 1 and rows[1].open_cases == 1
    assert rows[0].averages == {"goals": None, "reporting": None}
