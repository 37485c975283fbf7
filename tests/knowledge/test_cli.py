"""`palveluopas kb ...` sub-commands and the one-screen problem summary."""

from __future__ import annotations

import argparse
import re
from pathlib import Path

import pytest
import yaml

from knowledge import cli, editor_schema
from knowledge.problems import Problem, format_problems

from .conftest import KbTree


def run(*argv: str) -> int:
    parser = argparse.ArgumentParser()
    cli.register(parser.add_subparsers(required=True))
    args = parser.parse_args(list(argv))
    return args.handler(args)


def test_show_prints_a_criterion_as_yaml_with_its_card_and_place(kb_tree: KbTree, capsys: pytest.CaptureFixture[str]) -> None:
    status = run("kb", "show", "tukihenkilo.ika", "--root", str(kb_tree.root))

    out = capsys.readouterr().out
    header, body = out.split("\n", 1)
    line = kb_tree.line_of("services/tukihenkilo.yaml", "- id: tukihenkilo.ika")
    assert status == 0
    where = f"{kb_tree.file('services/tukihenkilo.yaml')}:{line}"
    assert header == f"# criterion tukihenkilo.ika in tukihenkilo  {where}"
    assert yaml.safe_load(body)["implied_by"]["question"] == "ika"


@pytest.mark.parametrize(
    ("record_id", "kind"),
    [
        ("tukihenkilo", "service"),
        ("perhesosiaalityo.esitys.laava", "step"),
        ("faq.esitys-laavaan", "faq"),
        ("lsl", "term"),
        ("tuen-maara", "finder question"),
    ],
)
def test_show_finds_every_kind_of_record(kb_tree: KbTree, capsys: pytest.CaptureFixture[str], record_id: str, kind: str) -> None:
    status = run("kb", "show", record_id, "--root", str(kb_tree.root))

    assert status == 0
    assert capsys.readouterr().out.startswith(f"# {kind} {record_id}")


def test_show_of_an_unknown_id_fails_and_suggests_close_ones(kb_tree: KbTree, capsys: pytest.CaptureFixture[str]) -> None:
    status = run("kb", "show", "tukihenkilo.ikä", "--root", str(kb_tree.root))

    assert status == 1
    assert "did you mean: tukihenkilo.ika" in capsys.readouterr().err


def test_show_refuses_a_knowledge_base_with_errors(kb_tree: KbTree, capsys: pytest.CaptureFixture[str]) -> None:
    kb_tree.write("finder.yaml", "questions: [\n")

    status = run("kb", "show", "tukihenkilo", "--root", str(kb_tree.root))

    assert status == 1
    assert "[KB004]" in capsys.readouterr().err


def test_stats_counts_everything(kb_tree: KbTree, capsys: pytest.CaptureFixture[str]) -> None:
    kb_tree.replace(
        "services/perhekuntoutus.yaml",
        "summary:",
        "complete: false\nincomplete_note: Kesto puuttuu.\nsummary:",
    )

    status = run("kb", "stats", "--root", str(kb_tree.root))

    out = capsys.readouterr().out.splitlines()
    matches = [re.fullmatch(r"\s+(.+?)\s{2,}(.+)", line) for line in out[1:]]
    rows = dict(m.groups() for m in matches if m is not None)
    assert status == 0
    assert out[0].startswith("knowledge base ")
    assert rows == {
        "service cards": "2 (1 complete, 1 incomplete)",
        "criteria": "2",
        "contra-indications": "1",
        "prerequisites": "1",
        "processes": "1",
        "phases": "1",
        "steps": "1 (0 incomplete)",
        "FAQ entries": "2",
        "FAQ phrasings": "fi 4, sv 0, en 1",
        "glossary terms": "2",
        "finder questions": "2",
    }


def test_schema_writes_files_that_check_then_passes(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    before = run("kb", "schema", "--check", "--dir", str(tmp_path))
    written = run("kb", "schema", "--dir", str(tmp_path))
    after = run("kb", "schema", "--check", "--dir", str(tmp_path))

    assert (before, written, after) == (1, 0, 0)
    assert sorted(p.name for p in tmp_path.iterdir()) == sorted(editor_schema.generate())
    assert "out of date" in capsys.readouterr().err


def _problems(n: int) -> list[Problem]:
    return [Problem.of("KB213", "knowledge/faq/a.yaml", i + 1, "entries", "x") for i in range(n)]


def test_format_problems_fits_one_screen_and_points_to_the_full_list() -> None:
    text = format_problems(_problems(25))

    lines = text.splitlines()
    assert len(lines) == 20
    assert lines[-2] == "... and 7 more; run `palveluopas kb validate` to see them all"
    assert lines[-1] == "knowledge base: 25 errors, 0 warnings"


def test_format_problems_shows_all_when_they_fit() -> None:
    lines = format_problems(_problems(19)).splitlines()

    assert len(lines) == 20
    assert "more" not in lines[-2]


def test_format_problems_puts_errors_before_warnings() -> None:
    warning = Problem.of("KB007", "a.yaml", None, "", "not loaded")
    error = Problem.of("KB004", "b.yaml", 3, "", "YAML syntax: bad")

    assert format_problems([warning, error]).splitlines() == [
        "b.yaml:3: YAML syntax: bad [KB004]",
        "a.yaml: warning: not loaded [KB007]",
        "knowledge base: 1 error, 1 warning",
    ]


def test_kb_command_is_wired_into_the_program(kb_tree: KbTree) -> None:
    from bot.service.cli import main

    assert main(["kb", "validate", "--strict", "--root", str(kb_tree.root)]) == 0
