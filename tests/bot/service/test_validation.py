"""Malformed requests are turned away at the edge (bot/service/validation.py), before a turn.

Every shape here got a 5xx or an apology once (issue 14). Each gets a 4xx with a JSON error
(or, for invokes, the answer Teams expects), no turn runs, no state is written, and the bot
keeps answering.
"""

from __future__ import annotations

import json
from typing import Any

import pytest
from aiohttp import web
from aiohttp.test_utils import TestClient
from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot.service.validation import MAX_JSON_DEPTH, check_activity, invoke_answer, parse_body
from bot.store.storage import BotStateRow
from tests.support.http import MESSAGES_PATH, activity, send
from tests.support.replies import texts


def nested(depth: int) -> Any:
    value: Any = "pohja"
    for _ in range(depth):
        value = {"a": value}
    return value


def with_nested_value(depth: int) -> bytes:
    """An activity whose `value` is `depth` objects deep, as JSON (too deep for json.dumps)."""
    body = json.dumps(activity(value="NESTED"))
    return body.replace('"NESTED"', '{"a": ' * depth + '"pohja"' + "}" * depth).encode()


def without(body: dict[str, Any], *names: str) -> dict[str, Any]:
    return {key: item for key, item in body.items() if key not in names}


def mention(**fields: Any) -> dict[str, Any]:
    return {"type": "mention", **fields}


# name -> the activity (or raw body) and the status it must get.
BAD_ACTIVITIES: dict[str, dict[str, Any]] = {
    "value nested one level too deep": activity(value=nested(MAX_JSON_DEPTH)),
    "conversation missing": without(activity(text="hei"), "conversation"),
    "conversation {}": activity(text="hei", conversation={}),
    "conversation id empty": activity(text="hei", conversation={"id": " "}),
    "conversation id a number": activity(text="hei", conversation={"id": 42}),
    "conversation a string": activity(text="hei", conversation="conversation-1"),
    "channelId missing": without(activity(text="hei"), "channelId"),
    "channelId a number": activity(text="hei", channelId=7),
    "serviceUrl missing": without(activity(text="hei"), "serviceUrl"),
    "serviceUrl a number": activity(text="hei", serviceUrl=12345),
    "serviceUrl not a URL": activity(text="hei", serviceUrl="not a url"),
    "serviceUrl ftp": activity(text="hei", serviceUrl="ftp://example.com/"),
    "serviceUrl without a host": activity(text="hei", serviceUrl="http://"),
    "serviceUrl with a bad port": activity(text="hei", serviceUrl="http://127.0.0.1:99999/"),
    "text a number": {**activity(), "text": 5},
    "text an object": {**activity(), "text": {"a": 1}},
    "text with a lone surrogate": activity(text="hei \ud800 kaikki"),
    "conversation id with a lone surrogate": activity(text="hei", conversation_id="conv-\udc00"),
    "a key with a lone surrogate": activity(text="hei", channelData={"\ud800": 1}),
    "type a number": {**activity(text="hei"), "type": 3},
    "type blank": {**activity(text="hei"), "type": "  "},
    "entities [null]": activity(text="hei", entities=[None]),
    "entities an object": activity(text="hei", entities={"type": "mention"}),
    "entity without a type": activity(text="hei", entities=[{"text": "x"}]),
    "mention without mentioned": activity(text="<at>Palveluopas</at> hei", entities=[mention(text="<at>Palveluopas</at>")]),
    "mention with mentioned null": activity(text="<at>Palveluopas</at> hei", entities=[mention(mentioned=None, text="<at>Palveluopas</at>")]),
    "mention with mentioned without id": activity(text="hei", entities=[mention(mentioned={"name": "x"}, text="<at>x</at>")]),
    "mention without text": activity(text="hei", entities=[mention(mentioned={"id": "palveluopas"})]),
    "membersAdded [null]": activity("conversationUpdate", membersAdded=[None]),
    "membersAdded a string": activity("conversationUpdate", membersAdded="palveluopas"),
    "membersAdded member without id": activity("conversationUpdate", membersAdded=[{"name": "x"}]),
    "membersRemoved [null]": activity("conversationUpdate", membersRemoved=[None]),
    "membersRemoved [1]": activity("conversationUpdate", membersRemoved=[1]),
    "from a string": {**activity(text="hei"), "from": "user-1"},
    "recipient id empty": activity(text="hei", recipient={"id": ""}),
    "attachments [null]": activity(text="hei", attachments=[None]),
    "locale a number": {**activity(text="hei"), "locale": 5},
    "id an object": {**activity(text="hei"), "id": {"x": 1}},
}

