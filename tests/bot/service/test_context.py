"""The knowledge provider: what a reload swaps, and who hears of it."""

from __future__ import annotations

import shutil
from pathlib import Path

from bot.service.context import KnowledgeProvider


def test_after_swap_callbacks_run_once_per_new_snapshot_and_not_for_a_rejected_edit(kb_root: Path, tmp_path: Path) -> None:
    kb = tmp_path / "kb"
    shutil.copytree(kb_root, kb)
    provider = KnowledgeProvider(kb)
    started = provider.snapshot.kb.version
    heard: list[str] = []
    provider.after_swap(lambda: heard.append(provider.snapshot.kb.version))
    service = kb / "services" / "testipalvelu.yaml"

    service.write_text(service.read_text(encoding="utf-8").replace("Testipalvelu\n", "Testipalvelu uusi\n", 1), encoding="utf-8")
    accepted = provider.reload()
    edited = provider.snapshot.kb.version
    service.write_text("id: [broken\n", encoding="utf-8")
    rejected = provider.reload()

    assert not any(p.is_error for p in accepted)
    assert any(p.is_error for p in rejected)
    assert edited != started
    assert provider.snapshot.kb.version == edited
    assert heard == [edited]
