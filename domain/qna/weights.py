"""The matcher's weights: how much each field, each kind of record and each kind of evidence
counts. Read at question time, so `evaluate.tune` can try values without rebuilding the index.

The values below were chosen by `palveluopas qna tune` (`evaluate.tune`) on the *dev* part of
the evaluation set only: coordinate ascent over the grids in `evaluate.TUNING_GRID`, keeping a
change only when it raises dev top-1 (then top-3, then mean reciprocal rank). The held-out part
is never used to choose them. `qna tune` prints the weights it chooses and writes no file; run
on the values below it prints them unchanged (they are a fixed point of the ascent), which is
how their provenance is checked. That held until the tuning part grew by later batches
(2026-12-07): on the first two the ascent moves eleven weights for 7 more top-1 of 390, and
those weights answer the third batch, which that run never saw, worse (63 and 74 of 86 top-1
and top-3, against 64 and 76 with the values below), so the gain was the two batches' own
and was not taken. `foreign_text` was added then: 0.8, and every grid value below 1.0, give
one more top-1 on the tuning part. Tried again on 2026-12-07 with the tuning part at 883: the
ascent on the batches before u (768 questions) moves ten weights (among them `age_bonus` to 0)
for 671 -> 680 of 726 top-1 at the matcher alone, but through the app that is 90.9 -> 91.1 %
on those batches and 86.2 -> 87.0 % (one question of 138) on batches u, v and w, which it
never saw: not taken either. Values off the grids (`criterion`, `term`, `expansion`,
`synonym`) are the first matcher's hand-set ones that no grid value improves on;
`unknown_word_factor` is set by hand (see `TUNING_GRID`). Re-run after a large content or
matcher change, paste what it prints over `WEIGHTS` below (laid out as `qna tune` prints it,
which a test checks, so only changed values show in the diff), then run `qna sweep` and update
`bands.py`.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping
from dataclasses import dataclass, replace
from types import MappingProxyType
from typing import Final


def _frozen(values: Mapping[str, float]) -> Mapping[str, float]:
    return MappingProxyType(dict(values))


@dataclass(frozen=True)
class Weights:
    field: Mapping[str, float]
    """A match in each field next to a match in an FAQ phrasing, which is written as a question
    and so is the best evidence that a record answers one."""
    kind: Mapping[str, float]
    """Prior of each kind of record (faq, service, step, term): an FAQ answer is what a worker
    usually wants; a card, step or term is the answer to fewer questions."""
    definition_term: float
    """The prior of a glossary term when the question asks what something is or means
    (`normalize.is_definition_question`), instead of `kind["term"]`."""
    short_query_coverage: float
    """In a short field, the share of the score that comes from covering the question (the
    rest from covering the field). Workers add context words no phrasing has, but they rarely
    ask half a question."""
    evidence_bonus: float
    """Share of a record's best other-field score added to its best score: an FAQ entry whose
    answer also covers the question is more likely right than one matched by a single phrase."""
    unknown_word_factor: float
    """A question word found nowhere in the knowledge base weighs this share of the rarest
    word: it may be a topic we do not cover (lowering confidence) or chat noise."""
    fuzzy_share: float
    """Share of a short field's score that comes from rapidfuzz's character-level similarity of
    the whole texts (catches compounds split or glued differently, word order)."""
    complement: float = 0.0
    """Share of the question that the best text lacks but another text of the same record has,
    added to the record's score: the phrasing names the topic, the answer the detail asked."""
    derivation: float = 0.0
    """Strength of a match between keys of one stem family (`Tokenizer.stem_family`: `esit` /
    `esittam`), next to 1.0 for the same key; 0 turns it off."""
    paragraph_question_words: float = 1.0
    """How much an interrogative of the question ("mitä", "what") counts when found in a
    paragraph (an answer, a description): a paragraph mentions "mitä" without asking it."""
    negation_bonus: float = 0.15
    """Added to a record that says when something does not fit (`RecordInfo.negative`) when the
    question asks exactly that (`normalize.is_negation_question`)."""
    negation_penalty: float = 0.7
    """Factor of every other record's score then: "milloin EI sovellu" never gets the criteria."""
    situation_bonus: float = 0.1
    """Added to a criterion or contra-indication when the question asks whether something fits
    (`normalize.is_fit_question`): a described situation is answered by the condition it
    touches."""
    age_bonus: float = 0.15
    """Added to an age criterion when the question mentions an age (`normalize.age_in`)."""
    other_service: float = 0.7
    """Factor of a record about another card than the one(s) the question names."""
    foreign_text: float = 1.0
    """Factor of a match in a text of a third language: neither the question's nor Finnish
    (every record's own language, which a Swedish or English question may use for its terms).
    A Finnish question's word that is near an English or Swedish word ("runko" / "run") is
    not evidence that the record answers it."""
    shortlist: int = 20
    """Records scored in full after the inverted-index shortlist."""
    extra: Mapping[str, float] = dataclasses.field(default_factory=lambda: _frozen({}))

    def with_field(self, name: str, value: float) -> Weights:
        return replace(self, field=_frozen({**self.field, name: value}))

    def with_kind(self, name: str, value: float) -> Weights:
        return replace(self, kind=_frozen({**self.kind, name: value}))


WEIGHTS: Final = Weights(
    field=_frozen(
        {
            "phrasing": 1.0,
            "answer": 0.6,
            "name": 0.7,
            "keyword": 0.5,
            "criterion": 0.77,
            "summary": 0.5,
            "description": 0.5,
            "step-title": 1.0,
            "step-what": 0.8,
            "process": 0.5,
            "term": 0.86,
            "expansion": 0.86,
            "synonym": 0.84,
            "definition": 0.8,
            "statement": 0.9,
            "explanation": 0.6,
            "owner": 0.5,
            "situation": 0.9,
        }
    ),
    kind=_frozen({"faq": 1.0, "service": 1.0, "step": 0.95, "term": 0.6, "criterion": 0.9, "contra": 0.9, "unsuitable": 0.7}),
    definition_term=0.8,
    short_query_coverage=0.7,
    evidence_bonus=0.2,
    unknown_word_factor=0.6,
    fuzzy_share=0.3,
    complement=0.3,
    derivation=0.6,
    paragraph_question_words=0.0,
    negation_bonus=0.15,
    negation_penalty=0.7,
    situation_bonus=0.0,
    age_bonus=0.15,
    foreign_text=0.8,
)
