"""JSON Schemas of the knowledge files, generated from the models, for YAML editors.

With yaml-language-server (VS Code's YAML extension and others) an author gets completion
and red squiggles while typing. The schemas are committed so editors find them without
running Python; a test keeps them equal to what the models generate.
"""

from __future__ import annotations

import json
from pathlib import Path

from knowledge.files import LAYOUT

SCHEMA_DIR = Path(__file__).resolve().parent / "schema"
_DIALECT = "https://json-schema.org/draft/2020-12/schema"


def generate() -> dict[str, str]:
    """File name -> schema text, one per kind of knowledge file."""
    schemas: dict[str, str] = {}
    for layout in LAYOUT:
        schema = {"$schema": _DIALECT, **layout.model.model_json_schema()}
        text = json.dumps(schema, indent=2, ensure_ascii=False) + "\n"
        schemas[f"{layout.kind}.schema.json"] = text
    return schemas


def write(directory: Path = SCHEMA_DIR) -> list[Path]:
    directory.mkdir(parents=True, exist_ok=True)
    written = []
    for name, text in generate().items():
        path = directory / name
        path.write_text(text, encoding="utf-8")
        written.append(path)
    return written


def stale(directory: Path = SCHEMA_DIR) -> list[str]:
    """Names of the schema files that are missing or differ from what the models generate."""
    out_of_date = []
    for name, text in generate().items():
        path = directory / name
        if not path.is_file() or path.read_text(encoding="utf-8") != text:
            out_of_date.append(name)
    return out_of_date
