"""The Q&A index: every askable text of the knowledge base, tokenised once at load time.

`build_index(kb)` turns FAQ phrasings and answers, service cards (names, descriptions, criteria,
keywords), process steps and glossary terms into *records* (what can be answered: one FAQ
entry, card, step or term, however many texts it has) made of *documents* (one text each, with
its field), and documents into *slots*. A slot is one word of the text (or one glossary concept
spanning several words) with the keys it may be matched by:

- its folded Snowball stems (both routes, see `normalize.keys_of`),
- the parts of a compound word whose parts occur on their own elsewhere in the knowledge base
  (`lastensuojeluilmoitus` also answers to `ilmoitus`), at a reduced factor (the head, the
  last part, less reduced than the modifiers),
- `@<term-id>` for every glossary term it is a form of (term, expansion or synonym), so `SHL`
  in a question meets `sosiaalihuoltolain` in an answer, and `barnskyddsanmälan` meets
  `lastensuojeluilmoitus`.

Each slot is weighted by the IDF of its key over *records* (not documents), so a word repeated
in the ten phrasings of one FAQ entry is still rare.

Two structures serve the two stages of a question (see `retrieve.py`):

- `postings`: key -> ((record, factor), ...), the inverted index the shortlist is scored from;
  its length is the number of records that contain the key, whatever the number of texts;
- `record_docs`: record -> its documents, which only the shortlisted records are scored on,
  and `doc_postings`: key -> documents, so that only their texts that share a key with the
  question are.

The index is immutable; its tokenizer memoises pure functions of the knowledge base (compound
splits, glossary look-ups, near spellings of unknown words, the last bounded), so a question
never changes what another question gets.
"""

from __future__ import annotations

import bisect
import math
from collections import OrderedDict, defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from functools import lru_cache
from types import MappingProxyType
from typing import TYPE_CHECKING, Final, Generic, Literal, NamedTuple, TypeVar

from rapidfuzz import fuzz, process

from domain.qna.lexicon import LEXICON_FACTOR, expansions
from domain.qna.morphology import analyse
from domain.qna.normalize import (
    LANGUAGES,
    comparable,
    fold,
    is_definition_cue,
    is_fit_question,
    is_negation_question,
    is_stop_anywhere,
    keys_of,
    question_word_factor,
    word_sorted,
    words,
)
from domain.qna.spelling import NearSpellings
from domain.qna.topics import topics_in
from knowledge.model import ContraIndication, Criterion, KnowledgeBase, Source

if TYPE_CHECKING:
    from domain.qna.retrieve import QnaResult

QnaKind = Literal["faq", "service", "step", "term", "criterion", "contra", "unsuitable"]
"""What a Q&A answer can be: an FAQ entry, a service card, a process step, a glossary term, one
criterion or contra-indication of a card, or a card's contra-indications together
(`unsuitable`, the answer to "when is X not suitable")."""
QNA_KINDS: Final = ("faq", "service", "step", "term", "criterion", "contra", "unsuitable")
NEGATIVE_KINDS: Final = frozenset({"contra", "unsuitable"})
"""Kinds that say when a service does not fit: what a negation ("milloin EI sovellu") asks for."""

FIELDS: Final = (
    "phrasing", "answer",
    "name", "keyword", "criterion", "summary", "description",
    "step-title", "step-what", "process",
    "term", "expansion", "synonym", "definition",
    "statement", "explanation", "owner", "situation",
)  # fmt: skip
"""Every field a document can come from; `Weights.field` gives each its weight."""
LONG_FIELDS: Final = frozenset({"summary", "answer", "step-what", "definition", "description", "explanation"})
"""Paragraphs: scored only on how much of the question they cover, since a question never
repeats a whole paragraph. Short fields (questions, names, terms) are also scored on how much
of *them* the question covers."""
DEFINITION_FIELDS: Final = frozenset({"term", "expansion", "synonym", "name"})
"""Fields that name a thing: "mikä on X" / "what is X" asks for exactly them, so question
words do not count against them (see `retrieve`)."""
MATCHER_ONLY_FIELDS: Final = frozenset({"situation"})
"""Texts written for the matcher alone: a worker never sees them, not even as the question
an answer answers."""
CONTEXT_FIELDS: Final = frozenset({"process", "owner"})
"""Where a record sits (a step's process, a criterion's card): evidence for the record, never
its best match."""

