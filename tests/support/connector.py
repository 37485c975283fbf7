"""A loopback stand-in for the Bot Connector: what the bot sends to conversations, recorded.

    async with LoopbackConnector() as connector:
        ... activity(service_url=connector.url, ...) ...
        connector.activities_in("19:channel...")     # POSTed messages, oldest first
        connector.updates_of("19:channel...", "activity-3")   # PUTs of one activity

It is an aiohttp server on 127.0.0.1 answering the Bot Connector REST API (v3) as the real
one does: a new activity or a reply gets `{"id": ...}`, an update `{"id": <the same id>}`,
a new conversation `{"id", "activityId", "serviceUrl"}`, a delete 200. Every request is kept
as a `Call` with the decoded path parameters and the JSON body, so tests assert what reached
which conversation. `respond_with(status, body, headers, times)` makes the next calls fail
(e.g. 429 with Retry-After) for tests of what the bot does then.
"""

from __future__ import annotations

import asyncio
import itertools
from collections import deque
from dataclasses import dataclass, field
from typing import Any, Literal

from aiohttp import web

Kind = Literal["send", "reply", "update", "delete", "create", "members"]


@dataclass(frozen=True)
class Call:
    kind: Kind
    method: str
    conversation_id: str
    activity_id: str
    """The id the connector gave (send, reply, create) or the one addressed (update, delete)."""
    body: Any
    headers: dict[str, str] = field(default_factory=dict)
    reply_to_id: str = ""

    @property
    def cards(self) -> list[dict[str, Any]]:
        attachments = self.body.get("attachments") if isinstance(self.body, dict) else None
        return [a["content"] for a in attachments or () if a.get("contentType") == "application/vnd.microsoft.card.adaptive"]

    @property
    def text(self) -> str:
        return str(self.body.get("text") or "") if isinstance(self.body, dict) else ""


@dataclass
class _Canned:
    status: int
    body: Any
    headers: dict[str, str]
    times: int


class LoopbackConnector:
    def __init__(self) -> None:
        self.calls: list[Call] = []
        self.members: dict[str, list[dict[str, Any]]] = {}
        """Conversation id -> roster answered to GET .../members."""
        self._ids = itertools.count(1)
        self._canned: deque[_Canned] = deque()
        self._runner: web.AppRunner | None = None
        self._changed = asyncio.Condition()
        self.url = ""

    async def __aenter__(self) -> LoopbackConnector:
        app = web.Application()
        app.router.add_post("/v3/conversations", self._create)
        app.router.add_post("/v3/conversations/{conversation}/activities", self._send)
        app.router.add_post("/v3/conversations/{conversation}/activities/{activity}", self._reply)
        app.router.add_put("/v3/conversations/{conversation}/activities/{activity}", self._update)
        app.router.add_delete("/v3/conversations/{conversation}/activities/{activity}", self._delete)
        app.router.add_get("/v3/conversations/{conversation}/members", self._members)
        self._runner = web.AppRunner(app, access_log=None)
        await self._runner.setup()
        site = web.TCPSite(self._runner, "127.0.0.1", 0)
        await site.start()
        port = site._server.sockets[0].getsockname()[1]  # type: ignore[union-attr]
        self.url = f"http://127.0.0.1:{port}/"
        return self

    async def __aexit__(self, *exc_info: object) -> None:
        if self._runner is not None:
            await self._runner.cleanup()

    # what tests read ----------------------------------------------------------------------------

    def activities_in(self, conversation_id: str) -> list[Call]:
        """New activities and replies posted to the conversation, oldest first."""
        return [c for c in self.calls if c.kind in ("send", "reply") and c.conversation_id == conversation_id]

    def messages_in(self, conversation_id: str) -> list[Call]:
        return [c for c in self.activities_in(conversation_id) if isinstance(c.body, dict) and c.body.get("type") == "message"]

    def updates_of(self, conversation_id: str, activity_id: str) -> list[Call]:
        return [c for c in self.calls if c.kind == "update" and c.conversation_id == conversation_id and c.activity_id == activity_id]

    def created(self) -> list[Call]:
        return [c for c in self.calls if c.kind == "create"]

    def clear(self) -> None:
        self.calls.clear()

    async def wait_for(self, count: int, within: float = 5.0) -> list[Call]:
        """Wait until at least `count` calls have arrived (sends that finish after the turn)."""
        async with asyncio.timeout(within), self._changed:
            await self._changed.wait_for(lambda: len(self.calls) >= count)
        return list(self.calls)

    def respond_with(self, status: int, body: Any = None, headers: dict[str, str] | None = None, times: int = 1) -> None:
        """The next `times` calls are answered so (and recorded all the same)."""
        self._canned.append(_Canned(status, body, headers or {}, times))

    # the API ----------------------------------------------------------------------------------

    async def _record(self, request: web.Request, kind: Kind, activity_id: str | None = None, reply_to_id: str = "") -> tuple[Call, web.Response | None]:
        body = await request.json() if request.can_read_body else None
        given = activity_id if activity_id is not None else f"activity-{next(self._ids)}"
        call = Call(kind, request.method, request.match_info.get("conversation", ""), given, body, dict(request.headers), reply_to_id)
        self.calls.append(call)
        async with self._changed:
            self._changed.notify_all()
        canned = self._next_canned()
        return call, canned

    def _next_canned(self) -> web.Response | None:
        if not self._canned:
            return None
        canned = self._canned[0]
        canned.times -= 1
        if canned.times <= 0:
            self._canned.popleft()
        return web.json_response(canned.body, status=canned.status, headers=canned.headers)

    async def _send(self, request: web.Request) -> web.Response:
        call, canned = await self._record(request, "send")
        return canned or web.json_response({"id": call.activity_id}, status=201)

    async def _reply(self, request: web.Request) -> web.Response:
        call, canned = await self._record(request, "reply", reply_to_id=request.match_info["activity"])
        return canned or web.json_response({"id": call.activity_id}, status=201)

    async def _update(self, request: web.Request) -> web.Response:
        call, canned = await self._record(request, "update", activity_id=request.match_info["activity"])
        return canned or web.json_response({"id": call.activity_id}, status=200)

    async def _delete(self, request: web.Request) -> web.Response:
        _, canned = await self._record(request, "delete", activity_id=request.match_info["activity"])
        return canned or web.Response(status=200)

    async def _create(self, request: web.Request) -> web.Response:
        conversation = f"a:created-{next(self._ids)}"
        body = await request.json()
        activity_id = f"activity-{next(self._ids)}" if isinstance(body, dict) and body.get("activity") else ""
        self.calls.append(Call("create", "POST", conversation, activity_id, body, dict(request.headers)))
        async with self._changed:
            self._changed.notify_all()
        canned = self._next_canned()
        return canned or web.json_response({"id": conversation, "activityId": activity_id, "serviceUrl": self.url}, status=201)

    async def _members(self, request: web.Request) -> web.Response:
        _, canned = await self._record(request, "members", activity_id="")
        return canned or web.json_response(self.members.get(request.match_info["conversation"], []))
