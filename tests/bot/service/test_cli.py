"""`palveluopas --help` and every command's help speak one language (English, like the README)."""

from __future__ import annotations

import argparse
import re

from bot.service.cli import build_parser

# Letters only Finnish or Swedish text has; words that show up in Finnish help otherwise.
_NOT_ENGLISH = re.compile(r"[äöåÄÖÅ]|\b(oletus|näytä|kysymykset|tietopohja|kansio|ja|tai)\b", re.IGNORECASE)


def _helps(parser: argparse.ArgumentParser, path: str = "palveluopas") -> dict[str, str]:
    helps = {path: parser.format_help()}
    for action in parser._actions:
        if isinstance(action, argparse._SubParsersAction):
            for name, sub in action.choices.items():
                helps.update(_helps(sub, f"{path} {name}"))
    return helps


def test_every_help_text_is_in_english() -> None:
    helps = _helps(build_parser())

    assert len(helps) > 10, "every command and sub-command is looked at"
    offending = {command: _NOT_ENGLISH.findall(text) for command, text in helps.items() if _NOT_ENGLISH.search(text.replace("(testi)", ""))}
    assert offending == {}
