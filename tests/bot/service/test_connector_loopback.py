"""The connector client against the loopback stand-in: what the feedback loop's tests rely on."""

from __future__ import annotations

from bot.service.connector import BotConnector, Delivered, Retryable
from tests.support.connector import LoopbackConnector

CHANNEL = "19:abc@thread.tacv2;messageid=1"


async def test_sends_updates_and_conversations_are_recorded_with_connector_ids(connector: LoopbackConnector) -> None:
    client = BotConnector()
    try:
        sent = await client.send_to_conversation(connector.url, CHANNEL, {"type": "message", "text": "hei"})
        assert isinstance(sent, Delivered) and sent.activity_id
        updated = await client.update_activity(connector.url, CHANNEL, sent.activity_id, {"type": "message", "text": "moi"})
        created = await client.create_conversation(connector.url, tenant_id="t", bot_id="28:bot", user_id="29:u")
        connector.respond_with(429, {"error": {"code": "Throttled"}}, {"Retry-After": "2"})
        throttled = await client.send_to_conversation(connector.url, CHANNEL, {"type": "message", "text": "x"})
    finally:
        await client.close()

    assert isinstance(updated, Delivered) and updated.activity_id == sent.activity_id
    assert isinstance(created, Delivered) and created.conversation_id.startswith("a:created-")
    assert isinstance(throttled, Retryable) and throttled.retry_after == 2.0
    assert [m.text for m in connector.messages_in(CHANNEL)] == ["hei", "x"]
    assert [u.text for u in connector.updates_of(CHANNEL, sent.activity_id)] == ["moi"]
    assert connector.created()[0].body["tenantId"] == "t"
