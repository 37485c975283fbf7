"""Walk the bot through its own buttons: every card the replies show, every submit button on
it, pressed in turn (breadth first), to collect the payloads a real client would send."""

from __future__ import annotations

import json
from typing import Any

from tests.support.http import activity
from tests.support.live import LiveBot
from tests.support.replies import buttons


def harvest_buttons(bot: LiveBot, *, conversation_id: str = "harvest", first_texts: tuple[str, ...] = ("apu",), limit: int = 60) -> list[Any]:
    """The distinct `data` of the buttons met while pressing up to `limit` of them."""
    seen: dict[str, Any] = {}
    queue: list[Any] = []

    def collect(replies: list[dict[str, Any]]) -> None:
        for action in buttons(replies):
            key = json.dumps(action.data, sort_keys=True)
            if key not in seen:
                seen[key] = action.data
                queue.append(action.data)

    for text in first_texts:
        status, body = bot.post(activity(text=text, conversation_id=conversation_id))
        assert status == 200, status
        collect(body["activities"])
    pressed = 0
    while queue and pressed < limit:
        status, body = bot.post(activity(value=queue.pop(0), conversation_id=conversation_id))
        pressed += 1
        if status == 200 and body:
            collect(body["activities"])
    return list(seen.values())
