"""Turn latency and throughput over HTTP, against an echo bot on the same adapter as the floor.

Run: `.venv/bin/python bench/turns.py` (SQLite and PostgreSQL; `--db sqlite` for one,
`--quick` for a short run). Prints figures, asserts nothing (machines vary).

How it measures:

- The bot is the real server (`palveluopas run`, real knowledge base, INFO logging to a
  discarded stdout) on 127.0.0.1, on a fresh migrated database; the floor is an echo bot
  served the same way by this file (`serve-echo`) on the same `PalveluopasAdapter` with the
  same middleware. This process drives both over HTTP with one pooled keep-alive client:
  the servers run in processes of their own.
- Cold start: from launching `palveluopas run` to the first `/readyz` 200, twice: a first
  start ever (no knowledge cache: validates, indexes and saves the knowledge base) and a
  start that finds it (every later start of a deployment).
- Turn kinds: an onboarding question (a FAQ phrasing), the same question as the first
  message of a new conversation by a new user, a situation question (free text about a
  child), a guided step (pressing the first answer of the service finder's first question:
  state read and written), a card submit (a help-card button), the help card (`apu`), a
  feedback-dialog step (typing the provider's name in a report begun with its service named:
  matched against the providers in the database). Set-up turns a kind needs (starting the
  finder or the report, showing the help card) are sent untimed.
- Delivery modes: `expectReplies` (replies in the HTTP response) and normal delivery, where
  replies are POSTed to a loopback Bot Connector served by this process (the request's
  latency then includes delivering the replies).
- Concurrency 1 and 16: that many workers, each its own conversation, each sending its
  next request when the last one answered. Counts and time are bounded (COUNTS, TIME_CAP).
- Load: 200 conversations at once, 10 turns each (a mix of the kinds but the first message,
  which every conversation begins with anyway), expectReplies.
- Memory: the bot server's resident set (VmRSS) once it has served 5,000 and 10,000 turns.
"""

from __future__ import annotations

import argparse
import asyncio
import itertools
import json
import os
import platform
import shutil
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
import uuid
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import aiohttp
from aiohttp import web

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from bot.ui.cards.text import submit_actions  # noqa: E402

POSTGRES_BASE = os.environ.get("BENCH_POSTGRES_URL", "postgresql+asyncpg://postgres@127.0.0.1:5432/postgres")
TIME_CAP = 20.0
"""Seconds at most per measured cell."""
COUNTS = {1: 150, 16: 480}
QUICK_COUNTS = {1: 40, 16: 160}
ONBOARDING = "Missä ajassa lastensuojeluilmoitus pitää käsitellä?"
SITUATION = "13-vuotias nuori oireilee koulussa ja kotona, vanhemmat tarvitsevat tukea kasvatukseen"
_ids = itertools.count(1)


# --- the echo floor ---------------------------------------------------------------------------


def serve_echo(port: int, database_url: str) -> None:
    """The floor: botbuilder's ActivityHandler echoing the text, on our adapter and middleware."""
    from botbuilder.core import ActivityHandler, TurnContext

    from bot.service.adapter import PalveluopasAdapter
    from bot.service.connector import BotConnector
    from bot.service.middleware import TurnLogMiddleware, TypingMiddleware
    from bot.service.settings import Settings
    from bot.ui.i18n import Strings
    from domain.logs import configure_logging

    class Echo(ActivityHandler):  # type: ignore[misc]
        async def on_message_activity(self, turn_context: TurnContext) -> None:
            await turn_context.send_activity(turn_context.activity.text or "")

    async def reset(context: TurnContext) -> None:
        return None

    settings = Settings(port=port, database_url=database_url)
    configure_logging(settings.log_level)
    connector = BotConnector()
    adapter = PalveluopasAdapter(settings, Strings.load(), reset, connector)
    adapter.use(TurnLogMiddleware())
    adapter.use(TypingMiddleware())
    bot = Echo()

    async def messages(request: web.Request) -> web.Response:
        return await adapter.process(request, bot)

    async def ready(request: web.Request) -> web.Response:
        return web.json_response({"status": "ready"})

    async def close(app: web.Application) -> None:
        await connector.close()

    app = web.Application()
    app.router.add_post("/api/messages", messages)
    app.router.add_get("/readyz", ready)
    app.on_cleanup.append(close)
    web.run_app(app, host="127.0.0.1", port=port, print=None, access_log=None)


