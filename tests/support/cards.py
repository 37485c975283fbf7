"""Adaptive Card schema check: `assert_valid_card(card)` against the official 1.5 schema."""

from __future__ import annotations

import json
from functools import cache
from pathlib import Path
from typing import Any, Final

from jsonschema import Draft6Validator

SCHEMA_PATH: Final = Path(__file__).resolve().parents[1] / "schemas" / "adaptive-cards-1.5" / "adaptive-card.json"


@cache
def _validator() -> Draft6Validator:
    schema = json.loads(SCHEMA_PATH.read_text(encoding="utf-8"))
    return Draft6Validator(schema)


def assert_valid_card(card: dict[str, Any]) -> None:
    errors = sorted(_validator().iter_errors(card), key=lambda e: list(e.absolute_path))
    assert not errors, "invalid Adaptive Card:\n" + "\n".join(f"  at {'/'.join(map(str, e.absolute_path)) or '(card)'}: {e.message}" for e in errors[:10])
