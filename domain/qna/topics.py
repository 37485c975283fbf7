"""Topics a client situation shows (substances, housing, full-time work, ...), read from word
beginnings in the three languages: what a case description is said to show, and what a
principle card's criterion or contra-indication is about, so the two can be matched by topic
(`case.touched`, `retrieve._topic_condition_first`)."""

from __future__ import annotations

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


def topics_in(text: str) -> tuple[str, ...]:
    low = f" {text.casefold()} "
    folded = fold(low)
    return tuple(topic for topic, cues in TOPICS.items() if any(cue in low for cue in cues) or any(cue in folded for cue in _FOLDED[topic]))
