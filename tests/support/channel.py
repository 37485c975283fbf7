"""A Bot Connector service on loopback: what the bot POSTs (normal delivery) lands here.

`LoopbackChannel` is a real aiohttp server on 127.0.0.1 with the v3 routes the bot uses. It
records every call and can be made slow (`delay`), failing (`status` and an error `code`),
or it can accept connections and never answer (`delay` longer than the test).
"""

from __future__ import annotations

import asyncio
import itertools
from dataclasses import dataclass, field
from typing import Any

from aiohttp import web
from aiohttp.test_utils import TestServer


@dataclass
class Received:
    method: str
    path: str
    conversation_id: str
    body: Any
    headers: dict[str, str]
    peer_port: int


@dataclass
class LoopbackChannel:
    delay: float = 0.0
    status: int = 200
    code: str | None = None
    retry_after: str | None = None
    received: list[Received] = field(default_factory=list)
    _server: TestServer | None = None
    _ids: itertools.count[int] = field(default_factory=lambda: itertools.count(1))

    @property
    def service_url(self) -> str:
        assert self._server is not None, "start() first"
        return str(self._server.make_url("/")).rstrip("/")

    async def start(self) -> LoopbackChannel:
        app = web.Application()
        app.router.add_post("/v3/conversations", self._handle)
        app.router.add_route("*", "/v3/conversations/{conversation}/activities", self._handle)
        app.router.add_route("*", "/v3/conversations/{conversation}/activities/{activity}", self._handle)
        self._server = TestServer(app, host="127.0.0.1")
        await self._server.start_server()
        return self

    async def close(self) -> None:
        if self._server is not None:
            await self._server.close()

    def activities(self, conversation_id: str | None = None, type: str | None = None) -> list[dict[str, Any]]:
        return [
            r.body
            for r in self.received
            if isinstance(r.body, dict) and (conversation_id is None or r.conversation_id == conversation_id) and (type is None or r.body.get("type") == type)
        ]

    async def _handle(self, request: web.Request) -> web.Response:
        body = await request.json() if request.can_read_body else None
        peer = request.transport.get_extra_info("peername") if request.transport else None
        self.received.append(
            Received(request.method, request.raw_path, request.match_info.get("conversation", ""), body, dict(request.headers), peer[1] if peer else 0)
        )
        if self.delay:
            await asyncio.sleep(self.delay)
        if self.status >= 300:
            headers = {"Retry-After": self.retry_after} if self.retry_after else None
            return web.json_response({"error": {"code": self.code or "ServiceError", "message": "test"}}, status=self.status, headers=headers)
        number = next(self._ids)
        if request.path == "/v3/conversations":
            return web.json_response({"id": f"created-{number}", "activityId": f"first-{number}", "serviceUrl": self.service_url}, status=201)
        return web.json_response({"id": f"sent-{number}"}, status=201 if request.method == "POST" else 200)