# --- servers and databases --------------------------------------------------------------------


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@dataclass
class Server:
    process: subprocess.Popen[bytes]
    port: int
    cold_start: float

    @property
    def base(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def rss_mb(self) -> float:
        for line in Path(f"/proc/{self.process.pid}/status").read_text().splitlines():
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
        return float("nan")

    def stop(self) -> None:
        self.process.terminate()
        try:
            self.process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            self.process.kill()


def start_server(kind: str, database_url: str, cache: Path | None = None) -> Server:
    port = _free_port()
    env = {**os.environ, "DATABASE_URL": database_url, "PORT": str(port), "HOST": "127.0.0.1", "LOG_LEVEL": "INFO"}
    env["KNOWLEDGE_CACHE_DIR"] = str(cache) if cache is not None else "off"
    if kind == "bot":
        command = [str(Path(sys.executable).parent / "palveluopas"), "run"]
    else:
        command = [sys.executable, str(Path(__file__).resolve()), "serve-echo", "--port", str(port), "--database-url", database_url]
    started = time.monotonic()
    process = subprocess.Popen(command, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, cwd=ROOT)
    url = f"http://127.0.0.1:{port}/readyz"
    while time.monotonic() - started < 60:
        if process.poll() is not None:
            raise RuntimeError(f"the {kind} server exited with {process.returncode}")
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=0.2):
                pass
            with urllib.request.urlopen(url, timeout=2) as response:
                if response.status == 200:
                    return Server(process, port, time.monotonic() - started)
        except OSError:
            time.sleep(0.02)
    process.kill()
    raise RuntimeError(f"the {kind} server was not ready within 60 s")


def prepare_database(kind: str, folder: Path) -> tuple[str, Callable[[], None]]:
    """A fresh migrated database and how to remove it."""
    from sqlalchemy import make_url

    from bot.store.migrations import upgrade_to_head

    if kind == "sqlite":
        url = f"sqlite+aiosqlite:///{folder / 'bench.db'}"
        upgrade_to_head(url)
        return url, lambda: None
    import asyncpg

    name = f"pv_bench_{uuid.uuid4().hex[:10]}"
    dsn = make_url(POSTGRES_BASE).set(drivername="postgresql").render_as_string(hide_password=False)

    async def execute(statement: str) -> None:
        connection = await asyncpg.connect(dsn, timeout=5)
        try:
            await connection.execute(statement)
        finally:
            await connection.close()

    asyncio.run(execute(f'CREATE DATABASE "{name}"'))
    url = make_url(POSTGRES_BASE).set(database=name).render_as_string(hide_password=False)
    upgrade_to_head(url)
    return url, lambda: asyncio.run(execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))


# --- the driver -------------------------------------------------------------------------------


@dataclass
class Channel:
    """A loopback Bot Connector: normal-delivery replies land here."""

    received: int = 0
    runner: web.AppRunner | None = None
    port: int = 0

    async def start(self) -> None:
        async def handle(request: web.Request) -> web.Response:
            await request.read()
            self.received += 1
            return web.json_response({"id": f"r{self.received}"})

        app = web.Application()
        app.router.add_post("/v3/conversations/{c}/activities", handle)
        app.router.add_post("/v3/conversations/{c}/activities/{a}", handle)
        self.runner = web.AppRunner(app, access_log=None)
        await self.runner.setup()
        self.port = _free_port()
        await web.TCPSite(self.runner, "127.0.0.1", self.port).start()

    @property
    def service_url(self) -> str:
        return f"http://127.0.0.1:{self.port}"


