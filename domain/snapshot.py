"""What a turn reads of the knowledge: the loaded base and what is derived from it once per load.

Built by `build_snapshot` at start-up and on every reload, then swapped whole, so a turn reads
one consistent version from start to end.
"""

from __future__ import annotations

from dataclasses import dataclass

from domain.qna.index import QnaIndex, build_index
from knowledge.model import KnowledgeBase


@dataclass(frozen=True)
class Snapshot:
    kb: KnowledgeBase
    qna: QnaIndex


def build_snapshot(kb: KnowledgeBase) -> Snapshot:
    return Snapshot(kb=kb, qna=build_index(kb))
