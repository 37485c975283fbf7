"""The shipped knowledge base validates with no errors and no warnings (strict)."""

from __future__ import annotations

from knowledge.loader import validate
from knowledge.problems import format_problems


def test_shipped_knowledge_base_has_no_errors_and_no_warnings() -> None:
    result = validate()

    assert not result.problems, "\n" + format_problems(result.problems, max_lines=200)
    assert result.kb is not None
