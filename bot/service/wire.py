"""Bot Framework models (msrest) to JSON-ready dicts, fast.

msrest's `Model.serialize()` validates and converts every attribute by its declared type and
walks a card's content through its generic object serializer: about 1-2 ms for one reply
with an Adaptive Card, paid for every reply in the expectReplies body, every reply POSTed to
a connector and the size check of every card message. The models we send are built by our
own code from plain values, so this walks `_attribute_map` directly: the JSON keys msrest
would write, values as they are, `None`s left out, datetimes in msrest's own ISO format. A
test checks it against `serialize()` on real replies.
"""

from __future__ import annotations

from datetime import datetime
from enum import Enum
from typing import Any

from msrest.serialization import Model, Serializer


def to_json(value: Any) -> Any:
    """What `value.serialize()` returns for a model, for any value a model may hold."""
    if isinstance(value, Model):
        out: dict[str, Any] = {}
        readonly = _readonly(type(value))
        for attribute, spec in type(value)._attribute_map.items():
            item = getattr(value, attribute, None)
            if item is None or attribute in readonly:
                continue
            out[spec["key"]] = to_json(item)
        return out
    if isinstance(value, str | int | float | bool) or value is None:
        return value.value if isinstance(value, Enum) else value
    if isinstance(value, list | tuple):
        return [to_json(item) for item in value]
    if isinstance(value, dict):
        return {key: to_json(item) for key, item in value.items()}
    if isinstance(value, datetime):
        iso: str = Serializer.serialize_iso(value)  # type: ignore[no-untyped-call]
        return iso
    if isinstance(value, Enum):
        return value.value
    return value


_READONLY: dict[type, frozenset[str]] = {}


def _readonly(model: type[Model]) -> frozenset[str]:
    found = _READONLY.get(model)
    if found is None:
        validation = getattr(model, "_validation", {}) or {}
        found = frozenset(name for name, rules in validation.items() if rules.get("readonly"))
        _READONLY[model] = found
    return found
