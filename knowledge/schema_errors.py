"""Layer 1: validate one parsed file against its model and say what is wrong, where.

Pydantic reports each error with a `loc` (keys and indices into the input); the line map
from `yaml_lines` turns that into a line. Messages are rewritten for content authors, who
think in YAML (text, list, mapping), not in Python types.
"""

from __future__ import annotations

import types
from typing import Annotated, Any, TypeVar, Union, get_args, get_origin

from pydantic import BaseModel, ValidationError
from pydantic_core import ErrorDetails
from rapidfuzz import fuzz
from rapidfuzz import process as fuzzy

from knowledge.model import Record
from knowledge.problems import Problem
from knowledge.yaml_lines import LineMap, YamlPath, format_path

M = TypeVar("M", bound=Record)

_TYPE_ERRORS = {
    "string_type": "text",
    "int_type": "a whole number",
    "int_parsing": "a whole number",
    "int_from_float": "a whole number",
    "bool_type": "true or false",
    "bool_parsing": "true or false",
    "model_type": "a mapping",
    "model_attributes_type": "a mapping",
    "dict_type": "a mapping",
    "tuple_type": "a list",
    "list_type": "a list",
    "iterable_type": "a list",
}
_SIZE_ERRORS = {
    "too_short",
    "too_long",
    "string_too_short",
    "string_too_long",
    "greater_than",
    "greater_than_equal",
    "less_than",
    "less_than_equal",
}


def validate_model(model: type[M], data: Any, lines: LineMap, file: str) -> tuple[M | None, list[Problem]]:
    try:
        return model.model_validate(data), []
    except ValidationError as exc:
        return None, [_problem(model, error, lines, file) for error in exc.errors()]


def _problem(model: type[BaseModel], error: ErrorDetails, lines: LineMap, file: str) -> Problem:
    loc: YamlPath = tuple(error["loc"])
    code, message = _describe(model, error, loc)
    return Problem.of(code, file, lines.line(loc), format_path(loc), message)


def _describe(model: type[BaseModel], error: ErrorDetails, loc: YamlPath) -> tuple[str, str]:
    kind = error["type"]
    given = error.get("input")
    ctx = error.get("ctx") or {}
    if kind == "extra_forbidden":
        return "KB101", f"unknown key '{loc[-1]}'{_did_you_mean(model, loc)}"
    if kind == "missing":
        return "KB102", f"missing required key '{loc[-1]}'"
    if kind == "string_pattern_mismatch":
        return "KB104", (f"invalid id {given!r}: use lower-case ASCII words joined by '-', namespaced by '.' (e.g. 'tukihenkilo.ika')")
    if kind == "literal_error":
        return "KB105", f"{given!r} is not one of: {ctx.get('expected', '')}"
    if kind in _TYPE_ERRORS:
        return "KB103", f"expected {_TYPE_ERRORS[kind]}, got {_yaml_type(given)} {_short(given)}"
    if kind in _SIZE_ERRORS:
        # Lists arrive as tuples in the model; authors wrote a list.
        return "KB106", _lower_first(error["msg"].replace("Tuple", "List").replace("tuple", "list"))
    return "KB199", _lower_first(error["msg"])


def _did_you_mean(model: type[BaseModel], loc: YamlPath) -> str:
    allowed = _fields_at(model, loc[:-1])
    if not allowed or not isinstance(loc[-1], str):
        return ""
    match = fuzzy.extractOne(loc[-1], allowed, scorer=fuzz.ratio, score_cutoff=75)
    if match:
        return f" (did you mean '{match[0]}'?)"
    return f"; allowed: {', '.join(allowed)}"


def _fields_at(model: type[BaseModel], loc: YamlPath) -> tuple[str, ...]:
    """Field names of the model found at `loc`, or () where `loc` leads to no model."""
    current: Any = model
    for part in loc:
        current = _unwrap(current)
        if isinstance(part, int):
            args = get_args(current) if get_origin(current) in (tuple, list) else ()
            current = args[0] if args else None
        elif _is_model(current) and part in current.model_fields:
            current = current.model_fields[part].annotation
        else:
            return ()
    current = _unwrap(current)
    return tuple(current.model_fields) if _is_model(current) else ()


def _unwrap(annotation: Any) -> Any:
    """`X | None` and `Annotated[X, ...]` -> X."""
    while True:
        origin = get_origin(annotation)
        if origin is Annotated:
            annotation = get_args(annotation)[0]
        elif origin in (Union, types.UnionType):
            members = [a for a in get_args(annotation) if a is not type(None)]
            if len(members) != 1:
                return annotation
            annotation = members[0]
        else:
            return annotation


def _is_model(annotation: Any) -> bool:
    return isinstance(annotation, type) and issubclass(annotation, BaseModel)


def _yaml_type(value: Any) -> str:
    if value is None:
        return "nothing (null)"
    if isinstance(value, bool):
        return "true/false"
    if isinstance(value, (int, float)):
        return "a number"
    if isinstance(value, str):
        return "text"
    if isinstance(value, list):
        return "a list"
    if isinstance(value, dict):
        return "a mapping"
    return type(value).__name__


def _short(value: Any) -> str:
    if isinstance(value, (dict, list)) or value is None:
        return ""
    text = repr(value)
    return text if len(text) <= 40 else text[:37] + "..."


def _lower_first(text: str) -> str:
    return text[:1].lower() + text[1:]
