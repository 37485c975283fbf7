"""Safe YAML parsing that remembers where every key and list item stands.

`yaml.safe_load` forgets positions, so a schema error could only name a key, not a line.
Here the document is composed into nodes first; the nodes give the line of each mapping key
and sequence item (and reveal duplicate keys, which PyYAML silently overwrites), then the
same nodes are constructed with SafeLoader's constructors, so no arbitrary objects.

One deliberate difference from `yaml.safe_load`: booleans are only `true`/`false` (YAML 1.2).
YAML 1.1 also reads `yes`, `no`, `on`, `off` as booleans, which would turn the model's
`yes:`/`no:` keys into True/False and the Finnish word "on" into True.
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from typing import Any

import yaml
from yaml.nodes import MappingNode, Node, ScalarNode, SequenceNode

YamlPath = tuple[str | int, ...]
"""Keys and list indices from the document root, e.g. `("criteria", 2, "id")`."""

_BOOL_TAG = "tag:yaml.org,2002:bool"
_MERGE_TAG = "tag:yaml.org,2002:merge"


_BaseLoader: type[yaml.SafeLoader] = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
"""libyaml's parser where PyYAML has it (its nodes carry the same line marks): the pure-Python
one took most of the knowledge base's load time, i.e. of the bot's cold start."""


class _LineLoader(_BaseLoader):  # type: ignore[valid-type,misc]  # the loader base is chosen at run time (C or Python)
    """SafeLoader with YAML 1.2 booleans."""


class _Dumper(yaml.SafeDumper):
    """SafeDumper with YAML 1.2 booleans, so `yes:` is written as authors write it."""


for _cls in (_LineLoader, _Dumper):
    _cls.yaml_implicit_resolvers = {
        first: [(tag, regexp) for tag, regexp in resolvers if tag != _BOOL_TAG] for first, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.items()
    }
    _cls.add_implicit_resolver(_BOOL_TAG, re.compile(r"^(?:true|True|TRUE|false|False|FALSE)$"), list("tTfF"))


class YamlSyntaxError(Exception):
    """The text is not YAML this loader accepts. `line` is 1-based, None if unknown."""

    def __init__(self, message: str, line: int | None) -> None:
        super().__init__(message)
        self.message = message
        self.line = line


@dataclass(frozen=True)
class DuplicateKey:
    path: YamlPath
    line: int
    first_line: int


@dataclass(frozen=True)
class LineMap:
    """Line of each key and item; asks for a path that is absent get its nearest parent."""

    lines: Mapping[YamlPath, int] = field(default_factory=dict)

    def line(self, path: YamlPath) -> int:
        for end in range(len(path), -1, -1):
            found = self.lines.get(path[:end])
            if found is not None:
                return found
        return 1

    def __contains__(self, path: object) -> bool:
        return path in self.lines


@dataclass(frozen=True)
class ParsedYaml:
    data: Any
    lines: LineMap
    duplicate_keys: tuple[DuplicateKey, ...]


def parse_yaml(text: str) -> ParsedYaml:
    """Parse one YAML document; raise `YamlSyntaxError` with the line where it breaks."""
    loader = _LineLoader(text)
    try:
        node = loader.get_single_node()
        if node is None:
            return ParsedYaml(None, LineMap({(): 1}), ())
        walker = _Walker(loader)
        walker.walk(node, ())
        data = loader.construct_document(node)
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        message = " ".join(part for part in (exc.context, exc.problem) if part)
        raise YamlSyntaxError(message or str(exc), mark.line + 1 if mark else None) from exc
    except yaml.YAMLError as exc:
        raise YamlSyntaxError(str(exc), None) from exc
    finally:
        loader.dispose()
    return ParsedYaml(data, LineMap(walker.lines), tuple(walker.duplicates))


def dump_yaml(data: Any) -> str:
    """Block-style YAML that `parse_yaml` reads back to the same data."""
    return yaml.dump(data, Dumper=_Dumper, allow_unicode=True, sort_keys=False, width=100)


def format_path(path: YamlPath) -> str:
    """`("criteria", 2, "id")` -> `criteria[2].id`."""
    out: list[str] = []
    for part in path:
        if isinstance(part, int):
            out.append(f"[{part}]")
        else:
            out.append(f".{part}" if out else str(part))
    return "".join(out)


class _Walker:
    def __init__(self, loader: _LineLoader) -> None:
        self._loader = loader
        self.lines: dict[YamlPath, int] = {}
        self.duplicates: list[DuplicateKey] = []
        self._active: set[int] = set()

    def walk(self, node: Node, path: YamlPath) -> None:
        self.lines.setdefault(path, node.start_mark.line + 1)
        # An alias may point back at its own ancestor; such a document is invalid for the
        # model anyway, so stop rather than recurse forever.
        if id(node) in self._active:
            return
        self._active.add(id(node))
        try:
            if isinstance(node, MappingNode):
                self._walk_mapping(node, path)
            elif isinstance(node, SequenceNode):
                for index, item in enumerate(node.value):
                    self.lines[(*path, index)] = item.start_mark.line + 1
                    self.walk(item, (*path, index))
        finally:
            self._active.discard(id(node))

    def _walk_mapping(self, node: MappingNode, path: YamlPath) -> None:
        first_seen: dict[Any, int] = {}
        for key_node, value_node in node.value:
            if key_node.tag == _MERGE_TAG:
                # `<<: *anchor` brings in keys that explicit keys may override by design.
                for merged in _merged_mappings(value_node):
                    self._walk_mapping(merged, path)
                continue
            key = self._key(key_node)
            line = key_node.start_mark.line + 1
            if key in first_seen:
                self.duplicates.append(DuplicateKey((*path, key), line, first_seen[key]))
            else:
                first_seen[key] = line
            self.lines[(*path, key)] = line
            self.walk(value_node, (*path, key))

    def _key(self, node: Node) -> str:
        if isinstance(node, ScalarNode):
            value = self._loader.construct_object(node)
            if isinstance(value, str):
                return value
            if isinstance(value, (int, float, bool)) or value is None:
                # Paths hold text keys; an integer key must not read as a list index.
                return str(value)
        # A list or mapping as a key cannot match any model field; its text will do.
        return f"<{getattr(node, 'id', 'node')} at line {node.start_mark.line + 1}>"


def _merged_mappings(node: Node) -> Iterator[MappingNode]:
    if isinstance(node, MappingNode):
        yield node
    elif isinstance(node, SequenceNode):
        for item in node.value:
            if isinstance(item, MappingNode):
                yield item