HEAD_PART_FACTOR: Final = 0.7
MODIFIER_PART_FACTOR: Final = 0.6
"""A compound's part is weaker evidence than the whole word, and its modifiers weaker than its
head: in Finnish and Swedish the last part says what the thing is (`tukiperhejono` is a queue,
`työtehtävä` a task), the parts before it only which one."""
CONCEPT_COMPONENT_FACTOR: Final = 0.6
"""A word of a multi-word glossary form alone matches only part of the concept."""
OWN_KEYWORD_SHARE: Final = 0.5
"""See `_own_word`; chosen on the tuning part (0.3: +2 top-1, 0.5 to 1: +6, 0.5 the best top-3)."""
FUZZY_CUTOFF: Final = 80.0
"""rapidfuzz ratio (0-100) below which two keys are different words."""
FUZZY_FLOOR: Final = 0.6
FUZZY_CEILING: Final = 0.95
"""A near spelling scores between these, scaled from the cutoff to 100."""
FUZZY_MIN_LENGTH: Final = 4
FUZZY_LIMIT: Final = 6
FUZZY_CACHE_SIZE: Final = 8192
"""Unknown words of questions whose near spellings are remembered (least recently used go)."""
FAMILY_MIN_STEM: Final = 4
FAMILY_MAX_SUFFIX: Final = 4
"""A stem family (see `Tokenizer.stem_family`): the shorter key at least this long, the longer
one at most this many letters longer."""
AGE_QUESTION: Final = "ika"
"""The finder question whose options are age bands (knowledge/finder.yaml)."""
V = TypeVar("V")
_MIN_PART: Final = 4
_MIN_COMPOUND: Final = 8
_MIN_HEAD: Final = 6
_MIN_MODIFIER: Final = 3
_CONCEPT_FUZZ: Final = 88.0


@dataclass(frozen=True, slots=True)
class RecordRef:
    kind: QnaKind
    id: str

    def __str__(self) -> str:
        return f"{self.kind}:{self.id}"

    @classmethod
    def parse(cls, value: object) -> RecordRef | None:
        """`kind:id` back to a reference; None for anything malformed (card data is untrusted)."""
        if not isinstance(value, str) or ":" not in value:
            return None
        kind, _, record_id = value.partition(":")
        if kind not in QNA_KINDS or not record_id:
            return None
        return cls(kind, record_id)  # type: ignore[arg-type]  # `kind` was checked against QNA_KINDS just above


class Slot(NamedTuple):
    """One word of a text, while the index is built: `Doc.matches` keeps what scoring reads
    of a text's slots, and only the cards' names keep theirs until `_service_names` has read
    them. A tuple: some 38,000 are made per build, and a tuple is the cheapest object that
    names its fields."""

    weight: float
    """IDF of the slot's main key, times its question-word factor."""
    keys: tuple[tuple[str, float], ...]
    """(key, factor) alternatives; the first is the main key."""


@dataclass(frozen=True, slots=True)
class Doc:
    record: int
    """Position in `QnaIndex.records`."""
    field: str
    lang: str
    text: str
    slot_weights: tuple[float, ...]
    """Each slot's weight. The `Slot`s themselves are not kept: `matches` holds what scoring
    reads of them, and keeping them cost a running server about 11 MB."""
    long: bool
    names: bool
    """A DEFINITION_FIELDS text."""
    context: bool
    """A CONTEXT_FIELDS text."""
    total_weight: float
    plain: str
    """The text as compared character by character (`normalize.word_sorted`)."""
    matches: Mapping[str, tuple[tuple[int, float], ...]]
    """key -> (slot position, factor) of every slot the key matches: scoring intersects these
    keys with the question's instead of walking every slot's keys."""
    key_set: frozenset[str]
    """The keys of `matches`: two frozensets intersect faster than a dict's keys and a set."""
    text_id: int
    """The text among the index's distinct texts (a process name recurs on each of its steps):
    a question matches every document of one text alike, so it matches the text once."""


@dataclass(frozen=True, slots=True)
class RecordInfo:
    ref: RecordRef
    title: Mapping[str, str]
    """Button label per language (Finnish always present)."""
    source: Source | None
    negative: bool = False
    """The record says when something does not fit (a contra-indication, a card's list of
    them, an FAQ entry asked as a negation): a negation in the question looks for these."""
    service: str | None = None
    """The card a criterion, contra-indication or card record belongs to."""
    fits: bool = False
    """An FAQ entry asked as whether its card fits ("Sopiiko perhekuntoutus huostaanoton
    purkamisen tueksi?"), not as a negation: it says what the card's criteria say."""
    age_rule: bool = False
    """A criterion about the child's age: an age in the question looks for these."""
    topics: frozenset[str] = frozenset()
    """What a criterion, contra-indication or FAQ entry is about (`topics.topics_in` of its
    Finnish wording): a described situation that shows the topic touches it."""


