"""Campaign test helpers: an app with a hand-moved clock, a campaign to N recipients."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace
from datetime import datetime, timedelta
from typing import Any

from aiohttp.test_utils import TestClient
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot.service.app import create_app
from bot.service.campaign_keys import OUTBOX
from bot.service.context import KnowledgeProvider
from bot.service.outbox import OutboxWorker
from bot.service.settings import Settings
from bot.store.campaign_store import CampaignStore, NewCampaign, NewRecipient
from bot.store.campaigns import OutboxMessage
from tests.support.clock import ManualClock

SERVICE_ID = "testipalvelu"
TENANT = "tenant-1"


def campaign_settings(settings: Settings, **overrides: Any) -> Settings:
    """Fast sends (the rate is not what these tests are about) and a short connector timeout."""
    return replace(settings, **{"campaign_rate": 500.0, "connector_timeout": 0.5, **overrides})


async def start_app(aiohttp_client: Any, settings: Settings, knowledge: KnowledgeProvider, clock: ManualClock) -> TestClient:
    return await aiohttp_client(create_app(settings, knowledge=knowledge, clock=clock))


def worker(client: TestClient) -> OutboxWorker:
    return client.app[OUTBOX]


def recipients(count: int, *, known: bool = True, prefix: str = "29:worker") -> list[NewRecipient]:
    """`known`: the bot has a 1:1 chat with them (`personal:<id>`); else it must make one."""
    users = [f"{prefix}-{n}" for n in range(1, count + 1)]
    return [NewRecipient(user_id=u, conversation_id=f"personal:{u}" if known else None, locale="fi-FI") for u in users]


async def create_campaign(
    sessionmaker: async_sessionmaker[AsyncSession],
    clock: ManualClock,
    service_url: str,
    people: Sequence[NewRecipient],
    *,
    send_at: datetime | None = None,
    due_in: timedelta = timedelta(days=7),
    reminder_at: datetime | None = None,
    created_by: str = "29:supervisor",
) -> int:
    now = clock.now()
    start = send_at or now
    spec = NewCampaign(
        created_by=created_by,
        tenant_id=TENANT,
        service_url=service_url,
        bot_id="palveluopas",
        locale="fi-FI",
        send_at=start,
        due_at=start + due_in,
        reminder_at=reminder_at,
        service_id=SERVICE_ID,
        provider_name="Perhepalvelu Oy",
        service_line="perhesosiaalityo",
        note="Kiitos!",
    )
    return await CampaignStore(sessionmaker).create(spec, people, now)


async def outbox_rows(sessionmaker: async_sessionmaker[AsyncSession], campaign_id: int) -> list[OutboxMessage]:
    async with sessionmaker() as session:
        return list((await session.execute(select(OutboxMessage).where(OutboxMessage.campaign_id == campaign_id).order_by(OutboxMessage.id))).scalars())
