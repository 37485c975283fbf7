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
from dataclasses import dataclass, field
from operator import itemgetter
from typing import Final, Literal

from rapidfuzz import fuzz

from domain.qna.bands import CONFIDENT_MARGIN, CONFIDENT_SCORE, LIKELY_MARGIN, NEAREST_SCORE, UNSURE_SCORE
from domain.qna.index import CONTEXT_FIELDS, DEFINITION_FIELDS, Doc, QnaIndex, RecordRef
from domain.qna.normalize import age_in, asks_about_age, detect_language, is_definition_question, is_fit_question, is_negation_question, word_sorted
from domain.qna.topics import topics_in
from domain.qna.weights import WEIGHTS, Weights

Band = Literal["confident", "likely", "unsure", "none"]
"""confident: the answer alone; likely: the best answer with "did you mean" buttons for the next
two; unsure: a choice between close candidates; none: nothing relevant (menu, reword)."""

COMPLETE: Final = 0.99
"""Both coverages at least this: the question and the text are the same words."""
CARD_NAME_SCORE: Final = 0.999
"""A card's name that is the question word for word: still a complete match, but an FAQ
phrasing that is the same question ("Mikä on tukiperhe?") was written to answer it, so it
leads the card (see `_without_same_concept`)."""
SEARCH_WORD_FIELDS: Final = frozenset({"keyword"})
MAX_CANDIDATES: Final = 5
NEAREST_TOPICS: Final = 3
SITUATION_SHARE: Final = 0.5
"""A condition of the card must score at least this share of the best to lead a situation."""
SITUATION_LIST_FACTOR: Final = 0.9
"""The list a situation's condition was promoted over keeps this share of its score, so the
condition leads it clearly (the list is still offered under the answer)."""
AGE_QUESTION_MAX_WORDS: Final = 8
"""A question of at most this many words that gives an age and names a card asks whether the
age fits (see `_age_first`); a longer one describes a situation, whose answer reads the age too."""
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
    lang: str = ""
    """The language of `phrasing` (a Swedish question may match a record's Finnish text)."""


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


def choose_band(
    candidates: tuple[Candidate, ...],
    confident: float = CONFIDENT_SCORE,
    margin: float = CONFIDENT_MARGIN,
    unsure: float = UNSURE_SCORE,
    likely: float = LIKELY_MARGIN,
) -> Band:
    """Confident when the best record is both good and clearly ahead; likely when it is good
    enough to offer and ahead by `likely`; unsure (a choice) when the best are close; otherwise
    no match. Parameters exist for the threshold sweep."""
    if not candidates:
        return "none"
    best = candidates[0].score
    runner_up = candidates[1].score if len(candidates) > 1 else 0.0
    if best >= confident and best - runner_up >= margin:
        return "confident"
    if best >= unsure:
        return "likely" if best - runner_up >= likely else "unsure"
    return "none"


def nearest_topics(result: QnaResult, floor: float = NEAREST_SCORE) -> tuple[Candidate, ...]:
    """With no answer, the candidates listed under it as the nearest topics (`NEAREST_SCORE`);
    none for any other band, whose candidates are answers or a choice."""
    if result.band != "none":
        return ()
    return tuple(c for c in result.candidates[:NEAREST_TOPICS] if c.score >= floor)


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
    keys: frozenset[str]
    """The keys of `hits`."""
    plain: str
    definition: bool
    negation: bool
    """The question asks when something does not fit (`normalize.is_negation_question`)."""
    fit: bool
    """The question asks whether something fits (`normalize.is_fit_question`)."""
    age: int | None
    age_asked: bool
    """The question says it asks whether the age fits (`normalize.asks_about_age`)."""
    topics: frozenset[str]
    """What the question shows of a situation (`topics.topics_in`)."""
    lang: str = "fi"
    """The question's language."""
    matched: dict[int, tuple[dict[int, float], float, float]] = field(default_factory=dict)
    """Per distinct text (`Doc.text_id`) already matched: its row, the share of it covered and
    its character similarity to the question (-1 until needed). Filled while scoring."""


def _query(index: QnaIndex, text: str, lang: str, w: Weights) -> _Query | None:
    tokenizer = index.tokenizer
    slots = tokenizer.slots(text, lang, query=True)
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
        keys=frozenset(hits),
        plain=word_sorted(text),
        definition=is_definition_question(text),
        negation=is_negation_question(text),
        fit=is_fit_question(text),
        age=age_in(text),
        age_asked=asks_about_age(text),
        topics=frozenset(topics_in(text, present_only=True)),
        lang=lang,
    )


