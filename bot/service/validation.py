"""Strict checks of an incoming request body, before any turn runs.

A malformed activity is the sender's fault, not the bot's: it gets a 4xx with a JSON error
and never reaches botbuilder, whose handlers fail on it in ways that became 5xx replies or
apologies (a `value` nested 1,000 deep, a conversation without an id, a lone surrogate that
no database can store, a mention entity without `mentioned`, `entities: [null]`).

* `parse_body(raw)`: JSON, an object, at most `MAX_JSON_DEPTH` levels deep, no lone
  surrogates in any string or key (they cannot be encoded as UTF-8, so storing or logging
  them fails);
* `check_activity(body)`: the fields botbuilder and the handler read, with the types they
  need (see `_check_*` below); unknown fields are left alone, channels add their own;
* `invoke_answer(body)`: invokes the bot does not handle are answered here, the way Teams
  expects, rather than with botbuilder's 501 (see `invoke_answer`).

Plain data in, a `Rejection` (status, code, message) or an answer out; the adapter turns
them into HTTP responses. Messages name the field, never its value.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass
from http import HTTPStatus
from typing import Any, Final
from urllib.parse import urlsplit

from bot.ui.cards.feedback import ACTION_KEY as FEEDBACK_ACTION_KEY
from bot.ui.cards.feedback import VERB_PREFIX as FEEDBACK_VERB_PREFIX
from bot.ui.cards.payload import PAYLOAD_KEY

MAX_JSON_DEPTH: Final = 32
"""Deepest nesting accepted. A Teams activity with a card submit is about 6 levels deep."""
MAX_ID_LENGTH: Final = 1024
"""Teams conversation ids run to a few hundred characters; ids are keys, not documents."""
MAX_URL_LENGTH: Final = 2048

ADAPTIVE_CARD_ACTION: Final = "adaptiveCard/action"
TOKEN_EXCHANGE: Final = "signin/tokenExchange"  # noqa: S105 (an invoke name, not a secret)
TURN_INVOKES: Final = frozenset({ADAPTIVE_CARD_ACTION})
"""Invoke names that run a turn: Universal Actions (`Action.Execute`), read by
`bot.service.inputs` from `action.data` like a Submit's `value`."""
KNOWN_VERBS: Final = frozenset({"palveluopas"})
"""`Action.Execute` verbs the bot answers besides its features' own (`KNOWN_VERB_PREFIXES`);
any other verb belongs to another bot or a forged card."""
KNOWN_VERB_PREFIXES: Final = (FEEDBACK_VERB_PREFIX, "campaigns.")
"""The feedback desk's card verbs (`feedback.take`, ...) and the campaign status card's."""
PAYLOAD_KEYS: Final = (PAYLOAD_KEY, FEEDBACK_ACTION_KEY)
"""Where the bot's buttons carry their data: a dialog's `pv`, the feedback desk's `pvfb`."""


@dataclass(frozen=True)
class Rejection:
    status: int
    code: str
    message: str


@dataclass(frozen=True)
class InvokeAnswer:
    """An invoke response given at the edge, without running a turn."""

    status: int
    body: object | None


def _invalid(message: str) -> Rejection:
    return Rejection(HTTPStatus.BAD_REQUEST, "InvalidActivity", message)


# --- the body -------------------------------------------------------------------------------


def parse_body(raw: bytes) -> dict[str, Any] | Rejection:
    """The request body as a JSON object, or why it is not acceptable."""
    try:
        body: Any = json.loads(raw)
    except (UnicodeDecodeError, ValueError, RecursionError):
        # RecursionError: nesting beyond the parser's own limit.
        return Rejection(HTTPStatus.BAD_REQUEST, "InvalidJson", "the body is not JSON")
    if not isinstance(body, dict):
        return _invalid("the body must be a JSON object (an activity)")
    return _check_structure(body) or body


