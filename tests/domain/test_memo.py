"""Memos per knowledge base (domain/memo.py): by identity, bounded, a reloaded base apart."""

from __future__ import annotations

from domain.memo import KEPT, KbMemo
from knowledge.loader import load_knowledge_base
from knowledge.model import KnowledgeBase
from tests.conftest import KB_ROOT


def _bases(count: int) -> list[KnowledgeBase]:
    first = load_knowledge_base(KB_ROOT)
    return [first, *(first.model_copy() for _ in range(count - 1))]


def test_a_value_is_computed_once_per_base_and_key() -> None:
    (kb,) = _bases(1)
    memo: KbMemo[int] = KbMemo(size=8)
    calls: list[str] = []

    def compute(key: str) -> int:
        calls.append(key)
        return len(calls)

    assert memo.get(kb, "a", lambda: compute("a")) == 1
    assert memo.get(kb, "a", lambda: compute("a")) == 1
    assert memo.get(kb, "b", lambda: compute("b")) == 2
    assert calls == ["a", "b"]


def test_an_equal_but_reloaded_base_gets_its_own_values() -> None:
    old, new = _bases(2)
    assert old == new and old is not new
    memo: KbMemo[str] = KbMemo(size=8)

    memo.get(old, "k", lambda: "old")

    assert memo.get(new, "k", lambda: "new") == "new"


def test_only_the_newest_bases_and_entries_are_kept() -> None:
    bases = _bases(KEPT + 1)
    memo: KbMemo[str] = KbMemo(size=2)
    for n, kb in enumerate(bases):
        memo.get(kb, "k", lambda n=n: f"v{n}")
    assert memo.get(bases[0], "k", lambda: "again") == "again"

    kb = bases[-1]
    for key in ("a", "b", "c"):
        memo.get(kb, key, lambda key=key: key)
    assert memo.get(kb, "a", lambda: "recomputed") == "recomputed"
    assert memo.get(kb, "c", lambda: "recomputed") == "c"