def _shortlist(index: QnaIndex, query: _Query, size: int) -> list[int]:
    """Records by IDF-weighted share of the question they hold anywhere, best `size` first
    (equal shares in record order)."""
    per_slot: list[list[tuple[int, tuple[tuple[int, float], ...], float]]] = [[] for _ in query.weights]
    postings = index.postings
    for key, slot_hits in query.hits.items():
        records = postings.get(key)
        if not records:
            continue
        for i, value in slot_hits:
            per_slot[i].append((len(records), records, value))
    totals: dict[int, float] = {}
    for weight, lists in zip(query.weights, per_slot, strict=True):
        if not lists:
            continue
        get = totals.get
        for rec, x in _best_per_record(lists).items():
            totals[rec] = get(rec, 0.0) + weight * x
    by_record = sorted(totals.items())
    return [rec for rec, _ in heapq.nlargest(size, by_record, key=itemgetter(1))]


def _best_per_record(lists: list[tuple[int, tuple[tuple[int, float], ...], float]]) -> dict[int, float]:
    """Per record, the best match strength times factor among one slot's postings. The
    longest postings become the dict in one step (at strength 1 the factors are the values),
    the others are merged into it."""
    lists.sort(key=itemgetter(0), reverse=True)
    _n, records, value = lists[0]
    best = dict(records) if value == 1.0 else {rec: value * factor for rec, factor in records}
    for _n, records, value in lists[1:]:
        get = best.get
        for rec, factor in records:
            x = value * factor
            if x > get(rec, 0.0):
                best[rec] = x
    return best


def _match(doc: Doc, hits: dict[str, list[tuple[int, float]]], keys: frozenset[str]) -> tuple[dict[int, float], float]:
    """(question slot -> its best match in `doc`, IDF-weighted share of `doc` the question
    covers). Only the keys the two share are visited (the caller passes only texts that share
    one); the sums run in slot order, as over the dense rows, so the scores are the same to the
    last bit."""
    matches = doc.matches
    row: dict[int, float] = {}
    slot_best: dict[int, float] = {}
    row_get = row.get
    best_get = slot_best.get
    for key in doc.key_set & keys:
        found = hits[key]
        pairs = matches[key]
        if len(found) == 1 and len(pairs) == 1:
            # Nine keys in ten: one slot of the question meets one slot of the text.
            i, value = found[0]
            s, factor = pairs[0]
            x = value * factor
            if x > row_get(i, 0.0):
                row[i] = x
            if x > best_get(s, 0.0):
                slot_best[s] = x
            continue
        for s, factor in pairs:
            best = best_get(s, 0.0)
            for i, value in found:
                x = value * factor
                if x > row_get(i, 0.0):
                    row[i] = x
                if x > best:
                    best = x
            if best:
                slot_best[s] = best
    covered = 0.0
    weights = doc.slot_weights
    for s in sorted(slot_best):
        covered += weights[s] * slot_best[s]
    return row, covered


def _dot(weights: tuple[float, ...], row: dict[int, float]) -> float:
    total = 0.0
    for i in sorted(row):
        total += weights[i] * row[i]
    return total


