"""The bot on a real TCP port in a thread of its own, for synchronous callers (hypothesis).

    with LiveBot(settings, knowledge) as bot:
        status, body = bot.post(activity(text="apu"))

Its event loop, app, database engine and retention job all live in the thread; `post` is a
plain HTTP/1.1 request on loopback, like any client's.
"""

from __future__ import annotations

import asyncio
import http.client
import json
import threading
from types import TracebackType
from typing import Any

from aiohttp import web

from bot.service.app import create_app
from bot.service.context import KnowledgeProvider
from bot.service.settings import Settings
from tests.support.http import MESSAGES_PATH


class LiveBot:
    def __init__(self, settings: Settings, knowledge: KnowledgeProvider, timeout: float = 30.0) -> None:
        self._app = create_app(settings, knowledge=knowledge)
        self._timeout = timeout
        self._loop = asyncio.new_event_loop()
        self._runner = web.AppRunner(self._app, access_log=None)
        self._thread = threading.Thread(target=self._loop.run_forever, name="live-bot", daemon=True)
        self.port = 0
        self._connection: http.client.HTTPConnection | None = None

    def __enter__(self) -> LiveBot:
        self._thread.start()
        asyncio.run_coroutine_threadsafe(self._start(), self._loop).result(timeout=60)
        return self

    async def _start(self) -> None:
        await self._runner.setup()
        site = web.TCPSite(self._runner, "127.0.0.1", 0)
        await site.start()
        server = site._server  # the only way to learn the port the OS chose
        assert isinstance(server, asyncio.base_events.Server)
        self.port = server.sockets[0].getsockname()[1]

    def __exit__(self, kind: type[BaseException] | None, error: BaseException | None, trace: TracebackType | None) -> None:
        if self._connection is not None:
            self._connection.close()
        asyncio.run_coroutine_threadsafe(self._runner.cleanup(), self._loop).result(timeout=60)
        self._loop.call_soon_threadsafe(self._loop.stop)
        self._thread.join(timeout=60)
        self._loop.close()

    def post_raw(self, body: bytes, path: str = MESSAGES_PATH) -> tuple[int, bytes]:
        """POST `body` as JSON; the status and the response body. Reconnects when the server
        closed the previous connection (it does after an error response)."""
        for attempt in range(2):
            if self._connection is None:
                self._connection = http.client.HTTPConnection("127.0.0.1", self.port, timeout=self._timeout)
            try:
                self._connection.request("POST", path, body=body, headers={"Content-Type": "application/json"})
                response = self._connection.getresponse()
                return response.status, response.read()
            except (ConnectionError, http.client.RemoteDisconnected, http.client.CannotSendRequest, http.client.BadStatusLine):
                self._connection.close()
                self._connection = None
                if attempt:
                    raise
        raise AssertionError("unreachable")

    def post(self, activity: dict[str, Any]) -> tuple[int, Any]:
        """POST an activity; the status and the JSON answer (the raw text when it is not JSON)."""
        status, raw = self.post_raw(json.dumps(activity).encode())
        if not raw:
            return status, None
        try:
            return status, json.loads(raw)
        except ValueError:
            return status, raw.decode("utf-8", "replace")