@dataclass(frozen=True)
class QnaIndex:
    """Immutable search structure over one knowledge-base version."""

    version: str
    records: tuple[RecordInfo, ...]
    docs: tuple[Doc, ...]
    record_docs: tuple[tuple[int, ...], ...]
    """Per record, the positions of its documents in `docs`."""
    postings: Mapping[str, tuple[tuple[int, float], ...]]
    """key -> (record, best factor of the key in any of the record's texts)."""
    doc_postings: Mapping[str, frozenset[int]]
    """key -> the positions in `docs` of the texts that hold it: a shortlisted record's texts
    that share no key with the question are not looked at (most of them)."""
    twins: tuple[tuple[int, ...], ...]
    """Per record, the other records with the same answer text (a step of both tracks)."""
    idf: Mapping[str, float]
    max_idf: float
    named_by: Mapping[str, tuple[int, ...]]
    """key -> records one of whose names (a glossary term, expansion or synonym) is that one
    word. Such a record always joins the shortlist: an abbreviation like `SHL` occurs in so
    many records that its IDF alone would not bring its own term in."""
    vocabulary: tuple[str, ...]
    """Every word key (not concepts), for fuzzy look-ups."""
    service_names: Mapping[str, tuple[tuple[str, tuple[frozenset[str], ...]], ...]]
    """key -> the names and keywords of service cards whose first word it names: (the card, per
    word of the name the keys that name the word: its main key at full strength, its glossary
    concepts). A question names the card when it holds a key of every word
    (`retrieve._named_services`); keyed by the first word so that a question looks only at
    the names it may hold."""
    tokenizer: Tokenizer = field(repr=False)
    """Splits questions exactly as the knowledge base was split. Its memo caches are pure
    functions of the knowledge base, so the index stays immutable in effect."""
    _by_ref: Mapping[RecordRef, int] = field(repr=False)

    def record(self, ref: RecordRef) -> RecordInfo | None:
        pos = self._by_ref.get(ref)
        return None if pos is None else self.records[pos]

    def ask(self, text: str, lang: str = "fi") -> QnaResult:
        """Candidates and band for a question; `lang` is the activity's locale language."""
        from domain.qna.retrieve import ask

        return ask(self, text, lang)

    def title(self, ref: RecordRef, lang: str) -> str:
        info = self.record(ref)
        if info is None:
            return ref.id
        return info.title.get(lang) or info.title["fi"]


# --- Building --------------------------------------------------------------------------------


@dataclass
class _RawDoc:
    record: int
    field: str
    lang: str
    text: str


@dataclass
class _Collected:
    records: list[RecordInfo] = field(default_factory=list)
    docs: list[_RawDoc] = field(default_factory=list)
    answers: list[str] = field(default_factory=list)
    """Per record, the text its answer shows (for twins); empty when it has no twin kind."""

    def add(
        self,
        ref: RecordRef,
        title: Mapping[str, str],
        source: Source | None,
        texts: Iterable[tuple[str, str, str]],
        answer: str = "",
        *,
        negative: bool = False,
        fits: bool = False,
        service: str | None = None,
        age_rule: bool = False,
        topics: frozenset[str] = frozenset(),
    ) -> None:
        pos = len(self.records)
        self.records.append(
            RecordInfo(
                ref=ref, title=MappingProxyType(dict(title)), source=source, negative=negative, fits=fits, service=service, age_rule=age_rule, topics=topics
            )
        )
        self.answers.append(answer)
        self.docs.extend(_RawDoc(pos, fld, lang, text) for fld, lang, text in texts if text and text.strip())


def _collect(kb: KnowledgeBase) -> _Collected:
    """Every askable text of the knowledge base, tagged with its record and field."""
    out = _Collected()

    for entry in kb.faq:
        texts: list[tuple[str, str, str]] = []
        titles: dict[str, str] = {}
        for lang in LANGUAGES:
            phrasings: tuple[str, ...] = getattr(entry.phrasings, lang)
            texts.extend(("phrasing", lang, p) for p in phrasings)
            if phrasings:
                titles[lang] = phrasings[0]
            answer = getattr(entry.answer, lang)
            if answer:
                texts.append(("answer", lang, answer))
        negative = any(is_negation_question(p) for p in entry.phrasings.fi)
        out.add(
            RecordRef("faq", entry.id),
            titles,
            entry.source,
            texts,
            answer=comparable(entry.answer.fi),
            negative=negative,
            fits=not negative and any(is_fit_question(p) for p in entry.phrasings.fi),
            service=next((rid for rid in entry.related if kb.service(rid) is not None), None),
            topics=frozenset(topics_in(" ".join((*entry.phrasings.fi, entry.answer.fi)))),
        )

    for card in kb.services:
        texts = [("name", lang, name) for lang in LANGUAGES if (name := getattr(card.name, lang))]
        texts += [("summary", "fi", card.summary.fi), ("description", "fi", card.description.fi)]
        texts += [("criterion", "fi", c.question.fi) for c in card.criteria]
        texts += [("criterion", "fi", c.question.fi) for c in card.contraindications]
        texts += [("keyword", "fi", k) for k in card.keywords]
        titles = {lang: name for lang in LANGUAGES if (name := getattr(card.name, lang))}
        out.add(RecordRef("service", card.id), titles, card.sources[0], texts, service=card.id)
        owner = [("owner", lang, name) for lang in LANGUAGES if (name := getattr(card.name, lang))]
        conditions: list[tuple[Criterion | ContraIndication, QnaKind]] = [
            *((c, "criterion") for c in card.criteria),
            *((c, "contra") for c in card.contraindications),
        ]
        for condition, kind in conditions:
            texts = [*owner]
            for lang in LANGUAGES:
                for fld, value in (("criterion", condition.question), ("explanation", condition.explanation), ("statement", condition.statement)):
                    if value is not None and (localized := getattr(value, lang)):
                        texts.append((fld, lang, localized))
                if condition.situations is not None:
                    texts += [("situation", lang, text) for text in getattr(condition.situations, lang)]
            label = condition.statement or condition.question
            age_rule = condition.implied_by is not None and condition.implied_by.question == AGE_QUESTION
            out.add(
                RecordRef(kind, condition.id),
                {lang: f"{name}: {label.get(lang)}" for _f, lang, name in owner},
                card.sources[0],
                texts,
                negative=kind == "contra",
                service=card.id,
                age_rule=age_rule,
                topics=frozenset(topics_in(" ".join(x for x in (condition.statement.fi if condition.statement else "", condition.question.fi) if x))),
            )
        if card.contraindications:
            # "When is X not suitable": the card's contra-indications together. Found by the
            # card's names (a negation in the question prefers it, see `retrieve`).
            texts = [("name", lang, name) for _f, lang, name in owner]
            texts += [("criterion", lang, q) for c in card.contraindications for lang in LANGUAGES if (q := getattr(c.question, lang))]
            out.add(RecordRef("unsuitable", card.id), titles, card.sources[0], texts, negative=True, service=card.id)

    for proc in kb.processes:
        for phase in proc.phases:
            for step in phase.steps:
                texts = [("step-title", "fi", step.title.fi), ("step-what", "fi", step.what.fi)]
                texts += [("process", lang, name) for lang in LANGUAGES if (name := getattr(proc.name, lang))]
                out.add(RecordRef("step", step.id), {"fi": step.title.fi}, step.source, texts, answer=comparable(f"{step.title.fi} {step.what.fi}"))

    for term in kb.glossary.terms:
        texts = [("term", "fi", term.term), ("definition", "fi", term.definition)]
        if term.expansion:
            texts.append(("expansion", "fi", term.expansion))
        texts += [("synonym", "fi", s) for s in term.synonyms]
        title = f"{term.term} ({term.expansion})" if term.expansion else term.term
        out.add(RecordRef("term", term.id), {"fi": title}, term.source, texts)

    return out


