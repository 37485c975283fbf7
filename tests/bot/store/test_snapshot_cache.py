"""The indexed knowledge base kept between starts (bot/store/snapshot_cache.py): used only for
the very same inputs, never trusted when damaged, never written for an invalid base."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from bot.service.context import KnowledgeProvider
from bot.store.snapshot_cache import PREFIX
from knowledge.loader import KnowledgeBaseError
from tests.conftest import KB_ROOT


@pytest.fixture
def kb(tmp_path: Path) -> Path:
    root = tmp_path / "kb"
    shutil.copytree(KB_ROOT, root)
    return root


def _saved(folder: Path) -> list[Path]:
    return sorted(folder.glob(f"{PREFIX}*.pickle"))


def _a_service_file(root: Path) -> Path:
    return next(path for path in sorted(root.rglob("*.yaml")) if "services" in path.parts)


def test_a_second_start_serves_the_saved_snapshot_of_the_same_base(kb: Path, tmp_path: Path) -> None:
    cache = tmp_path / "cache"
    first = KnowledgeProvider(kb, cache).snapshot
    (saved,) = _saved(cache)

    second = KnowledgeProvider(kb, cache).snapshot

    assert second.kb == first.kb
    assert second.kb.version == first.kb.version
    assert _saved(cache) == [saved]
    assert oct(cache.stat().st_mode & 0o777) == oct(0o700)


def test_an_edited_card_is_built_afresh_and_replaces_the_old_file(kb: Path, tmp_path: Path) -> None:
    cache = tmp_path / "cache"
    before = KnowledgeProvider(kb, cache).snapshot
    (old,) = _saved(cache)
    card = _a_service_file(kb)
    card.write_text(card.read_text(encoding="utf-8") + "\n# edited\n", encoding="utf-8")

    after = KnowledgeProvider(kb, cache).snapshot

    assert after.kb.version != before.kb.version
    (new,) = _saved(cache)
    assert new != old


def test_a_damaged_file_is_ignored_and_rebuilt(kb: Path, tmp_path: Path) -> None:
    cache = tmp_path / "cache"
    expected = KnowledgeProvider(kb, cache).snapshot
    (saved,) = _saved(cache)
    saved.write_bytes(saved.read_bytes()[:100])

    served = KnowledgeProvider(kb, cache).snapshot

    assert served.kb == expected.kb
    assert saved.stat().st_size > 100


def test_an_invalid_base_is_refused_as_without_the_cache_and_nothing_is_saved(kb: Path, tmp_path: Path) -> None:
    cache = tmp_path / "cache"
    _a_service_file(kb).write_text("id: [broken\n", encoding="utf-8")

    with pytest.raises(KnowledgeBaseError):
        KnowledgeProvider(kb, cache)

    assert not cache.exists() or _saved(cache) == []


def test_a_folder_that_cannot_be_written_costs_only_the_saving(kb: Path, tmp_path: Path) -> None:
    blocked = tmp_path / "a-file"
    blocked.write_text("not a folder", encoding="utf-8")

    snapshot = KnowledgeProvider(kb, blocked / "cache").snapshot

    assert snapshot.kb.services