BAD_BODIES: dict[str, bytes] = {
    "value nested 1,000 deep": with_nested_value(1000),
    "not json": b"{this is not json",
    "not utf-8": b"\xff\xfe\x00",
    "a list": b"[1, 2]",
    "a string": b'"message"',
    "no type": json.dumps({"text": "hei"}).encode(),
    "empty type": json.dumps({"type": ""}).encode(),
    "mistyped timestamp": json.dumps(activity(text="hei", timestamp={"not": "a date"})).encode(),
    "nested beyond the parser": b'{"type": "message", "value": ' + b"[" * 100_000 + b"]" * 100_000 + b"}",
}


async def _state_rows(sessionmaker: async_sessionmaker[AsyncSession]) -> int:
    async with sessionmaker() as session:
        return int((await session.execute(select(func.count()).select_from(BotStateRow))).scalar_one())


async def _still_answers(client: TestClient) -> None:
    assert texts(await send(client, text="apu", conversation_id="after-the-bad-one"))


@pytest.mark.parametrize("name", list(BAD_ACTIVITIES))
async def test_a_malformed_activity_gets_400_with_a_json_error_and_runs_no_turn(
    bot_client: TestClient, sessionmaker: async_sessionmaker[AsyncSession], name: str
) -> None:
    response = await bot_client.post(MESSAGES_PATH, json=BAD_ACTIVITIES[name])

    assert response.status == 400, await response.text()
    assert response.content_type == "application/json"
    error = (await response.json())["error"]
    assert error["code"] in ("InvalidActivity", "TooDeep") and error["message"]
    assert await _state_rows(sessionmaker) == 0
    await _still_answers(bot_client)


@pytest.mark.parametrize("name", list(BAD_BODIES))
async def test_a_body_that_is_no_activity_gets_400(bot_client: TestClient, sessionmaker: async_sessionmaker[AsyncSession], name: str) -> None:
    response = await bot_client.post(MESSAGES_PATH, data=BAD_BODIES[name], headers={"Content-Type": "application/json"})

    assert response.status == 400
    assert "error" in await response.json()
    assert await _state_rows(sessionmaker) == 0
    await _still_answers(bot_client)


async def test_a_body_over_the_size_limit_gets_413(bot_client: TestClient) -> None:
    response = await bot_client.post(MESSAGES_PATH, data=json.dumps(activity(text="x" * 300_000)), headers={"Content-Type": "application/json"})

    assert response.status == 413
    assert (await response.json())["error"]["code"] == "BodyTooLarge"
    await _still_answers(bot_client)


async def test_a_body_over_the_limit_without_a_content_length_gets_413(bot_client: TestClient) -> None:
    async def chunks() -> Any:
        for _ in range(40):
            yield b" " * 10_000

    response = await bot_client.post(MESSAGES_PATH, data=chunks(), headers={"Content-Type": "application/json"})

    assert response.status == 413


async def test_a_lone_surrogate_leaves_the_conversation_state_as_it_was(bot_client: TestClient, sessionmaker: async_sessionmaker[AsyncSession]) -> None:
    await send(bot_client, text="apu")
    async with sessionmaker() as session:
        before = (await session.execute(select(BotStateRow.key, BotStateRow.etag).order_by(BotStateRow.key))).all()

    response = await bot_client.post(MESSAGES_PATH, json=activity(text="hei \ud800"))

    assert response.status == 400
    async with sessionmaker() as session:
        assert (await session.execute(select(BotStateRow.key, BotStateRow.etag).order_by(BotStateRow.key))).all() == before


async def test_a_well_formed_mention_still_works(bot_client: TestClient) -> None:
    replies = await send(
        bot_client, text="<at>Palveluopas</at> apu", entities=[mention(mentioned={"id": "palveluopas", "name": "Palveluopas"}, text="<at>Palveluopas</at>")]
    )

    assert texts(replies)


async def test_a_value_nested_within_the_limit_is_accepted(bot_client: TestClient) -> None:
    response = await bot_client.post(MESSAGES_PATH, json=activity(value=nested(MAX_JSON_DEPTH - 3)))

    assert response.status == 200


# --- invokes --------------------------------------------------------------------------------


def invoke(name: str | None, value: Any = None) -> dict[str, Any]:
    return activity("invoke", name=name, value=value, expect_replies=False)


