"""The Bot Framework edge: HTTP request in, turn run, HTTP response out.

`PalveluopasAdapter` is botbuilder's `CloudAdapter` with three changes:

* `process` validates the request body itself (size, JSON, an object with a `type`) and
  answers 400 with a JSON error rather than letting a parse error become a 500;
* it writes the InvokeResponse body as it is when it is already plain JSON. botbuilder
  4.17.1 passes every body through `serializer_helper`, which only takes msrest models, and
  `process_activity` has already serialized the ExpectedReplies body to a dict, so every
  `deliveryMode: expectReplies` request (and any invoke answering with a dict) got a 500
  (microsoft/botbuilder-python#2156);
* replies (normal delivery) go out through the app's pooled async `BotConnector`
  (`bot/service/delivery.py`), not through botbuilder's msrest `ConnectorClient`: that one
  is built twice per turn (a connector and a user-token client, ~3.6 ms each for msrest's
  retry policy alone) and sends with `requests` in a thread pool, a new session per turn,
  so one slow `serviceUrl` stalled every conversation. No msrest client is built per turn;
  botbuilder features that read `BOT_CONNECTOR_CLIENT_KEY` or `USER_TOKEN_CLIENT_KEY` from
  the turn state (TeamsInfo, OAuthPrompt) are not used by this bot;
* at most `turns_in_flight` turns run at once, the rest wait in arrival order (`_admitted`);
* the bot's logic runs under a deadline (`turn_timeout`): a turn that cannot finish (the
  database frozen) is left behind and the user told that the service is briefly away;
* the request body is checked before anything else (`bot/service/validation.py`: size 413,
  JSON, depth and activity fields 400), and invokes the bot does not handle are answered
  as Teams expects, so a malformed activity never reaches a turn;
* an activity already seen (Teams resends one when the bot takes more than 15 s) gets
  200/201 without a second turn (`bot.store.dedup`, shared by instances through the
  database);
* `on_turn_error` logs the exception with an error id and apologises to the user with that
  id (no detail). When the database or the deadline failed, the conversation's state is
  kept (the next message continues it); for any other error it is reset.
"""

from __future__ import annotations

import asyncio
import logging
import uuid
from collections.abc import Awaitable, Callable
from http import HTTPStatus
from typing import Any, Final

import orjson
from aiohttp import web
from botbuilder.core import Bot, InvokeResponse, TurnContext, serializer_helper
from botbuilder.integration.aiohttp import CloudAdapter, ConfigurationBotFrameworkAuthentication, ConfigurationServiceClientCredentialFactory
from botbuilder.schema import Activity, ActivityTypes, ConversationReference, DeliveryModes, ResourceResponse
from botframework.connector import Channels
from botframework.connector.auth import AuthenticateRequestResult
from msrest.serialization import Model

from bot.service.connector import BotConnector, BotFrameworkTokens
from bot.service.delivery import TurnDelivery
from bot.service.failures import is_unavailable
from bot.service.settings import Settings
from bot.service.turn_context import ReplyContext
from bot.service.unwinding import Unwinding
from bot.service.validation import TURN_INVOKES, Rejection, check_activity, invoke_answer, parse_body
from bot.service.wire import from_json, to_json
from bot.store.dedup import ActivityLog
from bot.store.storage import StorageConflictError
from bot.ui.i18n import Strings, language_of
from domain.logs import bound_fields, log_event

Logic = Callable[[TurnContext], Awaitable[Any]]


DEDUP_TIMEOUT_SECONDS: Final = 0.5
"""How long the duplicate check may take before the turn runs anyway (a healthy insert takes
milliseconds)."""


class TurnTimeoutError(TimeoutError):
    """The bot's logic did not finish within the turn's deadline."""


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


def connector_tokens(settings: Settings) -> BotFrameworkTokens | None:
    """Bot Framework tokens for outbound calls, from botbuilder's credentials; none in local mode."""
    if settings.local_mode:
        return None
    return BotFrameworkTokens(ConfigurationServiceClientCredentialFactory(_BotFrameworkConfiguration(settings)), settings.app_id)


def error_response(status: int, code: str, message: str) -> web.Response:
    return web.json_response({"error": {"code": code, "message": message}}, status=status)


def _json_response(value: Any, status: int) -> web.Response:
    # orjson, not aiohttp's json.dumps: a reply with its card is encoded on every turn (8 % of
    # a help-card turn with json). UTF-8 as it is, compact, as the connector's bodies.
    return web.Response(body=orjson.dumps(value), status=status, content_type="application/json")


