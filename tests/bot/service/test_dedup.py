"""A resent activity (Teams retries after 15 s) gets 200/201 without a second turn."""

from __future__ import annotations

import asyncio
from typing import Any

from aiohttp import web
from aiohttp.test_utils import TestClient

from bot.service.app import create_app
from bot.service.context import KnowledgeProvider
from bot.service.settings import Settings
from tests.support.http import MESSAGES_PATH, activity
from tests.support.replies import texts


async def test_a_resent_activity_is_answered_once(bot_client: TestClient) -> None:
    body = activity(text="apu")

    first = await bot_client.post(MESSAGES_PATH, json=body)
    again = await bot_client.post(MESSAGES_PATH, json=body)

    assert first.status == again.status == 200
    assert texts((await first.json())["activities"])
    assert (await again.json())["activities"] == []


async def test_the_same_activity_id_in_another_conversation_is_a_new_activity(bot_client: TestClient) -> None:
    body = activity(text="apu")

    await bot_client.post(MESSAGES_PATH, json=body)
    other = await bot_client.post(MESSAGES_PATH, json={**body, "conversation": {"id": "another"}})

    assert texts((await other.json())["activities"])


async def test_a_resend_during_the_first_turn_runs_no_second_turn(bot_client: TestClient) -> None:
    body = activity(text="apu")

    responses = await asyncio.gather(*(bot_client.post(MESSAGES_PATH, json=body) for _ in range(3)))

    answered = [texts((await response.json())["activities"]) for response in responses]
    assert all(response.status == 200 for response in responses)
    assert sum(1 for replies in answered if replies) == 1


async def test_in_normal_delivery_a_resend_gets_200_and_the_channel_one_reply(aiohttp_client: Any, aiohttp_server: Any, bot_client: TestClient) -> None:
    received: list[dict[str, Any]] = []

    async def record(request: web.Request) -> web.Response:
        received.append(await request.json())
        return web.json_response({"id": f"reply-{len(received)}"})

    channel = web.Application()
    channel.router.add_post("/v3/conversations/{conversation}/activities/{activity}", record)
    channel.router.add_post("/v3/conversations/{conversation}/activities", record)
    server = await aiohttp_server(channel)
    body = activity(text="apu", service_url=str(server.make_url("/")).rstrip("/"), expect_replies=False)

    first = await bot_client.post(MESSAGES_PATH, json=body)
    delivered = len([a for a in received if a.get("type") == "message"])
    again = await bot_client.post(MESSAGES_PATH, json=body)

    assert (first.status, again.status) == (201, 200)
    assert delivered >= 1
    assert len([a for a in received if a.get("type") == "message"]) == delivered


async def test_two_instances_on_one_database_run_a_resent_activity_once(aiohttp_client: Any, settings: Settings, knowledge: KnowledgeProvider) -> None:
    one = await aiohttp_client(create_app(settings, knowledge=knowledge))
    two = await aiohttp_client(create_app(settings, knowledge=knowledge))
    body = activity(text="apu")

    first = await one.post(MESSAGES_PATH, json=body)
    second = await two.post(MESSAGES_PATH, json=body)

    assert texts((await first.json())["activities"])
    assert (await second.json())["activities"] == []