def concept_forms_of(kb: KnowledgeBase) -> dict[str, dict[tuple[str, ...], tuple[str, ...]]]:
    """Glossary forms by first key: how a term, its expansion and synonyms are spotted.

    first key -> form (keys of its words) -> the concepts it is a form of. A concept is named
    by its first term; terms with exactly the same forms are one concept (they cannot be told
    apart in text anyway), so a form is checked, and a text gets a key, once per concept.
    """
    canonical: dict[frozenset[tuple[str, ...]], str] = {}
    forms: dict[str, dict[tuple[str, ...], list[str]]] = defaultdict(dict)
    for term in kb.glossary.terms:
        surface = [term.term, *(term.synonyms), *([term.expansion] if term.expansion else [])]
        keyed = [form for text in surface if (form := tuple(keys_of(w, "fi")[0] for w in _content_words(text)))]
        concept = canonical.setdefault(frozenset(keyed), term.id)
        for form in keyed:
            ids = forms[form[0]].setdefault(form, [])
            if concept not in ids:
                ids.append(concept)
    return {first: {form: tuple(ids) for form, ids in by_form.items()} for first, by_form in forms.items()}


def _content_words(text: str) -> list[str]:
    """The words of a glossary form as `Tokenizer.slots` keeps them: stop words out (unless
    nothing else is left), so "barn i behov av särskilt stöd" is found in a text at all."""
    tokens = words(text)
    return [w for w in tokens if not is_stop_anywhere(w)] or tokens


Morphology = Literal["none", "lemma", "full"]
"""What Voikko adds to a Finnish word's Snowball keys: nothing, its base forms, or base forms
and compound parts (`morphology.analyse`). Measured step by step with `qna eval --morphology`."""

SlotSpec = tuple[list[tuple[str, float]], str, float, bool]
"""A slot before weighting: (key, factor) alternatives, main key, weight factor, and whether
the word is a definition cue ("mikä", "what", ...)."""


