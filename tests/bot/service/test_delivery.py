"""Normal delivery (how Teams talks to the bot): replies POSTed to the activity's serviceUrl."""

from __future__ import annotations

import asyncio
import time
from dataclasses import replace
from typing import Any

import pytest
from aiohttp.test_utils import TestClient

from bot.service.app import create_app
from bot.service.context import KnowledgeProvider
from bot.service.settings import Settings
from tests.support.channel import LoopbackChannel
from tests.support.http import MESSAGES_PATH, activity


@pytest.fixture
async def client(aiohttp_client: Any, settings: Settings, knowledge: KnowledgeProvider) -> TestClient:
    return await aiohttp_client(create_app(replace(settings, connector_timeout=1.0), knowledge=knowledge))


async def _post(client: TestClient, service_url: Any, text: str, conversation_id: str = "conversation-1") -> int:
    response = await client.post(MESSAGES_PATH, json=activity(text=text, service_url=service_url, conversation_id=conversation_id, expect_replies=False))
    return response.status


def _failures(caplog: pytest.LogCaptureFixture) -> list[dict[str, Any]]:
    return [r.fields for r in caplog.records if r.getMessage() == "delivery_failed"]  # type: ignore[attr-defined]


async def test_replies_are_posted_to_the_service_url_as_replies_to_the_message(client: TestClient, channel: LoopbackChannel) -> None:
    assert await _post(client, channel.service_url, "apu") == 201

    [call] = [c for c in channel.received if c.body["type"] == "message"]
    assert call.method == "POST" and call.path.startswith("/v3/conversations/conversation-1/activities/activity-")
    assert call.body["attachments"][0]["contentType"] == "application/vnd.microsoft.card.adaptive"


async def test_a_refusing_connector_is_logged_once_with_its_reason_and_the_turn_still_ends_cleanly(
    client: TestClient, channel: LoopbackChannel, caplog: pytest.LogCaptureFixture
) -> None:
    channel.status, channel.code = 403, "ConversationBlockedByUser"

    assert await _post(client, channel.service_url, "apu") == 201
    assert await _post(client, channel.service_url, "hei") == 201

    failures = _failures(caplog)
    assert [(f["outcome"], f["status"], f["reason"]) for f in failures] == [("PermanentFailure", 403, "ConversationBlockedByUser")] * 2
    assert not [r for r in caplog.records if r.getMessage() == "turn_error"]


async def test_after_a_failed_send_the_rest_of_the_turn_sends_nothing_more(
    client: TestClient, channel: LoopbackChannel, caplog: pytest.LogCaptureFixture
) -> None:
    channel.status, channel.code = 503, "ServiceUnavailable"

    await _post(client, channel.service_url, "apu")

    assert len(channel.received) == 1
    assert len(_failures(caplog)) == 1


async def test_a_dead_connector_is_a_logged_delivery_failure_not_a_server_error(client: TestClient, caplog: pytest.LogCaptureFixture) -> None:
    started = time.monotonic()

    assert await _post(client, "http://127.0.0.1:9", "apu") == 201

    assert time.monotonic() - started < 2
    [failure] = _failures(caplog)
    assert failure["outcome"] == "Retryable" and failure["conversation_id"] == "conversation-1"


@pytest.mark.parametrize("service_url", ["ftp://example.org/", "not a url", "http://[::1"])
async def test_an_invalid_service_url_is_never_a_server_error(client: TestClient, service_url: str, caplog: pytest.LogCaptureFixture) -> None:
    status = await _post(client, service_url, "apu")

    assert status < 500
    if status < 300:
        assert _failures(caplog)[0]["reason"] == "InvalidServiceUrl"


async def test_a_slow_connector_ends_the_turn_within_the_connector_timeout_and_keeps_the_state(
    client: TestClient, channel: LoopbackChannel, caplog: pytest.LogCaptureFixture
) -> None:
    channel.delay = 30
    started = time.monotonic()

    assert await _post(client, channel.service_url, "apu") == 201

    assert time.monotonic() - started < 2.5
    assert [f["outcome"] for f in _failures(caplog)] == ["Unknown"]
    assert len([c for c in channel.received if c.body["type"] == "typing"]) <= 1


async def test_eight_slow_connectors_do_not_delay_a_ninth_conversation(
    aiohttp_client: Any, settings: Settings, knowledge: KnowledgeProvider, channel: LoopbackChannel
) -> None:
    # The case: connectors answering after 40 s; the default timeouts apply.
    client = await aiohttp_client(create_app(settings, knowledge=knowledge))
    slow = await LoopbackChannel(delay=40).start()
    try:
        stuck = [asyncio.create_task(_post(client, slow.service_url, "apu", conversation_id=f"slow-{n}")) for n in range(8)]
        await asyncio.sleep(0.3)  # the eight are now waiting on their connector
        started = time.monotonic()

        assert await _post(client, channel.service_url, "apu", conversation_id="fast") == 201

        assert time.monotonic() - started < 2
        assert channel.activities("fast", "message")
        assert set(await asyncio.gather(*stuck)) == {201}
    finally:
        await slow.close()
