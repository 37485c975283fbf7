"""Logged exceptions keep their type and stack but never their message (it may hold user text)."""

from __future__ import annotations

import json
import logging

from domain.logs import JsonLineFormatter, log_event

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