class Tokenizer:
    """Turns text into slots: shared by the index build and every question.

    Holds caches (a word's compound split, a key's concept candidates, an unknown key's near
    spellings) that are pure functions of the knowledge base, so filling them lazily does not
    change results. Every cache that question text can grow is bounded.
    """

    def __init__(
        self, known_words: frozenset[str], concept_forms: Mapping[str, Mapping[tuple[str, ...], tuple[str, ...]]], morphology: Morphology = "lemma"
    ) -> None:
        self.known_words = known_words
        self.morphology = morphology
        self.concept_forms = concept_forms
        self.concept_first_keys = tuple(concept_forms)
        self.vocabulary: tuple[str, ...] = ()
        self._vocabulary_set: frozenset[str] = frozenset()
        self._near = NearSpellings((), FUZZY_CUTOFF, FUZZY_LIMIT)
        self._split_cache: _Lru[tuple[str, ...]] = _Lru(FUZZY_CACHE_SIZE * 4)
        self._concept_cache: _Lru[tuple[str, ...]] = _Lru(FUZZY_CACHE_SIZE * 4)
        self._fuzzy_cache: _Lru[tuple[tuple[str, float], ...]] = _Lru(FUZZY_CACHE_SIZE)
        self._family_cache: _Lru[tuple[str, ...]] = _Lru(FUZZY_CACHE_SIZE)
        self.build_words: dict[tuple[str, str], list[tuple[str, float]]] | None = {}
        """A word's alternatives while the index is built (the knowledge base repeats its
        words thousands of times); None afterwards, so questions never grow it."""

    def split_compound(self, word: str) -> tuple[str, ...]:
        """Keys of the parts of a compound, when every part is a word of the knowledge base.

        Finnish glues nouns together (`lasten` + `suojelu` + `ilmoitus`); splitting against the
        knowledge base's own vocabulary, rather than a dictionary, keeps only splits that can
        match something. When no split into known words exists, the head alone (`_head`).
        """
        folded = fold(word)
        cached = self._split_cache.get(folded)
        if cached is not None:
            return cached
        # A compound that is itself a word of the knowledge base still gets its parts:
        # `käsittelyaika` in a question should meet `käsittelyn määräaika` in a text.
        parts = self._split(folded, depth=0, whole=False) if len(folded) >= _MIN_COMPOUND else None
        if not parts and len(folded) >= _MIN_COMPOUND:
            parts = self._head(folded)
        result = tuple(keys_of(p, "fi")[0] for p in parts) if parts and (len(parts) > 1 or parts[0] != folded) else ()
        self._split_cache.put(folded, result)
        return result

    def _head(self, word: str) -> list[str] | None:
        """The head of a compound whose modifier is not a word of the knowledge base (or is
        shorter than a part may be: `työ|tehtävät`): the longest known ending of at least
        _MIN_HEAD letters. The head says what the thing is, so a `työtehtävä` is a `tehtävä`."""
        known = self.known_words
        for cut in range(_MIN_MODIFIER, len(word) - _MIN_HEAD + 1):
            tail = word[cut:]
            # A known word, or a known word (or stem) plus an ending: set look-ups only, since
            # stemming every ending of every long word would double the index build.
            if any(tail[:end] in known for end in range(len(tail), max(_MIN_HEAD, len(tail) - FAMILY_MAX_SUFFIX) - 1, -1)):
                return [tail]
        return None

    def _split(self, word: str, depth: int, whole: bool = True) -> list[str] | None:
        if whole and (word in self.known_words or keys_of(word, "fi")[0] in self.known_words):
            return [word]
        if depth >= 3 or len(word) < 2 * _MIN_PART:
            return None
        # Longest head first: `sosiaalihuolto|laki` before `sosiaali|huoltolaki` finds the
        # fewest parts, and the last part (the head noun in Finnish) stays whole.
        for cut in range(len(word) - _MIN_PART, _MIN_PART - 1, -1):
            head, tail = word[:cut], word[cut:]
            if head in self.known_words:
                rest = self._split(tail, depth + 1)
                if rest:
                    return [head, *rest]
        return None

    def concept_candidates(self, key: str) -> tuple[str, ...]:
        """Glossary first keys that `key` may stand for (exact, inflected or mistyped)."""
        cached = self._concept_cache.get(key)
        if cached is not None:
            return cached
        found = [key] if key in self.concept_forms else []
        if len(key) >= 5:
            for cand, _score, _ in process.extract(key, self.concept_first_keys, scorer=fuzz.ratio, score_cutoff=80.0, limit=None):
                if cand != key and concept_key_match(key, cand):
                    found.append(cand)
        result = tuple(found)
        self._concept_cache.put(key, result)
        return result

    def set_vocabulary(self, vocabulary: tuple[str, ...]) -> None:
        """Called once by `build_index` when the index's word keys are known."""
        self.vocabulary = vocabulary
        self._vocabulary_set = frozenset(vocabulary)
        self._near = NearSpellings(vocabulary, FUZZY_CUTOFF, FUZZY_LIMIT)
        self._fuzzy_cache.clear()
        self._family_cache.clear()

    def stem_family(self, key: str) -> tuple[str, ...]:
        """Index keys of the same stem family as `key`: one is the other plus a short ending.

        Snowball strips inflection but not derivation, and stops at different points for a
        verb and its noun: `esitän` -> `esit`, `esittämistä` -> `esittam`; `odottaa` -> `odot`,
        `odottamaan` -> `odottam`; `asiakkaan` -> `asiak`, `asiakas`. A stem that is the
        beginning of another, longer by at most FAMILY_MAX_SUFFIX letters (a derivational or
        inflectional ending, not another word: compounds are split separately), is likely the
        same word family. Weaker evidence than the same stem (`Weights.derivation`), since
        `tila` (state) and `tilaus` (order) meet too. Computed once per key and remembered
        (bounded); a sorted vocabulary makes it a range look-up.
        """
        cached = self._family_cache.get(key)
        if cached is not None:
            return cached
        found: list[str] = []
        if len(key) >= FAMILY_MIN_STEM and not key.startswith("@"):
            vocab = self.vocabulary
            start = bisect.bisect_right(vocab, key)
            for cand in vocab[start:]:
                if not cand.startswith(key):
                    break
                if len(cand) - len(key) <= FAMILY_MAX_SUFFIX:
                    found.append(cand)
            for cut in range(max(FAMILY_MIN_STEM, len(key) - FAMILY_MAX_SUFFIX), len(key)):
                if key[:cut] in self._vocabulary_set:
                    found.append(key[:cut])
        result = tuple(found)
        self._family_cache.put(key, result)
        return result

    def vocabulary_matches(self, key: str) -> tuple[tuple[str, float], ...]:
        """Index keys `key` may mean, with a similarity in (0, 1]: itself, and near spellings.

        Near spellings are found once per key with rapidfuzz's normalised Indel similarity
        over the whole vocabulary, and remembered (bounded, least recently used dropped); only
        keys of four letters or more get them, since one wrong letter in a short word is
        another word. A near spelling scores below an exact key, so the right spelling wins.
        """
        cached = self._fuzzy_cache.get(key)
        if cached is not None:
            return cached
        found: dict[str, float] = {}
        if key in self._vocabulary_set:
            found[key] = 1.0
        if len(key) >= FUZZY_MIN_LENGTH and not key.startswith("@"):
            for cand, score in self._near.find(key):
                if cand not in found:
                    found[cand] = FUZZY_FLOOR + (score - FUZZY_CUTOFF) / (100.0 - FUZZY_CUTOFF) * (FUZZY_CEILING - FUZZY_FLOOR)
        result = tuple(found.items())
        self._fuzzy_cache.put(key, result)
        return result

    def slots(self, text: str, lang: str, query: bool = False) -> list[SlotSpec]:
        """(alternatives, main key, weight factor, cue) per slot of `text`; the caller multiplies
        the factor with the main key's IDF.

        Stop words are dropped unless nothing else is left ("mikä se on?" still asks
        something). Swedish and English text may use Finnish terms (and the glossary's forms
        are Finnish-stemmed), so its words also get their Finnish stems.
        """
        tokens = words(text, lang)
        kept = [w for w in tokens if not is_stop_anywhere(w)] or tokens
        per_word: list[list[tuple[str, float]]] = []
        factors: list[float] = []
        cues: list[bool] = []
        memo = None if query else self.build_words
        for w in kept:
            factors.append(question_word_factor(w))
            cues.append(is_definition_cue(w))
            if memo is not None and (known := memo.get((w, lang))) is not None:
                per_word.append(known)
                continue
            alts: dict[str, float] = {}
            for k in keys_of(w, lang):
                alts.setdefault(k, 1.0)
            if lang != "fi":
                for k in keys_of(w, "fi"):
                    alts.setdefault(k, 1.0)
            elif self.morphology != "none":
                lemmas, voikko_parts = analyse(w)
                for lemma in lemmas:
                    alts.setdefault(keys_of(lemma, "fi")[0], 1.0)
                if self.morphology == "full":
                    for n, part in enumerate(voikko_parts):
                        key = keys_of(part, "fi")[0]
                        if key not in alts:
                            alts[key] = HEAD_PART_FACTOR if n == len(voikko_parts) - 1 else MODIFIER_PART_FACTOR
            parts = self.split_compound(w)
            for n, part in enumerate(parts):
                if part not in alts:
                    alts[part] = HEAD_PART_FACTOR if n == len(parts) - 1 else MODIFIER_PART_FACTOR
            if query:
                # A worker's word for a knowledge-base word (`lexicon.py`): questions only, the
                # knowledge base is written in its own words.
                for extra in expansions(fold(w)):
                    for key in keys_of(extra, "fi")[:1]:
                        if alts.get(key, 0.0) < LEXICON_FACTOR:
                            alts[key] = LEXICON_FACTOR
            per_word.append(list(alts.items()))
            if memo is not None:
                memo[(w, lang)] = per_word[-1]
        return self._merge_concepts(per_word, factors, cues)

    def _merge_concepts(self, per_word: list[list[tuple[str, float]]], factors: list[float], cues: list[bool]) -> list[SlotSpec]:
        out: list[SlotSpec] = []
        i = 0
        while i < len(per_word):
            match = self._concept_at(per_word, i)
            if match is None:
                alts = per_word[i]
                out.append((alts, alts[0][0], factors[i], cues[i]))
                i += 1
                continue
            length, term_ids = match
            alts_map: dict[str, float] = {}
            for term_id in term_ids:
                alts_map[f"@{term_id}"] = 1.0
            factor = 1.0 if length == 1 else CONCEPT_COMPONENT_FACTOR
            for word_alts in per_word[i : i + length]:
                for k, f in word_alts:
                    alts_map[k] = max(alts_map.get(k, 0.0), f * factor)
            alts = list(alts_map.items())
            out.append((alts, alts[0][0], 1.0, False))
            i += length
        return out

    def _concept_at(self, per_word: list[list[tuple[str, float]]], i: int) -> tuple[int, list[str]] | None:
        """The longest glossary form starting at word `i`: (words spanned, term ids)."""
        best: tuple[int, bool] = (0, False)
        """(words spanned, the first word is the form's own, not a near or inflected one)"""
        best_terms: list[str] = []
        for key, factor in per_word[i]:
            if factor < 1.0:
                continue
            for first in self.concept_candidates(key):
                for form, term_ids in self.concept_forms[first].items():
                    n = len(form)
                    if n < best[0] or i + n > len(per_word):
                        continue
                    if all(_word_matches(per_word[i + j], form[j]) for j in range(1, n)):
                        # At equal length a form met as written wins over one the word only
                        # resembles: "lastensuojelulaki" is the term LSL, not also an
                        # inflection of "lastensuojelu" (their stems share all but "lak").
                        rank = (n, first == key)
                        if rank > best:
                            best, best_terms = rank, []
                        if rank == best:
                            best_terms.extend(t for t in term_ids if t not in best_terms)
        return (best[0], best_terms) if best[0] else None


