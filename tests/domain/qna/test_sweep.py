"""Choosing the band thresholds from outcomes: the rules of `evaluate.sweep`, on outcomes made
up so that the right choice is known."""

from __future__ import annotations

from itertools import count

from domain.qna.evaluate import DEV, SWEEP_BUFFER, EvalQuestion, Outcome, part_of, sweep
from domain.qna.index import RecordRef
from domain.qna.retrieve import Candidate

_texts = (text for n in count() if part_of(text := f"kysymys {n}") == DEV)


def _outcome(best: float, margin: float, right: bool = True, in_scope: bool = True) -> Outcome:
    question = EvalQuestion(text=next(_texts), lang="fi", expected=frozenset({"oikea"}) if in_scope else frozenset())
    first = RecordRef("faq", "oikea" if right else "vaara")
    candidates = (Candidate(first, best, "x", "phrasing"), Candidate(RecordRef("faq", "toinen"), round(best - margin, 4), "y", "phrasing"))
    return Outcome(question=question, candidates=candidates, document="general")


def _outcomes() -> list[Outcome]:
    """Right answers at every margin, two wrong ones at a margin of 0.105 (a cliff: from a
    required margin of 0.11 up none is wrong, at 0.10 and below 2 of at most 95 confident
    answers are), out-of-scope questions scoring low."""
    right = [_outcome(0.9, m / 100) for m in range(31) for _ in range(3)]
    wrong = [_outcome(0.9, 0.105, right=False), _outcome(0.9, 0.105, right=False)]
    unscoped = [_outcome(0.4, 0.2, in_scope=False) for _ in range(5)]
    return [*right, *wrong, *unscoped]


def test_the_confident_margin_keeps_a_buffer_from_the_edge_where_wrong_answers_come_in() -> None:
    chosen = sweep(_outcomes())
    assert chosen.margin == round(0.11 + SWEEP_BUFFER, 2)  # no closer, and no further: it answers the most it safely can


def test_a_confident_score_is_never_below_the_unsure_one() -> None:
    chosen = sweep(_outcomes())
    assert chosen.unsure <= chosen.confident
    assert 0.4 < chosen.unsure <= 0.9  # out-of-scope questions (0.4) fall below it, answers stay above


def test_only_the_dev_part_is_looked_at() -> None:
    outcomes = _outcomes()
    held_out = next(text for n in count() if part_of(text := f"muu {n}") != DEV)
    wrong_everywhere = Outcome(EvalQuestion(held_out, "fi", frozenset({"oikea"})), (Candidate(RecordRef("faq", "vaara"), 1.0, "x", "phrasing"),), "general")
    assert sweep([*outcomes, *[wrong_everywhere] * 20]) == sweep(outcomes)
