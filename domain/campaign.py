"""Feedback prompt campaigns: states, schedule rules, recipient counts and result summaries.

A campaign is a supervisor's request to a set of workers to give feedback on one purchased
service (a service and a provider, or a whole service line) by a due date. Plain Python: the
store keeps the rows, the delivery engine sends the prompts, this module decides what the
states mean and what the numbers are.

Campaign states::

    scheduled --(send time reached)--> sending --(every prompt final)--> sent
        \\__________________ cancel ______________/  (only before every prompt is final)

A recipient's prompt has a delivery state (`DeliveryState`); "answered" is not a delivery
state but a fact about the recipient (a report linked to the campaign exists), so a prompt
is counted as sent *and* the recipient as answered.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from enum import StrEnum
from typing import Final


class CampaignState(StrEnum):
    SCHEDULED = "scheduled"
    SENDING = "sending"
    SENT = "sent"
    CANCELLED = "cancelled"


class DeliveryState(StrEnum):
    QUEUED = "queued"
    """Waiting for its send time or its next attempt."""
    CLAIMED = "claimed"
    """Taken by one app instance, waiting for a rate-limit slot; nothing sent yet."""
    SENDING = "sending"
    """The request may have gone out: never sent again, whatever happens next."""
    SENT = "sent"
    FAILED = "failed"
    UNKNOWN = "unknown"
    """The request went out and no answer came (timeout, connection reset): not resent."""
    CANCELLED = "cancelled"
    SKIPPED = "skipped"
    """A reminder not sent because the recipient answered meanwhile."""


PENDING_STATES: Final = frozenset({DeliveryState.QUEUED, DeliveryState.CLAIMED, DeliveryState.SENDING})
FINAL_STATES: Final = frozenset(DeliveryState) - PENDING_STATES
CANCELLABLE_STATES: Final = frozenset({CampaignState.SCHEDULED, CampaignState.SENDING})


class MessageKind(StrEnum):
    PROMPT = "prompt"
    REMINDER = "reminder"
    """The automatic reminder, at `reminder_at`."""
    EXTRA_REMINDER = "extra_reminder"
    """The one more reminder a supervisor may send by hand."""


DEFAULT_REMINDER_BEFORE: Final = timedelta(days=2)
MIN_LEAD_TIME: Final = timedelta(hours=1)
"""A due date closer than this to the send time leaves nobody time to answer."""


class ScheduleError(ValueError):
    """A send time or due date that cannot work; `code` is a UI string key suffix."""

    def __init__(self, code: str) -> None:
        super().__init__(code)
        self.code = code


def check_schedule(now: datetime, send_at: datetime, due_at: datetime) -> None:
    """Raise `ScheduleError` unless the campaign can be sent at `send_at` and answered by `due_at`."""
    if send_at < now - timedelta(minutes=5):
        raise ScheduleError("send_in_past")
    if due_at < max(now, send_at) + MIN_LEAD_TIME:
        raise ScheduleError("due_too_soon")


def reminder_time(send_at: datetime, due_at: datetime, before: timedelta = DEFAULT_REMINDER_BEFORE) -> datetime | None:
    """When the automatic reminder goes: `before` the due date, or None when that is not after
    the prompt went out (a short campaign gets no automatic reminder, only a manual one)."""
    at = due_at - before
    return at if at > send_at else None


@dataclass(frozen=True)
class RecipientFacts:
    prompt_state: DeliveryState
    answered: bool
    reason: str | None = None
    """Why the prompt failed (`failed`) or what is not known (`unknown`)."""


@dataclass(frozen=True)
class Counts:
    recipients: int = 0
    sent: int = 0
    failed: int = 0
    unknown: int = 0
    answered: int = 0
    pending: int = 0
    cancelled: int = 0
    failure_reasons: Mapping[str, int] = field(default_factory=dict)

    @property
    def not_answered(self) -> int:
        return self.recipients - self.answered


def count_recipients(recipients: Iterable[RecipientFacts]) -> Counts:
    """The campaign's numbers: sent counts delivered prompts, answered is counted on top."""
    tally = {"sent": 0, "failed": 0, "unknown": 0, "answered": 0, "pending": 0, "cancelled": 0}
    reasons: dict[str, int] = {}
    total = 0
    for recipient in recipients:
        total += 1
        state = recipient.prompt_state
        if recipient.answered:
            tally["answered"] += 1
        if state in PENDING_STATES:
            tally["pending"] += 1
        elif state in (DeliveryState.SENT, DeliveryState.FAILED, DeliveryState.UNKNOWN, DeliveryState.CANCELLED):
            tally[state.value] += 1
        if state is DeliveryState.FAILED:
            reason = recipient.reason or "unknown_error"
            reasons[reason] = reasons.get(reason, 0) + 1
    return Counts(recipients=total, failure_reasons=reasons, **tally)


