"""The knowledge snapshot of the last start, kept on disk so the next start need not rebuild it.

Reading, validating and indexing the knowledge base is most of a start (0.6 s + 1.25 s on the
benchmark machine); reading the same snapshot back takes 0.2 s. A file is used only when it
was written for exactly these inputs: its name is a hash of every file under the knowledge
root (path and bytes), of the code that reads and indexes it (`domain/`, `knowledge/`), and of
the Python and library versions, so an edit of a card or of the matcher builds afresh. Only a
snapshot that passed validation is ever written (it carries its warnings).

The file is a pickle, trusted as `.pyc` files are: it lives in the service's own data folder,
created private to the service's user. Anything unreadable is ignored and rebuilt; a folder
that cannot be written costs only the saving.
"""

from __future__ import annotations

import copyreg
import hashlib
import logging
import os
import pickle
import sys
import tempfile
from collections.abc import Callable, Iterable
from importlib import metadata
from pathlib import Path
from types import MappingProxyType
from typing import Any, Final

import domain
import knowledge
from domain.logs import log_event
from domain.snapshot import Snapshot

log = logging.getLogger(__name__)

PREFIX: Final = "snapshot-"
LIBRARIES: Final = ("snowballstemmer", "rapidfuzz", "pyyaml", "pydantic")
"""Libraries whose version can change what the snapshot holds (stems, parsed YAML, models)."""


def _proxy(content: dict[Any, Any]) -> MappingProxyType[Any, Any]:
    return MappingProxyType(content)


# The index exposes read-only views (`MappingProxyType`), which pickle cannot take as they are.
copyreg.pickle(MappingProxyType, lambda view: (_proxy, (dict(view),)))


def fingerprint(root: Path) -> str:
    digest = hashlib.sha256()
    digest.update(f"{sys.version}\0{pickle.HIGHEST_PROTOCOL}\0".encode())
    for name in LIBRARIES:
        try:
            digest.update(f"{name}={metadata.version(name)}\0".encode())
        except metadata.PackageNotFoundError:
            digest.update(f"{name}=absent\0".encode())
    code = [Path(path) for package in (domain, knowledge) for path in package.__path__]
    for folder in (*code, root):
        _digest_files(digest, folder, sorted(p for p in folder.rglob("*") if p.is_file() and "__pycache__" not in p.parts))
    return digest.hexdigest()


def _digest_files(digest: Any, folder: Path, files: Iterable[Path]) -> None:
    digest.update(str(folder.resolve()).encode() + b"\0")
    for path in files:
        digest.update(path.relative_to(folder).as_posix().encode() + b"\0")
        digest.update(path.read_bytes() + b"\0")


def snapshot_path(root: Path, folder: Path) -> Path:
    return folder / f"{PREFIX}{fingerprint(root)[:40]}.pickle"


def saved_snapshot(root: Path, folder: Path) -> Path | None:
    """The file a start would read the snapshot of `root` from, when there is one."""
    path = snapshot_path(root, folder)
    return path if path.is_file() else None


def cached_snapshot(root: Path, folder: Path | None, build: Callable[[], Snapshot]) -> Snapshot:
    """The snapshot of `root`: from `folder` when one was saved for these inputs, else built
    (and saved). `build` raises as it would without the cache (an invalid base is never saved)."""
    if folder is None:
        return build()
    path = snapshot_path(root, folder)
    try:
        with path.open("rb") as stream:
            found = pickle.load(stream)  # noqa: S301 (our own file in our own private folder; see the module's docstring)
        if isinstance(found, Snapshot):
            log_event(log, "knowledge_cache", outcome="hit", version=found.kb.version)
            return found
    except FileNotFoundError:
        pass
    except Exception as error:  # a truncated or foreign file: rebuild, and overwrite it below
        log_event(log, "knowledge_cache", level=logging.WARNING, outcome="unreadable", error_type=type(error).__name__)
    snapshot = build()
    _save(folder, path, snapshot)
    return snapshot


def _save(folder: Path, path: Path, snapshot: Snapshot) -> None:
    try:
        folder.mkdir(mode=0o700, parents=True, exist_ok=True)
        # Written aside and renamed: a second instance starting at once, or a crash, never
        # leaves half a file under the final name.
        handle, temporary = tempfile.mkstemp(dir=folder, prefix=".writing-")
        try:
            with os.fdopen(handle, "wb") as stream:
                pickle.dump(snapshot, stream, protocol=pickle.HIGHEST_PROTOCOL)
            os.replace(temporary, path)
        except BaseException:
            Path(temporary).unlink(missing_ok=True)
            raise
        for old in folder.glob(f"{PREFIX}*.pickle"):
            if old != path:
                old.unlink(missing_ok=True)
        log_event(log, "knowledge_cache", outcome="saved", version=snapshot.kb.version)
    except OSError as error:  # a read-only or full disk: serve without saving
        log_event(log, "knowledge_cache", level=logging.WARNING, outcome="not_saved", error_type=type(error).__name__)
