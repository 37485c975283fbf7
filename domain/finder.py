"""The service finder: which question to ask next, and which services fit the answers so far.

The finder's questions (`knowledge/finder.yaml`) are linked to the principle cards through
`implied_by` on criteria and contra-indications. An answer therefore settles some items of
some cards: a criterion met (or met only after consideration) raises a service's rank, an
unmet criterion or an applying contra-indication rules it out. The result lists the fitting
services best first, each with the criteria that make it fit, and the ruled-out ones with
the record that ruled them out and what to consider instead. It supports the professional's
choice; it never makes it.

Plain Python over the knowledge model: no Bot Framework, no I/O.
"""

from __future__ import annotations

from collections.abc import Hashable, Mapping
from dataclasses import dataclass
from types import MappingProxyType

from domain.age import age_option
from domain.criteria import Assessment, CheckAnswer, assess, resolve_alternatives
from domain.memo import KbMemo
from knowledge.model import ContraIndication, Criterion, FinderQuestion, KnowledgeBase, ServiceCard

Answers = Mapping[str, str]
"""Finder question id -> option id."""

CONSIDER_WEIGHT = 0.5
"""A criterion met only after special consideration counts half a met one."""

MAX_AGE = 30
"""Oldest age in years a typed age is checked against (the model's age bounds stop there)."""


@dataclass(frozen=True)
class RankedService:
    service: ServiceCard
    score: float
    """Criteria met, plus CONSIDER_WEIGHT for each met only after consideration."""
    met: tuple[Criterion, ...]
    """Criteria the answers show are met: why this service is on the list."""
    consider: tuple[Criterion, ...]
    """Criteria met only after special consideration."""
    unknown: int
    """Items still to check in the criteria check: criteria and contra-indications the
    answers do not settle (equals `len(check_items(service, implied_answers(...)))`)."""


@dataclass(frozen=True)
class RuledOut:
    service: ServiceCard
    reason: Criterion | ContraIndication
    """An applying contra-indication if there is one (it names alternatives), else the first
    unmet criterion."""
    alternatives: tuple[ServiceCard, ...]
    """From the contra-indication; empty for an unmet criterion (the model gives criteria no
    alternatives)."""


@dataclass(frozen=True)
class Recommendation:
    fits: tuple[RankedService, ...]
    """Services not ruled out, best first."""
    ruled_out: tuple[RuledOut, ...]
    """In card order."""
    answers: Mapping[str, str]
    """The answers the result is based on: those naming a known question and option (stale
    or stray ones are dropped, so the result never claims to rest on them). Read-only."""
    other_needs: tuple[ServiceCard, ...] = ()
    """Services the sources describe for another need than the presenting need answered
    (`ServiceCard.needs`): not assessed here, listed apart. In card order."""

    @property
    def with_evidence(self) -> tuple[RankedService, ...]:
        """The fits some answer speaks for (score > 0), best first: the suggestions."""
        return tuple(r for r in self.fits if r.score > 0)

    @property
    def without_evidence(self) -> tuple[RankedService, ...]:
        """The fits no answer speaks for or against (score 0): not ruled out, not suggested
        either; the answers cannot tell whether they fit."""
        return tuple(r for r in self.fits if r.score <= 0)


def implied_answers(card: ServiceCard, answers: Answers) -> dict[str, CheckAnswer]:
    """Criterion and contra-indication ids whose answer the finder answers imply.

    Only settled items are returned (yes, no, consider): an option listed nowhere in an
    item's `implied_by` leaves it out, so the criteria check still asks it. 'consider' is a
    criterion's state only (see `ImpliedBy`); on a contra-indication it is left unknown.
    """
    implied: dict[str, CheckAnswer] = {}
    items: tuple[Criterion | ContraIndication, ...] = (*card.criteria, *card.contraindications)
    for item in items:
        link = item.implied_by
        if link is None:
            continue
        option = answers.get(link.question)
        if option is None:
            continue
        if option in link.yes:
            implied[item.id] = CheckAnswer.YES
        elif option in link.no:
            implied[item.id] = CheckAnswer.NO
        elif option in link.consider and isinstance(item, Criterion):
            implied[item.id] = CheckAnswer.CONSIDER
    return implied


def _known_answers(kb: KnowledgeBase, answers: Answers) -> dict[str, str]:
    """Drop answers naming a question or option the finder does not have.

    Dialog state outlives content edits; a stale answer is treated as not given (and so is
    asked again) rather than silently matching nothing.
    """
    options = _OPTIONS.get(kb, None, lambda: {q.id: frozenset(o.id for o in q.options) for q in kb.finder.questions})
    return {q: o for q, o in answers.items() if o in options.get(q, ())}


_OPTIONS: KbMemo[dict[str, frozenset[str]]] = KbMemo(size=1)
"""Question id -> its option ids: read on every `recommend`, dozens of times a finder turn."""


def _ruled_out(kb: KnowledgeBase, card: ServiceCard, a: Assessment) -> RuledOut:
    if a.applying:
        contra = a.applying[0]
        return RuledOut(service=card, reason=contra, alternatives=resolve_alternatives(kb, card, (contra,)))
    return RuledOut(service=card, reason=a.unmet[0], alternatives=())