class _Lru(Generic[V]):
    """A bounded memo: questions are untrusted input, and without a bound every new typo would
    stay in memory."""

    def __init__(self, size: int) -> None:
        self.size = size
        self._data: OrderedDict[str, V] = OrderedDict()

    def get(self, key: str) -> V | None:
        value = self._data.get(key)
        if value is not None:
            self._data.move_to_end(key)
        return value

    def put(self, key: str, value: V) -> None:
        self._data[key] = value
        if len(self._data) > self.size:
            self._data.popitem(last=False)

    def clear(self) -> None:
        self._data.clear()

    def __len__(self) -> int:
        return len(self._data)


def _word_matches(alts: list[tuple[str, float]], form_key: str) -> bool:
    return any(f >= 1.0 and (k == form_key or concept_key_match(k, form_key)) for k, f in alts)


@lru_cache(maxsize=65536)
def concept_key_match(key: str, form_key: str) -> bool:
    """Whether a word's key is an inflected or mistyped form of a glossary form's key.

    Stems of one Finnish word differ at the end under consonant gradation
    (`sosiaalihuoltolak` / `sosiaalihuoltol`), so a long shared beginning counts; a typo
    anywhere counts when the words are long enough for one wrong letter to be unambiguous.
    """
    if key == form_key:
        return True
    if min(len(key), len(form_key)) < 5:
        return False
    common = len(_common_prefix(key, form_key))
    if common >= len(form_key) - 2 and common >= len(key) - 3:
        return True
    return min(len(key), len(form_key)) >= 6 and fuzz.ratio(key, form_key) >= _CONCEPT_FUZZ


