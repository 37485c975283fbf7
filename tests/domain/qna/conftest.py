"""Fixtures of the matcher's tests: the small in-code knowledge base and its index."""

from __future__ import annotations

import pytest

from domain.qna import QnaIndex, build_index
from tests.domain.qna.small_kb import small_kb


@pytest.fixture(scope="session")
def small_index() -> QnaIndex:
    return build_index(small_kb())
