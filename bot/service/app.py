"""The aiohttp application: `create_app(settings)` builds a complete, independent bot.

Routes:

* `POST /api/messages`: Bot Framework activities (Teams, the Emulator, the terminal chat).
* `GET /healthz`: the process is up.
* `GET /readyz`: the database answers and a knowledge base is loaded (503 otherwise).
* `GET /metrics`: Prometheus metrics of this process (`bot/service/metrics.py`).
* `POST /admin/reload`: reload the knowledge base; only in local mode (no app id) or with
  `Authorization: Bearer <ADMIN_TOKEN>`, otherwise 404. SIGHUP does the same (`palveluopas run`).
* `GET /exports/{token}`: a one-time export download (`bot/service/exports.py`).

The campaigns' outbox worker runs inside the app (`bot/service/campaign_app.py`), started
after the bot is assembled and stopped before the database engine is disposed of.

The database engine lives in a `cleanup_ctx`, so it is created on the running loop and
disposed of when the app stops; nothing is created at import time.
"""

from __future__ import annotations

import asyncio
import hmac
import logging
from collections.abc import AsyncIterator, Callable, Mapping
from http import HTTPStatus
from typing import Final

from aiohttp import web
from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncEngine

from bot.service import campaign_app
from bot.service.adapter import PalveluopasAdapter, connector_tokens
from bot.service.connector import BotConnector, ConnectorLimits
from bot.service.context import BotServices, KnowledgeProvider
from bot.service.feedback_desk import FeedbackDesk
from bot.service.handler import PalveluopasBot, TurnPorts
from bot.service.metrics import CONTENT_TYPE, Metrics
from bot.service.middleware import TurnLogMiddleware, TypingMiddleware
from bot.service.outbox import Clock
from bot.service.references import ConversationReferenceMiddleware
from bot.service.retention import prune_periodically
from bot.service.settings import Settings
from bot.service.unwinding import Unwinding
from bot.store.db import create_engine, create_sessionmaker
from bot.store.dedup import ActivityLog
from bot.store.feedback import FeedbackStore
from bot.store.people import PeopleStore
from bot.store.storage import SqlStorage
from bot.store.turn_rows import close_rows
from bot.ui.i18n import Strings
from dialogs.engine import Engine
from dialogs.features import build_engine
from domain.logs import log_event
from knowledge.problems import format_problems

log = logging.getLogger(__name__)

EngineFactory = Callable[[], Engine]

SETTINGS: Final = web.AppKey("settings", Settings)
KNOWLEDGE: Final = web.AppKey("knowledge", KnowledgeProvider)
ENGINE: Final = web.AppKey("engine", AsyncEngine)
SERVICES: Final = web.AppKey("services", BotServices)
ADAPTER: Final = web.AppKey("adapter", PalveluopasAdapter)
CONNECTOR: Final = web.AppKey("connector", BotConnector)
BOT: Final = web.AppKey("bot", PalveluopasBot)
METRICS: Final = web.AppKey("metrics", Metrics)
UNWINDING: Final = web.AppKey("unwinding", Unwinding)

READY_TIMEOUT_SECONDS: Final = 3.0
RETENTION_STOP_SECONDS: Final = 10.0


def create_app(
    settings: Settings, *, engine_factory: EngineFactory | None = None, knowledge: KnowledgeProvider | None = None, clock: Clock | None = None
) -> web.Application:
    """The bot as an aiohttp app. Raises `KnowledgeBaseError` when the knowledge base is invalid.

    `engine_factory` replaces the dialogs (tests); `knowledge` shares an already loaded
    knowledge base between apps (tests build many); `clock` is the campaigns' time (tests).
    """
    app = web.Application(client_max_size=settings.max_body_bytes)
    app[SETTINGS] = settings
    app[KNOWLEDGE] = knowledge or KnowledgeProvider(settings.knowledge_root, settings.knowledge_cache)
    app[METRICS] = Metrics()
    app.cleanup_ctx.append(_database)
    app.cleanup_ctx.append(_connector)
    app.cleanup_ctx.append(_bot(engine_factory))
    app.cleanup_ctx.append(_retention)
    app.router.add_post("/api/messages", messages)
    app.router.add_get("/healthz", healthz)
    app.router.add_get("/readyz", readyz)
    app.router.add_get("/metrics", metrics)
    app.router.add_post("/admin/reload", admin_reload)
    campaign_app.install(app, SERVICES, CONNECTOR, clock, metrics=app[METRICS])
    return app


async def _database(app: web.Application) -> AsyncIterator[None]:
    settings = app[SETTINGS]
    engine = create_engine(settings.database_url, timeout=settings.database_timeout)
    app[ENGINE] = engine
    app[UNWINDING] = Unwinding()
    yield
    left = await app[UNWINDING].drain()
    if left:
        log_event(log, "shutdown_unwinding", level=logging.WARNING, tasks_left=left)
    await close_rows(engine)
    await engine.dispose()


async def _connector(app: web.Application) -> AsyncIterator[None]:
    settings = app[SETTINGS]
    limits = ConnectorLimits(call_timeout=settings.connector_timeout, connect_timeout=min(1.5, settings.connector_timeout))
    app[CONNECTOR] = BotConnector(tokens=connector_tokens(settings), limits=limits)
    yield
    await app[CONNECTOR].close()


