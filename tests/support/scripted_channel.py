"""A loopback Bot Connector that answers each request as a script says: the campaign tests'
and the throughput benchmark's stand-in for Teams.

Built on `LoopbackChannel` (same routes, same recording). The answer to a request is taken,
in this order, from `script[key]` (a list consumed one reply per request; the key is the
conversation id, or `new:<user id>` when the request creates a 1:1 chat), from `decide(n,
key)` (the benchmark's rule by request number), else 201. A reply with `delay` holds the
answer that long; when that is longer than the bot's connector timeout the bot sees no
answer although the message *was* received, exactly the case it must record as unknown.

A created 1:1 chat's id is `personal:<user id>`, so messages can be counted per recipient.
"""

from __future__ import annotations

import asyncio
import itertools
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from aiohttp import web
from aiohttp.test_utils import TestServer

from tests.support.channel import LoopbackChannel, Received


@dataclass(frozen=True)
class Reply:
    status: int = 201
    code: str | None = None
    retry_after: str | None = None
    delay: float = 0.0


@dataclass
class ScriptedChannel(LoopbackChannel):
    script: dict[str, list[Reply]] = field(default_factory=dict)
    decide: Callable[[int, str], Reply | None] | None = None
    requests: int = 0
    members: dict[str, list[dict[str, Any]]] = field(default_factory=dict)
    """Team id -> its members, for GET .../pagedmembers."""
    _numbers: itertools.count[int] = field(default_factory=lambda: itertools.count(1))

    async def start(self) -> ScriptedChannel:
        app = web.Application()
        app.router.add_post("/v3/conversations", self._handle)
        app.router.add_route("*", "/v3/conversations/{conversation}/activities", self._handle)
        app.router.add_get("/v3/conversations/{conversation}/pagedmembers", self._members)
        self._server = TestServer(app, host="127.0.0.1")
        await self._server.start_server()
        return self

    async def _members(self, request: web.Request) -> web.Response:
        return web.json_response({"members": self.members.get(request.match_info["conversation"], [])})

    def delivered(self) -> Counter[str]:
        """Activities that reached each conversation (answered or not), by conversation id."""
        return Counter(r.conversation_id for r in self.received if r.path.endswith("/activities"))

    def cards(self, conversation_id: str) -> list[dict[str, Any]]:
        return [a["attachments"][0]["content"] for a in self.activities(conversation_id) if a.get("attachments")]

    async def _handle(self, request: web.Request) -> web.Response:
        body = await request.json() if request.can_read_body else None
        conversation = request.match_info.get("conversation", "")
        self.requests += 1
        number = next(self._numbers)
        creating = request.path == "/v3/conversations"
        key = f"new:{body['members'][0]['id']}" if creating and isinstance(body, dict) else conversation
        self.received.append(Received(request.method, request.raw_path, conversation, body, dict(request.headers), 0))
        queued = self.script.get(key)
        reply = queued.pop(0) if queued else (self.decide(number, key) if self.decide else None)
        reply = reply or Reply()
        if reply.delay:
            await asyncio.sleep(reply.delay)
        if reply.status >= 300:
            headers = {"Retry-After": reply.retry_after} if reply.retry_after else None
            return web.json_response({"error": {"code": reply.code or "ServiceError", "message": "stand-in"}}, status=reply.status, headers=headers)
        if creating:
            user = key.removeprefix("new:")
            return web.json_response({"id": f"personal:{user}", "activityId": "", "serviceUrl": self.service_url}, status=201)
        return web.json_response({"id": f"activity-{number}"}, status=201)
