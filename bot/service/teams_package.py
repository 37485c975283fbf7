"""The Teams app package of one environment: `deploy/teams/manifest.json` and its Swedish and
English localization files with that environment's ids, version, URLs and name suffix
filled in, zipped with the two icons, ready to sideload or upload in the Teams admin centre.

Each environment (test, production, a second county in the same tenant) needs its own Teams
app id and bot id, or the apps collide in the tenant; nothing environment-specific is kept
in the repository, the template only has `{{PLACEHOLDERS}}`.
"""

from __future__ import annotations

import json
import re
import zipfile
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Final
from urllib.parse import urlsplit

TEAMS_DIR: Final = Path(__file__).resolve().parents[2] / "deploy" / "teams"
ICONS: Final = ("color.png", "outline.png")
LOCALIZATION_FILES: Final = ("sv.json", "en.json")
NAME_SHORT_MAX: Final = 30
"""The manifest schema's limit for `name.short`, suffix included."""

_GUID = re.compile(r"^[0-9a-fA-F]{8}-([0-9a-fA-F]{4}-){3}[0-9a-fA-F]{12}$")
_VERSION = re.compile(r"^([0-9]|[1-9][0-9]*)\.([0-9]|[1-9][0-9]*)\.([0-9]|[1-9][0-9]*)$")
_HOSTNAME = re.compile(r"^(?=.{1,253}$)([a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z]{2,63}$")
_PLACEHOLDER = re.compile(r"\{\{[A-Z_]+\}\}")
# Reserved documentation domains (RFC 2606): a package carrying them points users nowhere.
_EXAMPLE_DOMAINS: Final = ("example.com", "example.org", "example.net")


class PackageError(ValueError):
    """An option is missing or malformed; the message names the option and its variable."""


@dataclass(frozen=True)
class Environment:
    """What differs between two installations of the app."""

    bot_id: str
    """The bot's Microsoft App ID (`--bot-id`, `MicrosoftAppId`)."""
    app_id: str
    """The Teams app id (`--app-id`, `TEAMS_APP_ID`); unique per environment and tenant."""
    version: str
    """Semantic version x.y.z; Teams only updates an installed app to a higher one."""
    hostname: str
    """The bot's public host name (`validDomains`), e.g. palveluopas.kunta.fi."""
    website_url: str
    privacy_url: str
    terms_url: str
    name_suffix: str = ""
    """Appended to the app's name in every language, e.g. "(testi)", so users tell the apps apart."""

    def check(self) -> None:
        for label, value in (("--bot-id (MicrosoftAppId)", self.bot_id), ("--app-id (TEAMS_APP_ID)", self.app_id)):
            if not _GUID.match(value):
                raise PackageError(f"{label} must be a GUID, not {value!r}")
        if not _VERSION.match(self.version):
            raise PackageError(f"--version (TEAMS_APP_VERSION) must be x.y.z, e.g. 1.4.0, not {self.version!r}")
        if not _HOSTNAME.match(self.hostname):
            raise PackageError(f"--hostname (PUBLIC_HOSTNAME) must be the bot's public host name, e.g. palveluopas.kunta.fi, not {self.hostname!r}")
        if _is_example(self.hostname):
            raise PackageError(f"--hostname (PUBLIC_HOSTNAME) is a placeholder domain: {self.hostname}")
        for label, url in (
            ("--website-url (TEAMS_WEBSITE_URL)", self.website_url),
            ("--privacy-url (TEAMS_PRIVACY_URL)", self.privacy_url),
            ("--terms-url (TEAMS_TERMS_URL)", self.terms_url),
        ):
            _check_url(label, url)
        if len(f"Palveluopas {self.name_suffix}".strip()) > NAME_SHORT_MAX:
            raise PackageError(f"--name-suffix makes the short name longer than {NAME_SHORT_MAX} characters: {self.name_suffix!r}")


def _is_example(hostname: str) -> bool:
    host = hostname.lower().rstrip(".")
    return any(host == domain or host.endswith(f".{domain}") for domain in _EXAMPLE_DOMAINS)


