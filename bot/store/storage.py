"""Bot state (each conversation's dialog stack) in the database: one row per storage key.

Semantics follow botbuilder's own storages:

* `read` returns the stored items with their current eTag in `e_tag`.
* `write` with `e_tag` None or `"*"` writes unconditionally; any other eTag must equal the
  stored one or the write raises `StorageConflictError` (also when the row is gone), so two
  turns of one conversation running at once cannot silently overwrite each other. The new
  eTag is set on the written item, because `BotState` keeps using the item it wrote and
  does not read it again.
* a write of several keys is one transaction: all of them land or none.
"""

from __future__ import annotations

import json
import uuid
from collections.abc import Mapping, Sequence
from datetime import UTC, datetime
from typing import Any

from botbuilder.core import Storage
from sqlalchemy import DateTime, String, Text
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker
from sqlalchemy.orm import Mapped, mapped_column

from bot.store.db import Base
from bot.store.turn_rows import StateWrite, StorageConflictError, rows_for

__all__ = ["ETAG_KEY", "BotStateRow", "SqlStorage", "StorageConflictError"]

ETAG_KEY = "e_tag"


class BotStateRow(Base):
    __tablename__ = "bot_state"

    key: Mapped[str] = mapped_column(Text, primary_key=True)
    etag: Mapped[str] = mapped_column(String(64))
    # Text, not JSON/JSONB: one column type that reads back byte for byte on both engines.
    document: Mapped[str] = mapped_column(Text)
    updated_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), index=True)


class SqlStorage(Storage):
    """The rows are read and written by `turn_rows` (fixed statements at the driver: every
    turn reads and writes one row)."""

    def __init__(self, sessionmaker: async_sessionmaker[AsyncSession]) -> None:
        self._rows = rows_for(sessionmaker.kw["bind"])

    async def read(self, keys: Sequence[str]) -> dict[str, Any]:
        if not keys:
            return {}
        rows = await self._rows.read_states(keys)
        return {key: _with_etag(_restore(document), etag) for key, etag, document in rows}

    async def write(self, changes: Mapping[str, Any]) -> None:
        if changes is None:
            raise TypeError("changes are required when writing")
        if not changes:
            return
        now = datetime.now(UTC)
        writes: list[StateWrite] = []
        for key, item in changes.items():
            expected = _etag_of(item)
            if expected == "":
                raise ValueError(f"empty eTag writing {key!r}: use None or '*' to write unconditionally")
            writes.append(StateWrite(key, None if expected == "*" else expected, uuid.uuid4().hex, _flatten(item), now))
        await self._rows.write_states(writes)
        for write in writes:
            _set_etag(changes[write.key], write.etag)

    async def delete(self, keys: Sequence[str]) -> None:
        if keys:
            await self._rows.delete_states(keys)


# State is plain JSON (the dialog engine keeps ids, step names and counters only), so rows are
# read back with `json.loads` and never instantiate anything. A row written by an older version
# (botbuilder's jsonpickle-flattened DialogState) still reads as JSON: the engine sees its
# unknown shape and starts the conversation over with a notice.
def _flatten(item: Any) -> str:
    if isinstance(item, dict):
        item = {k: v for k, v in item.items() if k != ETAG_KEY}
    return json.dumps(item, ensure_ascii=False, separators=(",", ":"))


def _restore(document: str) -> Any:
    return json.loads(document)


def _etag_of(item: Any) -> str | None:
    value = item.get(ETAG_KEY) if isinstance(item, dict) else getattr(item, ETAG_KEY, None)
    return None if value is None else str(value)


def _set_etag(item: Any, etag: str) -> None:
    if isinstance(item, dict):
        item[ETAG_KEY] = etag
    else:
        setattr(item, ETAG_KEY, etag)


def _with_etag(item: Any, etag: str) -> Any:
    _set_etag(item, etag)
    return item
