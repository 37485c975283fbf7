"""Logged exceptions keep their type and stack but never their message (it may hold user text)."""

from __future__ import annotations

import asyncio
import gc
import io
import json
import logging
from collections.abc import Iterator

import pytest

from domain.logs import QUIET_LOGGERS, JsonLineFormatter, configure_logging, log_event

SECRET = "Maija Meikäläinen 010203A123B"


def _formatted_line(caplog_records: list[logging.LogRecord]) -> dict[str, object]:
    assert caplog_records, "nothing was logged"
    line: dict[str, object] = json.loads(JsonLineFormatter().format(caplog_records[-1]))
    return line


def test_a_logged_exception_shows_its_type_and_frames_but_not_its_message(caplog) -> None:
    logger = logging.getLogger("tests.logs")
    try:
        raise ValueError(f"could not parse {SECRET}")
    except ValueError as error:
        with caplog.at_level(logging.ERROR, logger="tests.logs"):
            log_event(logger, "turn_error", level=logging.ERROR, exc_info=error, error_id="abc123")
    line = _formatted_line(caplog.records)
    exception = str(line["exception"])
    assert "builtins.ValueError (message withheld)" in exception
    assert "test_a_logged_exception_shows_its_type_and_frames_but_not_its_message" in exception
    assert SECRET not in json.dumps(line, ensure_ascii=False)
    assert line["error_id"] == "abc123"


def test_the_cause_of_a_logged_exception_is_named_without_its_message(caplog) -> None:
    logger = logging.getLogger("tests.logs")
    try:
        try:
            raise KeyError(SECRET)
        except KeyError as inner:
            raise RuntimeError(f"storage failed on {inner}") from inner
    except RuntimeError as error:
        with caplog.at_level(logging.ERROR, logger="tests.logs"):
            log_event(logger, "turn_error", level=logging.ERROR, exc_info=error)
    exception = str(_formatted_line(caplog.records)["exception"])
    assert "builtins.RuntimeError" in exception
    assert "caused by: builtins.KeyError" in exception
    # The frames show source lines (code); the messages, which carry the data, are withheld.
    assert SECRET not in exception


@pytest.fixture
def json_log() -> Iterator[io.StringIO]:
    """The real logging set-up at DEBUG, writing into a string; the previous one restored."""
    root = logging.getLogger()
    saved_handlers, saved_level = root.handlers[:], root.level
    saved_levels = {name: logging.getLogger(name).level for name in QUIET_LOGGERS}
    stream = io.StringIO()
    configure_logging("DEBUG", stream)
    yield stream
    root.handlers[:] = saved_handlers
    root.setLevel(saved_level)
    for name, level in saved_levels.items():
        logging.getLogger(name).setLevel(level)


@pytest.mark.parametrize("name", ["aiosqlite", "sqlalchemy.engine.Engine", "sqlalchemy.pool", "asyncpg"])
def test_database_libraries_write_nothing_below_warning_even_when_their_level_is_lowered(json_log: io.StringIO, name: str) -> None:
    logger = logging.getLogger(name)
    logger.setLevel(logging.DEBUG)  # as a developer chasing a bug might

    logger.debug("executing %s", ("INSERT INTO bot_state VALUES (?)", SECRET))
    logger.info("[generated in 0.0001s] %r", (SECRET,))

    assert json_log.getvalue() == ""


def test_a_third_party_record_is_written_without_its_arguments_and_redacted(json_log: io.StringIO) -> None:
    logging.getLogger("somelib").warning("could not handle %s", SECRET)
    prebuilt = f"prebuilt message with 010203A123B inside\nsecond line {SECRET}"
    logging.getLogger("somelib").warning(prebuilt)

    lines = [json.loads(line) for line in json_log.getvalue().splitlines()]
    assert [line["event"] for line in lines] == ["could not handle %s", "prebuilt message with [henkilötunnus] inside"]
    assert SECRET not in json_log.getvalue()


def test_an_unretrieved_task_exception_is_logged_without_its_message(json_log: io.StringIO) -> None:
    async def failing() -> None:
        raise ValueError(f"could not parse {SECRET}")

    async def main() -> None:
        asyncio.get_running_loop().create_task(failing())
        await asyncio.sleep(0.01)

    asyncio.run(main())
    gc.collect()  # the task is collected: asyncio reports its exception now

    output = json_log.getvalue()
    assert "Task exception was never retrieved" in output
    assert "builtins.ValueError (message withheld)" in output
    assert SECRET not in output and "010203A123B" not in output
