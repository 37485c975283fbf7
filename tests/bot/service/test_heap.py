"""The server's heap after start-up: what is alive is frozen, and a later settle frees what
died meanwhile (a reload's old snapshot), frozen or not."""

from __future__ import annotations

import gc
import weakref
from collections.abc import Iterator

import pytest

from bot.service import heap
from domain.qna.morphology import table


class _Node:
    other: _Node | None = None


@pytest.fixture
def unfrozen() -> Iterator[None]:
    yield
    gc.unfreeze()  # leave the test process's heap as other tests expect it


@pytest.mark.usefixtures("unfrozen")
def test_settling_freezes_what_is_alive_and_the_next_settle_frees_frozen_cycles_that_died() -> None:
    node = _Node()
    node.other = node  # a cycle: only a collection frees it
    alive = weakref.ref(node)

    heap.settle()
    frozen = gc.get_freeze_count()
    del node
    gc.collect()
    skipped = alive() is not None
    heap.settle()

    assert frozen > 0
    assert skipped, "a frozen object is left alone by collections"
    assert alive() is None, "settling again collects what died since the last settle"


def test_the_first_question_finds_the_base_form_table_read() -> None:
    table.cache_clear()

    heap.prepare_first_question()

    assert table.cache_info().currsize == 1
    assert len(table()) > 1000
