"""Reload swaps in a valid knowledge base and keeps the running one otherwise."""

from __future__ import annotations

from knowledge.loader import load_knowledge_base
from knowledge.reload import reload_or_keep

from .conftest import KbTree


def test_valid_change_is_taken(kb_tree: KbTree) -> None:
    current = load_knowledge_base(kb_tree.root)
    kb_tree.replace("glossary.yaml", "Laki sosiaalihuollosta.", "Sosiaalihuoltoa koskeva laki.")

    kb, problems = reload_or_keep(current, kb_tree.root)

    assert kb is not current
    term = kb.term("shl")
    assert term is not None and term.definition == "Sosiaalihuoltoa koskeva laki."
    assert problems == []


def test_broken_change_keeps_the_current_one_and_returns_the_problems(kb_tree: KbTree) -> None:
    current = load_knowledge_base(kb_tree.root)
    kb_tree.write("glossary.yaml", "terms: [\n")

    kb, problems = reload_or_keep(current, kb_tree.root)

    assert kb is current
    assert [p.code for p in problems] == ["KB004"]


def test_warnings_of_a_taken_change_are_returned(kb_tree: KbTree) -> None:
    current = load_knowledge_base(kb_tree.root)
    kb_tree.write("processes/luonnos.yml", "id: luonnos\n")

    kb, problems = reload_or_keep(current, kb_tree.root)

    assert kb is not current and kb.version == current.version
    assert [(p.code, p.is_error) for p in problems] == [("KB007", False)]