def _bot(engine_factory: EngineFactory | None) -> Callable[[web.Application], AsyncIterator[None]]:
    async def assemble(app: web.Application) -> AsyncIterator[None]:
        settings = app[SETTINGS]
        strings = Strings.load()
        knowledge = app[KNOWLEDGE]
        services = BotServices(settings=settings, strings=strings, knowledge=knowledge, sessionmaker=create_sessionmaker(app[ENGINE]))
        storage = SqlStorage(services.sessionmaker)
        people = PeopleStore(services.sessionmaker, settings.admins)
        feedback = FeedbackStore(services.sessionmaker)
        campaigns = campaign_app.campaign_desk(app, services, people, feedback, app[CONNECTOR])
        desk = FeedbackDesk(people, feedback, app[CONNECTOR], strings, knowledge, campaign_answered=campaigns.answered)
        ports = TurnPorts(services.sessionmaker, desk=desk, campaigns=campaigns, clock=campaigns.clock)
        bot = PalveluopasBot((engine_factory or build_engine)(), storage, strings, lambda: knowledge.snapshot, ports, metrics=app[METRICS])
        adapter = PalveluopasAdapter(settings, strings, bot.reset, app[CONNECTOR], seen=ActivityLog(services.sessionmaker), unwinding=app[UNWINDING])
        adapter.use(TurnLogMiddleware(app[METRICS]))
        adapter.use(TypingMiddleware())
        adapter.use(ConversationReferenceMiddleware(people))
        app[SERVICES] = services
        app[ADAPTER] = adapter
        app[BOT] = bot
        yield

    return assemble


async def _retention(app: web.Application) -> AsyncIterator[None]:
    """Retention runs inside the app too, so no scheduler is needed beside it."""
    stop = asyncio.Event()
    task = asyncio.create_task(prune_periodically(app[ENGINE], app[SETTINGS].retention_days, stop))
    yield
    stop.set()
    try:
        await asyncio.wait_for(asyncio.shield(task), RETENTION_STOP_SECONDS)
    except TimeoutError:  # a prune stuck on a frozen database: leave it
        app[UNWINDING].leave(task)


async def messages(request: web.Request) -> web.Response:
    return await request.app[ADAPTER].process(request, request.app[BOT])


async def healthz(request: web.Request) -> web.Response:
    return web.json_response({"status": "ok"})


async def metrics(request: web.Request) -> web.Response:
    # Served on the bot's port like /healthz; the proxy does not publish it (deploy/Caddyfile).
    response = web.Response(body=request.app[METRICS].render())
    response.headers["Content-Type"] = CONTENT_TYPE
    return response


async def readyz(request: web.Request) -> web.Response:
    database = await _database_state(request.app[ENGINE], request.app[UNWINDING])
    snapshot = request.app[KNOWLEDGE].snapshot
    knowledge: Mapping[str, object] = {"version": snapshot.kb.version, "services": len(snapshot.kb.services)}
    ready = database == "ok"
    return web.json_response(
        {"status": "ready" if ready else "not_ready", "database": database, "knowledge": knowledge},
        status=HTTPStatus.OK if ready else HTTPStatus.SERVICE_UNAVAILABLE,
    )


async def _database_state(engine: AsyncEngine, unwinding: Unwinding) -> str:
    """ "ok" or "unreachable", within READY_TIMEOUT_SECONDS whatever the database does.

    The check runs in its own task and is not waited for past the timeout: cancelling a
    connection attempt to a frozen server can itself hang (the issue saw 5 s for a 3 s
    timeout). It is cancelled and left to unwind in the background.
    """
    check = asyncio.ensure_future(_select_one(engine))
    done, _ = await asyncio.wait({check}, timeout=READY_TIMEOUT_SECONDS)
    if check not in done:
        unwinding.leave(check)
        log_event(log, "readyz", level=logging.WARNING, database="unreachable", error_type="TimeoutError")
        return "unreachable"
    error = check.exception()
    if error is not None:  # any failure to answer means not ready; the kind goes to the log
        log_event(log, "readyz", level=logging.WARNING, database="unreachable", error_type=type(error).__name__)
        return "unreachable"
    return "ok"


async def _select_one(engine: AsyncEngine) -> None:
    async with engine.connect() as connection:
        await connection.execute(text("SELECT 1"))


async def admin_reload(request: web.Request) -> web.Response:
    settings = request.app[SETTINGS]
    if not _admin_allowed(settings, request.headers.get("Authorization", "")):
        raise web.HTTPNotFound()
    problems = await asyncio.to_thread(request.app[KNOWLEDGE].reload)
    version = request.app[KNOWLEDGE].snapshot.kb.version
    if any(problem.is_error for problem in problems):
        return web.json_response({"outcome": "rejected", "version": version, "problems": format_problems(problems)}, status=HTTPStatus.UNPROCESSABLE_ENTITY)
    return web.json_response({"outcome": "reloaded", "version": version})


def _admin_allowed(settings: Settings, authorization: str) -> bool:
    if settings.admin_token:
        return hmac.compare_digest(authorization.encode(), f"Bearer {settings.admin_token}".encode())
    return settings.local_mode
