"""`palveluopas` command line: one entry point, sub-commands registered by their owners.

Each feature keeps its commands beside its code (`knowledge/cli.py`, `bot/service/commands/...`) and
exposes `register(subparsers)`; this module only assembles them: adding a command is one
line in `COMMANDS`.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Callable, Sequence
from types import ModuleType

import knowledge.cli
from bot.service.commands import chat, db, qna, run, teams

# Modules that expose `register(subparsers)`. Each sub-parser sets `handler` (args -> exit code).
COMMANDS: tuple[ModuleType, ...] = (run, chat, db, teams, knowledge.cli, qna)


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="palveluopas", description="Palveluopas: a Teams assistant for family social work and child protection. Run a command with --help for its options."
    )
    subparsers = parser.add_subparsers(dest="command", required=True)
    for module in COMMANDS:
        module.register(subparsers)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    handler: Callable[[argparse.Namespace], int] = args.handler
    return handler(args)


if __name__ == "__main__":
    sys.exit(main())
