"""`palveluopas teams-package`: zip the Teams app package for the bot's app id."""

from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path
from typing import Any

from bot.service.teams_package import TEAMS_DIR, PackageError, build_package

DEFAULT_OUT = TEAMS_DIR.parent / "build" / "palveluopas-teams.zip"


def register(subparsers: Any) -> None:
    parser = subparsers.add_parser("teams-package", help="zip the Teams app package (manifest + icons) for MicrosoftAppId")
    parser.add_argument("--app-id", default=os.environ.get("MicrosoftAppId", ""), help="the bot's Microsoft App ID (default: $MicrosoftAppId)")  # noqa: SIM112 (the Bot Framework's own name)
    parser.add_argument("--out", type=Path, default=DEFAULT_OUT, help=f"zip to write (default: {DEFAULT_OUT})")
    parser.set_defaults(handler=cmd_teams_package)


def cmd_teams_package(args: argparse.Namespace) -> int:
    try:
        out = build_package(args.app_id.strip(), args.out)
    except PackageError as exc:
        print(f"{exc}. Set MicrosoftAppId (see deploy/README.md).", file=sys.stderr)
        return 2
    print(f"Wrote {out}: upload it in Teams (Apps > Manage your apps > Upload an app).")
    return 0
