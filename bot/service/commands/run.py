"""`palveluopas run`: serve the bot over HTTP on HOST:PORT (127.0.0.1:3978 by default).

Refuses to start, saying why on one screen, when the configuration or the knowledge base is
invalid or the database is not at the newest migration. SIGHUP reloads the knowledge base
(a broken edit is rejected and the running one kept).
"""

from __future__ import annotations

import argparse
import asyncio
import signal
import sys
from pathlib import Path
from typing import Any

from aiohttp import web

from bot.service import heap
from bot.service.app import KNOWLEDGE
from bot.service.commands.common import load_settings, ready_app
from bot.service.context import KnowledgeProvider
from bot.service.settings import Settings
from bot.store.snapshot_cache import saved_snapshot
from domain.logs import configure_logging
from knowledge.loader import KnowledgeBaseError
from knowledge.problems import format_problems


def register(subparsers: Any) -> None:
    parser = subparsers.add_parser("run", help="start the bot (HTTP, Bot Framework /api/messages)")
    parser.add_argument(
        "--prepare",
        action="store_true",
        help="validate and index the knowledge base into KNOWLEDGE_CACHE_DIR, then exit (an image build runs it, so every start reads the index)",
    )
    parser.set_defaults(handler=cmd_run)


def cmd_run(args: argparse.Namespace) -> int:
    settings = load_settings()
    if settings is None:
        return 2
    if args.prepare:
        return prepare(settings)
    configure_logging(settings.log_level)
    app = ready_app(settings)
    if app is None:
        return 2
    app.on_startup.append(_reload_on_sighup)
    # Last of the start-up steps, so what they built is settled too; /readyz answers after it.
    app.on_startup.append(_settle_heap)
    print(banner(settings, sys.argv[0]), flush=True)
    web.run_app(app, host=settings.host, port=settings.port, print=None, access_log=None)
    return 0


def prepare(settings: Settings) -> int:
    """What a first start does to the knowledge base (validate, index, save the index), and
    nothing else: no database, no server. A start that finds the saved index is ready in about
    half the time, which matters where every container start is a first one."""
    if settings.knowledge_cache is None:
        print("KNOWLEDGE_CACHE_DIR is off: there is nowhere to keep the index.", file=sys.stderr)
        return 2
    try:
        knowledge = KnowledgeProvider(settings.knowledge_root, settings.knowledge_cache)
    except KnowledgeBaseError as exc:
        print(f"The knowledge base in {settings.knowledge_root} is invalid.\n{format_problems(exc.problems)}", file=sys.stderr)
        return 2
    saved = saved_snapshot(settings.knowledge_root, settings.knowledge_cache)
    if saved is None:
        print(f"The index of knowledge base {knowledge.snapshot.kb.version} could not be saved in {settings.knowledge_cache}.", file=sys.stderr)
        return 1
    print(f"Knowledge base {knowledge.snapshot.kb.version} indexed: {saved}")
    return 0


def banner(settings: Settings, argv0: str) -> str:
    """What to do next, for THIS server: the chat command that talks to it (not one that
    would start a second bot), with the command spelled as it was started."""
    local = "127.0.0.1" if settings.host in ("0.0.0.0", "::", "") else settings.host  # noqa: S104 (compared, not bound)
    base = f"http://{local}:{settings.port}"
    command = _command(argv0)
    mode = "local mode: no app id, no authentication" if settings.local_mode else f"app id {settings.app_id}: Bot Framework tokens required"
    return (
        f"Palveluopas is listening on http://{settings.host}:{settings.port}/api/messages ({mode}).\n"
        f"  Chat with this server in another terminal:  {command} chat --url {base}\n"
        f'    (or: make chat CHAT_ARGS="--url {base}")\n'
        f"  Bot Framework Emulator:  open {base}/api/messages, leave app id and password empty\n"
        f"  Health: {base}/healthz   Readiness: {base}/readyz   Metrics: {base}/metrics\n"
        "Stop with Ctrl+C."
    )


def _command(argv0: str) -> str:
    """`.venv/bin/palveluopas` when started as that script (make run), else `palveluopas`."""
    path = Path(argv0)
    if path.name != "palveluopas":
        return "palveluopas"
    try:
        return str(path.resolve().relative_to(Path.cwd()))
    except ValueError:
        return str(path)


async def _reload_on_sighup(app: web.Application) -> None:
    loop = asyncio.get_running_loop()
    knowledge = app[KNOWLEDGE]

    def reload() -> None:
        # Off the loop: loading and indexing the knowledge base takes a moment.
        loop.run_in_executor(None, knowledge.reload)

    loop.add_signal_handler(signal.SIGHUP, reload)


async def _settle_heap(app: web.Application) -> None:
    heap.prepare_first_question()
    heap.settle()
    app[KNOWLEDGE].after_swap(heap.settle)
