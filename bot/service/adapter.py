"""The Bot Framework edge: HTTP request in, turn run, HTTP response out.

`PalveluopasAdapter` is botbuilder's `CloudAdapter` with three changes:

* `process` validates the request body itself (`bot/service/validation.py`: size 413, JSON,
  depth and activity fields 400) and answers invokes the bot does not handle, so a
  malformed activity never reaches a turn;
* it writes the InvokeResponse body as it is when it is already plain JSON. botbuilder
  4.17.1 passes every body through `serializer_helper`, which only takes msrest models, and
  `process_activity` has already serialized the ExpectedReplies body to a dict, so every
  `deliveryMode: expectReplies` request (and any invoke answering with a dict) got a 500
  (microsoft/botbuilder-python#2156);
* an activity already seen (Teams resends one when the bot takes more than 15 s) gets
  200/201 without a second turn (`bot.store.dedup`, shared by instances through the
  database);
* `on_turn_error` logs the exception with an error id, apologises to the user with that id
  (no detail), and resets the conversation's dialog state.
"""

from __future__ import annotations

import logging
import uuid
from collections.abc import Awaitable, Callable
from http import HTTPStatus
from typing import Any

from aiohttp import web
from botbuilder.core import Bot, TurnContext, serializer_helper
from botbuilder.integration.aiohttp import CloudAdapter, ConfigurationBotFrameworkAuthentication
from botbuilder.schema import Activity, DeliveryModes
from msrest.serialization import Model

from bot.service.settings import Settings
from bot.service.validation import TURN_INVOKES, Rejection, check_activity, invoke_answer, parse_body
from bot.store.dedup import ActivityLog
from bot.store.storage import StorageConflictError
from bot.ui.i18n import Strings, language_of
from domain.logs import log_event

log = logging.getLogger(__name__)


class _BotFrameworkConfiguration:
    """The attribute names `ConfigurationBotFrameworkAuthentication` reads."""

    def __init__(self, settings: Settings) -> None:
        self.APP_ID = settings.app_id
        self.APP_PASSWORD = settings.app_password
        # In local mode there are no credentials whatever the type; botbuilder would refuse
        # a single-tenant configuration without them.
        self.APP_TYPE = settings.app_type if not settings.local_mode else "MultiTenant"
        self.APP_TENANTID = settings.tenant_id


def error_response(status: int, code: str, message: str) -> web.Response:
    return web.json_response({"error": {"code": code, "message": message}}, status=status)


class PalveluopasAdapter(CloudAdapter):
    def __init__(
        self,
        settings: Settings,
        strings: Strings,
        reset_state: Callable[[TurnContext], Awaitable[None]],
        *,
        turn_invokes: frozenset[str] = TURN_INVOKES,
        seen: ActivityLog | None = None,
    ) -> None:
        super().__init__(ConfigurationBotFrameworkAuthentication(_BotFrameworkConfiguration(settings)))
        self._strings = strings
        self._max_body_bytes = settings.max_body_bytes
        self._reset_state = reset_state
        self._turn_invokes = turn_invokes
        self._seen = seen
        self.on_turn_error = self._on_turn_error

    async def process(self, request: web.Request, bot: Bot, ws_response: web.WebSocketResponse | None = None) -> web.Response:
        if request.method != "POST":
            return error_response(HTTPStatus.METHOD_NOT_ALLOWED, "MethodNotAllowed", "POST an activity")
        if request.content_type != "application/json":
            return error_response(HTTPStatus.UNSUPPORTED_MEDIA_TYPE, "UnsupportedMediaType", "the body must be application/json")
        body_or_error = await _read_body(request, self._max_body_bytes)
        if isinstance(body_or_error, web.Response):
            return body_or_error
        body = body_or_error
        try:
            activity = Activity().deserialize(body)
        except Exception:  # msrest raises a variety of errors for mistyped fields
            return error_response(HTTPStatus.BAD_REQUEST, "InvalidActivity", "the activity does not match the Bot Framework schema")
        try:
            authentication = await self.bot_framework_authentication.authenticate_request(activity, request.headers.get("Authorization", ""))
        except Exception as exc:
            # Missing, malformed, expired or unverifiable (signing keys out of reach): no turn
            # runs without a verified token. The kind of failure is logged, the token never.
            log_event(log, "unauthorized", level=logging.WARNING, reason=type(exc).__name__, channel_id=activity.channel_id)
            return error_response(HTTPStatus.UNAUTHORIZED, "Unauthorized", "a valid Bot Framework token is required")
        answer = invoke_answer(body, self._turn_invokes)
        if answer is not None:
            return web.Response(status=answer.status) if answer.body is None else web.json_response(answer.body, status=answer.status)
        if not await self._first_time(activity):
            log_event(log, "duplicate_activity", conversation_id=activity.conversation.id, activity_id=activity.id, activity_type=activity.type)
            if activity.delivery_mode == DeliveryModes.expect_replies:
                return web.json_response({"activities": []})
            return web.Response(status=HTTPStatus.OK)
        invoke_response = await self.process_activity(authentication, activity, bot.on_turn)
        if invoke_response is None:
            return web.Response(status=HTTPStatus.CREATED)
        body = invoke_response.body
        if body is None:
            return web.Response(status=invoke_response.status)
        if isinstance(body, Model):
            body = serializer_helper(body)
        return web.json_response(body, status=invoke_response.status)

    async def _first_time(self, activity: Activity) -> bool:
        if self._seen is None or not activity.id:
            return True
        try:
            return await self._seen.first_time(activity.channel_id, activity.conversation.id, activity.id)
        except Exception as exc:  # the database is down: run the turn rather than drop the message
            log_event(log, "dedup_unavailable", level=logging.WARNING, error_type=type(exc).__name__, activity_id=activity.id)
            return True

    async def _on_turn_error(self, context: TurnContext, error: Exception) -> None:
        error_id = uuid.uuid4().hex[:8]
        conflict = isinstance(error, StorageConflictError)
        activity = context.activity
        log_event(
            log,
            "turn_error",
            level=logging.ERROR,
            exc_info=error,
            error_id=error_id,
            error_type=type(error).__name__,
            conversation_id=activity.conversation.id if activity.conversation else None,
            activity_id=activity.id,
        )
        lang = language_of(activity.locale)
        if conflict:
            # Another turn of this conversation saved first; its state is the newer one, so
            # it is kept, not reset.
            await context.send_activity(self._strings.get("core.busy", lang, error_id=error_id))
            return
        await context.send_activity(self._strings.get("core.error_apology", lang, error_id=error_id))
        # Whatever the dialog stack held led to the failure; starting over beats failing again.
        try:
            await self._reset_state(context)
        except Exception as exc:  # e.g. the database is down: the apology still goes out
            log_event(log, "state_reset_failed", level=logging.ERROR, exc_info=exc, error_id=error_id, error_type=type(exc).__name__)


async def _read_body(request: web.Request, limit: int) -> dict[str, Any] | web.Response:
    too_large = error_response(HTTPStatus.REQUEST_ENTITY_TOO_LARGE, "BodyTooLarge", f"the body is over {limit} bytes")
    if request.content_length is not None and request.content_length > limit:
        return too_large
    try:
        raw = await request.read()
    except web.HTTPRequestEntityTooLarge:
        return too_large
    body = parse_body(raw)
    rejection = body if isinstance(body, Rejection) else check_activity(body)
    if rejection is not None:
        return error_response(rejection.status, rejection.code, rejection.message)
    assert isinstance(body, dict)
    return body
