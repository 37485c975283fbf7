"""`palveluopas teams-package`: zip the Teams app package of one environment.

Every value comes from an option or, without it, from the environment variable named in its
help, so `deploy/.env` of an environment is enough: `set -a; . deploy/.env; palveluopas
teams-package`.
"""

from __future__ import annotations

import argparse
import os
import sys
from importlib.metadata import PackageNotFoundError, version
from pathlib import Path
from typing import Any

from bot.service.teams_package import TEAMS_DIR, PackageError, build_package, environment_from

BUILD_DIR = TEAMS_DIR.parent / "build"


def register(subparsers: Any) -> None:
    parser = subparsers.add_parser(
        "teams-package",
        help="zip the Teams app package (manifest, sv/en localization, icons) of one environment",
        description="Zip the Teams app package of one environment. Each option falls back to the environment variable in brackets.",
    )
    option = parser.add_argument
    option("--bot-id", help="the bot's Microsoft App ID [MicrosoftAppId]")
    option("--app-id", help="the Teams app id, unique per environment [TEAMS_APP_ID; default: the bot id]")
    option("--version", help="app version x.y.z, higher than the installed one [TEAMS_APP_VERSION; default: the project's version]")
    option("--hostname", help="the bot's public host name, e.g. palveluopas.kunta.fi [PUBLIC_HOSTNAME]")
    option("--website-url", help="https URL of the app's page [TEAMS_WEBSITE_URL]")
    option("--privacy-url", help="https URL of the privacy statement [TEAMS_PRIVACY_URL]")
    option("--terms-url", help="https URL of the terms of use [TEAMS_TERMS_URL]")
    option("--name-suffix", help='appended to the app name, e.g. "(testi)" [TEAMS_NAME_SUFFIX]')
    option("--out", type=Path, help=f"zip to write (default: {BUILD_DIR}/palveluopas-teams-<version>[-suffix].zip)")
    parser.set_defaults(handler=cmd_teams_package)


def _project_version() -> str:
    try:
        return version("palveluopas")
    except PackageNotFoundError:  # run from a source tree without installing
        return "0.1.0"


def cmd_teams_package(args: argparse.Namespace) -> int:
    env = environment_from(vars(args), os.environ, _project_version())
    out: Path = args.out or BUILD_DIR / f"palveluopas-teams-{env.version}{_slug(env.name_suffix)}.zip"
    try:
        build_package(env, out)
    except PackageError as exc:
        print(f"teams-package: {exc}. See deploy/README.md, 'The Teams app package'.", file=sys.stderr)
        return 2
    print(f"Wrote {out} (Teams app {env.app_id}, bot {env.bot_id}, version {env.version}): upload it in Teams or the Teams admin center.")
    return 0


def _slug(suffix: str) -> str:
    word = "".join(c if c.isalnum() else "-" for c in suffix.lower()).strip("-")
    return f"-{word}" if word else ""
