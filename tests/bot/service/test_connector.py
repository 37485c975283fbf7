"""The async Bot Connector client against a loopback connector service."""

from __future__ import annotations

import asyncio
import time
from collections.abc import AsyncIterator
from typing import Any

import pytest
from botbuilder.schema import Activity

from bot.service.connector import BotConnector, BotFrameworkTokens, ConnectorLimits, Delivered, PermanentFailure, Retryable, Unknown
from tests.support.channel import LoopbackChannel

TEAMS_CONVERSATION = "a:1x2y;messageid=17"


@pytest.fixture
async def connector() -> AsyncIterator[BotConnector]:
    connector = BotConnector(limits=ConnectorLimits(call_timeout=1.0, connect_timeout=0.5))
    yield connector
    await connector.close()


async def test_a_sent_activity_is_delivered_with_the_channels_id(channel: LoopbackChannel, connector: BotConnector) -> None:
    outcome = await connector.send_to_conversation(channel.service_url, TEAMS_CONVERSATION, Activity(type="message", text="Hei"))

    assert outcome == Delivered(activity_id="sent-1")
    [call] = channel.received
    assert (call.method, call.conversation_id) == ("POST", TEAMS_CONVERSATION)
    assert call.body["text"] == "Hei" and call.body["type"] == "message"
    assert "Authorization" not in call.headers


async def test_a_reply_goes_to_the_activity_it_answers_and_an_update_is_a_put(channel: LoopbackChannel, connector: BotConnector) -> None:
    reply = await connector.reply_to_activity(channel.service_url, "c1", "incoming/1", {"type": "message", "text": "Vastaus"})
    update = await connector.update_activity(channel.service_url, "c1", "sent-1", {"type": "message", "text": "Korjattu"})

    assert isinstance(reply, Delivered) and isinstance(update, Delivered)
    assert [(r.method, r.path) for r in channel.received] == [
        ("POST", "/v3/conversations/c1/activities/incoming%2F1"),
        ("PUT", "/v3/conversations/c1/activities/sent-1"),
    ]


async def test_calls_reuse_one_kept_alive_connection(channel: LoopbackChannel, connector: BotConnector) -> None:
    for _ in range(5):
        await connector.send_to_conversation(channel.service_url, "c1", {"type": "message"})

    assert len({call.peer_port for call in channel.received}) == 1


async def test_a_new_one_to_one_conversation_names_the_tenant(channel: LoopbackChannel, connector: BotConnector) -> None:
    outcome = await connector.create_conversation(channel.service_url, tenant_id="tenant-1", bot_id="28:bot", user_id="29:user")

    assert outcome == Delivered(activity_id="first-1", conversation_id="created-1")
    body = channel.received[0].body
    assert body["tenantId"] == "tenant-1" and body["channelData"] == {"tenant": {"id": "tenant-1"}}
    assert body["members"] == [{"id": "29:user"}] and body["isGroup"] is False


@pytest.mark.parametrize(
    ("status", "code", "expected"),
    [
        (403, "ConversationBlockedByUser", PermanentFailure(403, "ConversationBlockedByUser")),
        (403, "BotNotInConversationRoster", PermanentFailure(403, "BotNotInConversationRoster")),
        (404, "ConversationNotFound", PermanentFailure(404, "ConversationNotFound")),
        (503, "ServiceUnavailable", Retryable(503, None, "ServiceUnavailable")),
    ],
)
async def test_a_refusal_is_classified_with_the_channels_reason(
    channel: LoopbackChannel, connector: BotConnector, status: int, code: str, expected: Any
) -> None:
    channel.status, channel.code = status, code

    assert await connector.send_to_conversation(channel.service_url, "c1", {"type": "message"}) == expected


async def test_throttling_is_retryable_after_the_seconds_the_channel_asked(channel: LoopbackChannel, connector: BotConnector) -> None:
    channel.status, channel.code, channel.retry_after = 429, "TooManyRequests", "7"

    assert await connector.send_to_conversation(channel.service_url, "c1", {"type": "message"}) == Retryable(429, 7.0, "TooManyRequests")


async def test_a_channel_that_never_answers_is_unknown_within_the_call_timeout(channel: LoopbackChannel, connector: BotConnector) -> None:
    channel.delay = 30
    started = time.monotonic()

    outcome = await connector.send_to_conversation(channel.service_url, "c1", {"type": "message"})

    assert isinstance(outcome, Unknown)
    assert time.monotonic() - started < 1.5


async def test_a_refused_connection_is_retryable_because_nothing_went_out(connector: BotConnector) -> None:
    outcome = await connector.send_to_conversation("http://127.0.0.1:9", "c1", {"type": "message"})

    assert isinstance(outcome, Retryable) and outcome.status is None


@pytest.mark.parametrize("service_url", ["", "ftp://example.org", "not a url", 12345, "http://[::1"])
async def test_an_invalid_service_url_is_a_permanent_failure(connector: BotConnector, service_url: Any) -> None:
    assert await connector.send_to_conversation(service_url, "c1", {"type": "message"}) == PermanentFailure(None, "InvalidServiceUrl")


async def test_one_slow_conversation_does_not_hold_up_another(channel: LoopbackChannel) -> None:
    slow = await LoopbackChannel(delay=30).start()
    connector = BotConnector(limits=ConnectorLimits(call_timeout=5.0))
    try:
        stuck = [asyncio.create_task(connector.send_to_conversation(slow.service_url, f"slow-{n}", {"type": "message"})) for n in range(8)]
        await asyncio.sleep(0.1)
        started = time.monotonic()
        outcome = await connector.send_to_conversation(channel.service_url, "fast", {"type": "message"})
        assert isinstance(outcome, Delivered) and time.monotonic() - started < 0.5
        for task in stuck:
            task.cancel()
    finally:
        await connector.close()
        await slow.close()


class _Credentials:
    def __init__(self, audience: str) -> None:
        self.audience = audience

    def get_access_token(self, force_refresh: bool = False) -> str:
        return f"token-for-{self.audience}"


class _CredentialsFactory:
    """botbuilder's factory interface; the real one would ask Entra ID (not reachable in tests)."""

    def __init__(self) -> None:
        self.created: list[str] = []

    async def create_credentials(self, app_id: str, oauth_scope: str, login_endpoint: str, validate_authority: bool) -> _Credentials:
        self.created.append(oauth_scope)
        return _Credentials(oauth_scope)


async def test_with_an_app_id_every_call_carries_the_bot_framework_token(channel: LoopbackChannel) -> None:
    factory = _CredentialsFactory()
    connector = BotConnector(tokens=BotFrameworkTokens(factory, "app-id"))  # type: ignore[arg-type]
    try:
        await connector.send_to_conversation(channel.service_url, "c1", {"type": "message"})
        await connector.send_to_conversation(channel.service_url, "c1", {"type": "message"})
    finally:
        await connector.close()

    assert [call.headers["Authorization"] for call in channel.received] == ["Bearer token-for-https://api.botframework.com"] * 2
    assert factory.created == ["https://api.botframework.com"]
