"""`palveluopas db ...`: bring the database to the newest schema, show where it is, add a
revision, delete what is older than the retention period."""

from __future__ import annotations

import argparse
import asyncio
import sys
from datetime import UTC, datetime
from typing import Any

from alembic import command

from bot.service.commands.common import database_revision, load_settings, schema_problem
from bot.store.db import create_engine, create_sessionmaker
from bot.store.migrations import alembic_config, head_revision, upgrade_to_head
from bot.store.retention import Purged, purge


def register(subparsers: Any) -> None:
    db = subparsers.add_parser("db", help="database schema: upgrade, current, revision; purge")
    commands = db.add_subparsers(dest="db_command", required=True)
    commands.add_parser("upgrade", help="migrate DATABASE_URL to the newest revision (new or old database)").set_defaults(handler=cmd_upgrade)
    commands.add_parser("current", help="print the database's revision and the newest one").set_defaults(handler=cmd_current)
    revision = commands.add_parser("revision", help="write a new revision file into bot/store/migrations/versions (developers)")
    revision.add_argument("-m", "--message", required=True)
    revision.add_argument("--rev-id", help="revision id, e.g. 0003_feedback (default: generated)")
    revision.add_argument("--autogenerate", action="store_true", help="compare the models on Base with DATABASE_URL")
    revision.set_defaults(handler=cmd_revision)
    commands.add_parser("purge", help="delete state and unanswered questions older than RETENTION_DAYS").set_defaults(handler=cmd_purge)


def cmd_upgrade(args: argparse.Namespace) -> int:
    settings = load_settings()
    if settings is None:
        return 2
    upgrade_to_head(settings.database_url)
    print(f"Database at revision {head_revision()}.")
    return 0


def cmd_current(args: argparse.Namespace) -> int:
    settings = load_settings()
    if settings is None:
        return 2
    current = asyncio.run(database_revision(settings.database_url))
    print(f"current: {current or 'none (empty database)'}\nnewest:  {head_revision()}")
    return 0 if current == head_revision() else 1


def cmd_revision(args: argparse.Namespace) -> int:
    settings = load_settings()
    if settings is None:
        return 2
    config = alembic_config(settings.database_url)
    command.revision(config, message=args.message, rev_id=args.rev_id, autogenerate=args.autogenerate)
    print("Review the new file in bot/store/migrations/versions before committing it.", file=sys.stderr)
    return 0


def cmd_purge(args: argparse.Namespace) -> int:
    settings = load_settings()
    if settings is None:
        return 2
    problem = schema_problem(settings.database_url)
    if problem:
        print(problem, file=sys.stderr)
        return 2
    purged = asyncio.run(_purge(settings.database_url, settings.retention_days))
    print(
        f"Deleted what was older than {settings.retention_days} days: {purged.bot_state} conversation states, "
        f"{purged.unanswered} unanswered questions, {purged.seen_activities} de-duplication entries."
    )
    return 0


async def _purge(database_url: str, retention_days: int) -> Purged:
    engine = create_engine(database_url)
    try:
        return await purge(create_sessionmaker(engine), datetime.now(UTC), retention_days)
    finally:
        await engine.dispose()