def _score_record(index: QnaIndex, rec: int, query: _Query, w: Weights, own: list[int]) -> tuple[float, int]:
    """(score, best document) of one record; (0, -1) when none of its texts matches.
    `own`: the record's documents that share a key with the question (no other can match)."""
    hits = query.hits
    fields = w.field
    matched = query.matched
    docs = index.docs
    best_score, best_doc = 0.0, -1
    per_field: dict[str, float] = {}
    named = False
    """The question is exactly one of the record's names (a glossary term, its synonym)."""
    rows: list[dict[int, float]] = []
    """The rows of the record's own texts that match (for the complement below)."""
    best_row: dict[int, float] = {}
    for pos in own:
        doc = docs[pos]
        seen = matched.get(doc.text_id)
        if seen is None:
            row, covered = _match(doc, hits, query.keys)
            seen = matched[doc.text_id] = (row, covered, -1.0)
        row, covered, similar = seen
        if not covered:
            continue
        # A card's name is a name only when the question asks what something is.
        names = doc.names and (query.definition or doc.field != "name")
        if names:
            q_cov = _dot(query.content, row) / query.content_total
        elif doc.long:
            # An interrogative in a paragraph ("the source does not say what ...") is weak
            # evidence that the paragraph answers that kind of question.
            q_cov = _dot(query.topical, row) / query.total
        else:
            q_cov = _dot(query.weights, row) / query.total
        weight = fields[doc.field]
        if doc.lang != query.lang and doc.lang != "fi":
            weight *= w.foreign_text
        if doc.long:
            score = weight * q_cov
        else:
            d_cov = covered / doc.total_weight
            if q_cov >= COMPLETE and d_cov >= COMPLETE and doc.field not in SEARCH_WORD_FIELDS:
                # The question is this text, word for word (up to inflection): whatever the
                # field, nothing answers it better. Not so for a card's search word: it says
                # the topic is the card's, not that the card answers the question.
                score = CARD_NAME_SCORE if doc.field == "name" else 1.0
                named |= names
            else:
                score = weight * (w.short_query_coverage * q_cov + (1.0 - w.short_query_coverage) * d_cov)
                if w.fuzzy_share:
                    if similar < 0.0:
                        similar = fuzz.ratio(query.plain, doc.plain) / 100.0
                        matched[doc.text_id] = (row, covered, similar)
                    score = (1.0 - w.fuzzy_share) * score + w.fuzzy_share * weight * similar
        if score > per_field.get(doc.field, 0.0):
            per_field[doc.field] = score
        if not doc.context:
            rows.append(row)
            if score > best_score:
                best_score, best_doc, best_row = score, pos, row
    if best_doc < 0:
        return 0.0, -1
    top_field = docs[best_doc].field
    # Another field that also speaks to the question, and where the record sits (a step's
    # process: "lastensuojelussa ..." picks that track's step), each add a share.
    other = context = 0.0
    for f, v in per_field.items():
        if f in CONTEXT_FIELDS:
            context = max(context, v)
        elif f != top_field:
            other = max(other, v)
    support = other + context
    info = index.records[rec]
    kind = info.ref.kind
    # A question that asks what something is, or that is nothing but a term, wants the term.
    prior = (1.0 if named else w.definition_term) if kind == "term" and (query.definition or named) else w.kind[kind]
    bonus = w.evidence_bonus * support
    if w.complement and len(rows) > 1:
        # The words of the question that the best text lacks but another text of the record
        # has ("how many months ..." : the phrasing names family rehabilitation, the answer
        # the months): the record as a whole answers more of the question than its best text.
        # (With one text there is nothing to add.)
        union: dict[int, float] = {}
        for row in rows:
            for i, x in row.items():
                if x > union.get(i, 0.0):
                    union[i] = x
        weights = query.weights
        lacking = 0.0
        for i in sorted(union):
            lacking += weights[i] * max(0.0, union[i] - best_row.get(i, 0.0))
        bonus += w.complement * lacking / query.total
    score = min(1.0, best_score + bonus) * prior
    if query.negation:
        score = min(1.0, score + w.negation_bonus) if info.negative else score * w.negation_penalty
    elif query.fit and kind in ("criterion", "contra"):
        score = min(1.0, score + w.situation_bonus)
    if query.age is not None and info.age_rule:
        score = min(1.0, score + w.age_bonus)
    return score, best_doc


def _named_services(index: QnaIndex, query: _Query) -> frozenset[str]:
    """Cards the question names: every word of one of the card's names or keywords (of two
    words or more, or one distinctive word) is in the question."""
    keys = query.hits.keys()
    return frozenset(service for key in keys for service, words in index.service_names.get(key, ()) if all(not keys.isdisjoint(word) for word in words[1:]))


def _situation_first(index: QnaIndex, scored: list[tuple[float, int, int]]) -> list[tuple[float, int, int]]:
    """A described situation ("äidillä on akuutti päihdeongelma, käykö perhekuntoutus?") is
    answered by the one contra-indication or criterion it touches, not by the list of them
    all: when the best record is a list about a card (its "when not suitable" page or entry,
    the card itself) and one of that card's conditions is also a candidate, that condition
    leads, with the list's score (the list second, at `SITUATION_LIST_FACTOR` of it)."""
    if len(scored) < 2:
        return scored
    score, rec, _doc = scored[0]
    top = index.records[rec]
    if top.service is None or top.ref.kind in ("criterion", "contra") or not (top.negative or top.ref.kind == "service"):
        # Only a list leads to one of its conditions: a FAQ entry that answers the question
        # as asked ("voiko 8v saada ...": the age entry) stays first.
        return scored
    for pos, (other_score, other, doc) in enumerate(scored[1:], start=1):
        info = index.records[other]
        if other_score < SITUATION_SHARE * score:
            break
        if info.service == top.service and info.ref.kind in ("criterion", "contra"):
            listed = (round(score * SITUATION_LIST_FACTOR, 4), rec, _doc)
            return [(score, other, doc), listed, *scored[1:pos], *scored[pos + 1 :]]
    return scored


