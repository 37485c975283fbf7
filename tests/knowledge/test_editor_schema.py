"""The committed editor schemas equal what the models generate, and they accept real files."""

from __future__ import annotations

import json

import jsonschema
import pytest

from knowledge import editor_schema
from knowledge.files import LAYOUT
from knowledge.yaml_lines import parse_yaml

from .conftest import FILES, KbTree


def test_committed_schemas_are_what_the_models_generate() -> None:
    assert editor_schema.stale() == [], "run `palveluopas kb schema` and commit knowledge/schema/"


@pytest.mark.parametrize("name", sorted(editor_schema.generate()))
def test_each_schema_is_a_valid_json_schema(name: str) -> None:
    schema = json.loads(editor_schema.generate()[name])

    jsonschema.Draft202012Validator.check_schema(schema)


@pytest.mark.parametrize("fixture", sorted(FILES))
def test_fixture_files_satisfy_their_editor_schema(kb_tree: KbTree, fixture: str) -> None:
    layout = next(lay for lay in LAYOUT if fixture.split("/")[0] == lay.name)
    schema = json.loads(editor_schema.generate()[f"{layout.kind}.schema.json"])
    # The loader's YAML reading (yes:/no: stay keys), as yaml-language-server's YAML 1.2 does.
    data = parse_yaml(kb_tree.path(fixture).read_text(encoding="utf-8")).data

    jsonschema.validate(data, schema, cls=jsonschema.Draft202012Validator)


def test_schema_rejects_an_unknown_key_as_the_loader_does() -> None:
    schema = json.loads(editor_schema.generate()["glossary.schema.json"])
    data = {"terms": [{"id": "shl", "term": "SHL", "definition": "Laki.", "synonym": ["x"]}]}

    with pytest.raises(jsonschema.ValidationError, match="synonym"):
        jsonschema.validate(data, schema, cls=jsonschema.Draft202012Validator)
