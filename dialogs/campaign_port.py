"""What the supervisor dialogs (`palautepyyntö`, `palautepyynnöt`, `palauteyhteenveto`) reach
outside the turn, as `turn.ports.campaigns`. The service layer's `CampaignDesk` implements it;
role checks happen there too (a second line behind the handler's gate)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Protocol

from dialogs.engine import Person
from domain.campaign import CampaignView, SummaryRow
from domain.feedback import KnownName


@dataclass(frozen=True)
class CampaignRequest:
    supervisor: Person
    conversation_id: str
    """The supervisor's chat: its reference gives the bot's id in this tenant."""
    service_url: str
    tenant_id: str
    locale: str
    service_id: str | None
    """None: every service of `service_line`."""
    provider_id: int | None
    provider_name: str | None
    service_line: str
    recipients: str
    """`line` (workers known to the bot in the service line), `team` (the members of the
    line's registered team channel) or `named`."""
    named: tuple[str, ...]
    send_at: datetime
    due_at: datetime
    note: str | None


class CampaignPort(Protocol):
    async def may_supervise(self, person: Person) -> bool: ...

    async def known_providers(self) -> list[KnownName]: ...

    async def count_recipients(self, service_line: str) -> int: ...

    async def has_team(self, service_line: str) -> bool: ...

    async def create(self, request: CampaignRequest) -> tuple[int, int]:
        """(campaign id, recipients), or (0, 0) when nobody could be addressed."""

    async def campaigns_of(self, person: Person) -> list[CampaignView]: ...

    async def cancel(self, person: Person, campaign_id: int) -> bool: ...

    async def remind(self, person: Person, campaign_id: int) -> int | None: ...

    async def summary(self, service_line: str, start: datetime, end: datetime) -> list[SummaryRow]: ...

    async def export_link(
        self, person: Person, fmt: str, lang: str, *, service_line: str | None = None, campaign_id: int | None = None, start: datetime | None = None
    ) -> str: ...
