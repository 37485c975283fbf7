"""`palveluopas chat`, driven by a script on stdin as a person would type it."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parents[4]


def chat(script: str, database_url: str, kb_root: Path, *args: str) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "DATABASE_URL": database_url, "KNOWLEDGE_ROOT": str(kb_root)}
    return subprocess.run(
        [sys.executable, "-m", "bot.service.cli", "chat", *args],
        input=script,
        capture_output=True,
        text=True,
        env=env,
        cwd=REPO_ROOT,
        timeout=60,
        check=False,
    )


def test_the_chat_greets_shows_numbered_buttons_and_a_number_presses_one(database_url: str, kb_root: Path) -> None:
    result = chat("apu\n2\n/quit\n", database_url, kb_root)

    assert result.returncode == 0, result.stderr
    out = result.stdout
    assert "Palveluopas: Hei! Olen Palveluopas" in out
    assert "Tervetuloa Palveluoppaaseen" in out
    assert "[1] Valitse palvelu" in out and "[2] Tarkista palvelun kriteerit" in out
    # Pressing [2] sends that button's data, which the bot answers about that capability.
    after_two = out.split("> 2\n", 1)[1]
    assert "Tarkista palvelun kriteerit" in after_two or "kriteer" in after_two.lower()


def test_the_chat_speaks_the_chosen_language_and_ends_at_end_of_input(database_url: str, kb_root: Path) -> None:
    result = chat("help\n", database_url, kb_root, "--locale", "en-US")

    assert result.returncode == 0, result.stderr
    assert "Palveluopas: Hi! I'm Palveluopas" in result.stdout
    assert "[1] Choose a service" in result.stdout


def test_the_chat_refuses_an_unmigrated_database_and_says_what_to_run(tmp_path: Path, kb_root: Path) -> None:
    result = chat("hei\n", f"sqlite+aiosqlite:///{tmp_path / 'empty.db'}", kb_root)

    assert result.returncode == 2
    assert "palveluopas db upgrade" in result.stderr


def test_at_the_age_question_a_typed_number_is_an_age_as_in_teams(database_url: str, kb_root: Path) -> None:
    result = chat("valitse palvelu\n1\n/quit\n", database_url, kb_root)

    assert result.returncode == 0, result.stderr
    out = result.stdout
    # The age options are listed without numbers, so "1" is not a button here but one year.
    assert "- Alle 12-vuotias" in out and "[1] Alle 12-vuotias" not in out
    assert "Luin: 1 vuotta (Alle 12-vuotias)." in out.split("> 1\n", 1)[1]


def test_a_card_with_fields_asks_for_each_before_its_button_is_sent(database_url: str, kb_root: Path) -> None:
    script = "palaute\n1\nPerhekoti Kataja Oy\n1\n2\n1\n1.9.2026\n30.11.2026\n/quit\n"

    result = chat(script, database_url, kb_root)

    assert result.returncode == 0, result.stderr
    after_next = result.stdout.split("Miltä ajanjaksolta palaute on?", 1)[1]
    assert "? Alkaen (d.m.yyyy): 1.9.2026" in after_next and "? Päättyen (d.m.yyyy): 30.11.2026" in after_next
    # The dates went with the button: the next card asks for the ratings, not the dates again.
    assert "Arvioi palvelua" in after_next and "Valitse sekä alkamis- että päättymispäivä" not in after_next
