"""Recognising a client case description, and what it implies for the service finder.

A worker often types the whole situation in one message ("11-vuotias oireilee rajusti,
vanhempien keinot ovat lopussa, molemmat kokopäivätöissä. Sopiiko perhekuntoutus?"). Such a
message is not a question about one record: it is read for

- the child's age, and the finder's age band it falls in (`knowledge/finder.yaml`, question
  `ika`; the bands are read from the option ids, `alle-7`, `7-9`, `10-17`, ...);
- the topics it touches (substances, mental health, housing, ...), for one line that says what
  was understood without echoing the text;
- the finder answers the wording implies (`question id -> option id`, only options that exist);
- the services whose criteria or contra-indications it touches (the Q&A index, restricted to
  condition records and cards).

Plain Python over the knowledge base and the Q&A index; nothing here stores or logs the text.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Final

from domain.qna.answer import read_age
from domain.qna.index import AGE_QUESTION, QnaIndex, RecordRef
from domain.qna.normalize import age_in, ages_in, fold, is_fit_question, is_question_word, normalize
from domain.qna.retrieve import rank
from domain.qna.topics import topics_in
from knowledge.model import KnowledgeBase

MIN_WORDS: Final = 14
MIN_SENTENCES: Final = 2
TOUCH_SCORE: Final = 0.3
"""A condition record or card scoring at least this on the description (or one sentence of it)
counts as touched."""
MAX_SERVICES: Final = 4
MAX_CONDITIONS: Final = 3
SENTENCE_WEIGHT: Final = 0.8
SENTENCE_TOUCH_SCORE: Final = 0.5
"""One sentence alone matches short conditions too easily; it must match clearly to count."""
ASKING_SENTENCE_MAX_WORDS: Final = 5
"""A question this short in a description ("Skulle familjerehabilitering passa?", "Mietin
perhekuntoutusta, sopisiko?") names the card and nothing of the family: on its own it matches
any condition whose text says "passar" or "sopii", so it touches nothing by itself."""
_QUESTION_SENTENCE: Final = re.compile(r"([^.!?]+)\?+(?:\s|$)")
TOPIC_WEIGHT: Final = 0.1
CONTRA_WEIGHT: Final = 0.05
NAMED_WEIGHT: Final = 0.5
"""A card the description names ("sopisiko perhekuntoutus?") and its conditions come first."""


_CHILD_FOCUS: Final = ("school", "withdrawal", "mental_health")
_PARENT_FOCUS: Final = ("parenting",)
_NO_CHANGE_WORK: Final = re.compile(r"juttukaver|luotettava\w* aikui|kiva\w* aikui|aikuis\w* kenen kanssa jutel|someone to talk|någon vuxen att prata", re.I)
_ROUND_THE_CLOCK: Final = re.compile(r"perhekuntou|ympärivuorokau|ymparivuorokau|dygnet runt|familjerehab|round[- ]the[- ]clock|family rehab", re.I)
_LIGHT: Final = re.compile(r"harrastu|nuorisoty|kevye\w* tu|lätt stöd|light support|hobby", re.I)
_CLIENTSHIP: Final[tuple[tuple[str, re.Pattern[str]], ...]] = (
    ("jalkihuolto", re.compile(r"jälkihuol|jalkihuol|eftervård|eftervard|aftercare", re.I)),
    ("lastensuojelu", re.compile(r"lastensuojelu|\bls\b|\bls:n|\bls-|barnskydd|child protection|child welfare", re.I)),
    ("perhesosiaalityo", re.compile(r"perhesosiaality|perhesossu|lapsiperheiden sosiaality|familjesocial|family social work", re.I)),
)
_SPECIAL_SUPPORT: Final = re.compile(r"erityisen tuen tarv|särskilt stöd|sarskilt stod|special support", re.I)
CLOSING_QUESTION_MIN_WORDS: Final = 3
"""Shorter ("Mitä teen?", "Mitä palveluja?") asks about the situation, not a fact of its own."""
_SENTENCE_END: Final = re.compile(r"[.!?]+(?:\s|$)")
_BAND: Final = re.compile(r"^(?:(\d+)-(\d+)|alle-(\d+))$")


@dataclass(frozen=True)
class CaseReading:
    """What a case description says, as ids and keys only (never the text)."""

    age: int | None
    age_option: str | None
    """The finder's age option the age falls in (`ika` question), if any."""
    topics: tuple[str, ...]
    finder: dict[str, str] = field(default_factory=dict)
    """Finder answers the description implies: question id -> option id."""
    services: tuple[str, ...] = ()
    """Services whose criteria or contra-indications the description touches, best first."""
    conditions: tuple[str, ...] = ()
    """The criteria and contra-indications it touches most (`kind:id`), best first."""
    named: tuple[str, ...] = ()
    """The cards the description names, in card order."""


def sentences(text: str) -> list[str]:
    return [s.strip() for s in _SENTENCE_END.split(text) if s.strip()]


def closing_fact_question(text: str) -> str | None:
    """The description's last sentence when it is a question of its own about a fact ("Kuinka
    usein lapsi yleensä on tukiperheessä?"), else None. Such a question is answered by its own
    words: the situation before it would pull the answer towards the conditions it touches. A
    question whether a service fits ("sopiiko perhekuntoutus?") is not one: it needs the
    situation."""
    parts = sentences(text)
    if len(parts) < 2:
        return None
    last = parts[-1]
    words = normalize(last).split()
    # Typed in a chat, a question often has no question mark: its first word says it asks.
    asks = last in asked_sentences(text) or (bool(words) and is_question_word(words[0]))
    if not asks or is_fit_question(last) or len(words) < CLOSING_QUESTION_MIN_WORDS:
        return None
    return last


def asked_sentences(text: str) -> frozenset[str]:
    """The sentences of `text` (as `sentences` gives them) that end in a question mark."""
    return frozenset(m.group(1).strip() for m in _QUESTION_SENTENCE.finditer(text))


def is_case_description(text: str) -> bool:
    """Several sentences, enough words, and an age or at least two topics: a client situation
    rather than a question about one thing."""
    tokens = normalize(text).split()
    if len(tokens) < MIN_WORDS or len(sentences(text)) < MIN_SENTENCES:
        return False
    return age_in(text) is not None or len(topics_in(text, present_only=True)) >= 2


def age_option(kb: KnowledgeBase, age: int | None, pregnancy: bool = False) -> str | None:
    """The finder's age option for `age` (or the expecting-a-child option when only a
    pregnancy is described), read from the option ids."""
    question = kb.finder_question(AGE_QUESTION)
    if question is None:
        return None
    option_ids = [o.id for o in question.options]
    if age is None:
        return next((o for o in option_ids if o.startswith("odotus")), None) if pregnancy else None
    for option in option_ids:
        match = _BAND.match(option)
        if match is None:
            continue
        if match.group(3) is not None and age < int(match.group(3)):
            return option
        if match.group(1) is not None and int(match.group(1)) <= age <= int(match.group(2)):
            return option
    return None


def read_case(index: QnaIndex, kb: KnowledgeBase, text: str, lang: str = "fi") -> CaseReading:
    age = age_in(text)
    topics = topics_in(text, present_only=True)
    finder: dict[str, str] = {}
    band = age_option(kb, age, pregnancy="pregnancy" in topics)
    if band:
        finder[AGE_QUESTION] = band
    if _NO_CHANGE_WORK.search(text):
        finder["muutoksen-kohde"] = "ei-muutostyota"
    elif any(t in topics for t in _PARENT_FOCUS):
        finder["muutoksen-kohde"] = "perhe"
    elif any(t in topics for t in _CHILD_FOCUS):
        finder["muutoksen-kohde"] = "lapsi"
    if _ROUND_THE_CLOCK.search(text):
        finder["tuen-tarve"] = "ymparivuorokautinen"
    elif _LIGHT.search(text):
        finder["tuen-tarve"] = "kevyt"
    for option, pattern in _CLIENTSHIP:
        if pattern.search(text):
            finder["asiakkuus"] = option
            break
    if _SPECIAL_SUPPORT.search(text):
        finder["erityinen-tuki"] = "kylla"
    finder = {q: o for q, o in finder.items() if (fq := kb.finder_question(q)) is not None and o in {opt.id for opt in fq.options}}
    named = _named_services(kb, text)
    services, conditions = touched(index, kb, text, lang, ages_in(text), named)
    return CaseReading(
        age=age,
        age_option=band,
        topics=topics,
        finder=finder,
        services=services,
        conditions=conditions,
        named=tuple(card.id for card in kb.services if card.id in named),
    )


def asked_condition(index: QnaIndex, reading: CaseReading, text: str) -> str | None:
    """The condition that answers a description which asks whether a card it names fits
    ("äiti juo joka päivä, lapset 2v ja 5v. saisko koko perheen perhekuntoutukseen"): the
    first contra-indication of a named card that the description touches, else its first
    criterion (`touched` orders them best first). None when the description asks
    nothing of the kind or touches no condition of a card it names."""
    if not reading.named or not is_fit_question(text):
        return None
    of_named = [
        raw
        for raw in reading.conditions
        if (ref := RecordRef.parse(raw)) is not None and (info := index.record(ref)) is not None and info.service in reading.named
    ]
    return next((raw for raw in of_named if raw.startswith("contra:")), of_named[0] if of_named else None)


def touched(index: QnaIndex, kb: KnowledgeBase, text: str, lang: str, ages: tuple[int, ...], named: frozenset[str]) -> tuple[tuple[str, ...], tuple[str, ...]]:
    """(cards, conditions) the description touches, best first: cards through their conditions
    or themselves, conditions (criteria, contra-indications) as `kind:id`.

    A condition is touched when the whole description matches it, or one sentence clearly
    does, or when it names a topic the description shows (a parent's
    drinking touches "acute substance problem" and "serious problems ... substances"). A card
    every described age is far from does not count at all: a 13-year-old does not touch
    aftercare's 18-25 (but "13v ja 19v" does: the card may be the older one's). Cards the
    description names come first, and their contra-indications before their criteria: what
    would rule a service out is what a worker must not miss.
    `named`: the cards the description names (`_named_services`, read once by `read_case`)."""
    excluded = _out_of_age(kb, ages)
    best: dict[str, float] = {}
    best_conditions: dict[str, float] = {}
    asking = asked_sentences(text)
    for n, part in enumerate([text, *sentences(text)]):
        if n > 0 and (part in asking or is_fit_question(part)) and len(normalize(part).split()) <= ASKING_SENTENCE_MAX_WORDS:
            continue
        weight = 1.0 if n == 0 else SENTENCE_WEIGHT
        for cand in rank(index, part, lang):
            info = index.record(cand.ref)
            if info is None or info.service is None or info.service in excluded or cand.ref.kind not in ("criterion", "contra", "service", "unsuitable"):
                continue
            if cand.score >= TOUCH_SCORE and cand.score > best.get(info.service, 0.0):
                best[info.service] = cand.score
            bar = TOUCH_SCORE if n == 0 else SENTENCE_TOUCH_SCORE
            if cand.score >= bar and cand.ref.kind in ("criterion", "contra") and not info.age_rule:
                key = str(cand.ref)
                best_conditions[key] = max(best_conditions.get(key, 0.0), cand.score * weight)
    topics = set(topics_in(text, present_only=True))
    retrieved = set(best)
    conditions_of_kb = _condition_topics(index)
    for service_id, ref, kind, condition_topics in conditions_of_kb:
        shared = topics & condition_topics
        if not shared:
            # A condition about a topic (housing, substances, ...) is not touched by a
            # description that shows none of its topics, however well other words match.
            best_conditions.pop(ref, None)
            continue
        # A topic alone is a weak sign: it brings up a criterion only of a card the worker
        # names, and a contra-indication only of a card the description also matches.
        if service_id in excluded or (service_id not in named and (kind != "contra" or service_id not in retrieved)):
            continue
        score = TOUCH_SCORE + TOPIC_WEIGHT * len(shared) + (CONTRA_WEIGHT if kind == "contra" else 0.0)
        best_conditions[ref] = best_conditions.get(ref, 0.0) + score
        best[service_id] = max(best.get(service_id, 0.0), score)
    for service_id in named - excluded:
        best[service_id] = best.get(service_id, 0.0) + NAMED_WEIGHT
    service_of = {ref: service_id for service_id, ref, _, _ in conditions_of_kb}
    for ref in best_conditions:
        if service_of.get(ref) in named:
            best_conditions[ref] += NAMED_WEIGHT
    # Ties in card order and condition id: the same description reads the same in every
    # process (the sets above iterate in an order that varies from one process to another).
    card_order = {card.id: n for n, card in enumerate(kb.services)}
    services = tuple(sorted(best, key=lambda s: (-best[s], card_order.get(s, len(card_order)), s))[:MAX_SERVICES])
    conditions = tuple(sorted(best_conditions, key=lambda c: (-best_conditions[c], c))[:MAX_CONDITIONS])
    return services, conditions


def _out_of_age(kb: KnowledgeBase, ages: tuple[int, ...]) -> frozenset[str]:
    """Cards that fit none of `ages` (none excluded when no age is given)."""
    if not ages:
        return frozenset()
    return frozenset(card.id for card in kb.services if all((reading := read_age(card, age)) is not None and reading.verdict == "does_not_fit" for age in ages))


def _named_services(kb: KnowledgeBase, text: str) -> frozenset[str]:
    """Cards the description names (its name or a keyword, in any inflection: the end of a
    Finnish word changes, so the last two letters of a long name are left out)."""
    folded = fold(normalize(text))
    named: set[str] = set()
    for card in kb.services:
        names = [*(card.name.get(lang) for lang in ("fi", "sv", "en")), *card.keywords]
        for name in names:
            cue = fold(normalize(name or ""))
            cue = cue[:-2] if len(cue) > 8 else cue
            if len(cue) >= 5 and re.search(rf"\b{re.escape(cue)}", folded):
                named.add(card.id)
                break
    return frozenset(named)


def _condition_topics(index: QnaIndex) -> list[tuple[str, str, str, frozenset[str]]]:
    """(card, `kind:id`, kind, topics) of every criterion and contra-indication that is about a
    topic, in card order: the index read the topics from each one's Finnish wording."""
    return [
        (info.service, str(info.ref), info.ref.kind, info.topics)
        for info in index.records
        if info.service is not None and info.ref.kind in ("criterion", "contra") and info.topics
    ]
