"""Answering a question from the index, in two stages, then a band.

1. *Shortlist*: each question word is mapped to the index's keys (itself and, once per unknown
   word, its near spellings), and every record that holds one of them gains the word's IDF
   times the match's strength, counted once per question word. This reads only the postings of
   the question's keys, so its cost grows with how common the words are, not with the size of
   the knowledge base. The best `Weights.shortlist` records go on.
2. *Scoring* of the shortlisted records' texts. A text's score combines two coverages, each
   weighted by IDF so rare words count more:

   - *question coverage*: how much of the question the text accounts for;
   - *text coverage*: how much of the text the question accounts for (short fields only: a
     phrasing, a name, a term). This is what separates "kuka järjestää ammatillisen
     tukihenkilön" from "milloin ammatillinen tukihenkilö ei sovi": both share the service,
     each matches its own phrasing fully;

   blended with rapidfuzz's similarity of the two texts as characters. In a paragraph (an
   answer, a description) an interrogative of the question counts for little: the paragraph
   may mention "mitä" without asking it. A record scores as its best text, plus a share of its
   best text of another field and a share of the question that only its other texts cover,
   times the prior of its kind.

   A question word meets index keys as written (its stems), its near spellings and its stem
   family (`esit` / `esittam`, at `Weights.derivation`); a compound's parts, a glossary form's
   words and interrogatives meet only themselves.

Records whose answer is the same text (a step that both tracks share) are one candidate: the
best of them leads and the others ride along as `twins`, so the margin that decides confidence
is measured to the next *different* answer. The band comes from the best score and that margin
(see `bands.py` for the thresholds and where they come from).
"""

from __future__ import annotations

import heapq
from dataclasses import dataclass
from typing import Final, Literal

from rapidfuzz import fuzz

from domain.qna.bands import CONFIDENT_MARGIN, CONFIDENT_SCORE, UNSURE_SCORE
from domain.qna.index import CONTEXT_FIELDS, QnaIndex, RecordRef
from domain.qna.normalize import comparable, detect_language, is_definition_question
from domain.qna.weights import WEIGHTS, Weights

Band = Literal["confident", "unsure", "none"]

COMPLETE: Final = 0.99
"""Both coverages at least this: the question and the text are the same words."""
SEARCH_WORD_FIELDS: Final = frozenset({"keyword"})
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
    twins: tuple[RecordRef, ...] = ()
    """Other records with the same answer text (the same step in the other track)."""


@dataclass(frozen=True, slots=True)
class QnaResult:
    lang: str
    """Detected language of the question."""
    band: Band
    candidates: tuple[Candidate, ...]
    """Best first, one per distinct answer, at most MAX_CANDIDATES."""

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


@dataclass(frozen=True, slots=True)
class _Query:
    weights: tuple[float, ...]
    """Per question slot: IDF times the question-word factor."""
    content: tuple[float, ...]
    """The same without definition cues ("mikä", "what"), for texts that name a thing."""
    topical: tuple[float, ...]
    """The same without interrogatives, for paragraphs (see `_score_record`)."""
    total: float
    content_total: float
    hits: dict[str, list[tuple[int, float]]]
    """Index key -> (question slot, match strength) for every key the question may mean."""
    plain: str
    definition: bool


