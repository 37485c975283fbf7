"""What the `palveluopas` commands share: settings from the environment, the schema check."""

from __future__ import annotations

import asyncio
import sys

from aiohttp import web

from bot.service.app import create_app
from bot.service.settings import Settings, SettingsError
from bot.store.db import create_engine
from bot.store.migrations import current_revision, head_revision
from knowledge.loader import KnowledgeBaseError
from knowledge.problems import format_problems


def load_settings() -> Settings | None:
    """Settings from the environment; None (after saying why) when a value is malformed."""
    try:
        return Settings.from_env()
    except SettingsError as exc:
        print(f"Configuration error: {exc}", file=sys.stderr)
        return None


async def database_revision(database_url: str) -> str | None:
    engine = create_engine(database_url)
    try:
        async with engine.connect() as connection:
            return await connection.run_sync(current_revision)
    finally:
        await engine.dispose()


def schema_problem(database_url: str) -> str | None:
    """Why the database cannot be used as it is (not reachable, not at the newest revision)."""
    try:
        revision = asyncio.run(database_revision(database_url))
    except Exception as exc:  # any driver's connection error; the message names the cause
        return f"The database cannot be reached ({type(exc).__name__}: {exc})."
    head = head_revision()
    if revision != head:
        return f"The database is at revision {revision or 'none (empty)'}, the code needs {head}: run `palveluopas db upgrade` (make run does it)."
    return None


def ready_app(settings: Settings) -> web.Application | None:
    """The app, when the database is at the newest schema and the knowledge base is valid;
    otherwise None, after saying on one screen what is wrong and what to do."""
    problem = schema_problem(settings.database_url)
    if problem:
        print(problem, file=sys.stderr)
        return None
    try:
        return create_app(settings)
    except KnowledgeBaseError as exc:
        print(f"The knowledge base in {settings.knowledge_root} is invalid; not starting.\n{format_problems(exc.problems)}", file=sys.stderr)
        return None
