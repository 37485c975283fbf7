"""What a turn needs besides the activity: settings, UI strings, knowledge, the database.

Built once by `create_app` and handed to the handler and the dialogs; nothing here is a
module-level global, so tests build as many independent bots as they like.

Knowledge is read through `KnowledgeProvider.snapshot` at the start of each use, never kept
across turns: a reload (SIGHUP, `POST /admin/reload`) swaps the snapshot, and a turn already
running finishes on the one it started with.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from types import MappingProxyType

from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot.service.metrics import Metrics
from bot.ui.i18n import Strings
from domain.logs import log_event
from bot.service.settings import Settings
from knowledge.loader import load_knowledge_base
from knowledge.model import KnowledgeBase
from knowledge.problems import Problem
from knowledge.reload import reload_or_keep

log = logging.getLogger(__name__)

Builder = Callable[[KnowledgeBase], object]
"""Derives something from a loaded knowledge base once per load (e.g. the Q&A index)."""


@dataclass(frozen=True)
class KnowledgeSnapshot:
    kb: KnowledgeBase
    derived: Mapping[str, object]
    """One entry per builder, by the builder's name; e.g. `derived["qna"]` is the Q&A index."""


class KnowledgeProvider:
    """The current knowledge base and what is derived from it, swapped whole on reload.

    The constructor loads the knowledge base and raises `KnowledgeBaseError` when it is
    invalid, so a service never starts without knowledge.
    """

    def __init__(self, root: Path, builders: Mapping[str, Builder]) -> None:
        self._root = root
        self._builders = dict(builders)
        # A reload runs in a worker thread (SIGHUP, the admin endpoint) while turns keep
        # reading `snapshot`; the lock only keeps two reloads from racing each other.
        self._reload_lock = threading.Lock()
        self._snapshot = self._snapshot_of(load_knowledge_base(root))

    @property
    def root(self) -> Path:
        return self._root

    @property
    def snapshot(self) -> KnowledgeSnapshot:
        return self._snapshot

    def reload(self) -> list[Problem]:
        """Load again. On errors keep serving the old snapshot; returns the problems found
        (errors when rejected, else the new knowledge base's warnings)."""
        with self._reload_lock:
            current = self._snapshot.kb
            kb, problems = reload_or_keep(current, self._root)
            if kb is current:
                log_event(log, "kb_reload", level=logging.WARNING, outcome="rejected", codes=sorted({p.code for p in problems}), kept_version=current.version)
                return problems
            # One reference assignment: a turn reads the old snapshot or the new, never a mix.
            self._snapshot = self._snapshot_of(kb)
            log_event(log, "kb_reload", outcome="ok", version=kb.version, warnings=len(problems))
            return problems

    def _snapshot_of(self, kb: KnowledgeBase) -> KnowledgeSnapshot:
        derived = {name: build(kb) for name, build in self._builders.items()}
        return KnowledgeSnapshot(kb=kb, derived=MappingProxyType(derived))


@dataclass(frozen=True)
class BotServices:
    settings: Settings
    strings: Strings
    knowledge: KnowledgeProvider
    sessionmaker: async_sessionmaker[AsyncSession]
    metrics: Metrics = field(default_factory=Metrics)
    """The app's metrics (`bot/service/metrics.py`); features count through it."""
