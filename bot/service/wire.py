"""Bot Framework models (msrest) to JSON-ready dicts and back, fast.

msrest's `Model.serialize()` validates and converts every attribute by its declared type and
walks a card's content through its generic object serializer: about 1-2 ms for one reply
with an Adaptive Card, paid for every reply in the expectReplies body, every reply POSTed to
a connector and the size check of every card message. The models we send are built by our
own code from plain values, so this walks `_attribute_map` directly: the JSON keys msrest
would write, values as they are, `None`s left out, datetimes in msrest's own ISO format; a
free-form dict (a card's content) is taken as it is. A test checks it against `serialize()`
on real replies.
"""

from __future__ import annotations

from datetime import datetime
from enum import Enum
from typing import Any, TypeVar

from botbuilder import schema
from msrest.serialization import Deserializer, Model, Serializer


def to_json(value: Any) -> Any:
    """What `value.serialize()` returns for a model, for any value a model may hold."""
    if isinstance(value, Model):
        out: dict[str, Any] = {}
        readonly = _readonly(type(value))
        for attribute, spec in type(value)._attribute_map.items():
            item = getattr(value, attribute, None)
            if item is None or attribute in readonly:
                continue
            # A free-form value (a card's content, channel data) is JSON already as we
            # build it: walking a card's every node was most of this function's time.
            out[spec["key"]] = item if spec["type"] == "object" and type(item) is dict else to_json(item)
        return out
    if isinstance(value, str | int | float | bool) or value is None:
        return value.value if isinstance(value, Enum) else value
    if isinstance(value, list | tuple):
        return [to_json(item) for item in value]
    if isinstance(value, dict):
        return {key: to_json(item) for key, item in value.items()}
    if isinstance(value, datetime):
        iso: str = Serializer.serialize_iso(value)  # type: ignore[no-untyped-call]  # msrest ships no types
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


class _NotPlain(Exception):
    """The data is not in the exact shape the fast path reads; msrest's deserializer decides."""


def from_json(model: type[M], data: Any) -> M:
    """What `model().deserialize(data)` returns, read directly when the data has exactly the
    declared shape (the JSON keys, JSON types matching the declared ones), which is what
    channels send; anything else goes through msrest's own deserializer, errors included.
    msrest's deserializer took ~2 ms of every turn (an activity with its entities)."""
    try:
        return _model(model, data)
    except _NotPlain:
        restored: M = model().deserialize(data)  # type: ignore[no-untyped-call]  # msrest ships no types
        return restored


M = TypeVar("M", bound=Model)

_SIMPLE: dict[str, tuple[type, ...]] = {"str": (str,), "bool": (bool,), "int": (int,)}


def _model(model: type[M], data: Any) -> M:
    if type(data) is not dict:
        raise _NotPlain
    keys = _keys(model)
    kwargs: dict[str, Any] = {}
    extra: dict[str, Any] = {}
    for key, value in data.items():
        found = keys.get(key)
        if found is None:
            if key in model._attribute_map:  # a Python attribute name, which msrest also reads
                raise _NotPlain
            extra[key] = value  # msrest keeps unknown keys too (a mention's `mentioned`)
            continue
        attribute, type_name = found
        if value is not None:
            kwargs[attribute] = _value(type_name, value)
    built = model(**kwargs)
    if extra:
        built.additional_properties = extra
    return built


def _value(type_name: str, value: Any) -> Any:
    if value is None:
        return None
    simple = _SIMPLE.get(type_name)
    if simple is not None:
        if type(value) not in simple:
            raise _NotPlain
        return value
    if type_name == "object":
        if type(value) in (dict, list, str, int, float, bool):
            return value
        raise _NotPlain
    if type_name == "iso-8601":
        if type(value) is not str:
            raise _NotPlain
        return Deserializer.deserialize_iso(value)  # type: ignore[no-untyped-call]  # msrest ships no types
    if type_name.startswith("[") and type_name.endswith("]"):
        if type(value) is not list:
            raise _NotPlain
        return [_value(type_name[1:-1], item) for item in value]
    if type_name.startswith("{") and type_name.endswith("}"):
        if type(value) is not dict:
            raise _NotPlain
        return {key: _value(type_name[1:-1], item) for key, item in value.items()}
    model = getattr(schema, type_name, None)
    if isinstance(model, type) and issubclass(model, Model):
        return _model(model, value)
    raise _NotPlain


_KEYS: dict[type, dict[str, tuple[str, str]]] = {}


def _keys(model: type[Model]) -> dict[str, tuple[str, str]]:
    """JSON key -> (attribute, declared type); a model with readonly or flattened attributes,
    or extra properties, is left to msrest."""
    found = _KEYS.get(model)
    if found is None:
        if _readonly(model) or any("." in spec["key"] or not spec["key"] for spec in model._attribute_map.values()):
            raise _NotPlain
        found = {spec["key"]: (attribute, spec["type"]) for attribute, spec in model._attribute_map.items()}
        _KEYS[model] = found
    return found
