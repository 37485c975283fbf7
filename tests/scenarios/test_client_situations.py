"""Client situations, as a worker would describe them, over the REAL knowledge base.

Each situation in `situations.yaml` gives the finder answers a worker would choose (the
child's age in years is mapped to the age option the way the bot maps it) and asserts:

- the finder: the top service, services listed as fits with the criteria that make them
  fit, services ruled out with the record that rules them out and its alternatives;
- the finder's question order: every question it asks is one the situation answers, so a
  question that could not change the result is never asked;
- the criteria check for one service: implied items are not asked again, the worker
  answers only what is left, and the verdict and alternatives are as the card says.

The situations are written from the two full principle cards of document 000 (professional
support person, round-the-clock family rehabilitation). A failure here means either the
logic or the content drifted from the source: read the situation's description first.
"""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path
from typing import Literal

import pytest
import yaml
from pydantic import BaseModel, ConfigDict, Field

from domain.age import age_option
from domain.criteria import CheckAnswer, Verdict, check_items, evaluate
from domain.finder import Recommendation, implied_answers, next_question, recommend
from knowledge.loader import load_knowledge_base
from knowledge.model import KnowledgeBase

SITUATIONS_FILE = Path(__file__).with_name("situations.yaml")
AGE_QUESTION = "ika"


class Strict(BaseModel):
    # A typo in the data file must fail, not silently assert nothing.
    model_config = ConfigDict(extra="forbid", frozen=True)


class RuledOutExpectation(Strict):
    reason: str
    alternatives: tuple[str, ...] = ()


class FinderExpectation(Strict):
    top: str | None = None
    fits: tuple[str, ...] = ()
    """Services that must be listed as fits (in any position)."""
    met: Mapping[str, tuple[str, ...]] = Field(default_factory=dict)
    """Service -> criteria that must be among those the finder shows as met."""
    consider: Mapping[str, tuple[str, ...]] = Field(default_factory=dict)
    """Service -> criteria that must be among those met only after consideration."""
    ranked_above: tuple[tuple[str, str], ...] = ()
    """(a, b): a is listed before b."""
    ruled_out: Mapping[str, RuledOutExpectation] = Field(default_factory=dict)
    asked: tuple[str, ...] | None = None
    """The questions the finder asks, in order, when answered from the situation."""
    other_needs: tuple[str, ...] = ()
    """Services that must be listed apart, as meeting another need than the presenting one."""
    suggested: tuple[str, ...] | None = None
    """Exactly the services suggested (some answer speaks for them), in any order."""
    not_assessable_at_most: int | None = None
    """At most this many services left as 'cannot be assessed from the answers'."""


class CheckExpectation(Strict):
    service: str
    answers: Mapping[str, Literal["yes", "no", "unknown"]] = Field(default_factory=dict)
    """The worker's answers to the items the finder did not settle."""
    verdict: Verdict
    alternatives: tuple[str, ...] = ()
    implied: Mapping[str, Literal["yes", "no", "consider"]] = Field(default_factory=dict)
    """Items the finder answers must settle, so the check does not ask them."""


class Situation(Strict):
    id: str
    description: str
    age: int | None = None
    answers: Mapping[str, str] = Field(default_factory=dict)
    finder: FinderExpectation
    check: CheckExpectation | None = None


class SituationsFile(Strict):
    situations: tuple[Situation, ...] = Field(min_length=15)


def _load_situations() -> tuple[Situation, ...]:
    data = yaml.safe_load(SITUATIONS_FILE.read_text(encoding="utf-8"))
    return SituationsFile.model_validate(data).situations


SITUATIONS = _load_situations()


@pytest.fixture(scope="module")
def kb() -> KnowledgeBase:
    return load_knowledge_base()


def finder_answers(kb: KnowledgeBase, situation: Situation) -> dict[str, str]:
    answers = dict(situation.answers)
    if situation.age is not None:
        question = kb.finder_question(AGE_QUESTION)
        assert question is not None, "finder.yaml has no age question"
        option = age_option(question, situation.age)
        assert option is not None, f"no age option holds {situation.age}"
        answers[AGE_QUESTION] = option
    return answers


def fit_ids(rec: Recommendation) -> list[str]:
    return [r.service.id for r in rec.fits]


