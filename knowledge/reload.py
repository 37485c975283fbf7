"""Swap in a changed knowledge base only when it is valid (SIGHUP, admin command).

A typo saved during office hours must not take the bot down: the running knowledge base
stays until the new one loads without errors.
"""

from __future__ import annotations

from pathlib import Path

from knowledge.loader import validate
from knowledge.model import KnowledgeBase
from knowledge.problems import Problem


def reload_or_keep(current: KnowledgeBase, root: Path | None = None) -> tuple[KnowledgeBase, list[Problem]]:
    """(new knowledge base, its warnings) if valid, else (current, every problem found).

    The caller tells the cases apart by identity (`kb is current`) or by whether any
    returned problem `is_error`; either way it logs the problems.
    """
    result = validate(root)
    if result.kb is None:
        return current, list(result.problems)
    return result.kb, list(result.warnings)