def _common_prefix(a: str, b: str) -> str:
    n = 0
    for x, y in zip(a, b, strict=False):  # words of different lengths: up to the shorter
        if x != y:
            break
        n += 1
    return a[:n]


def _slots_by_key(slots: tuple[Slot, ...]) -> dict[str, tuple[tuple[int, float], ...]]:
    found: dict[str, list[tuple[int, float]]] = defaultdict(list)
    for pos, slot in enumerate(slots):
        for key, factor in slot.keys:
            found[key].append((pos, factor))
    return {key: tuple(at) for key, at in found.items()}


def _service_names(
    records: list[RecordInfo], name_slots: list[tuple[int, str, tuple[Slot, ...]]], postings: Mapping[str, tuple[tuple[int, float], ...]]
) -> dict[str, tuple[tuple[str, tuple[frozenset[str], ...]], ...]]:
    by_first: dict[str, list[tuple[str, tuple[frozenset[str], ...]]]] = defaultdict(list)
    for record, field_name, slots in name_slots:
        service = records[record].service
        if service is None or not slots:
            continue
        if field_name == "keyword" and len(slots) == 1 and not _own_word(slots[0].keys[0][0], service, records, postings):
            continue
        words = tuple(
            frozenset([*(key for key, factor in slot.keys[:1] if factor >= 1.0), *(key for key, _f in slot.keys if key.startswith("@"))]) for slot in slots
        )
        for key in words[0]:
            by_first[key].append((service, words))
    return {key: tuple(names) for key, names in by_first.items()}


def _own_word(key: str, service: str, records: list[RecordInfo], postings: Mapping[str, tuple[tuple[int, float], ...]]) -> bool:
    """A one-word keyword names its card only when the word is mostly the card's: at least
    `OWN_KEYWORD_SHARE` of the records that hold it are about the card. "aikuissosiaalityö"
    is a keyword of the card "Aikuissosiaalityö lapsiperheiden vanhemmille", but a question
    about the adult social work instructor in Helsinki's assessment teams does not name that
    card, and naming it would push the teams' own entries down (`Weights.other_service`)."""
    holders = postings.get(key, ())
    return bool(holders) and sum(1 for rec, _f in holders if records[rec].service == service) >= OWN_KEYWORD_SHARE * len(holders)


