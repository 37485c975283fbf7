"""Proactive messages through the Bot Connector REST API, with typed outcomes.

The delivery engine needs two calls: create (or find) the 1:1 conversation with a user, and
post an activity to a conversation. Each returns what happened in terms the engine acts on:

* `Delivered(id)`: the connector took it (2xx);
* `Retryable(status, retry_after)`: it said no for now (429, 412, 502, 503, 504) or the
  connection failed before the request went out;
* `Permanent(status, reason)`: it will keep saying no (403 ConversationBlockedByUser /
  BotNotInConversationRoster, 404 ConversationNotFound, other 4xx);
* `Unknown(reason)`: the request may have gone out and no answer came (timeout, reset).

Authentication: in local mode (no app id) no token is sent, as with the Emulator and the
loopback stand-in; otherwise a Bot Framework token from `MicrosoftAppCredentials`.
"""

from __future__ import annotations

import asyncio
import json
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any, Final, Protocol
from urllib.parse import quote

import aiohttp

RETRYABLE_STATUSES: Final = frozenset({412, 429, 502, 503, 504})
DEFAULT_TIMEOUT_SECONDS: Final = 15.0


@dataclass(frozen=True)
class Delivered:
    id: str | None


@dataclass(frozen=True)
class Retryable:
    status: int | None
    retry_after: float | None = None


@dataclass(frozen=True)
class Permanent:
    status: int
    reason: str


@dataclass(frozen=True)
class Unknown:
    reason: str


Outcome = Delivered | Retryable | Permanent | Unknown


class Connector(Protocol):
    async def create_personal_conversation(self, service_url: str, tenant_id: str, bot_id: str, user_id: str) -> Outcome: ...

    async def send(self, service_url: str, conversation_id: str, activity: Mapping[str, Any]) -> Outcome: ...


class TokenSource(Protocol):
    async def token(self) -> str | None: ...


class NoToken:
    async def token(self) -> str | None:
        return None


class HttpConnector:
    """`Connector` over aiohttp; one session, opened by `start` and closed by `close`."""

    def __init__(self, tokens: TokenSource | None = None, timeout_seconds: float = DEFAULT_TIMEOUT_SECONDS) -> None:
        self._tokens = tokens or NoToken()
        self._timeout = aiohttp.ClientTimeout(total=timeout_seconds)
        self._session: aiohttp.ClientSession | None = None

    async def start(self) -> None:
        if self._session is None:
            self._session = aiohttp.ClientSession(timeout=self._timeout)

    async def close(self) -> None:
        if self._session is not None:
            await self._session.close()
            self._session = None

    async def create_personal_conversation(self, service_url: str, tenant_id: str, bot_id: str, user_id: str) -> Outcome:
        body = {
            "bot": {"id": bot_id},
            "members": [{"id": user_id}],
            "isGroup": False,
            "tenantId": tenant_id,
            "channelData": {"tenant": {"id": tenant_id}},
        }
        outcome = await self._post(f"{service_url.rstrip('/')}/v3/conversations", body)
        # Creating a 1:1 chat sends nothing to the user and Teams answers with the same chat
        # every time, so a lost answer is safe to ask again.
        return Retryable(None) if isinstance(outcome, Unknown) else outcome

    async def send(self, service_url: str, conversation_id: str, activity: Mapping[str, Any]) -> Outcome:
        return await self._post(f"{service_url.rstrip('/')}/v3/conversations/{quote(conversation_id, safe='')}/activities", activity)

    async def _post(self, url: str, body: Mapping[str, Any]) -> Outcome:
        await self.start()
        assert self._session is not None
        headers = {}
        token = await self._tokens.token()
        if token:
            headers["Authorization"] = f"Bearer {token}"
        try:
            async with self._session.post(url, json=body, headers=headers) as response:
                text = await response.text()
                return classify(response.status, response.headers.get("Retry-After"), text)
        except aiohttp.ClientConnectorError:
            return Retryable(None)  # no connection was made: nothing went out
        except (TimeoutError, asyncio.TimeoutError):
            return Unknown("timeout")
        except aiohttp.ClientError as exc:
            return Unknown(type(exc).__name__)


def classify(status: int, retry_after: str | None, body: str) -> Outcome:
    if 200 <= status < 300:
        return Delivered(_json(body).get("id"))
    if status in RETRYABLE_STATUSES:
        return Retryable(status, _seconds(retry_after))
    error = _json(body).get("error")
    code = error.get("code") if isinstance(error, dict) else None
    return Permanent(status, str(code) if code else f"http_{status}")


def _json(body: str) -> dict[str, Any]:
    try:
        value = json.loads(body) if body else {}
    except ValueError:
        return {}
    return value if isinstance(value, dict) else {}


def _seconds(value: str | None) -> float | None:
    """`Retry-After` in seconds (the HTTP-date form is not used by the Bot Connector)."""
    if not value:
        return None
    try:
        return max(0.0, float(value))
    except ValueError:
        return None