_RECOMMENDATIONS: KbMemo[Recommendation] = KbMemo(size=4096)
"""A finder turn asks for the recommendation of every option of every open question (to
know which questions can still change the result): dozens of assessments of every card,
the same for every worker who gives the same answers."""


def recommend(kb: KnowledgeBase, answers: Answers) -> Recommendation:
    """Rank the services for the finder answers given so far.

    Rank: score (criteria met; consider counts half), then fewer items still to check, then
    card order. A service with no criterion settled by the answers scores 0 and so ranks
    below every service with evidence; it is listed only while nothing rules it out.
    """
    known = _known_answers(kb, answers)
    # Keyed in the answers' order, which `Recommendation.answers` keeps.
    return _RECOMMENDATIONS.get(kb, tuple(known.items()), lambda: _recommend(kb, known))


def _recommend(kb: KnowledgeBase, known: dict[str, str]) -> Recommendation:
    need = presenting_need(kb, known)
    fits: list[tuple[RankedService, int]] = []
    ruled_out: list[RuledOut] = []
    other_needs: list[ServiceCard] = []
    for index, card in enumerate(kb.services):
        if card.kind != "service":
            # A pilot or project is knowledge, not something a worker can order.
            continue
        if need is not None and card.needs and need not in card.needs:
            other_needs.append(card)
            continue
        a = assess(card, implied_answers(card, known))
        if a.ruled_out:
            ruled_out.append(_ruled_out(kb, card, a))
            continue
        ranked = RankedService(
            service=card,
            score=len(a.met) + CONSIDER_WEIGHT * len(a.consider),
            met=a.met,
            consider=a.consider,
            unknown=len(a.unknown),
        )
        fits.append((ranked, index))
    fits.sort(key=lambda pair: (-pair[0].score, pair[0].unknown, pair[1]))
    return Recommendation(
        fits=tuple(ranked for ranked, _ in fits),
        ruled_out=tuple(ruled_out),
        answers=MappingProxyType(known),
        other_needs=tuple(other_needs),
    )


def presenting_need(kb: KnowledgeBase, answers: Answers) -> str | None:
    """The answered option of the presenting-need question, if the finder has one."""
    question = next((q for q in kb.finder.questions if q.presenting_need), None)
    return answers.get(question.id) if question is not None else None


def _outcome(rec: Recommendation, in_play: frozenset[str]) -> Hashable:
    """What a worker would see change for the services still in play: order, standing, why."""
    standing = tuple(
        (r.service.id, r.score, tuple(c.id for c in r.met), tuple(c.id for c in r.consider), r.unknown) for r in rec.fits if r.service.id in in_play
    )
    out = tuple((r.service.id, r.reason.id) for r in rec.ruled_out if r.service.id in in_play)
    apart = tuple(s.id for s in rec.other_needs if s.id in in_play)
    return standing, out, apart


def next_question(kb: KnowledgeBase, answers: Answers) -> FinderQuestion | None:
    """The first unanswered question (finder order) whose answer can change the result.

    A question is asked only if its options lead to different outcomes for the services
    still in play (not already ruled out): one option rules out a service, or changes a
    service's rank, criteria met or items still to check, where another does not. A question
    every option of which gives the same outcome is skipped. None when no remaining question
    can change the result. Deterministic: the same answers always give the same question.
    """
    open_ids = _open_questions(kb, answers)
    return next((q for q in kb.finder.questions if q.id == open_ids[0]), None) if open_ids else None


def is_age_question(question: FinderQuestion) -> bool:
    """Whether some option of the question holds an age in years (`domain.age`): there a
    typed whole number is an age, not an option's number."""
    return any(age_option(question, age) is not None for age in range(MAX_AGE + 1))


def questions_left(kb: KnowledgeBase, answers: Answers) -> int:
    """How many questions may still be asked at most: the unanswered ones whose answer can
    change the result now. Later answers may settle some of them, never add one, so this is
    an honest upper bound for "question 2 of at most 5"."""
    return len(_open_questions(kb, answers))


_OPEN_QUESTIONS: KbMemo[tuple[str, ...]] = KbMemo(size=4096)
"""A finder turn asks for the next question and how many are left: each tries every option
of every open question (a recommendation each), the same for every worker with the same
answers, whatever order they were given in."""


def _open_questions(kb: KnowledgeBase, answers: Answers) -> tuple[str, ...]:
    """The unanswered questions (finder order) whose answer can change the result now."""
    known = _known_answers(kb, answers)
    return _OPEN_QUESTIONS.get(kb, frozenset(known.items()), lambda: _find_open_questions(kb, known))


def _find_open_questions(kb: KnowledgeBase, known: dict[str, str]) -> tuple[str, ...]:
    in_play = frozenset(r.service.id for r in recommend(kb, known).fits)
    if not in_play:
        return ()
    return tuple(
        question.id
        for question in kb.finder.questions
        if question.id not in known and len({_outcome(recommend(kb, {**known, question.id: option.id}), in_play) for option in question.options}) > 1
    )