@pytest.mark.parametrize("situation", SITUATIONS, ids=[s.id for s in SITUATIONS])
def test_finder_ranks_and_rules_out_as_the_cards_say(kb: KnowledgeBase, situation: Situation) -> None:
    rec = recommend(kb, finder_answers(kb, situation))
    expected = situation.finder
    fits = fit_ids(rec)
    if expected.top is not None:
        assert fits[:1] == [expected.top], f"ranking: {fits}"
    for service_id in expected.fits:
        assert service_id in fits, f"{service_id} not among fits {fits}"
    for service_id, criteria in expected.met.items():
        ranked = next(r for r in rec.fits if r.service.id == service_id)
        assert set(criteria) <= {c.id for c in ranked.met}, f"{service_id} met: {[c.id for c in ranked.met]}"
    for service_id, criteria in expected.consider.items():
        ranked = next(r for r in rec.fits if r.service.id == service_id)
        assert set(criteria) <= {c.id for c in ranked.consider}, f"{service_id} consider: {[c.id for c in ranked.consider]}"
    for above, below in expected.ranked_above:
        assert fits.index(above) < fits.index(below), f"ranking: {fits}"
    apart = {s.id for s in rec.other_needs}
    for service_id in expected.other_needs:
        assert service_id in apart, f"{service_id} not listed apart as another need; apart {sorted(apart)}"
    if expected.suggested is not None:
        assert {r.service.id for r in rec.with_evidence} == set(expected.suggested), [r.service.id for r in rec.with_evidence]
    if expected.not_assessable_at_most is not None:
        assert len(rec.without_evidence) <= expected.not_assessable_at_most, [r.service.id for r in rec.without_evidence]
    ruled_out = {r.service.id: r for r in rec.ruled_out}
    for service_id, why in expected.ruled_out.items():
        assert service_id in ruled_out, f"{service_id} not ruled out; fits {fits}"
        assert ruled_out[service_id].reason.id == why.reason
        assert tuple(s.id for s in ruled_out[service_id].alternatives) == why.alternatives


@pytest.mark.parametrize("situation", SITUATIONS, ids=[s.id for s in SITUATIONS])
def test_finder_stops_when_no_further_answer_changes_the_result(kb: KnowledgeBase, situation: Situation) -> None:
    # Walk the finder as the dialog does, answering from the situation. When it stops, the
    # answers it never asked for must not change the result: same fits in the same order with
    # the same criteria, and the same services ruled out.
    answers = finder_answers(kb, situation)
    given: dict[str, str] = {}
    asked: list[str] = []
    while (question := next_question(kb, given)) is not None:
        assert question.id not in given, f"asked {question.id} twice"
        assert question.id in answers, f"the finder asks {question.id}: the situation must answer it"
        asked.append(question.id)
        given[question.id] = answers[question.id]
    if situation.finder.asked is not None:
        assert tuple(asked) == situation.finder.asked
    walked, full = recommend(kb, given), recommend(kb, answers)
    assert walked.fits == full.fits
    assert [r.service.id for r in walked.ruled_out] == [r.service.id for r in full.ruled_out]


@pytest.mark.parametrize("situation", [s for s in SITUATIONS if s.check], ids=[s.id for s in SITUATIONS if s.check])
def test_criteria_check_gives_the_cards_verdict(kb: KnowledgeBase, situation: Situation) -> None:
    assert situation.check is not None
    check = situation.check
    card = kb.service(check.service)
    assert card is not None, f"no service {check.service}"
    implied = implied_answers(card, finder_answers(kb, situation))
    for item_id, answer in check.implied.items():
        assert implied.get(item_id) == CheckAnswer(answer), f"{item_id} implied {implied.get(item_id)}"
    to_ask = {item.id for item in check_items(card, implied)}
    # The worker answers only what the check asks: implied items are never asked again.
    assert set(check.answers) <= to_ask, f"asked already-implied items: {set(check.answers) - to_ask}"
    answers = {**implied, **{k: CheckAnswer(v) for k, v in check.answers.items()}}
    result = evaluate(kb, card, answers)
    assert result.verdict is check.verdict, result.reasons
    assert tuple(s.id for s in result.alternatives) == check.alternatives


FULL_CARDS = ("ammatillinen-tukihenkilo", "perhekuntoutus")
EDGE_AGES = (6, 7, 9, 10, 17, 18)


def _shown_applying(situation: Situation) -> set[str]:
    """Contra-indication ids the situation shows applying, in the finder or the check."""
    shown = {why.reason for why in situation.finder.ruled_out.values()}
    if situation.check is not None:
        shown |= {k for k, v in situation.check.answers.items() if v == "yes"}
        shown |= {k for k, v in situation.check.implied.items() if v == "yes"}
    return shown


def test_situations_cover_every_contra_indication_and_alternative_of_the_full_cards(kb: KnowledgeBase) -> None:
    # A contra-indication added to a full card must come with a situation that exercises it.
    shown = set().union(*(_shown_applying(s) for s in SITUATIONS))
    expected_alternatives = {
        *(alt for s in SITUATIONS for why in s.finder.ruled_out.values() for alt in why.alternatives),
        *(alt for s in SITUATIONS if s.check for alt in s.check.alternatives),
    }
    for service_id in FULL_CARDS:
        card = kb.service(service_id)
        assert card is not None and card.complete, f"{service_id} is not a full card"
        for contra in card.contraindications:
            assert contra.id in shown, f"no situation where {contra.id} applies"
            missing = set(contra.alternatives) - expected_alternatives
            assert not missing, f"no situation offers {missing} (from {contra.id})"


def test_situations_cover_the_age_edges() -> None:
    assert set(EDGE_AGES) <= {s.age for s in SITUATIONS}
