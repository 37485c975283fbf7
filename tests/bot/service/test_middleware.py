"""The typing indicator: shown while a slow turn runs, and stopped when a turn fails."""

from __future__ import annotations

import asyncio
from typing import Any

from aiohttp import web
from aiohttp.test_utils import TestClient

from bot.service.app import create_app
from bot.service.context import KnowledgeProvider
from bot.service.settings import Settings
from tests.support.engines import script_engine
from tests.support.http import MESSAGES_PATH, activity

SLOW = script_engine(["valmis"], delay=0.8)
"""Every turn takes 0.8 s (longer than the typing delay); 'kaadu' then raises."""


async def _channel(aiohttp_server: Any) -> tuple[str, list[dict[str, Any]]]:
    received: list[dict[str, Any]] = []

    async def record(request: web.Request) -> web.Response:
        received.append(await request.json())
        return web.json_response({"id": str(len(received))})

    app = web.Application()
    app.router.add_post("/v3/conversations/{conversation}/activities", record)
    app.router.add_post("/v3/conversations/{conversation}/activities/{activity}", record)
    server = await aiohttp_server(app)
    return str(server.make_url("/")).rstrip("/"), received


async def _client(aiohttp_client: Any, settings: Settings, knowledge: KnowledgeProvider) -> TestClient:
    return await aiohttp_client(create_app(settings, engine_factory=SLOW, knowledge=knowledge))


async def test_a_slow_turn_shows_typing_before_its_reply(aiohttp_client: Any, aiohttp_server: Any, settings: Settings, knowledge: KnowledgeProvider) -> None:
    service_url, received = await _channel(aiohttp_server)
    client = await _client(aiohttp_client, settings, knowledge)

    response = await client.post(MESSAGES_PATH, json=activity(text="hei", service_url=service_url, expect_replies=False))
    await asyncio.sleep(0.1)

    assert response.status == 201
    assert [a["type"] for a in received][:1] == ["typing"]
    assert [a.get("text") for a in received if a["type"] == "message"] == ["valmis"]


async def test_typing_stops_when_a_turn_fails(aiohttp_client: Any, aiohttp_server: Any, settings: Settings, knowledge: KnowledgeProvider) -> None:
    service_url, received = await _channel(aiohttp_server)
    client = await _client(aiohttp_client, settings, knowledge)
    await client.post(MESSAGES_PATH, json=activity(text="hei", service_url=service_url, expect_replies=False))

    await client.post(MESSAGES_PATH, json=activity(text="kaadu", service_url=service_url, expect_replies=False))
    typing_after_the_turn = sum(a["type"] == "typing" for a in received)
    await asyncio.sleep(2.5)  # longer than the typing period (2 s)

    assert sum(a["type"] == "typing" for a in received) == typing_after_the_turn
    assert any(a["type"] == "message" and "Virhetunnus" in a.get("text", "") for a in received)


async def test_expect_replies_turns_carry_no_typing(aiohttp_client: Any, settings: Settings, knowledge: KnowledgeProvider) -> None:
    client = await _client(aiohttp_client, settings, knowledge)

    response = await client.post(MESSAGES_PATH, json=activity(text="hei"))

    assert [a["type"] for a in (await response.json())["activities"]] == ["message"]
