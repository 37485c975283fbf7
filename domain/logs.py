"""Structured logs: one JSON object per line, with ids and outcomes, never message text.

Call `log_event(logger, "turn", conversation_id=..., outcome="ok", latency_ms=12)`; the
fields become keys of the line. What a worker typed or a card submitted never goes in a
field: ids, counts, types and outcomes only (see the README's privacy rules).

`with bound_fields(conversation_id=..., turn_id=...):` binds fields to every line logged
inside it, by any logger, in this task and the tasks it starts (a context variable), so a
turn's lines can be picked out of interleaved replicas and concurrent turns.

Records of other libraries cannot be trusted to keep to that, at any level:

* SQLAlchemy's engine (INFO and DEBUG) and aiosqlite (DEBUG) write SQL parameters, i.e. the
  stored state and questions; their loggers are held at WARNING and their records below
  WARNING are dropped at the handler, whoever lowers the level later.
* asyncio's "Task exception was never retrieved" puts the task's repr, with the exception
  message, into the log message itself; any library may format user data into a message.
  So a record that `log_event` did not make is written as the first line of its message
  template only, redacted (`domain.privacy`), without its arguments; exceptions are written
  without their messages (`format_exception_without_messages`).
"""

from __future__ import annotations

import json
import logging
import sys
import time
import traceback
from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager
from contextvars import ContextVar
from types import MappingProxyType, TracebackType
from typing import Any, Final, TextIO, TypeAlias

from domain.privacy import redact

_FIELDS: Final = "fields"
_BOUND: ContextVar[Mapping[str, object]] = ContextVar("palveluopas_log_fields", default=MappingProxyType({}))


_BOUND_ATTRIBUTE: Final = "bound_fields"


def _stamp_bound_fields(factory: Callable[..., logging.LogRecord]) -> Callable[..., logging.LogRecord]:
    """Wrap the record factory so each record keeps the fields bound where it was created:
    a handler that formats later (a queue, pytest's capture) still sees them."""

    def create(*args: Any, **kwargs: Any) -> logging.LogRecord:
        record = factory(*args, **kwargs)
        setattr(record, _BOUND_ATTRIBUTE, _BOUND.get())
        return record

    create.stamps_bound_fields = True  # type: ignore[attr-defined]  # a marker attribute on the factory function
    return create


if not getattr(logging.getLogRecordFactory(), "stamps_bound_fields", False):
    logging.setLogRecordFactory(_stamp_bound_fields(logging.getLogRecordFactory()))


@contextmanager
def bound_fields(**fields: object) -> Iterator[None]:
    """Add `fields` to every log line written inside the block (nested blocks add theirs)."""
    token = _BOUND.set(MappingProxyType({**_BOUND.get(), **fields}))
    try:
        yield
    finally:
        _BOUND.reset(token)


DATA_LOGGERS: Final = ("sqlalchemy", "aiosqlite", "asyncpg")
"""Loggers that write SQL parameters or connection details below WARNING."""
QUIET_LOGGERS: Final = (
    *DATA_LOGGERS,
    # aiohttp's access log repeats what our turn log says, without the ids; the Bot
    # Framework SDK's msrest logs request bodies at DEBUG, which would carry message text.
    "aiohttp.access",
    "msrest",
    # Alembic announces its dialect on every schema check; the outcome is what matters.
    "alembic",
)


def log_event(logger: logging.Logger, event: str, *, level: int = logging.INFO, exc_info: BaseException | bool = False, **fields: object) -> None:
    logger.log(level, event, exc_info=exc_info, extra={_FIELDS: fields})


class JsonLineFormatter(logging.Formatter):
    def format(self, record: logging.LogRecord) -> str:
        ours = hasattr(record, _FIELDS)
        line: dict[str, object] = {
            "ts": time.strftime("%Y-%m-%dT%H:%M:%S", time.gmtime(record.created)) + f".{int(record.msecs):03d}Z",
            "level": record.levelname.lower(),
            "logger": record.name,
            "event": record.getMessage() if ours else _third_party_event(record),
        }
        line.update(getattr(record, _BOUND_ATTRIBUTE, {}))
        line.update(getattr(record, _FIELDS, {}))
        if record.exc_info:
            line["exception"] = self.formatException(record.exc_info)
        return json.dumps(line, ensure_ascii=False, default=str)

    def formatException(self, ei: _ExcInfo) -> str:
        return format_exception_without_messages(ei[1])


def _third_party_event(record: logging.LogRecord) -> str:
    """What another library's record says, without the data it may have formatted into it."""
    template = str(record.msg).strip()
    first_line = template.splitlines()[0] if template else ""
    return redact(first_line)


class DataLoggerFilter(logging.Filter):
    """Drops records below WARNING from the loggers that write SQL parameters."""

    def filter(self, record: logging.LogRecord) -> bool:
        if record.levelno >= logging.WARNING:
            return True
        return not any(record.name == name or record.name.startswith(name + ".") for name in DATA_LOGGERS)


_ExcInfo: TypeAlias = tuple[type[BaseException], BaseException, TracebackType | None] | tuple[None, None, None]


def format_exception_without_messages(error: BaseException | None) -> str:
    """The exception's type and stack, and those of its causes, without their messages.

    An exception message can carry what a worker typed (a value that failed to parse) and
    SQLAlchemy's carry the bound parameters of the failed statement, i.e. stored text. The
    type and the frames are what a developer needs to find the fault.
    """
    if error is None:
        return ""
    parts: list[str] = []
    seen: set[int] = set()
    current: BaseException | None = error
    while current is not None and id(current) not in seen:
        seen.add(id(current))
        frames = "".join(traceback.format_list(traceback.extract_tb(current.__traceback__)))
        kind = type(current)
        parts.append(f"{kind.__module__}.{kind.__qualname__} (message withheld)\n{frames}")
        current = current.__cause__ or current.__context__
    return "\ncaused by: ".join(parts)


def configure_logging(level: str, stream: TextIO | None = None) -> logging.Handler:
    """Send every logger's records to `stream` (stderr) as JSON lines (idempotent); returns
    the handler."""
    handler = logging.StreamHandler(stream or sys.stderr)
    handler.setFormatter(JsonLineFormatter())
    handler.addFilter(DataLoggerFilter())
    root = logging.getLogger()
    root.handlers[:] = [handler]
    root.setLevel(level)
    for name in QUIET_LOGGERS:
        logging.getLogger(name).setLevel(logging.WARNING)
    return handler