def _topic_condition_first(index: QnaIndex, query: _Query, scored: list[tuple[float, int, int]], cards: frozenset[str]) -> list[tuple[float, int, int]]:
    """A situation and a card's name ("isä käyttää huumeita päivittäin, sopiiko
    perhekuntoutus"): the named card's condition about what the situation shows (substances)
    leads, a contra-indication before a criterion. The condition's texts do not name the card
    and the worker's words for the situation are not the card's, so on words alone the card's
    FAQ entries and steps lead. Only when exactly one condition of each kind shares the most
    topics (two equally good are a matter for the full criteria check), and not over an answer
    that speaks of more of what the situation shows."""
    if not scored:
        return scored
    touched = [
        (len(info.topics & query.topics), info.ref.kind == "contra", rec)
        for rec, info in enumerate(index.records)
        if info.service in cards and info.ref.kind in ("criterion", "contra") and info.topics & query.topics
    ]
    if not touched:
        return scored
    most = max(touched)
    if sum(1 for t in touched if t[:2] == most[:2]) > 1:
        return scored
    rec = most[2]
    if scored[0][1] == rec or len(query.topics & index.records[scored[0][1]].topics) > most[0]:
        # Already first, or the best answer speaks of more of what the situation shows (the
        # entry "Voiko raskaana oleva ..." for a pregnant mother who uses substances).
        return scored
    return _lead_with(index, scored, rec)


def _age_first(index: QnaIndex, scored: list[tuple[float, int, int]], cards: frozenset[str]) -> list[tuple[float, int, int]]:
    """A short question that gives an age and names one card ("12v poika, voiko hakea amm
    tukihenkilöä") asks whether that age fits the card (one that names two compares them):
    the card's age rule leads, unless an answer about age already does. Its texts share few
    words with such a question (the age is a number, the card's name is the rule's context),
    so it is added here even when the shortlist missed it."""
    if not scored or index.records[scored[0][1]].age_rule:
        return scored
    rules = [rec for rec, info in enumerate(index.records) if info.age_rule and info.service in cards]
    return _lead_with(index, scored, rules[0]) if len(rules) == 1 else scored


def _lead_with(index: QnaIndex, scored: list[tuple[float, int, int]], rec: int) -> list[tuple[float, int, int]]:
    """`rec` first at the best score (with its first own text), the former best second at
    `SITUATION_LIST_FACTOR` of its score so that `rec` leads it clearly, the rest as they were."""
    doc = next(pos for pos in index.record_docs[rec] if not index.docs[pos].context)
    rest = [item for item in scored if item[1] != rec]
    return [(scored[0][0], rec, doc), *((round(score * SITUATION_LIST_FACTOR, 4), r, d) for score, r, d in rest[:1]), *rest[1:]]


def rank(index: QnaIndex, text: str, lang: str, weights: Weights = WEIGHTS) -> tuple[Candidate, ...]:
    """Distinct answers that match `text`, best first, without a band."""
    return _rank(index, text, lang, weights)[0]


