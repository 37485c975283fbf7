"""The Teams app package: a manifest valid against schema 1.29, and icons of the right size."""

from __future__ import annotations

import json
import struct
import zipfile
from functools import cache
from pathlib import Path
from typing import Any

import pytest
from jsonschema import Draft4Validator

from bot.service.teams_package import TEAMS_DIR, PackageError, build_package, render_manifest

SCHEMA = Path(__file__).resolve().parents[2] / "schemas" / "teams-v1.29" / "MicrosoftTeams.schema.json"
APP_ID = "5f0c3a52-1b7e-4c1e-9d8a-2f3b4c5d6e7f"


@cache
def _validator() -> Draft4Validator:
    return Draft4Validator(json.loads(SCHEMA.read_text(encoding="utf-8")))


def _png_size(data: bytes) -> tuple[int, int]:
    assert data[:8] == b"\x89PNG\r\n\x1a\n" and data[12:16] == b"IHDR"
    width, height = struct.unpack(">II", data[16:24])
    return width, height


def _errors(manifest: dict[str, Any]) -> list[str]:
    return [f"{'/'.join(map(str, e.absolute_path))}: {e.message}" for e in _validator().iter_errors(manifest)]


def test_the_manifest_with_the_bot_id_filled_in_is_valid_against_schema_1_29() -> None:
    manifest = render_manifest(APP_ID)

    assert _errors(manifest) == []
    assert manifest["manifestVersion"] == "1.29"
    assert manifest["bots"][0]["botId"] == APP_ID


def test_the_icons_are_192_color_and_32_outline_pngs() -> None:
    assert _png_size((TEAMS_DIR / "color.png").read_bytes()) == (192, 192)
    assert _png_size((TEAMS_DIR / "outline.png").read_bytes()) == (32, 32)


def test_the_package_zips_manifest_and_icons_at_its_root(tmp_path: Path) -> None:
    out = build_package(APP_ID, tmp_path / "app.zip")

    with zipfile.ZipFile(out) as package:
        assert sorted(package.namelist()) == ["color.png", "manifest.json", "outline.png"]
        assert json.loads(package.read("manifest.json"))["bots"][0]["botId"] == APP_ID
        assert _png_size(package.read("color.png")) == (192, 192)


@pytest.mark.parametrize("app_id", ["", "not-a-guid", "{{MicrosoftAppId}}"])
def test_a_missing_or_malformed_app_id_is_refused(app_id: str, tmp_path: Path) -> None:
    with pytest.raises(PackageError):
        build_package(app_id, tmp_path / "app.zip")
    assert not (tmp_path / "app.zip").exists()
