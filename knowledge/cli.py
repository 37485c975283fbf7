"""`palveluopas kb ...`: validate, inspect and count the knowledge base; refresh its schemas.

`bot/cli.py` assembles the program and calls `register`; each handler returns the exit code.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import Any

from rapidfuzz import process as fuzzy

from knowledge import editor_schema, stats
from knowledge.loader import ValidationResult, validate
from knowledge.model import KnowledgeBase
from knowledge.problems import format_problems, summary
from knowledge.yaml_lines import dump_yaml

__all__ = ["format_problems", "register"]


def register(subparsers: Any) -> None:
    """Add the `kb` command and its sub-commands to the program's sub-parsers."""
    kb = subparsers.add_parser(
        "kb",
        help="knowledge base: validate, show, stats, schema",
        description="Work with the YAML knowledge base in knowledge/.",
    )
    commands = kb.add_subparsers(dest="kb_command", required=True)

    check = commands.add_parser("validate", help="check every file; list the problems")
    check.add_argument("--strict", action="store_true", help="exit 1 on warnings too")
    _add_root(check)
    check.set_defaults(handler=cmd_validate)

    show = commands.add_parser("show", help="print one record by its id")
    show.add_argument("id", help="id of a service, criterion, step, FAQ entry, term, ...")
    _add_root(show)
    show.set_defaults(handler=cmd_show)

    count = commands.add_parser("stats", help="count what the knowledge base holds")
    _add_root(count)
    count.set_defaults(handler=cmd_stats)

    schema = commands.add_parser("schema", help="write the editor JSON schemas from the models")
    schema.add_argument("--check", action="store_true", help="only check they are up to date")
    schema.add_argument("--dir", type=Path, default=editor_schema.SCHEMA_DIR, help="where the schemas live")
    schema.set_defaults(handler=cmd_schema)


def _add_root(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--root", type=Path, default=None, help="knowledge folder (default: the installed one)")


def cmd_validate(args: argparse.Namespace) -> int:
    result = validate(args.root)
    for problem in result.problems:
        print(problem)
    version = f" (version {result.kb.version})" if result.kb is not None else ""
    print(f"knowledge base: {summary(result.problems)}{version}")
    if result.errors or (args.strict and result.warnings):
        return 1
    return 0


def cmd_show(args: argparse.Namespace) -> int:
    result = validate(args.root)
    kb = _loaded(result)
    if kb is None:
        return 1
    found = kb.record(args.id)
    if found is not None:
        where = result.locations.get(args.id, "")
        owner = f" in {found.owner.id}" if found.owner is not None else ""
        print(f"# {found.kind} {args.id}{owner}  {where}".rstrip())
        print(dump_yaml(found.record.model_dump(mode="json", exclude_defaults=True)), end="")
        return 0
    question = kb.finder_question(args.id)
    if question is not None:
        print(f"# finder question {args.id}")
        print(dump_yaml(question.model_dump(mode="json", exclude_defaults=True)), end="")
        return 0
    known = [*kb.record_ids(), *(q.id for q in kb.finder.questions)]
    close = [match for match, _score, _i in fuzzy.extract(args.id, known, limit=5, score_cutoff=60)]
    hint = f"; did you mean: {', '.join(close)}" if close else ""
    print(f"unknown id '{args.id}'{hint}", file=sys.stderr)
    return 1


def cmd_stats(args: argparse.Namespace) -> int:
    kb = _loaded(validate(args.root))
    if kb is None:
        return 1
    print("\n".join(stats.collect(kb).lines()))
    return 0


def cmd_schema(args: argparse.Namespace) -> int:
    if args.check:
        out_of_date = editor_schema.stale(args.dir)
        for name in out_of_date:
            print(f"{args.dir / name}: out of date; run `palveluopas kb schema`", file=sys.stderr)
        return 1 if out_of_date else 0
    for path in editor_schema.write(args.dir):
        print(f"wrote {path}")
    return 0


def _loaded(result: ValidationResult) -> KnowledgeBase | None:
    if result.kb is None:
        print(format_problems(result.problems), file=sys.stderr)
    return result.kb