class PalveluopasAdapter(CloudAdapter):
    def __init__(
        self,
        settings: Settings,
        strings: Strings,
        reset_state: Callable[[TurnContext], Awaitable[None]],
        connector: BotConnector | None = None,
        *,
        turn_invokes: frozenset[str] = TURN_INVOKES,
        seen: ActivityLog | None = None,
        unwinding: Unwinding | None = None,
    ) -> None:
        super().__init__(ConfigurationBotFrameworkAuthentication(_BotFrameworkConfiguration(settings)))
        self._strings = strings
        self._max_body_bytes = settings.max_body_bytes
        self._reset_state = reset_state
        # The app passes its own (closed when the app stops); tests that build an adapter alone
        # get one that opens its session only if something is sent.
        self._connector = connector or BotConnector()
        self._turn_timeout = settings.turn_timeout
        self.unwinding = Unwinding() if unwinding is None else unwinding
        self._turn_invokes = turn_invokes
        self._seen = seen
        self._gate = asyncio.Semaphore(settings.turns_in_flight)
        self._gate_wait = settings.turn_timeout
        self.on_turn_error = self._on_turn_error

    async def process(self, request: web.Request, bot: Bot, ws_response: web.WebSocketResponse | None = None) -> web.Response:
        if request.method != "POST":
            return error_response(HTTPStatus.METHOD_NOT_ALLOWED, "MethodNotAllowed", "POST an activity")
        if request.content_type != "application/json":
            return error_response(HTTPStatus.UNSUPPORTED_MEDIA_TYPE, "UnsupportedMediaType", "the body must be application/json")
        read = await _read_activity(request, self._max_body_bytes)
        if isinstance(read, web.Response):
            return read
        activity, body = read
        # Every line logged while this request is handled carries the conversation and the
        # turn; the turn id is ours, since channels may repeat or omit activity ids.
        conversation_id = activity.conversation.id if activity.conversation else None
        with bound_fields(conversation_id=conversation_id, turn_id=uuid.uuid4().hex[:12]):
            if not await self._admitted():
                return await self._authenticate_and_run(request, bot, activity, body)
            try:
                return await self._authenticate_and_run(request, bot, activity, body)
            finally:
                self._gate.release()

    async def _admitted(self) -> bool:
        """Wait for one of the `turns_in_flight` places, in arrival order; False (run anyway)
        after `turn_timeout` of waiting.

        Every turn awaits the database several times, and at each await it queues behind every
        other turn in progress: with hundreds at once, a turn's time grew with how many it met
        at each step, and the slowest took several times the median. Holding the rest at the
        door, first come first served, keeps each admitted turn's path short and the order fair.
        A turn that waited a whole deadline runs ungated rather than be dropped (Teams would
        resend it)."""
        if not self._gate.locked():
            # A free place and nobody waiting: taken without wait_for's task.
            await self._gate.acquire()
            return True
        try:
            await asyncio.wait_for(self._gate.acquire(), self._gate_wait)
        except TimeoutError:
            log_event(log, "turn_gate_full", level=logging.WARNING)
            return False
        return True

    async def _authenticate_and_run(self, request: web.Request, bot: Bot, activity: Activity, body: dict[str, Any]) -> web.Response:
        try:
            authentication = await self.bot_framework_authentication.authenticate_request(activity, request.headers.get("Authorization", ""))
        except Exception as exc:
            # Missing, malformed, expired or unverifiable (signing keys out of reach): no turn
            # runs without a verified token. The kind of failure is logged, the token never.
            log_event(log, "unauthorized", level=logging.WARNING, reason=type(exc).__name__, channel_id=activity.channel_id)
            return error_response(HTTPStatus.UNAUTHORIZED, "Unauthorized", "a valid Bot Framework token is required")
        answer = invoke_answer(body, self._turn_invokes)
        if answer is not None:
            return web.Response(status=answer.status) if answer.body is None else _json_response(answer.body, answer.status)
        if not await self._first_time(activity):
            log_event(log, "duplicate_activity", activity_id=activity.id, activity_type=activity.type)
            if activity.delivery_mode == DeliveryModes.expect_replies:
                return web.json_response({"activities": []})
            return web.Response(status=HTTPStatus.OK)
        invoke_response = await self.process_activity(authentication, activity, bot.on_turn)
        if invoke_response is None:
            return web.Response(status=HTTPStatus.CREATED)
        result = invoke_response.body
        if result is None:
            return web.Response(status=invoke_response.status)
        if isinstance(result, Model):
            result = serializer_helper(result)
        return _json_response(result, invoke_response.status)

    async def _first_time(self, activity: Activity) -> bool:
        """Whether the activity is new. Bounded by `DEDUP_TIMEOUT_SECONDS` and failing open: a
        stalled database must not spend the turn's own deadline before the turn even starts
        (the worker then gets the friendly reply in time rather than waiting twice)."""
        if self._seen is None or not activity.id:
            return True
        task = asyncio.ensure_future(self._seen.first_time(activity.channel_id, activity.conversation.id, activity.id))
        done, _ = await asyncio.wait({task}, timeout=DEDUP_TIMEOUT_SECONDS)
        if task not in done:
            self.unwinding.leave(task, self._forget)
            log_event(log, "dedup_unavailable", level=logging.WARNING, error_type="Timeout", activity_id=activity.id)
            return True
        try:
            return task.result()
        except Exception as exc:  # the database is down: run the turn rather than drop the message
            log_event(log, "dedup_unavailable", level=logging.WARNING, error_type=type(exc).__name__, activity_id=activity.id)
            return True

    async def process_activity(
        self, auth_header_or_authenticate_request_result: str | AuthenticateRequestResult, activity: Activity, logic: Logic
    ) -> InvokeResponse | None:
        """CloudAdapterBase.process_activity without the two msrest clients per turn."""
        result = auth_header_or_authenticate_request_result
        if isinstance(result, str):
            result = await self.bot_framework_authentication.authenticate_request(activity, result)
        activity.caller_id = result.caller_id
        context = ReplyContext(self, activity)
        context.turn_state[self.BOT_IDENTITY_KEY] = result.claims_identity
        context.turn_state[self.BOT_CALLBACK_HANDLER_KEY] = logic
        context.turn_state[self.CONNECTOR_FACTORY_KEY] = result.connector_factory
        context.turn_state[self.BOT_OAUTH_SCOPE_KEY] = result.audience
        await self.run_pipeline(context, self._within_deadline(logic))
        return self._process_turn_results(context)

    def _process_turn_results(self, context: TurnContext) -> InvokeResponse | None:
        if context.activity.delivery_mode == DeliveryModes.expect_replies:
            # What ExpectedReplies(...).serialize() gives, without msrest's slow walk.
            return InvokeResponse(status=HTTPStatus.OK, body={"activities": [to_json(reply) for reply in context.buffered_reply_activities]})
        return super()._process_turn_results(context)

    def _within_deadline(self, logic: Logic) -> Logic:
        """The logic in its own task, waited for `turn_timeout` at most.

        `asyncio.wait_for` would wait for the cancelled logic to unwind, and unwinding a
        query on a frozen database can itself hang; so a late turn is cancelled and left to
        finish unwinding on its own while the user gets the answer now.
        """

        async def run(context: TurnContext) -> None:
            task = asyncio.ensure_future(logic(context))
            try:
                done, _ = await asyncio.wait({task}, timeout=self._turn_timeout)
            except asyncio.CancelledError:
                self.unwinding.leave(task, self._forget)
                raise
            if task in done:
                task.result()
                return
            self.unwinding.leave(task, self._forget)
            raise TurnTimeoutError(f"the turn did not finish within {self._turn_timeout} s")

        return run

    def _forget(self, task: asyncio.Future[Any]) -> None:
        if not task.cancelled() and task.exception() is not None:
            log_event(log, "abandoned_turn_failed", level=logging.WARNING, error_type=type(task.exception()).__name__)

    async def send_activities(self, context: TurnContext, activities: list[Activity]) -> list[ResourceResponse]:
        responses = []
        for activity in activities:
            activity.id = None
            if activity.type == "delay":
                await asyncio.sleep(int((activity.value or 1000) / 1000))
                responses.append(ResourceResponse(id=""))
            elif activity.type == ActivityTypes.invoke_response:
                context.turn_state[self._INVOKE_RESPONSE_KEY] = activity
                responses.append(ResourceResponse(id=""))
            elif activity.type == ActivityTypes.trace and activity.channel_id != Channels.emulator:
                responses.append(ResourceResponse(id=""))
            else:
                responses.append(await TurnDelivery.of(context, self._connector).send(activity))
        return responses

    async def update_activity(self, context: TurnContext, activity: Activity) -> ResourceResponse | None:
        return await TurnDelivery.of(context, self._connector).update(activity)

    async def delete_activity(self, context: TurnContext, reference: ConversationReference) -> None:
        await TurnDelivery.of(context, self._connector).delete(reference)

    async def _on_turn_error(self, context: TurnContext, error: Exception) -> None:
        error_id = uuid.uuid4().hex[:8]
        conflict = isinstance(error, StorageConflictError)
        unavailable = is_unavailable(error)
        activity = context.activity
        log_event(
            log,
            "turn_error",
            level=logging.ERROR,
            exc_info=error,
            error_id=error_id,
            error_type=type(error).__name__,
            outcome="unavailable" if unavailable else "conflict" if conflict else "reset",
            conversation_id=activity.conversation.id if activity.conversation else None,
            activity_id=activity.id,
        )
        lang = language_of(activity.locale)
        if unavailable:
            # The database or the deadline failed, not the conversation: its stored state is
            # kept (whether this turn's write landed or not), so the next message continues.
            await context.send_activity(self._strings.get("core.unavailable", lang, error_id=error_id))
            return
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


async def _read_activity(request: web.Request, limit: int) -> tuple[Activity, dict[str, Any]] | web.Response:
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
    try:
        return from_json(Activity, body), body
    except Exception:  # msrest raises a variety of errors for mistyped fields
        return error_response(HTTPStatus.BAD_REQUEST, "InvalidActivity", "the activity does not match the Bot Framework schema")
