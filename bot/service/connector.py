"""An async Bot Connector client: one pooled HTTP session per app, a typed outcome per call.

botbuilder's own connector client (msrest over `requests`, run in a thread pool) builds a new
`requests` session and a new retry policy for every turn, reuses no connection, and lets one
slow `serviceUrl` hold the threads every other conversation needs. This client is what the
adapter sends replies through (normal delivery) and what proactive sends (campaigns) use:

    connector = BotConnector(tokens=BotFrameworkTokens(credentials_factory, app_id))
    outcome = await connector.send_to_conversation(service_url, conversation_id, activity)
    match outcome:
        case Delivered(activity_id=activity_id): ...
        case Retryable(retry_after=seconds): ...        # nothing was accepted; try again later
        case PermanentFailure(reason=reason): ...       # e.g. "ConversationBlockedByUser"
        case Unknown(): ...                             # sent, no answer: it may have arrived
    await connector.close()                             # when the app stops

Nothing raises for a delivery problem: every call returns one of the four outcomes (an
invalid `serviceUrl` is a `PermanentFailure` with reason "InvalidServiceUrl"). The caller
decides what to log; this module never sees or logs message text.

Bounds, so that no remote end can stall the rest: connections overall and per host (keep-
alive, reused), concurrent calls per conversation, and a short deadline on every call that
covers waiting for a slot, connecting, sending and reading the answer.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Mapping
from dataclasses import dataclass
from email.utils import parsedate_to_datetime
from http import HTTPStatus
from typing import Any, Final, Protocol
from urllib.parse import quote

import aiohttp
import orjson
from botframework.connector.auth import AuthenticationConstants, ServiceClientCredentialsFactory
from msrest.serialization import Model

from bot.service.wire import to_json

RETRYABLE_STATUSES: Final = frozenset({408, 412, 429, 500, 502, 503, 504})
"""412: Teams' "PreconditionFailed" when a conversation is being created or changed."""


@dataclass(frozen=True)
class Delivered:
    activity_id: str
    """The id the channel gave the activity ("" when it gave none)."""
    conversation_id: str = ""
    """Only from `create_conversation`: the new conversation's id."""


@dataclass(frozen=True)
class Retryable:
    """Not accepted, and trying again later may succeed (throttled, the service is down, the
    host did not answer the connection)."""

    status: int | None
    retry_after: float | None
    """Seconds the service asked to wait (Retry-After), if it said."""
    reason: str


@dataclass(frozen=True)
class PermanentFailure:
    """Will not succeed by retrying: e.g. ConversationBlockedByUser, BotNotInConversationRoster,
    ConversationNotFound, Unauthorized, InvalidServiceUrl."""

    status: int | None
    reason: str


@dataclass(frozen=True)
class Unknown:
    """The request went out and no answer came (timeout, connection reset): it may or may
    not have been delivered. Retrying may duplicate the message."""

    reason: str


Outcome = Delivered | Retryable | PermanentFailure | Unknown


class TokenSource(Protocol):
    async def authorization(self, audience: str | None) -> str | None:
        """The `Authorization` header value for calls to this audience; None: send none."""


class BotFrameworkTokens:
    """Bot Framework tokens from botbuilder's own credentials (MSAL, its token cache).

    One credentials object per audience, kept: each holds its MSAL app and cache, so a token
    is fetched from Entra ID only when the cached one is expiring. MSAL is synchronous, so
    the lookup runs in a worker thread.
    """

    def __init__(
        self,
        credentials_factory: ServiceClientCredentialsFactory,
        app_id: str,
        *,
        login_endpoint: str = AuthenticationConstants.TO_CHANNEL_FROM_BOT_LOGIN_URL,
        default_audience: str = AuthenticationConstants.TO_CHANNEL_FROM_BOT_OAUTH_SCOPE,
    ) -> None:
        self._factory = credentials_factory
        self._app_id = app_id
        self._login_endpoint = login_endpoint
        self._default_audience = default_audience
        self._credentials: dict[str, Any] = {}

    async def authorization(self, audience: str | None) -> str | None:
        if not self._app_id:
            return None
        scope = audience or self._default_audience
        credentials = self._credentials.get(scope)
        if credentials is None:
            credentials = await self._factory.create_credentials(self._app_id, scope, self._login_endpoint, True)
            self._credentials[scope] = credentials
        token = await asyncio.to_thread(credentials.get_access_token)
        return f"Bearer {token}"


@dataclass(frozen=True)
class ConnectorLimits:
    total_connections: int = 64
    per_host_connections: int = 32
    """Teams sends every conversation of a region through one host: keep this generous."""
    per_conversation: int = 2
    connect_timeout: float = 1.5
    call_timeout: float = 3.0
    """The whole call: waiting for a slot, connecting, sending, reading the answer."""
    keepalive_seconds: float = 30.0