def _check_url(label: str, url: str) -> None:
    parts = urlsplit(url)
    if parts.scheme != "https" or not parts.hostname:
        raise PackageError(f"{label} must be an https:// URL, not {url!r}")
    if _is_example(parts.hostname):
        raise PackageError(f"{label} is a placeholder URL ({url}): give your organisation's page")


def _fill(text: str, env: Environment) -> str:
    values = {
        "BOT_ID": env.bot_id,
        "TEAMS_APP_ID": env.app_id,
        "VERSION": env.version,
        "PUBLIC_HOSTNAME": env.hostname,
        "WEBSITE_URL": env.website_url,
        "PRIVACY_URL": env.privacy_url,
        "TERMS_URL": env.terms_url,
    }
    for name, value in values.items():
        # JSON-escaped, so that no value can break out of its string.
        text = text.replace("{{" + name + "}}", json.dumps(value)[1:-1])
    left = _PLACEHOLDER.findall(text)
    if left:
        raise PackageError(f"the template has placeholders nobody fills: {', '.join(sorted(set(left)))}")
    return text


def _suffixed(name: str, suffix: str) -> str:
    return f"{name} {suffix}".strip() if suffix else name


def render_manifest(env: Environment, teams_dir: Path = TEAMS_DIR) -> dict[str, Any]:
    """The environment's manifest (Finnish, the default language)."""
    env.check()
    manifest: dict[str, Any] = json.loads(_fill((teams_dir / "manifest.json").read_text(encoding="utf-8"), env))
    for key in ("short", "full"):
        manifest["name"][key] = _suffixed(manifest["name"][key], env.name_suffix)
    return manifest


def render_localizations(env: Environment, teams_dir: Path = TEAMS_DIR) -> dict[str, dict[str, Any]]:
    """The localization files by file name, with the name suffix in every language."""
    files: dict[str, dict[str, Any]] = {}
    for name in LOCALIZATION_FILES:
        strings: dict[str, Any] = json.loads((teams_dir / name).read_text(encoding="utf-8"))
        for key in ("name.short", "name.full"):
            strings[key] = _suffixed(strings[key], env.name_suffix)
        files[name] = strings
    return files


def build_package(env: Environment, out: Path, teams_dir: Path = TEAMS_DIR) -> Path:
    manifest = render_manifest(env, teams_dir)
    localizations = render_localizations(env, teams_dir)
    out.parent.mkdir(parents=True, exist_ok=True)
    with zipfile.ZipFile(out, "w", compression=zipfile.ZIP_DEFLATED) as package:
        # Teams wants every file at the root of the zip, not in a folder.
        package.writestr("manifest.json", _json(manifest))
        for name, strings in localizations.items():
            package.writestr(name, _json(strings))
        for icon in ICONS:
            package.write(teams_dir / icon, icon)
    return out


def environment_from(options: Mapping[str, str | None], environ: Mapping[str, str], default_version: str) -> Environment:
    """Options first, then the environment; the Teams app id defaults to the bot id (one
    app per bot registration is what keeps environments apart)."""

    def pick(option: str, variable: str, default: str = "") -> str:
        value = options.get(option)
        return (value if value is not None else environ.get(variable, "")).strip() or default

    bot_id = pick("bot_id", "MicrosoftAppId")
    return Environment(
        bot_id=bot_id,
        app_id=pick("app_id", "TEAMS_APP_ID", bot_id),
        version=pick("version", "TEAMS_APP_VERSION", default_version),
        hostname=pick("hostname", "PUBLIC_HOSTNAME"),
        website_url=pick("website_url", "TEAMS_WEBSITE_URL"),
        privacy_url=pick("privacy_url", "TEAMS_PRIVACY_URL"),
        terms_url=pick("terms_url", "TEAMS_TERMS_URL"),
        name_suffix=pick("name_suffix", "TEAMS_NAME_SUFFIX"),
    )


def _json(data: dict[str, Any]) -> str:
    return json.dumps(data, ensure_ascii=False, indent=2) + "\n"
