"""Talking to the bot over real HTTP, as the Emulator or Teams would."""

from __future__ import annotations

import itertools
from typing import Any, Final

from aiohttp.test_utils import TestClient

MESSAGES_PATH: Final = "/api/messages"
UNUSED_SERVICE_URL: Final = "http://127.0.0.1:9/unused"
"""expectReplies turns answer in the HTTP response; nothing is sent to the serviceUrl."""

_ids = itertools.count(1)


def activity(
    type: str = "message",
    *,
    text: str | None = None,
    value: Any = None,
    locale: str = "fi-FI",
    conversation_id: str = "conversation-1",
    user_id: str = "user-1",
    bot_id: str = "palveluopas",
    service_url: str = UNUSED_SERVICE_URL,
    expect_replies: bool = True,
    channel_id: str = "emulator",
    **extra: Any,
) -> dict[str, Any]:
    """An incoming activity as JSON, with the fields every channel sends."""
    body: dict[str, Any] = {
        "type": type,
        "id": f"activity-{next(_ids)}",
        "channelId": channel_id,
        "serviceUrl": service_url,
        "conversation": {"id": conversation_id},
        "from": {"id": user_id, "name": "Testikäyttäjä"},
        "recipient": {"id": bot_id, "name": "Palveluopas"},
        "locale": locale,
        **extra,
    }
    if text is not None:
        body["text"] = text
    if value is not None:
        body["value"] = value
    if expect_replies:
        body["deliveryMode"] = "expectReplies"
    return body


async def post_activity(client: TestClient, body: dict[str, Any], headers: dict[str, str] | None = None) -> list[dict[str, Any]]:
    response = await client.post(MESSAGES_PATH, json=body, headers=headers)
    assert response.status == 200, f"{response.status}: {await response.text()}"
    return list((await response.json())["activities"])


async def send(
    client: TestClient,
    text: str | None = None,
    value: Any = None,
    locale: str = "fi-FI",
    conversation_id: str = "conversation-1",
    user_id: str = "user-1",
    **extra: Any,
) -> list[dict[str, Any]]:
    """Post a message (text, or a card submit as `value`) with expectReplies; the replies."""
    body = activity(text=text, value=value, locale=locale, conversation_id=conversation_id, user_id=user_id, **extra)
    return await post_activity(client, body)
