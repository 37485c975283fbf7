"""`palveluopas qna tune`: weights chosen on the dev part, printed, nothing written."""

from __future__ import annotations

from pathlib import Path

import pytest

from bot.service.cli import main
from domain.qna import build_index
from domain.qna.evaluate import DEV, describe, load_questions, part_of, tune
from domain.qna.weights import WEIGHTS, Weights, _frozen
from knowledge.loader import load_knowledge_base

QUESTIONS = """\
questions:
  - {q: testipalvelu, id: testipalvelu}
  - {q: kerro testipalvelusta lisää, id: faq.testikysymys}
  - {q: testipalvelu kenelle, id: testipalvelu}
  - {q: mikä testipalvelu on, id: faq.testikysymys}
out_of_scope:
  - {q: kissan ruokinta}
"""


@pytest.fixture
def questions(tmp_path: Path) -> Path:
    path = tmp_path / "questions.yaml"
    path.write_text(QUESTIONS, encoding="utf-8")
    return path


def _snapshot(root: Path) -> dict[Path, float]:
    return {p: p.stat().st_mtime for p in root.rglob("*") if p.is_file()}


def test_tune_prints_the_weights_the_tuner_chooses_and_writes_nothing(kb_root: Path, questions: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert any(part_of(q) == DEV for q in ("testipalvelu", "kerro testipalvelusta lisää"))
    weights_file = Path(__file__).resolve().parents[4] / "domain" / "qna" / "weights.py"
    before = (_snapshot(tmp_path), weights_file.stat().st_mtime, _snapshot(kb_root))

    assert main(["qna", "tune", "--knowledge", str(kb_root), "--questions", str(questions), "--rounds", "1"]) == 0

    out = capsys.readouterr().out
    assert "tuning on the dev part" in out and "dev:" in out and "held-out:" in out
    literal = out[out.index("WEIGHTS: Final = Weights(") :]
    namespace: dict[str, object] = {"Weights": Weights, "_frozen": _frozen, "Final": object}
    exec(literal.replace("WEIGHTS: Final =", "WEIGHTS ="), namespace)  # noqa: S102 - our own output
    in_scope, out_of_scope = load_questions(questions)
    expected = tune(build_index(load_knowledge_base(kb_root)), [*in_scope, *out_of_scope], WEIGHTS, rounds=1)
    assert namespace["WEIGHTS"] == expected
    assert (_snapshot(tmp_path), weights_file.stat().st_mtime, _snapshot(kb_root)) == before


def test_tune_started_from_its_own_choice_keeps_it(kb_root: Path, questions: Path) -> None:
    index = build_index(load_knowledge_base(kb_root))
    in_scope, out_of_scope = load_questions(questions)
    chosen = tune(index, [*in_scope, *out_of_scope], WEIGHTS)
    assert tune(index, [*in_scope, *out_of_scope], chosen) == chosen


def test_weights_py_holds_the_weights_in_the_layout_tune_prints() -> None:
    # So that pasting what `qna tune` prints changes only the values that changed.
    weights_file = Path(__file__).resolve().parents[4] / "domain" / "qna" / "weights.py"
    assert describe(WEIGHTS) in weights_file.read_text(encoding="utf-8")
