"""Line-aware YAML parsing: safe, positions for every key and item, duplicates caught."""

from __future__ import annotations

import pytest

from knowledge.yaml_lines import YamlSyntaxError, dump_yaml, format_path, parse_yaml


def test_every_key_and_list_item_has_its_line() -> None:
    parsed = parse_yaml("a: 1\nb:\n  - x\n  - c: 2\n    d: 3\n")

    assert parsed.data == {"a": 1, "b": ["x", {"c": 2, "d": 3}]}
    assert [parsed.lines.line(p) for p in [("a",), ("b",), ("b", 0), ("b", 1), ("b", 1, "d")]] == [
        1,
        2,
        3,
        4,
        5,
    ]


def test_an_absent_path_gets_the_line_of_its_nearest_parent() -> None:
    parsed = parse_yaml("a: 1\nb:\n  c: 2\n")

    assert parsed.lines.line(("b", "missing", 0)) == 2


def test_duplicate_keys_are_reported_with_both_lines() -> None:
    parsed = parse_yaml("a:\n  x: 1\n  y: 2\n  x: 3\n")

    [duplicate] = parsed.duplicate_keys
    assert (duplicate.path, duplicate.line, duplicate.first_line) == (("a", "x"), 4, 2)


def test_merge_keys_may_be_overridden_without_a_duplicate() -> None:
    parsed = parse_yaml("base: &b\n  k: 1\nuse:\n  <<: *b\n  k: 2\n")

    assert parsed.data["use"] == {"k": 2}
    assert parsed.duplicate_keys == ()


def test_python_objects_are_refused_like_safe_load() -> None:
    with pytest.raises(YamlSyntaxError) as raised:
        parse_yaml("a: !!python/object/apply:os.system ['true']\n")

    assert raised.value.line == 1


def test_two_documents_in_one_file_are_refused_at_the_second() -> None:
    with pytest.raises(YamlSyntaxError) as raised:
        parse_yaml("a: 1\n---\nb: 2\n")

    assert raised.value.line == 2


def test_only_true_and_false_are_booleans() -> None:
    parsed = parse_yaml("yes: no\non: off\nt: true\nf: False\n")

    assert parsed.data == {"yes": "no", "on": "off", "t": True, "f": False}


def test_a_self_referencing_alias_does_not_hang() -> None:
    parsed = parse_yaml("a: &x [1, *x]\n")

    assert parsed.lines.line(("a", 0)) == 1


def test_paths_print_with_dots_and_indices() -> None:
    path = ("criteria", 2, "implied_by", "question")

    assert format_path(path) == "criteria[2].implied_by.question"
    assert format_path(()) == ""


def test_dumped_yaml_keeps_yes_and_no_as_plain_words_and_reads_back() -> None:
    data = {"yes": ["a"], "no": ["on"], "flag": True, "text": "ä"}

    dumped = dump_yaml(data)

    assert dumped.splitlines()[0] == "yes:"
    assert parse_yaml(dumped).data == data
