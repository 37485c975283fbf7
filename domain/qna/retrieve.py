"""Answering a question from the index: score every document, rank records, pick a band.

A document's score combines two coverages, each weighted by IDF so rare words count more:

- *question coverage*: how much of the question the document accounts for;
- *document coverage*: how much of the document the question accounts for (short fields
  only: a phrasing, a name, a term). This is what separates "kuka järjestää ammatillisen
  tukihenkilön" from "milloin ammatillinen tukihenkilö ei sovi": both share the service, each
  matches its own phrasing fully.

A record scores as its best document. The band comes from the best score and its margin over
the runner-up (see `bands.py` for the thresholds and where they come from).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Final, Literal

from domain.qna.bands import CONFIDENT_MARGIN, CONFIDENT_SCORE, UNSURE_SCORE
from domain.qna.index import QnaIndex, RecordRef
from domain.qna.normalize import detect_language

Band = Literal["confident", "unsure", "none"]

SHORT_QUERY_COVERAGE: Final = 0.7
"""In a short field, the share of the score that comes from covering the question (the rest
from covering the field). The question side weighs more: workers add context words
("meillä on perhe jossa...") that no phrasing has, but they rarely ask half a question."""
UNKNOWN_WORD_FACTOR: Final = 0.6
"""A word found nowhere in the knowledge base weighs this share of the rarest word: it may be
a topic we do not cover (lowering confidence) or chat noise (which should not sink a match)."""
COMPLETE: Final = 0.99
"""Both coverages at least this: the question and the text are the same words."""
EVIDENCE_BONUS: Final = 0.15
"""Share of a record's best other-field score added to its best score."""
MAX_CANDIDATES: Final = 5
QUESTION_MAX_CHARS: Final = 1000
"""Longer input is cut before matching: nobody asks a page, and matching cost grows with it."""


@dataclass(frozen=True, slots=True)
class Candidate:
    ref: RecordRef
    score: float
    phrasing: str
    """The text that matched best (a phrasing, name, step title, term, ...)."""
    field: str


@dataclass(frozen=True, slots=True)
class QnaResult:
    lang: str
    """Detected language of the question."""
    band: Band
    candidates: tuple[Candidate, ...]
    """Best first, one per record, at most MAX_CANDIDATES."""

    @property
    def top(self) -> Candidate | None:
        return self.candidates[0] if self.candidates else None


def choose_band(candidates: tuple[Candidate, ...], confident: float = CONFIDENT_SCORE, margin: float = CONFIDENT_MARGIN, unsure: float = UNSURE_SCORE) -> Band:
    """Confident when the best record is both good and clearly ahead; unsure when it is good
    enough to offer; otherwise no match. Parameters exist for the threshold sweep."""
    if not candidates:
        return "none"
    best = candidates[0].score
    runner_up = candidates[1].score if len(candidates) > 1 else 0.0
    if best >= confident and best - runner_up >= margin:
        return "confident"
    if best >= unsure:
        return "unsure"
    return "none"


def rank(index: QnaIndex, text: str, lang: str) -> tuple[Candidate, ...]:
    """Records that match `text`, best first, without a band."""
    tokenizer = index.tokenizer
    query = tokenizer.slots(text[:QUESTION_MAX_CHARS], lang, query=True)
    if not query:
        return ()

    # Weight of each question slot: the IDF of its word, or of the nearest spelling in the
    # knowledge base; a word found nowhere gets UNKNOWN_WORD_FACTOR of the rarest.
    slot_matches: list[list[tuple[str, float]]] = []
    weights: list[float] = []
    for alts, main, factor, _cue in query:
        matched: dict[str, float] = {}
        for key, factor in alts:
            for vkey, sim in tokenizer.vocabulary_matches(key) if not key.startswith("@") else ((key, 1.0),):
                value = factor * sim
                if value > matched.get(vkey, 0.0):
                    matched[vkey] = value
        slot_matches.append(list(matched.items()))
        if main in index.idf:
            weights.append(index.idf[main] * factor)
        elif matched:
            best_key = max(matched, key=lambda k: (matched[k], index.idf.get(k, 0.0)))
            weights.append(index.idf.get(best_key, index.max_idf) * factor)
        else:
            weights.append(index.max_idf * UNKNOWN_WORD_FACTOR * factor)
    total_weight = sum(weights)
    n_slots = len(query)
    # For texts that name a thing, "mikä on" / "what is" is the whole question: leave the
    # question words out of the weight they must cover.
    content = [0.0 if cue else w for w, (_a, _m, _f, cue) in zip(weights, query)]
    content_weight = sum(content) or total_weight

    # Best similarity of each question slot per document, and of each document slot.
    q_best: dict[int, list[float]] = {}
    d_best: dict[int, dict[int, float]] = {}
    postings = index.postings
    for i, matched in enumerate(slot_matches):
        for vkey, value in matched:
            for doc_pos, slot_pos, factor in postings.get(vkey, ()):
                x = value * factor
                row = q_best.get(doc_pos)
                if row is None:
                    row = q_best[doc_pos] = [0.0] * n_slots
                    d_best[doc_pos] = {}
                if x > row[i]:
                    row[i] = x
                slots = d_best[doc_pos]
                if x > slots.get(slot_pos, 0.0):
                    slots[slot_pos] = x

    # Best document per record, and the best of another field of the same record.
    docs = index.docs
    best: dict[int, tuple[float, int]] = {}
    other: dict[int, dict[str, float]] = {}
    for doc_pos, row in q_best.items():
        doc = docs[doc_pos]
        if doc.names:
            q_cov = sum(w * s for w, s in zip(content, row)) / content_weight
        else:
            q_cov = sum(w * s for w, s in zip(weights, row)) / total_weight
        if doc.long:
            score = doc.weight * q_cov
        else:
            d_cov = sum(doc.slots[j].weight * s for j, s in d_best[doc_pos].items()) / doc.total_weight
            if q_cov >= COMPLETE and d_cov >= COMPLETE:
                # The question is this text, word for word (up to inflection): whatever the
                # field, nothing answers it better.
                score = 1.0
            else:
                score = doc.weight * (SHORT_QUERY_COVERAGE * q_cov + (1.0 - SHORT_QUERY_COVERAGE) * d_cov)
        current = best.get(doc.record)
        if current is None or score > current[0]:
            best[doc.record] = (score, doc_pos)
        fields = other.setdefault(doc.record, {})
        if score > fields.get(doc.field, 0.0):
            fields[doc.field] = score

    # A record whose other fields also speak to the question (an FAQ answer that covers it
    # as well as a phrasing) is more likely the answer than one matched by a single phrase.
    final: list[tuple[float, int, int]] = []
    for rec, (score, doc_pos) in best.items():
        top_field = docs[doc_pos].field
        support = max((v for f, v in other[rec].items() if f != top_field), default=0.0)
        final.append((min(1.0, score + EVIDENCE_BONUS * support), rec, doc_pos))
    final.sort(key=lambda item: (-item[0], item[1]))
    return tuple(
        Candidate(ref=index.records[rec].ref, score=round(score, 4), phrasing=docs[doc_pos].text, field=docs[doc_pos].field)
        for score, rec, doc_pos in final[:MAX_CANDIDATES]
    )


def ask(index: QnaIndex, text: str, locale_lang: str = "fi") -> QnaResult:
    """Answer candidates for a worker's question and how sure we are."""
    lang = detect_language(text, locale_lang)
    candidates = rank(index, text, lang)
    return QnaResult(lang=lang, band=choose_band(candidates), candidates=candidates)
