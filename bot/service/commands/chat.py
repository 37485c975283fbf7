"""`palveluopas chat`: talk to the bot in a terminal.

Cards are shown as text with their buttons numbered; typing a number presses that button
(except on a card whose question reads a typed number itself, the age: there it is sent as
text, as in Teams), which sends the button's `data` as `activity.value` with no text. Anything
else is sent as a message. `/quit` or Ctrl+D ends the chat.

A card with input fields (the feedback's period and ratings): pressing a button that sends
them first asks for each empty field in turn, as a worker fills the card in Teams: a date as
d.m.yyyy, a choice by its number or title, Enter leaves a field empty. Fields the card
fills in itself (a justification to copy) are sent as they are.

The chat goes through the same HTTP endpoint and adapter as Teams and the Emulator, with
`deliveryMode: expectReplies` so that the replies come back in the response: by default to
an app started in this process on a free loopback port (same DATABASE_URL and knowledge as
`make run`), or with `--url` to a bot that is already running.
"""

from __future__ import annotations

import argparse
import asyncio
import re
import sys
import uuid
from collections.abc import AsyncIterator, Iterator, Mapping
from contextlib import asynccontextmanager
from dataclasses import dataclass, field
from typing import Any, Final, TextIO

import aiohttp
from aiohttp import web

from bot.service.commands.common import load_settings, ready_app
from bot.ui.cards.message import ADAPTIVE_CARD_CONTENT_TYPE
from bot.ui.cards.text import SubmitAction, render_card_text, submit_actions
from domain.logs import configure_logging

QUIT_WORDS: Final = frozenset({"/quit", "/exit"})
BOT_PREFIX: Final = "Palveluopas: "
USER_ID: Final = "terminal-user"
BOT_ID: Final = "palveluopas"


def register(subparsers: Any) -> None:
    parser = subparsers.add_parser("chat", help="talk to the bot in this terminal")
    parser.add_argument("--url", help="a running bot, e.g. http://127.0.0.1:3978 (default: start one in this process)")
    parser.add_argument("--locale", default="fi-FI", help="activity locale: fi-FI, sv-SE or en-US (default fi-FI)")
    parser.add_argument("--conversation", help="conversation id, to continue an earlier chat (default: a new one)")
    parser.set_defaults(handler=cmd_chat)


def cmd_chat(args: argparse.Namespace) -> int:
    settings = load_settings()
    if settings is None:
        return 2
    # Turn logs would interleave with the conversation; warnings and errors still show.
    configure_logging("WARNING")
    app = None
    if args.url is None:
        app = ready_app(settings)
        if app is None:
            return 2
    conversation = args.conversation or f"chat-{uuid.uuid4().hex[:12]}"
    try:
        asyncio.run(_chat(app, args.url, conversation, args.locale, sys.stdin, sys.stdout))
    except KeyboardInterrupt:
        print()
    return 0


@asynccontextmanager
async def _served(app: web.Application | None, url: str | None) -> AsyncIterator[str]:
    if app is None:
        assert url is not None
        yield url.rstrip("/")
        return
    runner = web.AppRunner(app, access_log=None)
    await runner.setup()
    try:
        site = web.TCPSite(runner, "127.0.0.1", 0)
        await site.start()
        host, port = runner.addresses[0][:2]
        yield f"http://{host}:{port}"
    finally:
        await runner.cleanup()


async def _chat(app: web.Application | None, url: str | None, conversation: str, locale: str, stdin: TextIO, stdout: TextIO) -> None:
    echo = not stdin.isatty()
    async with _served(app, url) as base, aiohttp.ClientSession() as session:
        chat = _Conversation(session, f"{base}/api/messages", conversation, locale)
        print(f"Palveluopas terminal chat (conversation {conversation}). A number presses a button; /quit ends.", file=stdout)
        shown = _show(await chat.post("conversationUpdate", membersAdded=[{"id": BOT_ID}, {"id": USER_ID}]), stdout)
        while True:
            line = await _ask("> ", stdin, stdout, echo)
            if line is None:
                stdout.write("\n")
                break
            if line in QUIT_WORDS:
                break
            if not line:
                continue
            chosen = next((a for a in shown.actions if line == str(a.number)), None)
            if chosen is not None:
                text, value = activity_fields(chosen.data)
                fields = shown.fields.get(chosen.number or 0, [])
                if fields and isinstance(value, dict):
                    value = {**value, **await _fill(fields, stdin, stdout, echo)}
                replies = await chat.post("message", text=text, value=value)
            else:
                replies = await chat.post("message", text=line)
            shown = _show(replies, stdout)


async def _ask(prompt: str, stdin: TextIO, stdout: TextIO, echo: bool) -> str | None:
    """A line typed after `prompt`, stripped; None at the end of input."""
    stdout.write(prompt)
    stdout.flush()
    line = await asyncio.to_thread(stdin.readline)
    if not line:
        return None
    if echo:
        stdout.write(f"{line.strip()}\n")
    return line.strip()


@dataclass(frozen=True)
class _Field:
    id: str
    label: str
    kind: str
    choices: tuple[tuple[str, str], ...] = ()
    """(title, value) of a choice set's options."""