CARD_ERRORS = {
    "adaptiveCard/action without a value": (invoke("adaptiveCard/action"), "BadRequest"),
    "adaptiveCard/action without an action": (invoke("adaptiveCard/action", {"trigger": "manual"}), "BadRequest"),
    "adaptiveCard/action with action null": (invoke("adaptiveCard/action", {"action": None}), "BadRequest"),
    "adaptiveCard/action with a Submit action": (invoke("adaptiveCard/action", {"action": {"type": "Action.Submit", "verb": "x"}}), "BadRequest"),
    "adaptiveCard/action without data": (invoke("adaptiveCard/action", {"action": {"type": "Action.Execute"}}), "BadRequest"),
    "adaptiveCard/action with data of another bot": (invoke("adaptiveCard/action", {"action": {"type": "Action.Execute", "data": {"x": 1}}}), "BadRequest"),
    "adaptiveCard/action with an unknown verb": (
        invoke("adaptiveCard/action", {"action": {"type": "Action.Execute", "verb": "tuntematon", "data": {"pv": {}}}}),
        "NotSupported",
    ),
}


@pytest.mark.parametrize("name", list(CARD_ERRORS))
async def test_an_adaptive_card_action_the_bot_cannot_handle_gets_a_card_error_response(
    bot_client: TestClient, sessionmaker: async_sessionmaker[AsyncSession], name: str
) -> None:
    body, code = CARD_ERRORS[name]

    response = await bot_client.post(MESSAGES_PATH, json=body)

    # Universal Actions: HTTP 200 with the error in the body, which Teams shows on the card.
    assert response.status == 200
    answer = await response.json()
    assert answer["statusCode"] == 400
    assert answer["type"] == "application/vnd.microsoft.error"
    assert answer["value"]["code"] == code
    assert await _state_rows(sessionmaker) == 0


@pytest.mark.parametrize("value", [None, {}, "", {"id": "", "token": ""}, {"id": "x", "connectionName": "c", "token": "not-a-token"}])
async def test_a_token_exchange_gets_412_so_teams_falls_back_to_sign_in(bot_client: TestClient, value: Any) -> None:
    response = await bot_client.post(MESSAGES_PATH, json=invoke("signin/tokenExchange", value))

    assert response.status == 412
    answer = await response.json()
    assert answer["failureDetail"]
    assert "connectionName" in answer


@pytest.mark.parametrize("name", ["composeExtension/query", "task/fetch", "signin/verifyState", "healthCheck", "tuntematon", "", None])
async def test_an_unknown_invoke_gets_200_not_501(bot_client: TestClient, sessionmaker: async_sessionmaker[AsyncSession], name: str | None) -> None:
    response = await bot_client.post(MESSAGES_PATH, json=invoke(name, {"x": 1}))

    assert response.status == 200
    assert await _state_rows(sessionmaker) == 0
    await _still_answers(bot_client)


# --- the validator on its own ---------------------------------------------------------------


def test_a_complete_teams_message_passes() -> None:
    body = activity(
        text="<at>Palveluopas</at> hei",
        entities=[mention(mentioned={"id": "palveluopas", "name": "Palveluopas"}, text="<at>Palveluopas</at>"), {"type": "clientInfo", "locale": "fi-FI"}],
        channelData={"tenant": {"id": "t"}, "source": {"name": "message"}},
        attachments=[],
        localTimezone="Europe/Helsinki",
    )
    parsed = parse_body(json.dumps(body).encode())

    assert parsed == body
    assert check_activity(body) is None
    assert invoke_answer(body) is None


def test_an_invoke_the_bot_handles_is_left_to_the_turn() -> None:
    execute = {"type": "Action.Execute", "data": {"pv": {"dialog": "menu", "step": "menu", "action": "start", "value": "finder"}}}

    assert invoke_answer(invoke("adaptiveCard/action", {"action": execute})) is None
    assert invoke_answer(invoke("adaptiveCard/action", {"action": {**execute, "verb": "palveluopas"}})) is None
    assert invoke_answer(invoke("task/fetch"), frozenset({"task/fetch"})) is None


async def test_a_universal_action_of_the_bot_runs_its_turn(aiohttp_server: Any, bot_client: TestClient) -> None:
    async def accept(request: web.Request) -> web.Response:
        return web.json_response({"id": "reply"})

    channel = web.Application()
    channel.router.add_post("/v3/conversations/{conversation}/activities/{activity}", accept)
    channel.router.add_post("/v3/conversations/{conversation}/activities", accept)
    server = await aiohttp_server(channel)
    menu = {"pv": {"dialog": "menu", "step": "menu", "action": "start", "value": "finder"}}
    body = invoke("adaptiveCard/action", {"action": {"type": "Action.Execute", "verb": "palveluopas", "data": menu}})
    body["serviceUrl"] = str(server.make_url("/")).rstrip("/")

    response = await bot_client.post(MESSAGES_PATH, json=body)

    assert response.status == 200
    assert (await response.json())["statusCode"] == 200
