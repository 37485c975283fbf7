"""Teams-shaped activities for tests of what happens between conversations: a user in a 1:1
chat or in a team's channel, a card's `Action.Execute` invoke, an `Action.Submit` message.

    worker = TeamsUser("29:maija", "aad-maija", "Maija")
    replies = await worker.say(client, connector, "palaute")           # expectReplies
    body = await member.invoke(client, connector, "feedback.take", data, in_channel=CHANNEL)

Every activity names `connector.url` as its `serviceUrl`, so what the bot sends elsewhere
(the channel, another user's chat) reaches the loopback connector and is recorded there.
"""

from __future__ import annotations

import itertools
from dataclasses import dataclass
from typing import Any, Final

from aiohttp.test_utils import TestClient

from tests.support.connector import LoopbackConnector
from tests.support.http import MESSAGES_PATH

TENANT: Final = "tenant-1"
TEAM: Final = "19:team@thread.tacv2"
_ids = itertools.count(1)


@dataclass(frozen=True)
class TeamsUser:
    id: str
    aad_object_id: str
    name: str
    locale: str = "fi-FI"

    @property
    def personal(self) -> str:
        """This user's 1:1 conversation with the bot."""
        return f"a:personal-{self.id}"

    def activity(self, connector: LoopbackConnector, *, channel: str | None = None, expect_replies: bool = True, **fields: Any) -> dict[str, Any]:
        conversation: dict[str, Any] = {"id": self.personal, "conversationType": "personal", "tenantId": TENANT}
        channel_data: dict[str, Any] = {"tenant": {"id": TENANT}}
        if channel is not None:
            conversation = {"id": f"{channel};messageid={next(_ids)}", "conversationType": "channel", "tenantId": TENANT}
            channel_data.update(team={"id": TEAM}, channel={"id": channel})
        body: dict[str, Any] = {
            "type": "message",
            "id": f"teams-{next(_ids)}",
            "channelId": "msteams",
            "serviceUrl": connector.url,
            "conversation": conversation,
            "from": {"id": self.id, "name": self.name, "aadObjectId": self.aad_object_id},
            "recipient": {"id": "28:palveluopas", "name": "Palveluopas"},
            "locale": self.locale,
            "channelData": channel_data,
            **fields,
        }
        if expect_replies:
            body["deliveryMode"] = "expectReplies"
        return body

    async def say(
        self, client: TestClient, connector: LoopbackConnector, text: str | None = None, value: Any = None, *, channel: str | None = None, **fields: Any
    ) -> list[dict[str, Any]]:
        """A message (text, or a card's Submit as `value`); the replies of the turn."""
        body = self.activity(connector, channel=channel, **fields)
        if channel is not None and text is not None:
            # In a channel the bot is @mentioned; the handler strips the mention.
            text = f"<at>Palveluopas</at> {text}"
            body.setdefault("entities", []).append(
                {"type": "mention", "text": "<at>Palveluopas</at>", "mentioned": {"id": "28:palveluopas", "name": "Palveluopas"}}
            )
        if text is not None:
            body["text"] = text
        if value is not None:
            body["value"] = value
        response = await client.post(MESSAGES_PATH, json=body)
        assert response.status == 200, f"{response.status}: {await response.text()}"
        return list((await response.json())["activities"])

    async def submit(self, client: TestClient, connector: LoopbackConnector, value: Any, *, channel: str | None = None, reply_to_id: str | None = None) -> int:
        """An old client's Action.Submit delivered normally: replies go to the connector."""
        body = self.activity(connector, channel=channel, expect_replies=False, value=value)
        if reply_to_id:
            body["replyToId"] = reply_to_id
        response = await client.post(MESSAGES_PATH, json=body)
        return response.status

    async def invoke(
        self, client: TestClient, connector: LoopbackConnector, verb: str, data: Any, *, channel: str | None = None, reply_to_id: str | None = None
    ) -> tuple[int, Any]:
        """A Universal Action (`adaptiveCard/action`): the HTTP status and the invoke's answer."""
        body = self.activity(
            connector,
            channel=channel,
            expect_replies=False,
            type="invoke",
            name="adaptiveCard/action",
            value={"action": {"type": "Action.Execute", "verb": verb, "data": data}, "trigger": "manual"},
        )
        if reply_to_id:
            body["replyToId"] = reply_to_id
        response = await client.post(MESSAGES_PATH, json=body)
        return response.status, (await response.json()) if response.content_type == "application/json" else None
