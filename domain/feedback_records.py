"""Feedback reports and supervision cases as read back from the store: plain values that
dialogs and cards use without touching the database."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date, datetime


@dataclass(frozen=True)
class EventView:
    action: str
    actor_id: int | None
    from_status: str | None
    to_status: str
    text: str
    at: datetime


@dataclass(frozen=True)
class ReportView:
    id: int
    reporter_id: int
    reporter_locale: str
    service_id: str
    service_name: str
    provider_id: int
    provider_name: str
    service_line: str
    period_start: date
    period_end: date
    ratings: Mapping[str, int]
    concern_area: str | None
    concern_kind: str | None
    free_text: str
    status: str
    outcome: str | None
    handler_id: int | None
    version: int
    card_conversation_id: str | None
    card_activity_id: str | None
    created_at: datetime
    updated_at: datetime
    events: tuple[EventView, ...] = ()
    case_ids: tuple[int, ...] = ()

    @property
    def answers(self) -> tuple[EventView, ...]:
        return tuple(e for e in self.events if e.action == "answer")

    @property
    def questions(self) -> tuple[EventView, ...]:
        return tuple(e for e in self.events if e.action == "ask")


@dataclass(frozen=True)
class CaseView:
    id: int
    service_line: str
    provider_id: int
    provider_name: str
    service_id: str
    status: str
    outcome: str | None
    version: int
    opened_by: int | None
    opened_at: datetime
    updated_at: datetime
    closed_at: datetime | None
    report_ids: tuple[int, ...]
    events: tuple[tuple[str, str | None, str | None, str, int | None, datetime], ...] = ()
    """(kind, from, to, text, actor, at), oldest first."""
