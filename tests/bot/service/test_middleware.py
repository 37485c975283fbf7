"""The typing indicator: shown once while a slow turn runs, and stopped when a turn fails."""

from __future__ import annotations

import asyncio
from typing import Any

from aiohttp.test_utils import TestClient

from bot.service.app import create_app
from bot.service.context import KnowledgeProvider
from bot.service.settings import Settings
from tests.support.channel import LoopbackChannel
from tests.support.engines import script_engine
from tests.support.http import MESSAGES_PATH, activity

SLOW = script_engine(["valmis"], delay=0.8)
"""Every turn takes 0.8 s (longer than the typing delay); 'kaadu' then raises."""


async def _client(aiohttp_client: Any, settings: Settings, knowledge: KnowledgeProvider) -> TestClient:
    return await aiohttp_client(create_app(settings, engine_factory=SLOW, knowledge=knowledge))


async def test_a_slow_turn_shows_typing_before_its_reply(
    aiohttp_client: Any, channel: LoopbackChannel, settings: Settings, knowledge: KnowledgeProvider
) -> None:
    service_url = channel.service_url
    client = await _client(aiohttp_client, settings, knowledge)

    response = await client.post(MESSAGES_PATH, json=activity(text="hei", service_url=service_url, expect_replies=False))
    await asyncio.sleep(0.1)

    assert response.status == 201
    assert [a["type"] for a in channel.activities()][:1] == ["typing"]
    assert [a.get("text") for a in channel.activities() if a["type"] == "message"] == ["valmis"]


async def test_typing_stops_when_a_turn_fails(aiohttp_client: Any, channel: LoopbackChannel, settings: Settings, knowledge: KnowledgeProvider) -> None:
    service_url = channel.service_url
    client = await _client(aiohttp_client, settings, knowledge)
    await client.post(MESSAGES_PATH, json=activity(text="hei", service_url=service_url, expect_replies=False))

    await client.post(MESSAGES_PATH, json=activity(text="kaadu", service_url=service_url, expect_replies=False))
    typing_after_the_turn = sum(a["type"] == "typing" for a in channel.activities())
    await asyncio.sleep(2.5)  # longer than the typing period (2 s)

    assert sum(a["type"] == "typing" for a in channel.activities()) == typing_after_the_turn
    assert any(a["type"] == "message" and "Virhetunnus" in a.get("text", "") for a in channel.activities())


async def test_expect_replies_turns_carry_no_typing(aiohttp_client: Any, settings: Settings, knowledge: KnowledgeProvider) -> None:
    client = await _client(aiohttp_client, settings, knowledge)

    response = await client.post(MESSAGES_PATH, json=activity(text="hei"))

    assert [a["type"] for a in (await response.json())["activities"]] == ["message"]


async def test_a_long_turn_shows_typing_once_not_every_period(
    aiohttp_client: Any, channel: LoopbackChannel, settings: Settings, knowledge: KnowledgeProvider
) -> None:
    client = await aiohttp_client(create_app(settings, engine_factory=script_engine(["valmis"], delay=2.6), knowledge=knowledge))

    response = await client.post(MESSAGES_PATH, json=activity(text="hei", service_url=channel.service_url, expect_replies=False))

    assert response.status == 201
    assert [a["type"] for a in channel.activities()] == ["typing", "message"]