@dataclass
class Worker:
    session: aiohttp.ClientSession
    base: str
    conversation: str
    service_url: str
    errors: list[str] = field(default_factory=list)

    def body(self, *, text: str | None = None, value: Any = None, expect_replies: bool = True) -> dict[str, Any]:
        body: dict[str, Any] = {
            "type": "message",
            "id": f"a{next(_ids)}",
            "channelId": "msteams",
            "serviceUrl": self.service_url,
            "conversation": {"id": self.conversation},
            "from": {"id": f"user-{self.conversation}"},
            "recipient": {"id": "palveluopas"},
            "locale": "fi-FI",
        }
        if text is not None:
            body["text"] = text
        if value is not None:
            body["value"] = value
        if expect_replies:
            body["deliveryMode"] = "expectReplies"
        return body

    async def post(self, body: dict[str, Any]) -> tuple[int, list[dict[str, Any]]]:
        async with self.session.post(f"{self.base}/api/messages", json=body) as response:
            payload = await response.read()
            if response.status >= 300:
                self.errors.append(str(response.status))
            if response.status == 200 and payload:
                return response.status, list(json.loads(payload).get("activities") or [])
            return response.status, []

    async def first_button(self, text: str, skip: tuple[str, ...] = ("Takaisin", "Peruuta", "Ohje")) -> Any:
        _, replies = await self.post(self.body(text=text))
        for reply in replies:
            for attachment in reply.get("attachments") or ():
                for action in submit_actions(attachment.get("content") or {}):
                    if action.title not in skip:
                        return action.data
        self.errors.append(f"no button after {text!r}")
        return None


def _text_kind(text: str) -> Callable[[Worker, bool], Awaitable[dict[str, Any]]]:
    async def make(worker: Worker, expect: bool) -> dict[str, Any]:
        return worker.body(text=text, expect_replies=expect)

    return make


async def _guided(worker: Worker, expect: bool) -> dict[str, Any]:
    value = await worker.first_button("valitse palvelu")
    return worker.body(value=value, expect_replies=expect)


async def _card_submit(worker: Worker, expect: bool) -> dict[str, Any]:
    value = await worker.first_button("apu", skip=())
    return worker.body(value=value, expect_replies=expect)


async def _feedback_step(worker: Worker, expect: bool) -> dict[str, Any]:
    # Begun with the service named, the dialog's next step asks for the provider's name: the
    # typed name is matched against the providers in the database.
    await worker.post(worker.body(text="palaute perhetyö"))
    return worker.body(text="Esimerkki Oy", expect_replies=expect)


async def _first_message(worker: Worker, expect: bool) -> dict[str, Any]:
    # In Teams every new channel thread and group chat is a new conversation: a worker's
    # question is often its first message, which also records the user and the reference.
    body = worker.body(text=ONBOARDING, expect_replies=expect)
    fresh = f"{worker.conversation}-{next(_ids)}"
    body["conversation"] = {"id": fresh}
    body["from"] = {"id": f"user-{fresh}"}
    return body


async def _echo(worker: Worker, expect: bool) -> dict[str, Any]:
    return worker.body(text="kaiku", expect_replies=expect)


KINDS: dict[str, Callable[[Worker, bool], Awaitable[dict[str, Any]]]] = {
    "onboarding question": _text_kind(ONBOARDING),
    "first message (new conversation)": _first_message,
    "situation question": _text_kind(SITUATION),
    "guided step": _guided,
    "card submit": _card_submit,
    "help card": _text_kind("apu"),
    "feedback step": _feedback_step,
}


@dataclass
class Cell:
    database: str
    server: str
    mode: str
    concurrency: int
    kind: str
    latencies: list[float]
    elapsed: float
    errors: int

    @property
    def rate(self) -> float:
        return len(self.latencies) / self.elapsed if self.elapsed else 0.0

    def quantile(self, q: float) -> float:
        ordered = sorted(self.latencies)
        return ordered[min(len(ordered) - 1, int(q * len(ordered)))] * 1000 if ordered else float("nan")