class BotConnector:
    """The Bot Connector REST API (v3) over one pooled `aiohttp.ClientSession`.

    Create it anywhere; the session is opened on the first call (it needs the running loop)
    and closed by `close()`.
    """

    def __init__(self, *, tokens: TokenSource | None = None, limits: ConnectorLimits = ConnectorLimits(), user_agent: str = "Palveluopas") -> None:
        self._tokens = tokens
        self._limits = limits
        self._user_agent = user_agent
        self._session: aiohttp.ClientSession | None = None
        self._slots: dict[str, tuple[asyncio.Semaphore, int]] = {}

    async def close(self) -> None:
        if self._session is not None:
            await self._session.close()
            self._session = None

    async def send_to_conversation(
        self, service_url: str, conversation_id: str, activity: Model | Mapping[str, Any], *, audience: str | None = None
    ) -> Outcome:
        """POST /v3/conversations/{id}/activities: a new message in the conversation."""
        return await self._call("POST", service_url, conversation_id, _activities_path(conversation_id), activity, audience)

    async def reply_to_activity(
        self, service_url: str, conversation_id: str, reply_to_id: str, activity: Model | Mapping[str, Any], *, audience: str | None = None
    ) -> Outcome:
        """POST /v3/conversations/{id}/activities/{replyToId}: a reply (threaded where the channel threads)."""
        return await self._call("POST", service_url, conversation_id, _activities_path(conversation_id, reply_to_id), activity, audience)

    async def update_activity(
        self, service_url: str, conversation_id: str, activity_id: str, activity: Model | Mapping[str, Any], *, audience: str | None = None
    ) -> Outcome:
        """PUT /v3/conversations/{id}/activities/{activityId}: replace a sent activity (e.g. a card)."""
        return await self._call("PUT", service_url, conversation_id, _activities_path(conversation_id, activity_id), activity, audience)

    async def delete_activity(self, service_url: str, conversation_id: str, activity_id: str, *, audience: str | None = None) -> Outcome:
        """DELETE /v3/conversations/{id}/activities/{activityId}."""
        return await self._call("DELETE", service_url, conversation_id, _activities_path(conversation_id, activity_id), None, audience)

    async def create_conversation(
        self,
        service_url: str,
        *,
        tenant_id: str,
        bot_id: str,
        user_id: str,
        activity: Model | Mapping[str, Any] | None = None,
        audience: str | None = None,
    ) -> Outcome:
        """POST /v3/conversations: a 1:1 conversation with a user (Teams needs the tenant id).

        `Delivered.conversation_id` is the new conversation; send to it with
        `send_to_conversation`, or pass `activity` to post it in the same call.
        """
        body: dict[str, Any] = {
            "isGroup": False,
            "bot": {"id": bot_id},
            "members": [{"id": user_id}],
            "tenantId": tenant_id,
            "channelData": {"tenant": {"id": tenant_id}},
        }
        if activity is not None:
            body["activity"] = _as_json(activity)
        return await self._call("POST", service_url, f"new:{user_id}", "v3/conversations", body, audience)

    async def team_members(self, service_url: str, team_id: str, *, audience: str | None = None, max_pages: int = 20) -> list[dict[str, Any]] | Outcome:
        """GET /v3/conversations/{teamId}/pagedmembers, every page: the team's members (the
        campaigns read their ids only). An outcome instead when a page is refused or lost."""
        members: list[dict[str, Any]] = []
        token: str | None = None
        for _ in range(max_pages):
            query = "pageSize=500" + (f"&continuationToken={quote(token, safe='')}" if token else "")
            url = _join(service_url, f"v3/conversations/{quote(team_id, safe='')}/pagedmembers?{query}")
            if url is None:
                return PermanentFailure(None, "InvalidServiceUrl")
            headers = {"User-Agent": self._user_agent}
            try:
                async with asyncio.timeout(self._limits.call_timeout):
                    if self._tokens is not None and (authorization := await self._tokens.authorization(audience)):
                        headers["Authorization"] = authorization
                    async with self._pooled().get(url, headers=headers, allow_redirects=False) as response:
                        body = await response.read()
                        if response.status != HTTPStatus.OK:
                            return _outcome(response.status, response.headers, body)
            except (TimeoutError, aiohttp.ClientError) as exc:
                return Retryable(None, None, type(exc).__name__)
            page = _json_or_none(body)
            if not isinstance(page, dict):
                return PermanentFailure(None, "MalformedMembers")
            members.extend(m for m in page.get("members") or () if isinstance(m, dict) and isinstance(m.get("id"), str))
            token = page.get("continuationToken") if isinstance(page.get("continuationToken"), str) else None
            if not token:
                break
        return members

    async def _call(
        self, method: str, service_url: str, conversation_key: str, path: str, payload: Model | Mapping[str, Any] | None, audience: str | None
    ) -> Outcome:
        url = _join(service_url, path)
        if url is None:
            return PermanentFailure(None, "InvalidServiceUrl")
        started = False
        try:
            async with asyncio.timeout(self._limits.call_timeout), self._slot(conversation_key):
                headers = {"Content-Type": "application/json; charset=utf-8", "User-Agent": self._user_agent}
                if self._tokens is not None:
                    authorization = await self._tokens.authorization(audience)
                    if authorization:
                        headers["Authorization"] = authorization
                data = b"" if payload is None else orjson.dumps(_as_json(payload))
                started = True
                return await self._request(method, url, headers, data)
        except TimeoutError:
            # Still waiting for a slot or a token: nothing went out, so a retry is safe.
            return Unknown("Timeout") if started else Retryable(None, None, "Timeout")
        except PermissionError:  # botbuilder's credentials: Entra ID refused the app's secret
            return PermanentFailure(None, "TokenUnavailable")

    async def _request(self, method: str, url: str, headers: dict[str, str], data: bytes) -> Outcome:
        try:
            async with self._pooled().request(method, url, headers=headers, data=data, allow_redirects=False) as response:
                body = await response.read()
                return _outcome(response.status, response.headers, body)
        except aiohttp.InvalidURL:
            return PermanentFailure(None, "InvalidServiceUrl")
        except aiohttp.ConnectionTimeoutError:
            return Retryable(None, None, "ConnectTimeout")
        except aiohttp.ClientConnectorError as exc:
            # Refused, unreachable, no such host: the request never went out.
            return Retryable(None, None, type(exc).__name__)
        except (aiohttp.ServerTimeoutError, aiohttp.ServerDisconnectedError, aiohttp.ClientOSError, aiohttp.ClientPayloadError) as exc:
            return Unknown(type(exc).__name__)
        except aiohttp.ClientResponseError as exc:  # a malformed answer
            return Unknown(type(exc).__name__)

    def _pooled(self) -> aiohttp.ClientSession:
        if self._session is None or self._session.closed:
            connector = aiohttp.TCPConnector(
                limit=self._limits.total_connections,
                limit_per_host=self._limits.per_host_connections,
                keepalive_timeout=self._limits.keepalive_seconds,
                enable_cleanup_closed=True,
            )
            timeout = aiohttp.ClientTimeout(total=None, connect=self._limits.connect_timeout, sock_read=self._limits.call_timeout)
            self._session = aiohttp.ClientSession(connector=connector, timeout=timeout)
        return self._session

    def _slot(self, key: str) -> _Slot:
        return _Slot(self._slots, key, self._limits.per_conversation)


