"""The Teams app package of an environment: manifest and localization files valid against the
official 1.29 schemas, icons of the right size, ids, version and URLs per environment."""

from __future__ import annotations

import json
import struct
import subprocess
import sys
import zipfile
from dataclasses import replace
from functools import cache
from pathlib import Path
from typing import Any

import pytest
from jsonschema import Draft4Validator

from bot.service.teams_package import LOCALIZATION_FILES, TEAMS_DIR, Environment, PackageError, build_package, render_manifest

SCHEMAS = Path(__file__).resolve().parents[2] / "schemas" / "teams-v1.29"
REPO_ROOT = Path(__file__).resolve().parents[3]
BOT_ID = "5f0c3a52-1b7e-4c1e-9d8a-2f3b4c5d6e7f"
TEST_ENV = Environment(
    bot_id=BOT_ID,
    app_id="0b7e61d2-9c1a-4e55-8f30-6a2d9c0e1b44",
    version="1.4.2",
    hostname="palveluopas-testi.kunta.fi",
    website_url="https://www.kunta.fi/palveluopas",
    privacy_url="https://www.kunta.fi/tietosuoja",
    terms_url="https://www.kunta.fi/kayttoehdot",
    name_suffix="(testi)",
)


@cache
def _validator(name: str) -> Draft4Validator:
    return Draft4Validator(json.loads((SCHEMAS / name).read_text(encoding="utf-8")))


def _errors(schema: str, document: dict[str, Any]) -> list[str]:
    return [f"{'/'.join(map(str, e.absolute_path))}: {e.message}" for e in _validator(schema).iter_errors(document)]


def _png_size(data: bytes) -> tuple[int, int]:
    assert data[:8] == b"\x89PNG\r\n\x1a\n" and data[12:16] == b"IHDR"
    width, height = struct.unpack(">II", data[16:24])
    return width, height


def _package(tmp_path: Path, env: Environment = TEST_ENV) -> dict[str, bytes]:
    out = build_package(env, tmp_path / "app.zip")
    with zipfile.ZipFile(out) as package:
        return {name: package.read(name) for name in package.namelist()}


def test_the_package_holds_a_valid_manifest_valid_localizations_and_icons_at_its_root(tmp_path: Path) -> None:
    files = _package(tmp_path)

    assert sorted(files) == ["color.png", "en.json", "manifest.json", "outline.png", "sv.json"]
    manifest = json.loads(files["manifest.json"])
    assert _errors("MicrosoftTeams.schema.json", manifest) == []
    for name in LOCALIZATION_FILES:
        assert _errors("MicrosoftTeams.Localization.schema.json", json.loads(files[name])) == [], name
    assert _png_size(files["color.png"]) == (192, 192)
    assert _png_size(files["outline.png"]) == (32, 32)


def test_the_environment_fills_ids_version_urls_domain_and_name(tmp_path: Path) -> None:
    manifest = json.loads(_package(tmp_path)["manifest.json"])

    assert manifest["manifestVersion"] == "1.29"
    assert (manifest["id"], manifest["bots"][0]["botId"], manifest["version"]) == (TEST_ENV.app_id, BOT_ID, "1.4.2")
    assert manifest["developer"]["privacyUrl"] == "https://www.kunta.fi/tietosuoja"
    assert manifest["validDomains"] == ["palveluopas-testi.kunta.fi"]
    assert manifest["name"]["short"] == "Palveluopas (testi)"
    assert "{{" not in json.dumps(manifest)


def test_finnish_is_the_default_and_swedish_and_english_have_their_names_and_commands(tmp_path: Path) -> None:
    files = _package(tmp_path)
    manifest = json.loads(files["manifest.json"])

    assert manifest["localizationInfo"] == {
        "defaultLanguageTag": "fi",
        "additionalLanguages": [{"languageTag": "sv", "file": "sv.json"}, {"languageTag": "en", "file": "en.json"}],
    }
    assert [c["title"] for c in manifest["bots"][0]["commandLists"][0]["commands"]] == ["apu", "peruuta", "takaisin"]
    swedish, english = json.loads(files["sv.json"]), json.loads(files["en.json"])
    assert swedish["name.short"] == english["name.short"] == "Palveluopas (testi)"
    assert [swedish[f"bots[0].commandLists[0].commands[{i}].title"] for i in range(3)] == ["hjälp", "avbryt", "tillbaka"]
    assert [english[f"bots[0].commandLists[0].commands[{i}].title"] for i in range(3)] == ["help", "cancel", "back"]
    # Every command of the default list is translated, title and description.
    commands = manifest["bots"][0]["commandLists"][0]["commands"]
    for strings in (swedish, english):
        assert all(strings[f"bots[0].commandLists[0].commands[{i}].description"] for i in range(len(commands)))


