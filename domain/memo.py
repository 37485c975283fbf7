"""Memos of pure functions of one knowledge base, keyed by that base's identity.

`functools.lru_cache` keyed on the knowledge base hashes it on every call, and a frozen
pydantic model hashes by walking all its fields: 0.4 ms for the real base, more than most
of what such a memo saves. A knowledge base is never mutated and a reload builds a new
one, so its identity is key enough; the memos of the last `KEPT` bases are kept (the one
serving and the one a reload is building), and each memo holds `size` entries at most.
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Callable, Hashable
from typing import Final, Generic, TypeVar

from knowledge.model import KnowledgeBase

KEPT: Final = 2
V = TypeVar("V")


class KbMemo(Generic[V]):
    def __init__(self, size: int) -> None:
        self._size = size
        self._lock = threading.Lock()
        # id(kb) -> (the base itself, which keeps the id from being reused, and its entries)
        self._bases: OrderedDict[int, tuple[KnowledgeBase, OrderedDict[Hashable, V]]] = OrderedDict()

    def get(self, kb: KnowledgeBase, key: Hashable, compute: Callable[[], V]) -> V:
        # A reload builds in a worker thread while turns run: the bookkeeping is locked, the
        # computing is not (two threads may compute one value; both get an equal one).
        with self._lock:
            found = self._bases.get(id(kb))
            if found is None or found[0] is not kb:
                found = (kb, OrderedDict())
                self._bases[id(kb)] = found
                while len(self._bases) > KEPT:
                    self._bases.popitem(last=False)
            entries = found[1]
            if key in entries:
                entries.move_to_end(key)
                return entries[key]
        value = compute()
        with self._lock:
            entries[key] = value
            if len(entries) > self._size:
                entries.popitem(last=False)
        return value
