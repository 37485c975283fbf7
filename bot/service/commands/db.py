"""`palveluopas db ...`: bring the database to the newest schema, show where it is, add a
revision, back it up and restore it (SQLite; PostgreSQL with pg_dump, see `db backup`)."""

from __future__ import annotations

import argparse
import asyncio
import os
import sys
import time
from pathlib import Path
from typing import Any

from alembic import command

from bot.service.commands.common import database_revision, load_settings
from bot.store.backup import POSTGRES_NOTES, BackupError, backup_sqlite, restore_sqlite, sqlite_path
from bot.store.db import create_engine
from bot.store.migrations import alembic_config, head_revision, upgrade_to_head
from bot.store.retention import prune


def register(subparsers: Any) -> None:
    db = subparsers.add_parser("db", help="database: upgrade, current, revision, backup, restore, prune")
    commands = db.add_subparsers(dest="db_command", required=True)
    commands.add_parser("upgrade", help="migrate DATABASE_URL to the newest revision (new or old database)").set_defaults(handler=cmd_upgrade)
    commands.add_parser("current", help="print the database's revision and the newest one").set_defaults(handler=cmd_current)
    revision = commands.add_parser("revision", help="write a new revision file into bot/store/migrations/versions (developers)")
    revision.add_argument("-m", "--message", required=True)
    revision.add_argument("--rev-id", help="revision id, e.g. 0003_feedback (default: generated)")
    revision.add_argument("--autogenerate", action="store_true", help="compare the models on Base with DATABASE_URL")
    revision.set_defaults(handler=cmd_revision)
    backup = commands.add_parser("backup", help="copy the SQLite database to a file while the bot runs (PostgreSQL: prints the pg_dump commands)")
    backup.add_argument("out", nargs="?", type=Path, help="file to write (default: data/backups/palveluopas-<UTC time>.db)")
    backup.set_defaults(handler=cmd_backup)
    restore = commands.add_parser("restore", help="put a backup in place of the SQLite database (stop the bot first)")
    restore.add_argument("backup", type=Path, help="a file written by `db backup`")
    restore.add_argument("--replace", action="store_true", help="overwrite the existing database")
    restore.set_defaults(handler=cmd_restore)
    prune = commands.add_parser("prune", help="delete conversation state and unanswered questions untouched for DAYS days (run daily)")
    prune.add_argument("--days", type=int, help=f"retention in days [RETENTION_DAYS; default {DEFAULT_RETENTION_DAYS}]")
    prune.set_defaults(handler=cmd_prune)


def cmd_upgrade(args: argparse.Namespace) -> int:
    settings = load_settings()
    if settings is None:
        return 2
    before, after = upgrade_to_head(settings.database_url)
    if before == after:
        print(f"Database already at revision {after}: nothing to do.")
    else:
        print(f"Database upgraded from {before or 'an empty database'} to revision {after}.")
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


def _sqlite_or_notes(database_url: str) -> Path | None:
    path = sqlite_path(database_url)
    if path is None:
        print(POSTGRES_NOTES, file=sys.stderr)
    return path


def cmd_backup(args: argparse.Namespace) -> int:
    settings = load_settings()
    if settings is None:
        return 2
    try:
        database = _sqlite_or_notes(settings.database_url)
        if database is None:
            return 2
        out: Path = args.out or Path("data") / "backups" / f"palveluopas-{time.strftime('%Y%m%dT%H%M%SZ', time.gmtime())}.db"
        revision = backup_sqlite(database, out)
    except BackupError as exc:
        print(f"db backup: {exc}", file=sys.stderr)
        return 2
    print(f"Backed up {database} to {out} (schema revision {revision}).")
    return 0


def cmd_restore(args: argparse.Namespace) -> int:
    settings = load_settings()
    if settings is None:
        return 2
    try:
        database = _sqlite_or_notes(settings.database_url)
        if database is None:
            return 2
        revision = restore_sqlite(args.backup, database, replace=args.replace)
    except BackupError as exc:
        print(f"db restore: {exc}", file=sys.stderr)
        return 2
    then = "" if revision == head_revision() else f"; run `palveluopas db upgrade` to bring it to {head_revision()}"
    print(f"Restored {args.backup} to {database} (schema revision {revision}){then}.")
    return 0


DEFAULT_RETENTION_DAYS = 90
"""Long enough to come back to a flow left over a holiday; short enough that nothing lingers."""


def cmd_prune(args: argparse.Namespace) -> int:
    settings = load_settings()
    if settings is None:
        return 2
    raw = os.environ.get("RETENTION_DAYS", "").strip()
    days = args.days if args.days is not None else int(raw) if raw.isdigit() else DEFAULT_RETENTION_DAYS
    if days < 1:
        print("db prune: the retention must be at least one day", file=sys.stderr)
        return 2

    async def run() -> list[str]:
        engine = create_engine(settings.database_url)
        try:
            return [f"{p.table}: {p.rows} rows" for p in await prune(engine, days)]
        finally:
            await engine.dispose()

    print(f"Deleted what was untouched for {days} days: " + ", ".join(asyncio.run(run())) + ".")
    return 0
