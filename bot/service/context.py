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
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot.service.settings import Settings
from bot.store.snapshot_cache import cached_snapshot
from bot.ui.i18n import Strings
from domain.logs import log_event
from domain.snapshot import Snapshot, build_snapshot
from knowledge.loader import load_knowledge_base
from knowledge.model import KnowledgeBase
from knowledge.problems import Problem
from knowledge.reload import reload_or_keep

log = logging.getLogger(__name__)


class KnowledgeProvider:
    """The current knowledge `Snapshot` (the base and what is derived from it), swapped whole on reload.

    The constructor loads the knowledge base and raises `KnowledgeBaseError` when it is
    invalid, so a service never starts without knowledge.
    """

    def __init__(self, root: Path, cache: Path | None = None) -> None:
        self._root = root
        # A reload runs in a worker thread (SIGHUP, the admin endpoint) while turns keep
        # reading `snapshot`; the lock only keeps two reloads from racing each other.
        self._reload_lock = threading.Lock()
        self._after_swap: list[Callable[[], None]] = []
        # At start-up only: a reload validates afresh, so its problems are reported.
        self._snapshot = cached_snapshot(root, cache, lambda: self._snapshot_of(load_knowledge_base(root)))

    @property
    def root(self) -> Path:
        return self._root

    def after_swap(self, callback: Callable[[], None]) -> None:
        """Call `callback` after every reload that swapped in a new snapshot (in the
        reloading thread, once the new snapshot is served)."""
        self._after_swap.append(callback)

    @property
    def snapshot(self) -> Snapshot:
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
            for callback in self._after_swap:
                callback()
            return problems

    @staticmethod
    def _snapshot_of(kb: KnowledgeBase) -> Snapshot:
        return build_snapshot(kb)


@dataclass(frozen=True)
class BotServices:
    settings: Settings
    strings: Strings
    knowledge: KnowledgeProvider
    sessionmaker: async_sessionmaker[AsyncSession]