def build_index(kb: KnowledgeBase, morphology: Morphology = "lemma") -> QnaIndex:
    """Tokenise the knowledge base once; called on every knowledge (re)load."""
    collected = _collect(kb)
    records, raw = collected.records, collected.docs

    known: set[str] = set()
    for doc in raw:
        for w in words(doc.text, doc.lang):
            if len(w) >= _MIN_PART and not is_stop_anywhere(w):
                known.add(fold(w))
                known.add(keys_of(w, "fi")[0])
    tokenizer = Tokenizer(frozenset(known), concept_forms_of(kb), morphology)

    # The same text recurs (a process name on each of its steps, a step both tracks share):
    # tokenise it once. Per distinct text: its slots and each key's best factor in it.
    distinct: dict[tuple[str, str], int] = {}
    specs: list[list[SlotSpec]] = []
    text_keys: list[dict[str, float]] = []
    doc_text: list[int] = []
    for doc in raw:
        key = (doc.text, doc.lang)
        pos = distinct.get(key)
        if pos is None:
            pos = distinct[key] = len(specs)
            spec = tokenizer.slots(doc.text, doc.lang)
            best: dict[str, float] = {}
            for alts, _main, _factor, _cue in spec:
                for k, f in alts:
                    if f > best.get(k, 0.0):
                        best[k] = f
            specs.append(spec)
            text_keys.append(best)
        doc_text.append(pos)

    # Document frequency over records: any alternative of any slot counts. At the same time,
    # each key's best factor per record, for the postings.
    best_factor: dict[str, dict[int, float]] = defaultdict(dict)
    for doc, pos in zip(raw, doc_text, strict=True):
        for k, f in text_keys[pos].items():
            row = best_factor[k]
            if f > row.get(doc.record, 0.0):
                row[doc.record] = f
    n_records = max(len(records), 1)
    idf = {k: math.log(1.0 + n_records / len(row)) for k, row in best_factor.items()}
    max_idf = math.log(1.0 + n_records)

    # Per distinct text, shared by every document of that text (a process name on each step).
    built_texts: list[tuple[tuple[Slot, ...], float, str, Mapping[str, tuple[tuple[int, float], ...]], frozenset[str], tuple[float, ...]]] = []
    for (text, _lang), spec in zip(distinct, specs, strict=True):
        built = tuple(Slot(weight=idf.get(main, max_idf) * factor, keys=tuple(alts)) for alts, main, factor, _cue in spec)
        by_key = _slots_by_key(built)
        built_texts.append((built, sum(s.weight for s in built), word_sorted(text), by_key, frozenset(by_key), tuple(slot.weight for slot in built)))

    docs: list[Doc] = []
    name_slots: list[tuple[int, str, tuple[Slot, ...]]] = []
    """(record, field, slots) of the cards' names and keywords, for `_service_names`."""
    by_record: list[list[int]] = [[] for _ in records]
    named_by: dict[str, set[int]] = defaultdict(set)
    owner_keys: dict[int, set[str]] = defaultdict(set)
    for doc, pos in zip(raw, doc_text, strict=True):
        built, total, plain, matches, key_set, slot_weights = built_texts[pos]
        # A condition's owner texts come before its situations (`_collect` lists them first).
        if doc.field == "owner":
            owner_keys[doc.record].update(slot.keys[0][0] for slot in built)
        elif doc.field == "situation":
            # "... käykö ammatillinen tukihenkilö?": the card is the owner's evidence; in a
            # situation its name would make every question about the card a near match.
            built = tuple(slot for slot in built if owner_keys[doc.record].isdisjoint(key for key, _f in slot.keys))
            matches = _slots_by_key(built)
            key_set, slot_weights, total = frozenset(matches), tuple(slot.weight for slot in built), sum(slot.weight for slot in built)
        if not built:
            continue
        if doc.field in DEFINITION_FIELDS and len(built) == 1:
            for slot_key, _factor in built[0].keys:
                named_by[slot_key].add(doc.record)
        by_record[doc.record].append(len(docs))
        if doc.field in ("name", "keyword") and records[doc.record].ref.kind == "service":
            name_slots.append((doc.record, doc.field, built))
        docs.append(
            Doc(
                record=doc.record,
                field=doc.field,
                lang=doc.lang,
                text=doc.text.strip(),
                slot_weights=slot_weights,
                long=doc.field in LONG_FIELDS,
                names=doc.field in DEFINITION_FIELDS,
                context=doc.field in CONTEXT_FIELDS,
                total_weight=total,
                plain=plain,
                matches=matches,
                key_set=key_set,
                text_id=pos,
            )
        )

    twins_of: dict[str, list[int]] = defaultdict(list)
    for pos, answer in enumerate(collected.answers):
        if answer:
            twins_of[answer].append(pos)
    twins = tuple(tuple(t for t in twins_of[answer] if t != pos) if answer else () for pos, answer in enumerate(collected.answers))

    postings = {k: tuple(sorted(row.items())) for k, row in best_factor.items()}
    doc_postings: dict[str, set[int]] = defaultdict(set)
    for position, indexed in enumerate(docs):
        for held in indexed.matches:
            doc_postings[held].add(position)
    vocabulary = tuple(sorted(k for k in postings if not k.startswith("@")))
    tokenizer.build_words = None
    tokenizer.set_vocabulary(vocabulary)

    return QnaIndex(
        version=kb.version,
        records=tuple(records),
        docs=tuple(docs),
        record_docs=tuple(tuple(d) for d in by_record),
        postings=MappingProxyType(postings),
        doc_postings=MappingProxyType({k: frozenset(v) for k, v in doc_postings.items()}),
        twins=twins,
        idf=MappingProxyType(idf),
        max_idf=max_idf,
        named_by=MappingProxyType({k: tuple(sorted(v)) for k, v in named_by.items()}),
        vocabulary=vocabulary,
        service_names=MappingProxyType(_service_names(records, name_slots, postings)),
        tokenizer=tokenizer,
        _by_ref=MappingProxyType({info.ref: i for i, info in enumerate(records)}),
    )
