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
from dataclasses import dataclass
from pathlib import Path
from types import MappingProxyType
from typing import TYPE_CHECKING

from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot.i18n import Strings
from bot.logs import log_event
from bot.settings import Settings
from knowledge.model import KnowledgeBase

if TYPE_CHECKING:
    from knowledge.problems import Problem

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
        self._snapshot = self._build()

    @property
    def root(self) -> Path:
        return self._root

    @property
    def snapshot(self) -> KnowledgeSnapshot:
        return self._snapshot

    def reload(self) -> list[Problem]:
        """Load again; on errors keep serving the old snapshot and return the problems."""
        from knowledge.loader import KnowledgeBaseError

        with self._reload_lock:
            try:
                snapshot = self._build()
            except KnowledgeBaseError as exc:
                problems = list(exc.problems)
                log_event(log, "kb_reload", level=logging.WARNING, outcome="rejected", problems=len(problems), kept_version=self._snapshot.kb.version)
                return problems
            self._snapshot = snapshot  # a single reference assignment: readers see old or new, never half
            log_event(log, "kb_reload", outcome="ok", version=snapshot.kb.version)
            return []

    def _build(self) -> KnowledgeSnapshot:
        from knowledge.loader import load_knowledge_base

        kb = load_knowledge_base(self._root)
        derived = {name: build(kb) for name, build in self._builders.items()}
        return KnowledgeSnapshot(kb=kb, derived=MappingProxyType(derived))


@dataclass(frozen=True)
class BotServices:
    settings: Settings
    strings: Strings
    knowledge: KnowledgeProvider
    sessionmaker: async_sessionmaker[AsyncSession]
