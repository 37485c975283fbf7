"""Shared by the tests that check the real knowledge base's content (the facts tests)."""

from __future__ import annotations

from typing import Any

import pytest

from knowledge.loader import KnowledgeBaseError, load_knowledge_base
from knowledge.model import KnowledgeBase
from knowledge.problems import format_problems


def load_real_kb() -> KnowledgeBase:
    """The shipped knowledge base; a load failure fails the test with the problems listed."""
    try:
        return load_knowledge_base()
    except KnowledgeBaseError as error:
        pytest.fail("knowledge base does not load:\n" + format_problems(error.problems, max_lines=50))


def field_value(record: Any, path: str) -> Any:
    """The value at a dotted attribute path of a record, e.g. `duration.max_months`."""
    value = record
    for name in path.split("."):
        value = getattr(value, name)
    return value