def _check_structure(body: dict[str, Any]) -> Rejection | None:
    """Depth and strings, walked without recursion (the depth is what is being checked)."""
    stack: list[tuple[object, int]] = [(body, 1)]
    while stack:
        item, depth = stack.pop()
        if depth > MAX_JSON_DEPTH:
            return Rejection(HTTPStatus.BAD_REQUEST, "TooDeep", f"the body is nested more than {MAX_JSON_DEPTH} levels deep")
        if isinstance(item, dict):
            for key, child in item.items():
                if _has_lone_surrogate(key):
                    return _invalid("a key holds an unpaired surrogate (not encodable text)")
                stack.append((child, depth + 1))
        elif isinstance(item, list):
            stack.extend((child, depth + 1) for child in item)
        elif isinstance(item, str) and _has_lone_surrogate(item):
            return _invalid("a string holds an unpaired surrogate (not encodable text)")
    return None


def _has_lone_surrogate(text: str) -> bool:
    # json.loads pairs valid surrogate escapes into one character, so any surrogate left over
    # is unpaired; the encode check is the fast path for ordinary text.
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        return True
    return False


# --- the activity ---------------------------------------------------------------------------

_OPTIONAL_STRINGS: Final = (
    "id",
    "text",
    "locale",
    "name",
    "deliveryMode",
    "replyToId",
    "textFormat",
    "inputHint",
    "localTimezone",
    "action",
    "callerId",
    "timestamp",
    "localTimestamp",
)
_OPTIONAL_OBJECTS: Final = ("from", "recipient", "channelData", "relatesTo", "conversation")
_OBJECT_LISTS: Final = ("entities", "membersAdded", "membersRemoved", "attachments", "reactionsAdded", "reactionsRemoved")
_ACCOUNT_LISTS: Final = ("membersAdded", "membersRemoved")


def check_activity(body: Mapping[str, Any]) -> Rejection | None:
    """Why the activity cannot be handled, or None when it can."""
    for check in (_check_type, _check_field_types, _check_conversation, _check_channel, _check_service_url, _check_accounts, _check_entities):
        rejection = check(body)
        if rejection is not None:
            return rejection
    return None


def _check_type(body: Mapping[str, Any]) -> Rejection | None:
    kind = body.get("type")
    if not isinstance(kind, str) or not kind.strip():
        return _invalid("the activity has no type")
    if len(kind) > 64:
        return _invalid("the activity type is too long")
    return None


def _check_field_types(body: Mapping[str, Any]) -> Rejection | None:
    for name in _OPTIONAL_STRINGS:
        if body.get(name) is not None and not isinstance(body[name], str):
            return _invalid(f"`{name}` must be a string")
    for name in _OPTIONAL_OBJECTS:
        if body.get(name) is not None and not isinstance(body[name], dict):
            return _invalid(f"`{name}` must be an object")
    for name in _OBJECT_LISTS:
        items = body.get(name)
        if items is None:
            continue
        if not isinstance(items, list) or not all(isinstance(item, dict) for item in items):
            return _invalid(f"`{name}` must be a list of objects")
    for name in ("id", "replyToId", "name", "locale"):
        if len(body.get(name) or "") > MAX_ID_LENGTH:
            return _invalid(f"`{name}` is too long")
    return None


def _check_conversation(body: Mapping[str, Any]) -> Rejection | None:
    conversation = body.get("conversation")
    if not isinstance(conversation, dict) or not _is_id(conversation.get("id")):
        return _invalid("`conversation.id` is required")
    return None


def _check_channel(body: Mapping[str, Any]) -> Rejection | None:
    if not _is_id(body.get("channelId")):
        return _invalid("`channelId` is required")
    return None


def _check_service_url(body: Mapping[str, Any]) -> Rejection | None:
    url = body.get("serviceUrl")
    if not isinstance(url, str) or len(url) > MAX_URL_LENGTH:
        return _invalid("`serviceUrl` must be an http(s) URL")
    try:
        parts = urlsplit(url)
        parts.port  # noqa: B018 (raises ValueError on a malformed port)
    except ValueError:
        return _invalid("`serviceUrl` must be an http(s) URL")
    if parts.scheme not in ("http", "https") or not parts.hostname:
        return _invalid("`serviceUrl` must be an http(s) URL")
    return None


