"""Topics a client situation shows (substances, housing, full-time work, ...), read from word
beginnings in the three languages: what a case description is said to show, and what a
principle card's criterion or contra-indication is about, so the two can be matched by topic
(`case.touched`, `retrieve._topic_condition_first`)."""

from __future__ import annotations

import re
from typing import Final

from domain.qna.normalize import fold

TOPICS: Final[dict[str, tuple[str, ...]]] = {
    "substances": (
        "päihte",
        "paihte",
        "päihd",
        "paihd",
        "humala",
        "alkoho",
        "huume",
        "viina",
        "kannab",
        "amfe",
        "juo ",
        "juopo",
        "missbruk",
        "drog",
        "substance",
        "drug",
        "drink",
        "dricker",
    ),
    "mental_health": (
        "masenn",
        "masent",
        "psyyk",
        "psykoo",
        "psykiatr",
        "psykos",
        "psychos",
        "psychiatr",
        "mielenterv",
        "itsetuho",
        "viilt",
        "ahdist",
        "psykisk",
        "depress",
        "deprim",
        "mental",
        "self-harm",
        "självskad",
        "sjalvskad",
    ),
    "housing": (
        "asunno",
        "asunto",
        "häädet",
        "häätö",
        "vräk",
        "evict",
        "koditon",
        "kodittom",
        "nurki",
        "majoitu",
        "tilapäise",
        "tilapaise",
        "omaa kotia",
        "ei kotia",
        "ei ole kotia",
        "puuttuu koti",
        "hemlös",
        "inget eget hem",
        "bostad",
        "homeless",
        "no home",
    ),
    "school": ("koulu", "skola", "skolan", "school"),
    "violence": ("väkival", "vakival", "lyö", "lyo", " våld ", " våldet", " våldsam", "violen"),
    "parenting": (
        "rajo",
        "rajat",
        "vanhemmuu",
        "keinot",
        "keinoja",
        "gränser",
        "föräldraskap",
        "boundar",
        "parenting",
        "set limits",
        "set any limits",
        "setting limits",
    ),
    "conflict": ("riid", "riitel", "ristiriit", "bråk", "brak", "konflikt", "conflict", "argu"),
    "exhaustion": ("uupu", "väsyn", "vasyn", "jaksa", "orkar", "exhaust", "burn"),
    "pregnancy": ("raskaa", "odottaa vauvaa", "gravid", "pregnan"),
    "full_time_work": ("kokopäiv", "kokopaiv", "kokoaika", "täysipäiv", "taysipaiv", "täyspäiv", "heltid", "full-time", "full time"),
    "placement_risk": ("sijoitu", "huostaan", "placering", "omhänder", "placement", "custody"),
    "symptoms": ("oireil", "oirehti", "symptom"),
    "family_change": (
        "lähivanhem",
        "lahivanhem",
        "asumaan isä",
        "asumaan äidi",
        "muuttaa isälle",
        "muuttaa äidille",
        "kotiutu",
        "byter förälder",
        "flyttar till sin pappa",
        "flyttar till sin mamma",
        "bo hos pappa",
        "bo hos mamma",
        "moves in with",
        "move in with",
        "reunif",
    ),
    "network": (
        "verkost",
        "kummi",
        "isovanhem",
        "mummo",
        "sukulai",
        "nätverk",
        "natverk",
        "mormor",
        "farmor",
        "network",
        "godparent",
        "godmother",
        "grandparent",
        "grandma",
    ),
    "care_capacity": (
        "kykene",
        "lapsen hoidosta",
        "huolehtimaan lapse",
        "hoitamaan vauva",
        "hoitamaan lasta",
        "hoitamaan lapsi",
        "ansvara för barn",
        "svara för barn",
        "ta hand om barn",
        "unable to care",
        "can't care",
        "cannot care",
        "can't look after",
        "cannot look after",
        "child's care",
    ),
    "withdrawal": ("vetäyty", "vetayty", "eristäyty", "yksinäi", "drar sig undan", "dragit sig undan", "isolat", "withdr"),
}
"""Topic -> beginnings of words (or phrases) that show it, in the three languages."""


_FOLDED: Final = {topic: tuple(dict.fromkeys(fold(cue) for cue in cues)) for topic, cues in TOPICS.items()}
"""The cues as met in a text without diacritics (folded once: this runs on every question)."""


NEGATABLE: Final = frozenset({"substances", "mental_health", "violence", "conflict", "full_time_work"})
"""Topics whose words, negated, say the family does NOT show them ("ei päihteitä", "no drug
use", "inga droger"). Not so for the others: "ei jaksa" is exhaustion, "ei asuntoa" housing,
"ei kykene" care capacity, "ei käy koulua" school."""
_NEGATORS: Final = frozenset({"ei", "eikä", "eika", "ilman", "no", "not", "never", "without", "inga", "ingen", "inget", "inte", "utan", "aldrig"})
_TRANSPARENT: Final = frozenset({"ole", "oo", "ollut", "ollu", "mitään", "mitaan", "any", "is", "are", "has", "have", "är", "har", "några", "nagra"})
"""Words between a negator and the topic word that keep the negation ("ei ole mitään päihteitä")."""
_NEGATION_WINDOW: Final = 2
_CLAUSE_END: Final = re.compile(r"[.,;:!?()]|\b(?:mut|mutta|but|men|ja|and|och)\b")


def topics_in(text: str, *, present_only: bool = False) -> tuple[str, ...]:
    """The topics `text` shows. With `present_only` (a worker's description, not a record's
    wording), a topic of NEGATABLE whose every mention is negated within its clause ("ei
    päihteitä", "no substance use") is not shown: a case description that rules substances
    out must not touch the substance contra-indication."""
    low = f" {text.casefold()} "
    folded = fold(low)
    found: list[str] = []
    for topic, cues in TOPICS.items():
        hits = [(low, cue) for cue in cues if cue in low] + [(folded, cue) for cue in _FOLDED[topic] if cue in folded]
        if not hits:
            continue
        if present_only and topic in NEGATABLE and all(_negated(where, cue) for where, cue in hits):
            continue
        found.append(topic)
    return tuple(found)


def _negated(text: str, cue: str) -> bool:
    """Every mention of `cue` in `text` follows a negator in its clause, at most
    _NEGATION_WINDOW words before it (not counting _TRANSPARENT words)."""
    start = text.find(cue)
    while start >= 0:
        before = _CLAUSE_END.split(text[:start])[-1].split()
        words = [w for w in before if w not in _TRANSPARENT][-_NEGATION_WINDOW:]
        if not any(w in _NEGATORS for w in words):
            return False
        start = text.find(cue, start + 1)
    return True