def _rank(index: QnaIndex, text: str, lang: str, weights: Weights = WEIGHTS) -> tuple[tuple[Candidate, ...], frozenset[str]]:
    """`rank`, and the cards the question names."""
    query = _query(index, text[:QUESTION_MAX_CHARS], lang, weights)
    if query is None:
        return (), frozenset()
    shortlist = _shortlist(index, query, weights.shortlist)
    named = {rec for key in query.hits for rec in index.named_by.get(key, ())}
    shortlist.extend(sorted(named.difference(shortlist)))
    doc_postings = index.doc_postings
    shared: set[int] = set().union(*(doc_postings.get(key, ()) for key in query.hits))
    scored: list[tuple[float, int, int]] = []
    record_docs = index.record_docs
    for rec in shortlist:
        own = [pos for pos in record_docs[rec] if pos in shared]
        if not own:
            continue
        score, best = _score_record(index, rec, query, weights, own)
        if best >= 0:
            scored.append((score, rec, best))
    scored.sort(key=lambda item: (-item[0], item[1]))

    named_cards = _named_services(index, query)
    if named_cards:
        # The question names a card ("milloin ammatillinen tukihenkilö EI sovellu"): records
        # about another card answer another question, however well the rest of it matches.
        scored = [
            (score * weights.other_service if (svc := index.records[rec].service) is not None and svc not in named_cards else score, rec, doc)
            for score, rec, doc in scored
        ]
        scored.sort(key=lambda item: (-item[0], item[1]))
    if query.fit and not query.negation:
        scored = _situation_first(index, scored)
        if named_cards and query.topics:
            scored = _topic_condition_first(index, query, scored, named_cards)
    if query.age is not None and len(named_cards) == 1 and (query.age_asked or (len(query.weights) <= AGE_QUESTION_MAX_WORDS and not query.topics)):
        # An age and a card ask whether the age fits; with a problem the situation shows
        # ("äiti juo joka päivä, lapset 3v ja 6v, sopisiko ..."), the age is context and the
        # condition about the problem answers (`_topic_condition_first`), unless the question
        # says it asks about the age ("... oikee palvelu tän ikäselle").
        scored = _age_first(index, scored, named_cards)

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
                lang=doc.lang,
            )
        )
        if len(candidates) == MAX_CANDIDATES:
            break
    return tuple(candidates), named_cards


def _competing(index: QnaIndex, candidates: tuple[Candidate, ...]) -> tuple[Candidate, ...]:
    """The candidates that compete with the best: when it is one condition of a card, the
    card's own lists (its "when not suitable" page, the card, and for a criterion the FAQ
    entries that ask whether the card fits) hold that same condition, so they are not
    another answer and the margin is measured past them."""
    if not candidates:
        return candidates
    top = index.record(candidates[0].ref)
    if top is not None and top.fits and top.service is not None:
        # The other way round: an entry asking whether the card fits, and the card's criteria.
        return _without_same_concept(
            (
                candidates[0],
                *(c for c in candidates[1:] if not (c.ref.kind == "criterion" and (i := index.record(c.ref)) is not None and i.service == top.service)),
            )
        )
    if candidates[0].ref.kind not in ("criterion", "contra"):
        return _without_same_concept(candidates)
    if top is None or top.service is None:
        return candidates
    criterion = candidates[0].ref.kind == "criterion"
    rest = tuple(
        c
        for c in candidates[1:]
        if not (
            (info := index.record(c.ref)) is not None
            and info.service == top.service
            and c.ref.kind in ("unsuitable", "service", "faq")
            and (info.negative or c.ref.kind == "service" or (criterion and info.fits))
        )
    )
    return (candidates[0], *rest)


def _without_same_concept(candidates: tuple[Candidate, ...]) -> tuple[Candidate, ...]:
    """Records that all match the question word for word, one of them a glossary term or a
    card by its name ("mikä on PTA": the term and the card "Palvelutarpeen arviointi"; "mikä
    oli yee": the term and the project's entry), are one concept told two ways, not answers
    to choose between: the margin is measured past the term or the card."""
    top = candidates[0]
    if top.score < COMPLETE:
        return candidates

    def named(c: Candidate) -> bool:
        return c.ref.kind in ("term", "service") and c.score >= COMPLETE and c.field in DEFINITION_FIELDS

    rest = tuple(c for c in candidates[1:] if not (c.score >= COMPLETE and (named(c) or named(top)) and c.ref.kind != top.ref.kind))
    return (top, *rest)


def ask(index: QnaIndex, text: str, locale_lang: str = "fi") -> QnaResult:
    """Answer candidates for a worker's question and how sure we are."""
    lang = detect_language(text, locale_lang)
    candidates, named_cards = _rank(index, text, lang)
    competing = _competing(index, candidates)
    band = choose_band(competing)
    if band == "none" and candidates and (info := index.record(candidates[0].ref)) is not None and info.service in named_cards:
        # The question names a card and the best answer is about it: something relevant
        # exists, so it is offered rather than "no answer" (a long situation scores low on
        # coverage, not on relevance).
        runner_up = competing[1].score if len(competing) > 1 else 0.0
        band = "likely" if candidates[0].score - runner_up >= LIKELY_MARGIN else "unsure"
    return QnaResult(lang=lang, band=band, candidates=candidates)
