"""`palveluopas qna tune` and `qna eval`: weights chosen on the tuning part, printed, nothing
written; the evaluation read from the package, through the app."""

from __future__ import annotations

from pathlib import Path

import pytest

from bot.service.cli import main
from domain.qna import build_index
from domain.qna.evaluate import EVAL_DIR, describe, load_questions, tune
from domain.qna.weights import WEIGHTS, Weights, _frozen
from knowledge.loader import load_knowledge_base

QUESTIONS = """\
questions:
  - {id: t1, lang: fi, kind: fact, doc: "000", t: palvelu, q: testipalvelu, x: []}
  - {id: t2, lang: fi, kind: fact, doc: "000", t: kysymys, q: kerro testipalvelusta lisää, x: []}
  - {id: t3, lang: fi, kind: fact, doc: "000", t: palvelu, q: testipalvelu kenelle, x: []}
  - {id: t4, lang: fi, kind: out, doc: "-", t: none, q: kissan ruokinta, x: []}
"""
HELD = """\
questions:
  - {id: h1, lang: fi, kind: fact, doc: "000", t: kysymys, q: mikä testipalvelu on, x: []}
"""
TOPICS = """\
topics:
  palvelu: [service:testipalvelu]
  kysymys: [faq:faq.testikysymys]
"""


@pytest.fixture
def questions(tmp_path: Path) -> Path:
    folder = tmp_path / "eval"
    folder.mkdir()
    (folder / "tuning.yaml").write_text(QUESTIONS, encoding="utf-8")
    (folder / "heldout.yaml").write_text(HELD, encoding="utf-8")
    (folder / "topics.yaml").write_text(TOPICS, encoding="utf-8")
    return folder


def _snapshot(root: Path) -> dict[Path, float]:
    return {p: p.stat().st_mtime for p in root.rglob("*") if p.is_file()}


def test_tune_prints_the_weights_the_tuner_chooses_and_writes_nothing(
    kb_root: Path, questions: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    weights_file = Path(__file__).resolve().parents[4] / "domain" / "qna" / "weights.py"
    before = (_snapshot(tmp_path), weights_file.stat().st_mtime, _snapshot(kb_root))

    assert main(["qna", "tune", "--knowledge", str(kb_root), "--questions", str(questions), "--rounds", "1"]) == 0

    out = capsys.readouterr().out
    assert "tuning on the tuning part" in out and "tuning:" in out and "held-out:" in out
    literal = out[out.index("WEIGHTS: Final = Weights(") :]
    namespace: dict[str, object] = {"Weights": Weights, "_frozen": _frozen, "Final": object}
    exec(literal.replace("WEIGHTS: Final =", "WEIGHTS ="), namespace)  # noqa: S102 - our own output
    expected = tune(build_index(load_knowledge_base(kb_root)), load_questions(questions), WEIGHTS, rounds=1)
    assert namespace["WEIGHTS"] == expected
    assert (_snapshot(tmp_path), weights_file.stat().st_mtime, _snapshot(kb_root)) == before


def test_tune_started_from_its_own_choice_keeps_it(kb_root: Path, questions: Path) -> None:
    index = build_index(load_knowledge_base(kb_root))
    chosen = tune(index, load_questions(questions), WEIGHTS)
    assert tune(index, load_questions(questions), chosen) == chosen


def test_weights_py_holds_the_weights_in_the_layout_tune_prints() -> None:
    # So that pasting what `qna tune` prints changes only the values that changed.
    weights_file = Path(__file__).resolve().parents[4] / "domain" / "qna" / "weights.py"
    assert describe(WEIGHTS) in weights_file.read_text(encoding="utf-8")


def test_eval_asks_every_question_as_a_first_message_through_the_app(kb_root: Path, questions: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["qna", "eval", "--knowledge", str(kb_root), "--questions", str(questions)]) == 0
    out = capsys.readouterr().out
    assert "first message of a new conversation, through the app" in out
    assert "tuning:" in out and "held-out:" in out and "by kind:" in out and "the matcher alone" in out


def test_the_evaluation_set_ships_with_the_package_not_under_tests() -> None:
    assert "tests" not in EVAL_DIR.parts
    assert {p.name for p in EVAL_DIR.glob("*.yaml")} == {"tuning.yaml", "heldout.yaml", "topics.yaml"}


def test_the_shipped_base_form_table_is_current_with_the_knowledge_base() -> None:
    from bot.service.commands.qna import lemma_table, table_text
    from domain.qna.morphology import TABLE_PATH

    assert table_text(lemma_table(None)) == TABLE_PATH.read_text(encoding="utf-8"), "run: palveluopas qna lemmas"