def _check_accounts(body: Mapping[str, Any]) -> Rejection | None:
    for name in ("from", "recipient"):
        account = body.get(name)
        if isinstance(account, dict) and account.get("id") is not None and not _is_id(account["id"]):
            return _invalid(f"`{name}.id` must be a non-empty string")
    for name in _ACCOUNT_LISTS:
        if not all(_is_id(member.get("id")) for member in body.get(name) or ()):
            return _invalid(f"every member in `{name}` needs an id")
    return None


def _check_entities(body: Mapping[str, Any]) -> Rejection | None:
    for entity in body.get("entities") or ():
        if not isinstance(entity.get("type"), str):
            return _invalid("every entity needs a `type`")
        if entity["type"].lower() != "mention":
            continue
        mentioned = entity.get("mentioned")
        if not isinstance(mentioned, dict) or not _is_id(mentioned.get("id")):
            return _invalid("a mention entity needs `mentioned` with an id")
        if not isinstance(entity.get("text"), str):
            # botbuilder strips the mention from the message by this text.
            return _invalid("a mention entity needs its `text`")
    return None


def _is_id(value: object) -> bool:
    return isinstance(value, str) and bool(value.strip()) and len(value) <= MAX_ID_LENGTH


# --- invokes --------------------------------------------------------------------------------


def invoke_answer(body: Mapping[str, Any], turn_invokes: frozenset[str] = TURN_INVOKES) -> InvokeAnswer | None:
    """The response to an invoke the bot does not handle; None for everything else.

    `turn_invokes` are the names that run a turn; an `adaptiveCard/action` among them runs
    one only with an `Action.Execute` whose `data` carries the bot's payload and whose verb,
    if any, is in `KNOWN_VERBS`.

    * `adaptiveCard/action` (Universal Actions): HTTP 200 with an error card response
      (`statusCode` 400, `application/vnd.microsoft.error`), the form Teams shows as an error
      on the card: missing action (`BadRequest`) or a verb the bot does not know
      (`NotSupported`);
    * `signin/tokenExchange`: 412 with a token exchange failure, which tells Teams to fall
      back to the sign-in card (the bot uses no SSO, so no exchange can succeed);
    * any other name: 200 with an empty body, i.e. "received, nothing to do", rather than
      botbuilder's 501.
    """
    if body.get("type") != "invoke":
        return None
    name = body.get("name")
    value = body.get("value")
    if name == ADAPTIVE_CARD_ACTION:
        action = value.get("action") if isinstance(value, dict) else None
        if not isinstance(action, dict) or action.get("type") != "Action.Execute":
            return _card_error("BadRequest", "the invoke has no Action.Execute action")
        verb = action.get("verb")
        known = verb is None or verb in KNOWN_VERBS or (isinstance(verb, str) and verb.startswith(KNOWN_VERB_PREFIXES))
        if name not in turn_invokes or not known:
            return _card_error("NotSupported", "the bot does not handle this verb")
        data = action.get("data")
        if not isinstance(data, dict) or not any(isinstance(data.get(key), dict) for key in PAYLOAD_KEYS):
            return _card_error("BadRequest", "the action carries no data of this bot")
        return None
    if name in turn_invokes:
        return None
    if name == TOKEN_EXCHANGE:
        fields = value if isinstance(value, dict) else {}
        return InvokeAnswer(
            HTTPStatus.PRECONDITION_FAILED,
            {
                "id": fields.get("id") if isinstance(fields.get("id"), str) else None,
                "connectionName": fields.get("connectionName") if isinstance(fields.get("connectionName"), str) else "",
                "failureDetail": "The bot is unable to exchange token. Proceed with regular login.",
            },
        )
    return InvokeAnswer(HTTPStatus.OK, None)


def _card_error(code: str, message: str) -> InvokeAnswer:
    return InvokeAnswer(
        HTTPStatus.OK,
        {"statusCode": HTTPStatus.BAD_REQUEST, "type": "application/vnd.microsoft.error", "value": {"code": code, "message": message}},
    )