async def measure(
    session: aiohttp.ClientSession,
    server: Server,
    channel: Channel,
    database: str,
    label: str,
    kind: str,
    make: Callable[[Worker, bool], Awaitable[dict[str, Any]]],
    expect: bool,
    concurrency: int,
    count: int,
) -> Cell:
    latencies: list[float] = []
    workers = [
        Worker(session, server.base, f"{label}-{kind[:4]}-{concurrency}-{expect}-{n}-{uuid.uuid4().hex[:6]}", channel.service_url) for n in range(concurrency)
    ]
    remaining = count
    started = time.monotonic()
    deadline = started + TIME_CAP

    async def run(worker: Worker) -> None:
        nonlocal remaining
        while remaining > 0 and time.monotonic() < deadline:
            remaining -= 1
            body = await make(worker, expect)
            sent = time.perf_counter()
            await worker.post(body)
            latencies.append(time.perf_counter() - sent)

    await asyncio.gather(*(run(worker) for worker in workers))
    elapsed = time.monotonic() - started
    # Set-up turns are outside the latencies but inside the elapsed time; the rate counts timed
    # turns over the time the timed turns took, summed per worker and spread over the workers.
    busy = sum(latencies) / concurrency
    return Cell(database, label, "expectReplies" if expect else "normal", concurrency, kind, latencies, busy or elapsed, sum(len(w.errors) for w in workers))


async def load(session: aiohttp.ClientSession, server: Server, channel: Channel, conversations: int = 200, turns: int = 10) -> tuple[Cell, int]:
    latencies: list[float] = []
    # The mix of the earlier runs, so their figures compare; each conversation's first turn
    # is a first message anyway.
    kinds = [make for name, make in KINDS.items() if make is not _first_message]
    workers = [Worker(session, server.base, f"load-{n}-{uuid.uuid4().hex[:6]}", channel.service_url) for n in range(conversations)]

    async def run(number: int, worker: Worker) -> None:
        for turn in range(turns):
            body = await kinds[(number + turn) % len(kinds)](worker, True)
            sent = time.perf_counter()
            await worker.post(body)
            latencies.append(time.perf_counter() - sent)

    started = time.monotonic()
    await asyncio.gather(*(run(n, w) for n, w in enumerate(workers)))
    server_errors = sum(1 for w in workers for e in w.errors if e.startswith("5"))
    return Cell(
        "", "bot", "expectReplies", conversations, "200 conversations x 10 turns", latencies, time.monotonic() - started, sum(len(w.errors) for w in workers)
    ), server_errors


async def drive(database: str, bot: Server, echo: Server, counts: dict[int, int]) -> tuple[list[Cell], dict[str, Any]]:
    channel = Channel()
    await channel.start()
    cells: list[Cell] = []
    extra: dict[str, Any] = {}
    connector = aiohttp.TCPConnector(limit=256, limit_per_host=256, keepalive_timeout=60)
    async with aiohttp.ClientSession(connector=connector, timeout=aiohttp.ClientTimeout(total=60)) as session:
        for expect in (True, False):
            for concurrency in (1, 16):
                floor = await measure(session, echo, channel, database, "echo", "echo", _echo, expect, concurrency, counts[concurrency])
                cells.append(floor)
                for kind, make in KINDS.items():
                    cells.append(await measure(session, bot, channel, database, "bot", kind, make, expect, concurrency, counts[concurrency]))
                print(f"  {database}: {'expectReplies' if expect else 'normal'} c={concurrency} done", file=sys.stderr, flush=True)
        cell, server_errors = await load(session, bot, channel)
        cell.database = database
        cells.append(cell)
        extra["load_5xx"] = server_errors
        # Memory: count every turn the bot has served (timed and set-up), then top up.
        served = _served(cells)
        for target in (5000, 10000):
            if served < target:
                await measure(session, bot, channel, database, "bot", "memory", KINDS["onboarding question"], True, 16, target - served)
                served = target
            extra[f"rss_{target}"] = bot.rss_mb()
    await channel.runner.cleanup() if channel.runner else None
    return cells, extra


def _served(cells: list[Cell]) -> int:
    setup = {"guided step": 1, "card submit": 1}
    return sum(len(c.latencies) * (1 + setup.get(c.kind, 0)) for c in cells if c.server == "bot")


# --- report -----------------------------------------------------------------------------------