def _query(index: QnaIndex, text: str, lang: str, w: Weights) -> _Query | None:
    tokenizer = index.tokenizer
    slots = tokenizer.slots(text, lang)
    if not slots:
        return None
    weights: list[float] = []
    hits: dict[str, list[tuple[int, float]]] = {}
    for i, (alts, main, factor, _cue) in enumerate(slots):
        matched: dict[str, float] = {}
        for key, alt_factor in alts:
            # Near spellings and stem families only for a word as written: a compound's part
            # or a glossary form's word is already a word of the knowledge base (that is how
            # it was found), and an interrogative is one of a closed set, so their neighbours
            # are other words (`tiimi` -> `toimi`, `mitä` -> `muita`), not what was meant.
            exact_only = key.startswith("@") or alt_factor < 1.0 or factor < 1.0
            if exact_only:
                near: tuple[tuple[str, float], ...] = ((key, 1.0),) if key in index.postings else ()
            else:
                near = tokenizer.vocabulary_matches(key)
            for vkey, sim in near:
                value = alt_factor * sim
                if value > matched.get(vkey, 0.0):
                    matched[vkey] = value
            if w.derivation and not exact_only:
                value = alt_factor * w.derivation
                for vkey in tokenizer.stem_family(key):
                    if value > matched.get(vkey, 0.0):
                        matched[vkey] = value
        for vkey, value in matched.items():
            hits.setdefault(vkey, []).append((i, value))
        # The weight of the slot: the IDF of its word, or of the nearest spelling in the
        # knowledge base; a word found nowhere gets a share of the rarest word's.
        if main in index.idf:
            weights.append(index.idf[main] * factor)
        elif matched:
            best_key = max(matched, key=lambda k: (matched[k], index.idf.get(k, 0.0)))
            weights.append(index.idf.get(best_key, index.max_idf) * factor)
        elif any(ch.isdigit() for ch in main):
            # A number the knowledge base never mentions (a date, a phone or case number)
            # says nothing about the topic.
            weights.append(0.0)
        else:
            weights.append(index.max_idf * w.unknown_word_factor * factor)
    content = tuple(0.0 if cue else x for x, (_a, _m, _f, cue) in zip(weights, slots, strict=True))
    topical = tuple(x * w.paragraph_question_words if factor < 1.0 else x for x, (_a, _m, factor, _c) in zip(weights, slots, strict=True))
    total = sum(weights)
    if not total:
        return None
    return _Query(
        weights=tuple(weights),
        content=content,
        topical=topical,
        total=total,
        content_total=sum(content) or total,
        hits=hits,
        plain=comparable(text),
        definition=is_definition_question(text),
    )


def _shortlist(index: QnaIndex, query: _Query, size: int) -> list[int]:
    """Records by IDF-weighted share of the question they hold anywhere, best `size` first."""
    per_slot: list[dict[int, float]] = [{} for _ in query.weights]
    postings = index.postings
    for key, slot_hits in query.hits.items():
        records = postings.get(key)
        if not records:
            continue
        for i, value in slot_hits:
            best = per_slot[i]
            for rec, factor in records:
                x = value * factor
                if x > best.get(rec, 0.0):
                    best[rec] = x
    totals: dict[int, float] = {}
    for weight, best in zip(query.weights, per_slot, strict=True):
        for rec, x in best.items():
            totals[rec] = totals.get(rec, 0.0) + weight * x
    return [rec for rec, _ in heapq.nlargest(size, totals.items(), key=lambda item: (item[1], -item[0]))]


