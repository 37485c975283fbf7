"""What the feedback dialog hands the service layer when the worker confirms a report, and
what it gets back. The service layer's `FeedbackDesk` implements `FeedbackPort`; the dialog
reaches it as `turn.ports.desk`."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date
from typing import Protocol

from bot.store.people import Identity
from domain.feedback import KnownName


@dataclass(frozen=True)
class SubmitRequest:
    """A confirmed report, validated by the dialog."""

    token: str
    reporter: Identity
    reporter_name: str
    locale: str
    service_id: str
    service_name: str
    provider_id: int | None
    """A known provider; None for a new one named `new_provider`."""
    new_provider: str
    service_line: str
    period_start: date
    period_end: date
    ratings: Mapping[str, int]
    concern_area: str | None
    concern_kind: str | None
    free_text: str
    campaign_id: int | None = None
    """The supervisor's feedback request this report answers (its prompt's button), if any."""


@dataclass(frozen=True)
class SubmitResult:
    report_id: int
    created: bool
    """False when this submit token had already written the report (a second click)."""
    case_id: int | None
    delivery: str
    """`posted`, `no_team` (no channel registered for the line), `failed`, or `none` (a repeat)."""


class FeedbackPort(Protocol):
    async def known_providers(self) -> list[KnownName]: ...

    async def submit(self, request: SubmitRequest) -> SubmitResult: ...