def report(cells: list[Cell], extras: dict[str, dict[str, Any]], cold: dict[str, tuple[float, float]]) -> str:
    lines = [
        f"Machine: {os.cpu_count()} CPUs (nproc {_nproc()}), {_cpu_model()}, Python {platform.python_version()}; load average {os.getloadavg()[0]:.1f} at the end",
        "",
        "| database | mode | conc. | turn | n | req/s | p50 ms | p95 ms | p99 ms | p50 / floor | req/s / floor | errors |",
        "| --- | --- | ---: | --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |",
    ]
    floors = {(c.database, c.mode, c.concurrency): c for c in cells if c.server == "echo"}
    for c in cells:
        if c.kind.startswith("200 conversations"):
            continue
        floor = floors.get((c.database, c.mode, c.concurrency))
        ratio = f"{c.quantile(0.5) / floor.quantile(0.5):.2f}" if floor and c.server != "echo" else "floor"
        rate_ratio = f"{c.rate / floor.rate:.2f}" if floor and c.server != "echo" and floor.rate else "floor"
        name = "echo (floor)" if c.server == "echo" else c.kind
        lines.append(
            f"| {c.database} | {c.mode} | {c.concurrency} | {name} | {len(c.latencies)} | {c.rate:.0f} | {c.quantile(0.5):.1f} | {c.quantile(0.95):.1f} | {c.quantile(0.99):.1f} | {ratio} | {rate_ratio} | {c.errors} |"
        )
    lines.append("")
    for c in cells:
        if c.kind.startswith("200 conversations"):
            lines.append(
                f"- {c.database}: 200 conversations x 10 turns at once: {len(c.latencies)} turns in {c.elapsed:.1f} s "
                f"({c.rate:.0f}/s), p50 {c.quantile(0.5):.0f} ms, p95 {c.quantile(0.95):.0f} ms, p99 {c.quantile(0.99):.0f} ms, "
                f"errors {c.errors} (5xx {extras[c.database]['load_5xx']})"
            )
    for database, extra in extras.items():
        lines.append(f"- {database}: bot server resident memory {extra['rss_5000']:.0f} MB after 5,000 turns, {extra['rss_10000']:.0f} MB after 10,000")
    for database, (first, cached) in cold.items():
        lines.append(
            f"- {database}: cold start (launch to /readyz 200) {cached:.2f} s with the indexed knowledge base of an earlier start;"
            f" {first:.2f} s for a first start ever (validates, indexes and saves it)"
        )
    return "\n".join(lines)


def _nproc() -> str:
    try:
        return subprocess.run(["nproc"], capture_output=True, text=True, check=True).stdout.strip()
    except (OSError, subprocess.CalledProcessError):
        return "?"


def _cpu_model() -> str:
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or "unknown CPU"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    sub = parser.add_subparsers(dest="command")
    echo = sub.add_parser("serve-echo")
    echo.add_argument("--port", type=int, required=True)
    echo.add_argument("--database-url", required=True)
    parser.add_argument("--db", default="sqlite,postgres", help="comma-separated: sqlite, postgres")
    parser.add_argument("--quick", action="store_true", help="fewer turns per cell")
    args = parser.parse_args()
    if args.command == "serve-echo":
        serve_echo(args.port, args.database_url)
        return 0
    counts = QUICK_COUNTS if args.quick else COUNTS
    cells: list[Cell] = []
    extras: dict[str, dict[str, Any]] = {}
    cold: dict[str, tuple[float, float]] = {}
    for database in args.db.split(","):
        folder = Path(tempfile.mkdtemp(prefix="pv-bench-"))
        url, remove = prepare_database(database, folder)
        bot = echo_server = None
        try:
            # The first start builds the knowledge cache, the second reads it (as every later
            # start of a deployment does); the second serves the measurements.
            first = start_server("bot", url, folder / "cache")
            first.stop()
            bot = start_server("bot", url, folder / "cache")
            cold[database] = (first.cold_start, bot.cold_start)
            echo_server = start_server("echo", url)
            found, extra = asyncio.run(drive(database, bot, echo_server, counts))
            cells += found
            extras[database] = extra
        finally:
            for server in (bot, echo_server):
                if server is not None:
                    server.stop()
            remove()
            shutil.rmtree(folder, ignore_errors=True)
    print(report(cells, extras, cold))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
