"""The adapter's answers to what botbuilder 4.17.1's CloudAdapter gets wrong.

Its `process` passes every InvokeResponse body through `serializer_helper`, which accepts
only msrest models; `process_activity` has already turned the expectReplies body into a
dict, so every expectReplies request, and every invoke answered with a plain JSON body,
became a 500 (microsoft/botbuilder-python#2156).
"""

from __future__ import annotations

import asyncio
import time
from typing import Any

import pytest
from aiohttp import web
from botbuilder.core import ActivityHandler, InvokeResponse, TurnContext
from botbuilder.integration.aiohttp import CloudAdapter, ConfigurationBotFrameworkAuthentication

from bot.service.adapter import PalveluopasAdapter, _BotFrameworkConfiguration
from bot.service.settings import Settings
from bot.ui.i18n import Strings
from tests.support.http import MESSAGES_PATH, activity


class EchoTypeBot(ActivityHandler):
    """Test-only: answers invokes with a plain JSON body and messages with one reply."""

    async def on_invoke_activity(self, turn_context: TurnContext) -> InvokeResponse:
        return InvokeResponse(status=200, body={"statusCode": 200, "type": "application/vnd.microsoft.activity.message", "value": "ok"})

    async def on_message_activity(self, turn_context: TurnContext) -> None:
        await turn_context.send_activity("vastaus")


def _app(adapter: CloudAdapter, bot: ActivityHandler | None = None) -> web.Application:
    bot = bot or EchoTypeBot()

    async def messages(request: web.Request) -> web.Response:
        response = await adapter.process(request, bot)
        assert response is not None
        return response

    app = web.Application()
    app.router.add_post(MESSAGES_PATH, messages)
    return app


async def _no_state(context: TurnContext) -> None:
    """Test-only: nothing to reset."""


def _ours(turn_invokes: frozenset[str] = frozenset()) -> PalveluopasAdapter:
    return PalveluopasAdapter(Settings(), Strings.load(), _no_state, turn_invokes=turn_invokes)


async def test_an_invoke_answered_with_a_plain_json_body_returns_that_body(aiohttp_client: Any) -> None:
    client = await aiohttp_client(_app(_ours(turn_invokes=frozenset({"adaptiveCard/action"}))))

    response = await client.post(
        MESSAGES_PATH,
        json=activity("invoke", name="adaptiveCard/action", value={"action": {"type": "Action.Execute", "data": {"pv": {}}}}, expect_replies=False),
    )

    assert response.status == 200
    assert await response.json() == {"statusCode": 200, "type": "application/vnd.microsoft.activity.message", "value": "ok"}


async def test_expect_replies_returns_the_replies(aiohttp_client: Any) -> None:
    client = await aiohttp_client(_app(_ours()))

    response = await client.post(MESSAGES_PATH, json=activity(text="hei"))

    assert response.status == 200
    assert [a["text"] for a in (await response.json())["activities"]] == ["vastaus"]


async def test_botbuilder_cloud_adapter_still_has_the_defect(aiohttp_client: Any) -> None:
    """When this fails, botbuilder has fixed `process`: our override of it can go."""
    upstream = CloudAdapter(ConfigurationBotFrameworkAuthentication(_BotFrameworkConfiguration(Settings())))
    client = await aiohttp_client(_app(upstream))

    response = await client.post(MESSAGES_PATH, json=activity(text="hei"))

    assert response.status == 500


async def _sent_apart(client: Any, texts: tuple[str, ...]) -> list[asyncio.Future[Any]]:
    """The messages sent 0.2 s apart, so each reaches the adapter before the next; their
    responses still to come."""
    sent = []
    for text in texts:
        sent.append(asyncio.ensure_future(client.post(MESSAGES_PATH, json=activity(text=text))))
        await asyncio.sleep(0.2)
    return sent


class _HeldBot(ActivityHandler):
    """Test-only: records the order turns start in; the turn "eka" waits until released."""

    def __init__(self) -> None:
        self.started: list[str] = []
        self.release = asyncio.Event()

    async def on_message_activity(self, turn_context: TurnContext) -> None:
        self.started.append(turn_context.activity.text or "")
        if turn_context.activity.text == "eka":
            await self.release.wait()
        await turn_context.send_activity("vastaus")


async def test_turns_past_the_limit_wait_and_run_in_the_order_they_came(aiohttp_client: Any) -> None:
    bot = _HeldBot()
    client = await aiohttp_client(_app(PalveluopasAdapter(Settings(turns_in_flight=1), Strings.load(), _no_state), bot))

    sent = await _sent_apart(client, ("eka", "toka", "kolmas"))
    assert bot.started == ["eka"]

    bot.release.set()
    responses = await asyncio.gather(*sent)

    assert [r.status for r in responses] == [200, 200, 200]
    assert bot.started == ["eka", "toka", "kolmas"]


class _StuckBot(ActivityHandler):
    """Test-only: a turn whose text starts with "odota" never finishes by itself."""

    def __init__(self) -> None:
        self.started: list[tuple[str, float]] = []

    async def on_message_activity(self, turn_context: TurnContext) -> None:
        self.started.append((turn_context.activity.text or "", time.monotonic()))
        if (turn_context.activity.text or "").startswith("odota"):
            await asyncio.Event().wait()
        await turn_context.send_activity("vastaus")


async def test_a_turn_that_waited_a_whole_deadline_runs_anyway(aiohttp_client: Any, caplog: pytest.LogCaptureFixture) -> None:
    bot = _StuckBot()
    client = await aiohttp_client(_app(PalveluopasAdapter(Settings(turns_in_flight=1, turn_timeout=1.0), Strings.load(), _no_state), bot))

    began = time.monotonic()
    responses = await asyncio.gather(*await _sent_apart(client, ("odota 1", "odota 2", "kolmas")))

    # "odota 2" got the place when "odota 1" hit its deadline (at 1 s) and holds it until its
    # own (at 2 s); "kolmas" had waited a whole deadline by 1.4 s and ran without the place.
    started = {text: at - began for text, at in bot.started}
    assert list(started) == ["odota 1", "odota 2", "kolmas"]
    assert 1.3 < started["kolmas"] < 1.9
    assert [r.status for r in responses] == [200, 200, 200]
    assert "turn_gate_full" in caplog.text
