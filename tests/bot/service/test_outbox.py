"""The delivery engine over HTTP: the app's own worker sends a campaign to a loopback Bot
Connector that answers as each test scripts it, on the test's database."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from datetime import timedelta
from typing import Any

import pytest
from sqlalchemy import update
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot.service.context import KnowledgeProvider
from bot.service.settings import Settings
from bot.store.campaign_store import CampaignStore
from bot.store.campaigns import OutboxMessage
from bot.store.db import create_engine, create_sessionmaker
from domain.campaign import CampaignState, DeliveryState, MessageKind
from tests.support.campaigns import campaign_settings, create_campaign, outbox_rows, recipients, start_app, worker
from tests.support.clock import ManualClock
from tests.support.scripted_channel import Reply, ScriptedChannel


@pytest.fixture
async def channel() -> AsyncIterator[ScriptedChannel]:
    stand_in = await ScriptedChannel().start()
    yield stand_in
    await stand_in.close()


@pytest.fixture
def clock() -> ManualClock:
    return ManualClock()


@pytest.fixture
def fast_settings(settings: Settings) -> Settings:
    return campaign_settings(settings)


async def test_a_campaign_to_ten_recipients_delivers_one_prompt_to_each(
    aiohttp_client: Any,
    fast_settings: Settings,
    knowledge: KnowledgeProvider,
    sessionmaker: async_sessionmaker[AsyncSession],
    channel: ScriptedChannel,
    clock: ManualClock,
) -> None:
    client = await start_app(aiohttp_client, fast_settings, knowledge, clock)
    people = recipients(5) + recipients(5, known=False, prefix="29:new")
    campaign_id = await create_campaign(sessionmaker, clock, channel.service_url, people)

    await worker(client).settle()

    delivered = channel.delivered()
    assert delivered == {f"personal:{p.user_id}": 1 for p in people}
    created = [r.body["members"][0]["id"] for r in channel.received if r.path == "/v3/conversations"]
    assert sorted(created) == sorted(p.user_id for p in people[5:])
    assert all(r.body["tenantId"] == "tenant-1" for r in channel.received if r.path == "/v3/conversations")
    card = channel.cards("personal:29:worker-1")[0]
    assert "Testipalvelu" in card["body"][0]["text"]
    assert card["actions"][0]["title"] == "Anna palaute"
    assert card["actions"][0]["data"]["campaign"] == str(campaign_id)
    view = await CampaignStore(sessionmaker).view(campaign_id)
    assert view is not None and view.counts.sent == 10 and view.counts.pending == 0
    await worker(client).settle()  # the next pass closes the campaign
    view = await CampaignStore(sessionmaker).view(campaign_id)
    assert view is not None and view.state is CampaignState.SENT


async def test_a_429_is_retried_only_after_its_retry_after(
    aiohttp_client: Any,
    fast_settings: Settings,
    knowledge: KnowledgeProvider,
    sessionmaker: async_sessionmaker[AsyncSession],
    channel: ScriptedChannel,
    clock: ManualClock,
) -> None:
    channel.script["personal:29:worker-2"] = [Reply(429, "Throttled", retry_after="30")]
    client = await start_app(aiohttp_client, fast_settings, knowledge, clock)
    campaign_id = await create_campaign(sessionmaker, clock, channel.service_url, recipients(3))

    await worker(client).settle()
    throttled = [row for row in await outbox_rows(sessionmaker, campaign_id) if row.state == DeliveryState.QUEUED]
    clock.advance(seconds=29)
    await worker(client).settle()
    before = channel.delivered()["personal:29:worker-2"]
    clock.advance(seconds=2)
    await worker(client).settle()

    assert len(throttled) == 1 and throttled[0].status_code == 429
    assert throttled[0].not_before >= clock.now() - timedelta(seconds=31) + timedelta(seconds=30)
    assert before == 1  # the refused request only
    assert channel.delivered()["personal:29:worker-2"] == 2
    states = {row.state for row in await outbox_rows(sessionmaker, campaign_id)}
    assert states == {DeliveryState.SENT}


async def test_a_permanent_failure_is_recorded_with_its_reason_and_not_retried(
    aiohttp_client: Any,
    fast_settings: Settings,
    knowledge: KnowledgeProvider,
    sessionmaker: async_sessionmaker[AsyncSession],
    channel: ScriptedChannel,
    clock: ManualClock,
) -> None:
    channel.script["new:29:new-1"] = [Reply(403, "BotNotInConversationRoster")]
    channel.script["personal:29:worker-1"] = [Reply(403, "ConversationBlockedByUser")]
    client = await start_app(aiohttp_client, fast_settings, knowledge, clock)
    campaign_id = await create_campaign(sessionmaker, clock, channel.service_url, recipients(2) + recipients(1, known=False, prefix="29:new"))

    await worker(client).settle()
    clock.advance(hours=1)
    await worker(client).settle()

    view = await CampaignStore(sessionmaker).view(campaign_id)
    assert view is not None
    assert view.counts.failed == 2 and view.counts.sent == 1
    assert view.counts.failure_reasons == {"BotNotInConversationRoster": 1, "ConversationBlockedByUser": 1}
    assert channel.requests == 3  # one each: nothing permanent is tried again


async def test_an_unknown_outcome_is_recorded_and_never_resent(
    aiohttp_client: Any,
    fast_settings: Settings,
    knowledge: KnowledgeProvider,
    sessionmaker: async_sessionmaker[AsyncSession],
    channel: ScriptedChannel,
    clock: ManualClock,
) -> None:
    channel.script["personal:29:worker-1"] = [Reply(delay=1.5)]  # received, answered after the bot gave up
    client = await start_app(aiohttp_client, fast_settings, knowledge, clock)
    campaign_id = await create_campaign(sessionmaker, clock, channel.service_url, recipients(2))

    await worker(client).settle()
    clock.advance(hours=2)
    await worker(client).settle()

    rows = {row.recipient_id: row for row in await outbox_rows(sessionmaker, campaign_id)}
    assert sorted(row.state for row in rows.values()) == [DeliveryState.SENT, DeliveryState.UNKNOWN]
    unknown = next(row for row in rows.values() if row.state == DeliveryState.UNKNOWN)
    assert unknown.reason == "Timeout" and unknown.attempts == 1
    assert channel.delivered()["personal:29:worker-1"] == 1
    view = await CampaignStore(sessionmaker).view(campaign_id)
    assert view is not None and view.counts.unknown == 1


async def test_a_scheduled_campaign_goes_out_at_its_time_and_not_before(
    aiohttp_client: Any,
    fast_settings: Settings,
    knowledge: KnowledgeProvider,
    sessionmaker: async_sessionmaker[AsyncSession],
    channel: ScriptedChannel,
    clock: ManualClock,
) -> None:
    client = await start_app(aiohttp_client, fast_settings, knowledge, clock)
    campaign_id = await create_campaign(sessionmaker, clock, channel.service_url, recipients(4), send_at=clock.now() + timedelta(hours=3))
    store = CampaignStore(sessionmaker)

    await worker(client).settle()
    clock.advance(hours=2, minutes=59)
    await worker(client).settle()
    early = (channel.requests, (await store.view(campaign_id)).state)  # type: ignore[union-attr]
    clock.advance(minutes=1)
    await worker(client).settle()

    assert early == (0, CampaignState.SCHEDULED)
    assert channel.delivered() == {f"personal:29:worker-{n}": 1 for n in range(1, 5)}


async def test_the_reminder_reaches_only_those_who_have_not_answered(
    aiohttp_client: Any,
    fast_settings: Settings,
    knowledge: KnowledgeProvider,
    sessionmaker: async_sessionmaker[AsyncSession],
    channel: ScriptedChannel,
    clock: ManualClock,
) -> None:
    client = await start_app(aiohttp_client, fast_settings, knowledge, clock)
    reminder_at = clock.now() + timedelta(days=5)
    campaign_id = await create_campaign(sessionmaker, clock, channel.service_url, recipients(3), reminder_at=reminder_at)
    store = CampaignStore(sessionmaker)
    await worker(client).settle()
    assert await store.mark_answered(campaign_id, "29:worker-2", report_id=41, now=clock.now())

    clock.advance(days=5)
    await worker(client).settle()
    await worker(client).settle()
    extra = await store.queue_reminder(campaign_id, MessageKind.EXTRA_REMINDER, clock.now())
    again = await store.queue_reminder(campaign_id, MessageKind.EXTRA_REMINDER, clock.now())
    await worker(client).settle()

    assert channel.delivered() == {"personal:29:worker-1": 3, "personal:29:worker-2": 1, "personal:29:worker-3": 3}
    assert channel.cards("personal:29:worker-1")[1]["body"][0]["text"].startswith("Muistutus")
    assert (extra, again) == (2, None)
    view = await store.view(campaign_id)
    assert view is not None and view.counts.answered == 1 and view.counts.not_answered == 2


async def test_a_restart_mid_campaign_resumes_without_sending_anyone_twice(
    aiohttp_client: Any,
    fast_settings: Settings,
    knowledge: KnowledgeProvider,
    sessionmaker: async_sessionmaker[AsyncSession],
    channel: ScriptedChannel,
    clock: ManualClock,
) -> None:
    slow = campaign_settings(fast_settings, campaign_rate=5.0)
    first = await start_app(aiohttp_client, slow, knowledge, clock)
    people = recipients(12)
    campaign_id = await create_campaign(sessionmaker, clock, channel.service_url, people)
    worker(first).wake()
    while sum(channel.delivered().values()) < 2:
        await _tick()
    await first.close()  # the app stops: claims not yet sending go back to the queue
    stopped_at = sum(channel.delivered().values())

    second = await start_app(aiohttp_client, fast_settings, knowledge, clock)
    await worker(second).settle()

    assert 2 <= stopped_at < 12
    assert channel.delivered() == {f"personal:{p.user_id}": 1 for p in people}
    assert {row.state for row in await outbox_rows(sessionmaker, campaign_id)} == {DeliveryState.SENT}


async def test_after_a_crash_claimed_prompts_are_sent_and_interrupted_sends_become_unknown(
    aiohttp_client: Any,
    fast_settings: Settings,
    knowledge: KnowledgeProvider,
    sessionmaker: async_sessionmaker[AsyncSession],
    channel: ScriptedChannel,
    clock: ManualClock,
) -> None:
    campaign_id = await create_campaign(sessionmaker, clock, channel.service_url, recipients(4))
    rows = await outbox_rows(sessionmaker, campaign_id)
    lease = clock.now() + timedelta(minutes=2)
    async with sessionmaker() as session, session.begin():  # what a crashed instance leaves behind
        await session.execute(update(OutboxMessage).where(OutboxMessage.id == rows[0].id).values(state="claimed", claimed_by="dead", lease_until=lease))
        await session.execute(
            update(OutboxMessage).where(OutboxMessage.id == rows[1].id).values(state="sending", claimed_by="dead", lease_until=lease, attempts=1)
        )

    client = await start_app(aiohttp_client, fast_settings, knowledge, clock)
    await worker(client).settle()
    during_lease = dict(channel.delivered())
    clock.advance(minutes=3)
    await worker(client).settle()
    await worker(client).settle()

    assert during_lease == {"personal:29:worker-3": 1, "personal:29:worker-4": 1}
    assert channel.delivered() == {"personal:29:worker-1": 1, "personal:29:worker-3": 1, "personal:29:worker-4": 1}
    states = [row.state for row in await outbox_rows(sessionmaker, campaign_id)]
    assert states == [DeliveryState.SENT, DeliveryState.UNKNOWN, DeliveryState.SENT, DeliveryState.SENT]


async def test_a_cancelled_campaign_sends_nothing_more(
    aiohttp_client: Any,
    fast_settings: Settings,
    knowledge: KnowledgeProvider,
    sessionmaker: async_sessionmaker[AsyncSession],
    channel: ScriptedChannel,
    clock: ManualClock,
) -> None:
    client = await start_app(aiohttp_client, fast_settings, knowledge, clock)
    campaign_id = await create_campaign(sessionmaker, clock, channel.service_url, recipients(3), send_at=clock.now() + timedelta(hours=1))
    store = CampaignStore(sessionmaker)

    cancelled = await store.cancel(campaign_id, clock.now())
    clock.advance(hours=2)
    await worker(client).settle()

    assert cancelled and channel.requests == 0
    view = await store.view(campaign_id)
    assert view is not None and view.state is CampaignState.CANCELLED and view.counts.cancelled == 3
    assert not await store.cancel(campaign_id, clock.now())


@pytest.mark.postgres
async def test_two_app_instances_on_one_postgresql_database_send_each_prompt_once(
    aiohttp_client: Any, fast_settings: Settings, knowledge: KnowledgeProvider, postgres_url: str, channel: ScriptedChannel, clock: ManualClock
) -> None:
    shared = campaign_settings(fast_settings, database_url=postgres_url, campaign_rate=200.0, campaign_in_flight=8)
    engine = create_engine(postgres_url)
    try:
        sessionmaker = create_sessionmaker(engine)
        first = await start_app(aiohttp_client, shared, knowledge, clock)
        second = await start_app(aiohttp_client, shared, knowledge, clock)
        people = recipients(60)
        campaign_id = await create_campaign(sessionmaker, clock, channel.service_url, people)

        await asyncio.gather(worker(first).settle(), worker(second).settle())
        await asyncio.gather(worker(first).settle(), worker(second).settle())
        rows = await outbox_rows(sessionmaker, campaign_id)
    finally:
        await engine.dispose()

    assert channel.delivered() == {f"personal:{p.user_id}": 1 for p in people}
    assert {row.state for row in rows} == {DeliveryState.SENT}
    senders = {row.claimed_by for row in rows}
    assert senders == {worker(first).instance_id, worker(second).instance_id}


async def _tick() -> None:
    await asyncio.sleep(0.01)


async def test_the_queue_depth_gauge_counts_the_messages_waiting_in_the_shared_queue(
    aiohttp_client: Any,
    fast_settings: Settings,
    knowledge: KnowledgeProvider,
    sessionmaker: async_sessionmaker[AsyncSession],
    channel: ScriptedChannel,
    clock: ManualClock,
) -> None:
    client = await start_app(aiohttp_client, fast_settings, knowledge, clock)
    await create_campaign(sessionmaker, clock, channel.service_url, recipients(4), send_at=clock.now() + timedelta(hours=3))

    await worker(client).settle()
    waiting = await (await client.get("/metrics")).text()
    clock.advance(hours=3)
    await worker(client).settle()
    await worker(client).settle()
    sent = await (await client.get("/metrics")).text()

    assert "palveluopas_campaign_queue_depth 4.0" in waiting
    assert "palveluopas_campaign_queue_depth 0.0" in sent
    assert 'palveluopas_campaign_sends_total{outcome="sent"} 4.0' in sent