_FINNISH_DATE: Final = re.compile(r"^(\d{1,2})\.(\d{1,2})\.(\d{4})$")


async def _fill(fields: list[_Field], stdin: TextIO, stdout: TextIO, echo: bool) -> dict[str, str]:
    """The card's empty input fields as the user fills them in; Enter leaves one empty."""
    values: dict[str, str] = {}
    for f in fields:
        if any(title != value for title, value in f.choices):  # a 1-5 scale needs no list
            for number, (title, _) in enumerate(f.choices, 1):
                stdout.write(f"    {number}) {title}\n")
        hint = " (d.m.yyyy)" if f.kind == "Input.Date" else ""
        typed = await _ask(f"  ? {f.label}{hint}: ", stdin, stdout, echo)
        if not typed:
            continue
        if f.choices:
            picked = [value for number, (title, value) in enumerate(f.choices, 1) if typed in (str(number), title, value)]
            values[f.id] = picked[0] if picked else typed
        elif f.kind == "Input.Date" and (date := _FINNISH_DATE.match(typed)):
            day, month, year = date.groups()
            values[f.id] = f"{year}-{int(month):02d}-{int(day):02d}"
        else:
            values[f.id] = typed
    return values


class _Conversation:
    def __init__(self, session: aiohttp.ClientSession, endpoint: str, conversation: str, locale: str) -> None:
        self._session = session
        self._endpoint = endpoint
        self._conversation = conversation
        self._locale = locale
        self._count = 0

    async def post(self, type: str, *, text: str | None = None, value: Any = None, **extra: Any) -> list[dict[str, Any]] | str:
        self._count += 1
        body: dict[str, Any] = {
            "type": type,
            "id": f"{self._conversation}-{self._count}",
            "channelId": "emulator",
            "serviceUrl": "http://127.0.0.1:9/unused",
            "deliveryMode": "expectReplies",
            "conversation": {"id": self._conversation},
            "from": {"id": USER_ID, "name": "Terminal"},
            "recipient": {"id": BOT_ID, "name": "Palveluopas"},
            "locale": self._locale,
            **extra,
        }
        if text is not None:
            body["text"] = text
        if value is not None:
            body["value"] = value
        async with self._session.post(self._endpoint, json=body) as response:
            if response.status != 200:
                return f"(the bot answered HTTP {response.status})"
            return list((await response.json()).get("activities") or [])


def activity_fields(data: Any) -> tuple[str | None, Any]:
    """(text, value) of the message Teams sends when a button with this `data` is pressed.

    Plain Action.Submit data comes back as `value`; `msteams` imBack and messageBack data
    come back as the text the button carries.
    """
    teams = data.get("msteams") if isinstance(data, dict) else None
    if isinstance(teams, dict) and teams.get("type") == "imBack":
        return str(teams.get("value", "")), None
    if isinstance(teams, dict) and teams.get("type") == "messageBack":
        return teams.get("text"), teams.get("value")
    return None, data


@dataclass
class _Shown:
    actions: list[SubmitAction] = field(default_factory=list)
    fields: dict[int, list[_Field]] = field(default_factory=dict)
    """Per button number: the empty input fields its card sends with it."""


def _show(replies: list[dict[str, Any]] | str, stdout: TextIO) -> _Shown:
    shown = _Shown()
    if isinstance(replies, str):
        print(replies, file=stdout)
        return shown
    for reply in replies:
        if reply.get("type") != "message":
            continue
        if reply.get("text"):
            print(f"{BOT_PREFIX}{reply['text']}", file=stdout)
        for attachment in reply.get("attachments") or ():
            if attachment.get("contentType") != ADAPTIVE_CARD_CONTENT_TYPE:
                print(f"  ({attachment.get('contentType')})", file=stdout)
                continue
            card = attachment.get("content") or {}
            first = sum(1 for a in shown.actions if a.number is not None) + 1
            print(_indent(render_card_text(card, first)), file=stdout)
            actions = submit_actions(card, first)
            fields = list(_input_fields(card))
            for action in actions:
                if fields and action.number is not None and action.sends_inputs:
                    shown.fields[action.number] = fields
            shown.actions.extend(actions)
    return shown


def _walk(node: Any) -> Iterator[Mapping[str, Any]]:
    """Every object under `node`, depth first."""
    if isinstance(node, Mapping):
        yield node
        for child in node.values():
            yield from _walk(child)
    elif isinstance(node, list):
        for child in node:
            yield from _walk(child)


def _input_fields(card: Mapping[str, Any]) -> Iterator[_Field]:
    for element in _walk(card.get("body") or []):
        kind = element.get("type")
        if not (isinstance(kind, str) and kind.startswith("Input.") and element.get("id")) or element.get("value") not in (None, ""):
            continue
        choices = tuple((str(c.get("title", "")), str(c.get("value", ""))) for c in element.get("choices") or () if isinstance(c, Mapping))
        label = str(element.get("label") or element.get("placeholder") or element["id"])
        yield _Field(str(element["id"]), label, kind, choices)


def _indent(text: str) -> str:
    return "\n".join(f"  | {line}" if line else "  |" for line in text.splitlines())
