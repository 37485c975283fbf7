"""`palveluopas` command line: one entry point, sub-commands registered by their owners.

Each feature keeps its commands beside its code (`knowledge/cli.py`, `bot/service/commands/...`) and
exposes `register(subparsers)`; this module only assembles them, so adding a command does not
touch the others.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Callable, Sequence

from bot.service.optional import optional_module

# Modules that expose `register(subparsers)`. Each sub-parser sets `handler` (args -> exit code).
COMMAND_MODULES: tuple[str, ...] = (
    "bot.service.commands.run",
    "bot.service.commands.chat",
    "bot.service.commands.db",
    "bot.service.commands.teams",
    "knowledge.cli",
    "bot.service.commands.qna",
)


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="palveluopas", description="Palveluopas: Teams-avustaja perhesosiaalityöhön ja lastensuojeluun")
    subparsers = parser.add_subparsers(dest="command", required=True)
    for name in COMMAND_MODULES:
        module = optional_module(name)
        if module is not None:
            module.register(subparsers)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    handler: Callable[[argparse.Namespace], int] = args.handler
    return handler(args)


if __name__ == "__main__":
    sys.exit(main())