def test_the_bot_is_offered_in_personal_team_and_group_chat_and_asks_for_no_permission() -> None:
    manifest = render_manifest(TEST_ENV)

    assert manifest["bots"][0]["scopes"] == ["personal", "team", "groupChat"]
    assert manifest["permissions"] == []
    assert "authorization" not in manifest


def test_two_environments_get_different_apps(tmp_path: Path) -> None:
    production = replace(TEST_ENV, app_id="7d1c2b3a-4e5f-4a6b-8c7d-9e0f1a2b3c4d", bot_id="1a2b3c4d-5e6f-4a7b-8c9d-0e1f2a3b4c5d", name_suffix="")

    test_app, production_app = render_manifest(TEST_ENV), render_manifest(production)

    assert test_app["id"] != production_app["id"]
    assert production_app["name"]["short"] == "Palveluopas"


@pytest.mark.parametrize(
    "change",
    [
        {"bot_id": ""},
        {"bot_id": "{{BOT_ID}}"},
        {"app_id": "not-a-guid"},
        {"version": "1.4"},
        {"hostname": "palveluopas.example.com"},
        {"hostname": "https://palveluopas.kunta.fi/"},
        {"website_url": "https://example.com/palveluopas"},
        {"privacy_url": "https://www.example.org/tietosuoja"},
        {"terms_url": "http://www.kunta.fi/kayttoehdot"},
        {"name_suffix": "(testiympäristö, älä käytä)"},
    ],
)
def test_a_missing_malformed_or_example_value_is_refused(change: dict[str, str], tmp_path: Path) -> None:
    with pytest.raises(PackageError):
        build_package(replace(TEST_ENV, **change), tmp_path / "app.zip")

    assert not (tmp_path / "app.zip").exists()


def test_the_command_takes_values_from_options_and_the_environment(tmp_path: Path) -> None:
    environ = {
        "PATH": "/usr/bin:/bin",
        "MicrosoftAppId": BOT_ID,
        "PUBLIC_HOSTNAME": "palveluopas.kunta.fi",
        "TEAMS_WEBSITE_URL": "https://www.kunta.fi/palveluopas",
        "TEAMS_PRIVACY_URL": "https://www.kunta.fi/tietosuoja",
        "TEAMS_TERMS_URL": "https://www.kunta.fi/kayttoehdot",
    }
    command = [sys.executable, "-m", "bot.service.cli", "teams-package", "--version", "2.0.1", "--name-suffix", "(testi)", "--out", str(tmp_path / "t.zip")]

    done = subprocess.run(command, check=False, env=environ, cwd=REPO_ROOT, capture_output=True, text=True, timeout=60)
    refused = subprocess.run(
        command, check=False, env={**environ, "TEAMS_PRIVACY_URL": "https://example.com/x"}, cwd=REPO_ROOT, capture_output=True, text=True, timeout=60
    )

    assert done.returncode == 0, done.stderr
    with zipfile.ZipFile(tmp_path / "t.zip") as package:
        manifest = json.loads(package.read("manifest.json"))
    assert (manifest["id"], manifest["version"], manifest["name"]["short"]) == (BOT_ID, "2.0.1", "Palveluopas (testi)")
    assert refused.returncode == 2 and "placeholder URL" in refused.stderr


def test_the_icons_in_the_repository_are_192_color_and_32_outline() -> None:
    assert _png_size((TEAMS_DIR / "color.png").read_bytes()) == (192, 192)
    assert _png_size((TEAMS_DIR / "outline.png").read_bytes()) == (32, 32)
