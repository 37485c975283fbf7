"""Importing a feature that may not be built yet."""

from __future__ import annotations

import importlib
from types import ModuleType


def optional_module(name: str) -> ModuleType | None:
    """The module `name`, or None when that module itself does not exist.

    A feature not built yet is tolerated; a broken import inside a feature that does exist is
    not: its error propagates, so a typo never silently switches a feature off.
    """
    try:
        return importlib.import_module(name)
    except ModuleNotFoundError as exc:
        if exc.name != name:
            raise
        return None
