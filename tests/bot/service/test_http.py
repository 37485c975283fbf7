"""The HTTP edge: delivery modes, authentication, malformed requests, health and readiness."""

from __future__ import annotations

import asyncio
import json
from pathlib import Path
from typing import Any

from aiohttp import web
from aiohttp.test_utils import TestClient
from sqlalchemy import func, select

from bot.service.app import create_app
from bot.service.context import KnowledgeProvider
from bot.service.settings import Settings
from bot.store.db import create_engine
from bot.store.storage import BotStateRow
from tests.support.http import MESSAGES_PATH, activity, send
from tests.support.replies import texts

FORGED_JWT = "eyJhbGciOiJSUzI1NiIsImtpZCI6IngifQ.eyJpc3MiOiJodHRwczovL2FwaS5ib3RmcmFtZXdvcmsuY29tIn0.c2ln"


async def test_expect_replies_answers_200_with_the_replies_in_the_body(bot_client: TestClient) -> None:
    response = await bot_client.post(MESSAGES_PATH, json=activity(text="hei"))

    assert response.status == 200
    body = await response.json()
    assert texts(body["activities"])[0].startswith("Hei! Olen Palveluopas")


async def test_normal_delivery_posts_the_replies_to_the_service_url(aiohttp_client: Any, aiohttp_server: Any, bot_client: TestClient) -> None:
    received: list[tuple[str, dict[str, Any]]] = []

    async def record(request: web.Request) -> web.Response:
        received.append((request.path, await request.json()))
        return web.json_response({"id": f"reply-{len(received)}"})

    channel = web.Application()
    channel.router.add_post("/v3/conversations/{conversation}/activities/{activity}", record)
    channel.router.add_post("/v3/conversations/{conversation}/activities", record)
    server = await aiohttp_server(channel)
    service_url = str(server.make_url("/")).rstrip("/")

    response = await bot_client.post(MESSAGES_PATH, json=activity(text="hei", service_url=service_url, expect_replies=False, conversation_id="conv-normal"))

    assert response.status == 201
    assert await response.read() == b""
    messages = [body for _, body in received if body.get("type") == "message"]
    assert messages and messages[0]["text"].startswith("Hei! Olen Palveluopas")
    assert all(path.startswith("/v3/conversations/conv-normal/activities") for path, _ in received)


async def test_with_an_app_id_a_request_without_a_token_gets_401_and_no_turn_runs(
    aiohttp_client: Any, settings: Settings, knowledge: KnowledgeProvider
) -> None:
    secured = Settings(
        app_id="00000000-0000-0000-0000-000000000001",
        app_password="not-a-real-secret",
        app_type="MultiTenant",
        database_url=settings.database_url,
        knowledge_root=settings.knowledge_root,
    )
    client = await aiohttp_client(create_app(secured, knowledge=knowledge))

    no_token = await client.post(MESSAGES_PATH, json=activity(text="hei"))
    garbage = await client.post(MESSAGES_PATH, json=activity(text="hei"), headers={"Authorization": "Bearer not-a-jwt"})
    # Well-formed but unverifiable here (the signing keys are out of reach): still no turn.
    forged = await client.post(MESSAGES_PATH, json=activity(text="hei"), headers={"Authorization": f"Bearer {FORGED_JWT}"})

    for response in (no_token, garbage, forged):
        assert response.status == 401
        assert (await response.json())["error"]["code"] == "Unauthorized"
    assert await _state_rows(settings.database_url) == 0


async def test_malformed_bodies_get_400_with_a_json_error(bot_client: TestClient) -> None:
    cases = {
        "not json": b"{this is not json",
        "not utf-8": b"\xff\xfe\x00",
        "a list": b"[1, 2]",
        "a string": b'"message"',
        "no type": json.dumps({"text": "hei"}).encode(),
        "empty type": json.dumps({"type": ""}).encode(),
        "mistyped field": json.dumps({"type": "message", "timestamp": {"not": "a date"}}).encode(),
    }
    for name, body in cases.items():
        response = await bot_client.post(MESSAGES_PATH, data=body, headers={"Content-Type": "application/json"})

        assert response.status == 400, name
        assert response.content_type == "application/json", name
        assert "error" in await response.json(), name


async def test_a_body_that_is_not_json_by_its_content_type_gets_415(bot_client: TestClient) -> None:
    response = await bot_client.post(MESSAGES_PATH, data=b"type=message", headers={"Content-Type": "application/x-www-form-urlencoded"})

    assert response.status == 415
    assert (await response.json())["error"]["code"] == "UnsupportedMediaType"


async def test_healthz_says_the_process_is_up(bot_client: TestClient) -> None:
    response = await bot_client.get("/healthz")

    assert response.status == 200
    assert await response.json() == {"status": "ok"}


async def test_readyz_reports_the_database_and_the_loaded_knowledge_base(bot_client: TestClient) -> None:
    response = await bot_client.get("/readyz")

    assert response.status == 200
    body = await response.json()
    assert body["status"] == "ready"
    assert body["database"] == "ok"
    assert body["knowledge"]["services"] == 1
    assert body["knowledge"]["version"]


async def test_readyz_is_503_when_the_database_cannot_be_reached(aiohttp_client: Any, kb_root: Path, knowledge: KnowledgeProvider) -> None:
    unreachable = Settings(database_url="postgresql+asyncpg://postgres@127.0.0.1:1/nothing", knowledge_root=kb_root)
    client = await aiohttp_client(create_app(unreachable, knowledge=knowledge))

    response = await client.get("/readyz")

    assert response.status == 503
    assert (await response.json())["database"] == "unreachable"


async def test_admin_reload_is_open_in_local_mode_and_hidden_with_an_app_id(aiohttp_client: Any, settings: Settings, knowledge: KnowledgeProvider) -> None:
    local = await aiohttp_client(create_app(settings, knowledge=knowledge))
    secured = await aiohttp_client(
        create_app(
            Settings(
                app_id="00000000-0000-0000-0000-000000000001", app_password="x", database_url=settings.database_url, knowledge_root=settings.knowledge_root
            ),
            knowledge=knowledge,
        )
    )

    reloaded = await local.post("/admin/reload")
    hidden = await secured.post("/admin/reload")

    assert reloaded.status == 200
    assert (await reloaded.json())["outcome"] == "reloaded"
    assert hidden.status == 404


async def test_admin_reload_with_a_token_needs_that_token(aiohttp_client: Any, settings: Settings, knowledge: KnowledgeProvider) -> None:
    with_token = Settings(admin_token="s3cret-token", database_url=settings.database_url, knowledge_root=settings.knowledge_root)
    client = await aiohttp_client(create_app(with_token, knowledge=knowledge))

    wrong = await client.post("/admin/reload", headers={"Authorization": "Bearer guess"})
    right = await client.post("/admin/reload", headers={"Authorization": "Bearer s3cret-token"})

    assert wrong.status == 404
    assert right.status == 200


async def test_concurrent_conversations_each_get_their_own_greeting(bot_client: TestClient) -> None:
    replies = await asyncio.gather(*(send(bot_client, text="hei", conversation_id=f"parallel-{n}") for n in range(5)))

    assert all(texts(r)[0].startswith("Hei! Olen Palveluopas") for r in replies)


async def _state_rows(database_url: str) -> int:
    engine = create_engine(database_url)
    try:
        async with engine.connect() as connection:
            return int((await connection.execute(select(func.count()).select_from(BotStateRow))).scalar_one())
    finally:
        await engine.dispose()