def finished_sending(prompt_states: Iterable[DeliveryState]) -> bool:
    """Every prompt reached a final state (a campaign with no recipients is finished too)."""
    return all(state in FINAL_STATES for state in prompt_states)


def reminder_recipients(recipients: Mapping[str, RecipientFacts]) -> list[str]:
    """Who gets a reminder: the prompt reached them (sent) and they have not answered.

    A failed prompt will fail again; an unknown one may have arrived, and a reminder to
    someone whose prompt is unknown is still one message about this campaign, so it is
    sent (it carries the same button).
    """
    return sorted(key for key, facts in recipients.items() if not facts.answered and facts.prompt_state in (DeliveryState.SENT, DeliveryState.UNKNOWN))


@dataclass(frozen=True)
class CampaignView:
    id: int
    state: CampaignState
    service_id: str | None
    provider_name: str | None
    service_line: str | None
    send_at: datetime
    due_at: datetime
    reminder_at: datetime | None
    extra_reminder_sent: bool
    counts: Counts


# --- Summaries ---------------------------------------------------------------------------


@dataclass(frozen=True)
class ReportFacts:
    """What a summary needs of one feedback report: no free text, no people."""

    provider_id: int | None
    provider: str
    service_id: str
    ratings: Mapping[str, int | None]
    """Aspect -> rating (1-5) or None when the worker could not judge it."""
    concern: bool


@dataclass(frozen=True)
class SummaryRow:
    provider: str
    service_id: str
    reports: int
    averages: Mapping[str, float | None]
    """Aspect -> mean of the ratings given, None when nobody rated it."""
    concerns: int
    open_cases: int


def summarize(reports: Iterable[ReportFacts], aspects: Iterable[str], open_cases: Mapping[tuple[int | None, str], int] | None = None) -> list[SummaryRow]:
    """Per provider and service: number of reports, each aspect's mean rating, concerns and
    open supervision cases; sorted by provider, then service."""
    aspect_list = list(aspects)
    groups: dict[tuple[int | None, str], list[ReportFacts]] = {}
    names: dict[tuple[int | None, str], str] = {}
    for report in reports:
        key = (report.provider_id, report.service_id)
        groups.setdefault(key, []).append(report)
        names.setdefault(key, report.provider)
    cases = open_cases or {}
    rows = []
    for key, group in groups.items():
        averages: dict[str, float | None] = {}
        for aspect in aspect_list:
            given = [r.ratings[aspect] for r in group if r.ratings.get(aspect) is not None]
            averages[aspect] = round(sum(v for v in given if v is not None) / len(given), 2) if given else None
        rows.append(
            SummaryRow(
                provider=names[key],
                service_id=key[1],
                reports=len(group),
                averages=averages,
                concerns=sum(1 for r in group if r.concern),
                open_cases=cases.get(key, 0),
            )
        )
    return sorted(rows, key=lambda row: (row.provider.casefold(), row.service_id))