class _Slot:
    """One of a conversation's few concurrent-call slots; the entry goes when nobody holds it."""

    def __init__(self, slots: dict[str, tuple[asyncio.Semaphore, int]], key: str, size: int) -> None:
        self._slots, self._key, self._size = slots, key, size

    async def __aenter__(self) -> None:
        semaphore, users = self._slots.get(self._key) or (asyncio.Semaphore(self._size), 0)
        self._slots[self._key] = (semaphore, users + 1)
        try:
            await semaphore.acquire()
        except BaseException:
            self._leave()
            raise

    async def __aexit__(self, *exc_info: object) -> None:
        self._slots[self._key][0].release()
        self._leave()

    def _leave(self) -> None:
        semaphore, users = self._slots[self._key]
        if users <= 1:
            del self._slots[self._key]
        else:
            self._slots[self._key] = (semaphore, users - 1)


def _outcome(status: int, headers: Mapping[str, str], body: bytes) -> Outcome:
    parsed = _json_or_none(body)
    if 200 <= status < 300:
        fields = parsed if isinstance(parsed, dict) else {}
        if "activityId" in fields or "serviceUrl" in fields:  # ConversationResourceResponse
            return Delivered(activity_id=str(fields.get("activityId") or ""), conversation_id=str(fields.get("id") or ""))
        return Delivered(activity_id=str(fields.get("id") or ""))
    reason = _error_code(parsed) or _status_reason(status)
    if status in RETRYABLE_STATUSES:
        return Retryable(status, _retry_after(headers.get("Retry-After")), reason)
    return PermanentFailure(status, reason)


def _json_or_none(body: bytes) -> Any:
    try:
        return orjson.loads(body) if body else None
    except ValueError:
        return None


def _error_code(parsed: Any) -> str | None:
    if isinstance(parsed, dict) and isinstance(parsed.get("error"), dict):
        code = parsed["error"].get("code")
        if isinstance(code, str) and code:
            return code[:80]
    return None


def _status_reason(status: int) -> str:
    try:
        return HTTPStatus(status).phrase.replace(" ", "")
    except ValueError:
        return f"HTTP{status}"


def _retry_after(value: str | None) -> float | None:
    if not value:
        return None
    try:
        return max(0.0, float(value))
    except ValueError:
        pass
    try:
        return max(0.0, parsedate_to_datetime(value).timestamp() - time.time())
    except (TypeError, ValueError):
        return None


def _activities_path(conversation_id: str, activity_id: str | None = None) -> str:
    path = f"v3/conversations/{quote(conversation_id, safe='')}/activities"
    return path if activity_id is None else f"{path}/{quote(activity_id, safe='')}"


def _join(service_url: object, path: str) -> str | None:
    """`serviceUrl` + path; None when the serviceUrl is not an absolute http(s) URL."""
    if not isinstance(service_url, str):
        return None
    base = service_url.strip()
    if not base.lower().startswith(("http://", "https://")) or len(base) > 2048:
        return None
    return f"{base.rstrip('/')}/{path}"


def _as_json(payload: Model | Mapping[str, Any]) -> Any:
    if isinstance(payload, Model):
        return to_json(payload)
    return dict(payload)
