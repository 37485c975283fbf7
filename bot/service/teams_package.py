"""The Teams app package: `deploy/teams/manifest.json` with the bot id filled in, zipped
with its two icons, ready to sideload or to upload in the Teams admin centre."""

from __future__ import annotations

import json
import re
import zipfile
from pathlib import Path
from typing import Any, Final

TEAMS_DIR: Final = Path(__file__).resolve().parents[2] / "deploy" / "teams"
BOT_ID_PLACEHOLDER: Final = "{{MicrosoftAppId}}"
ICONS: Final = ("color.png", "outline.png")
_GUID = re.compile(r"^[0-9a-fA-F]{8}-([0-9a-fA-F]{4}-){3}[0-9a-fA-F]{12}$")


class PackageError(ValueError):
    pass


def render_manifest(app_id: str, teams_dir: Path = TEAMS_DIR) -> dict[str, Any]:
    """The manifest with the bot's Microsoft App ID in place of the placeholder."""
    if not _GUID.match(app_id):
        raise PackageError(f"MicrosoftAppId must be the bot's app id (a GUID), not {app_id!r}")
    template = (teams_dir / "manifest.json").read_text(encoding="utf-8")
    if BOT_ID_PLACEHOLDER not in template:
        raise PackageError(f"{teams_dir / 'manifest.json'} has no {BOT_ID_PLACEHOLDER} placeholder")
    manifest: dict[str, Any] = json.loads(template.replace(BOT_ID_PLACEHOLDER, app_id))
    return manifest


def build_package(app_id: str, out: Path, teams_dir: Path = TEAMS_DIR) -> Path:
    manifest = render_manifest(app_id, teams_dir)
    out.parent.mkdir(parents=True, exist_ok=True)
    with zipfile.ZipFile(out, "w", compression=zipfile.ZIP_DEFLATED) as package:
        # Teams wants the three files at the root of the zip, not in a folder.
        package.writestr("manifest.json", json.dumps(manifest, ensure_ascii=False, indent=2))
        for icon in ICONS:
            package.write(teams_dir / icon, icon)
    return out