def _score_record(index: QnaIndex, rec: int, query: _Query, w: Weights) -> tuple[float, int]:
    """(score, best document) of one record; (0, -1) when none of its texts matches."""
    hits = query.hits
    n = len(query.weights)
    fields = w.field
    best_score, best_doc = 0.0, -1
    per_field: dict[str, float] = {}
    named = False
    """The question is exactly one of the record's names (a glossary term, its synonym)."""
    union = [0.0] * n
    """Per question slot, its best match in any of the record's own texts."""
    best_row: list[float] = union
    for pos in index.record_docs[rec]:
        doc = index.docs[pos]
        row = [0.0] * n
        covered = 0.0
        for slot in doc.slots:
            slot_best = 0.0
            for key, factor in slot.keys:
                found = hits.get(key)
                if found is None:
                    continue
                for i, value in found:
                    x = value * factor
                    if x > row[i]:
                        row[i] = x
                    if x > slot_best:
                        slot_best = x
            if slot_best:
                covered += slot.weight * slot_best
        if not covered:
            continue
        if doc.names:
            q_cov = sum(c * s for c, s in zip(query.content, row, strict=True)) / query.content_total
        elif doc.long:
            # An interrogative in a paragraph ("the source does not say what ...") is weak
            # evidence that the paragraph answers that kind of question.
            q_cov = sum(c * s for c, s in zip(query.topical, row, strict=True)) / query.total
        else:
            q_cov = sum(c * s for c, s in zip(query.weights, row, strict=True)) / query.total
        weight = fields[doc.field]
        if doc.long:
            score = weight * q_cov
        else:
            d_cov = covered / doc.total_weight
            if q_cov >= COMPLETE and d_cov >= COMPLETE and doc.field not in SEARCH_WORD_FIELDS:
                # The question is this text, word for word (up to inflection): whatever the
                # field, nothing answers it better. Not so for a card's search word: it says
                # the topic is the card's, not that the card answers the question.
                score = 1.0
                named |= doc.names
            else:
                score = weight * (w.short_query_coverage * q_cov + (1.0 - w.short_query_coverage) * d_cov)
                if w.fuzzy_share:
                    similar = fuzz.token_sort_ratio(query.plain, doc.plain) / 100.0
                    score = (1.0 - w.fuzzy_share) * score + w.fuzzy_share * weight * similar
        if score > per_field.get(doc.field, 0.0):
            per_field[doc.field] = score
        if not doc.context:
            if w.complement:
                union = [max(a, b) for a, b in zip(union, row, strict=True)]
            if score > best_score:
                best_score, best_doc, best_row = score, pos, row
    if best_doc < 0:
        return 0.0, -1
    top_field = index.docs[best_doc].field
    # Another field that also speaks to the question, and where the record sits (a step's
    # process: "lastensuojelussa ..." picks that track's step), each add a share.
    support = max((v for f, v in per_field.items() if f != top_field and f not in CONTEXT_FIELDS), default=0.0)
    support += max((v for f, v in per_field.items() if f in CONTEXT_FIELDS), default=0.0)
    kind = index.records[rec].ref.kind
    # A question that asks what something is, or that is nothing but a term, wants the term.
    prior = w.definition_term if kind == "term" and (query.definition or named) else w.kind[kind]
    bonus = w.evidence_bonus * support
    if w.complement:
        # The words of the question that the best text lacks but another text of the record
        # has ("how many months ..." : the phrasing names family rehabilitation, the answer
        # the months): the record as a whole answers more of the question than its best text.
        bonus += w.complement * sum(q * max(0.0, u - b) for q, u, b in zip(query.weights, union, best_row, strict=True)) / query.total
    return min(1.0, best_score + bonus) * prior, best_doc


def rank(index: QnaIndex, text: str, lang: str, weights: Weights = WEIGHTS) -> tuple[Candidate, ...]:
    """Distinct answers that match `text`, best first, without a band."""
    query = _query(index, text[:QUESTION_MAX_CHARS], lang, weights)
    if query is None:
        return ()
    shortlist = _shortlist(index, query, weights.shortlist)
    named = {rec for key in query.hits for rec in index.named_by.get(key, ())}
    shortlist.extend(sorted(named.difference(shortlist)))
    scored: list[tuple[float, int, int]] = []
    for rec in shortlist:
        score, best = _score_record(index, rec, query, weights)
        if best >= 0:
            scored.append((score, rec, best))
    scored.sort(key=lambda item: (-item[0], item[1]))

    candidates: list[Candidate] = []
    taken: set[int] = set()
    for score, rec, doc_pos in scored:
        if rec in taken:
            continue
        twins = index.twins[rec]
        taken.add(rec)
        taken.update(twins)
        doc = index.docs[doc_pos]
        candidates.append(
            Candidate(
                ref=index.records[rec].ref,
                score=round(score, 4),
                phrasing=doc.text,
                field=doc.field,
                twins=tuple(index.records[t].ref for t in twins),
            )
        )
        if len(candidates) == MAX_CANDIDATES:
            break
    return tuple(candidates)


def ask(index: QnaIndex, text: str, locale_lang: str = "fi") -> QnaResult:
    """Answer candidates for a worker's question and how sure we are."""
    lang = detect_language(text, locale_lang)
    candidates = rank(index, text, lang)
    return QnaResult(lang=lang, band=choose_band(candidates), candidates=candidates)
