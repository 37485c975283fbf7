"""Backup and restore of a SQLite database with SQLite's online backup API.

The backup API copies a consistent snapshot page by page while the bot keeps serving (a
plain file copy of a database being written can be torn). PostgreSQL is backed up with its
own tools (`pg_dump`/`pg_restore`, see `POSTGRES_NOTES`); nothing here talks to it.
"""

from __future__ import annotations

import sqlite3
from contextlib import closing
from pathlib import Path
from typing import Final

from sqlalchemy import make_url

POSTGRES_NOTES: Final = """\
PostgreSQL is backed up with its own tools, which keep types, sequences and permissions:
  pg_dump --format=custom --file=palveluopas-$(date -u +%Y%m%dT%H%M%SZ).dump "$PGURL"
  pg_restore --clean --if-exists --no-owner --dbname="$PGURL" palveluopas-....dump
where PGURL is DATABASE_URL without '+asyncpg' (postgresql://user:password@host:5432/palveluopas).
In the compose deployment: docker compose -f deploy/compose.yaml exec -T db pg_dump -U palveluopas -Fc palveluopas > backup.dump
Restore into a stopped bot, then run `palveluopas db upgrade` (an older backup is brought to the newest schema)."""


class BackupError(ValueError):
    """The database or the file cannot be used; the message says why and what to do."""


def sqlite_path(database_url: str) -> Path | None:
    """The file of a SQLite URL; None for another database."""
    url = make_url(database_url)
    if url.get_backend_name() != "sqlite":
        return None
    if not url.database or url.database == ":memory:":
        raise BackupError("an in-memory SQLite database has nothing to back up")
    return Path(url.database)


def _check_is_palveluopas_database(path: Path) -> str:
    """The schema revision the file holds; BackupError when it is no Palveluopas database."""
    try:
        with closing(sqlite3.connect(f"file:{path}?mode=ro", uri=True)) as connection:
            row = connection.execute("SELECT version_num FROM alembic_version").fetchone()
    except sqlite3.DatabaseError as exc:
        raise BackupError(f"{path} is not a Palveluopas SQLite database ({exc})") from None
    if row is None:
        raise BackupError(f"{path} has no schema revision: not a Palveluopas database")
    return str(row[0])


def _copy(source: Path, target: Path) -> None:
    with closing(sqlite3.connect(source)) as src, closing(sqlite3.connect(target)) as dst:
        src.backup(dst)


def backup_sqlite(database: Path, out: Path) -> str:
    """Copy `database` to `out` (a new file); returns the schema revision it holds."""
    if not database.is_file():
        raise BackupError(f"there is no database at {database}")
    if out.exists():
        raise BackupError(f"{out} exists; give a new file name")
    out.parent.mkdir(parents=True, exist_ok=True)
    _copy(database, out)
    return _check_is_palveluopas_database(out)


def restore_sqlite(backup: Path, database: Path, *, replace: bool) -> str:
    """Put the backup's contents in place of `database`; returns the revision restored."""
    if not backup.is_file():
        raise BackupError(f"there is no backup at {backup}")
    revision = _check_is_palveluopas_database(backup)
    if database.exists() and not replace:
        raise BackupError(f"{database} exists; stop the bot and pass --replace to overwrite it")
    database.parent.mkdir(parents=True, exist_ok=True)
    # Through the backup API as well: the target is replaced page by page under SQLite's own
    # locks, never left half-written by a file copy.
    _copy(backup, database)
    return revision
