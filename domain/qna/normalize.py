"""Text normalisation for Q&A matching: case, punctuation, diacritics, stems, language.

Everything here is a pure function of its input, so the index (built once) and the query
(every turn) go through exactly the same steps and compare like with like.

A word becomes one or more *keys*: ASCII-folded Snowball stems. Two routes are kept because
people type `aiti` for `äiti`: `fold(stem(word))` is what the stemmer makes of the word as
written, and `stem(fold(word))` is what it makes of the word as typed without diacritics.
The Finnish stemmer reads vowel harmony from ä/ö, so the two routes sometimes differ; keeping
both on each side makes the diacritic-free spelling match either way.
"""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache
from typing import Any, Final

import snowballstemmer

LANGUAGES: Final = ("fi", "sv", "en")

_STEMMER_NAMES: Final = {"fi": "finnish", "sv": "swedish", "en": "english"}

# Letters outside ASCII that people drop when typing fast. NFKD would also do this, but it
# turns `ß`/`æ` into nothing useful and costs more; the explicit table is the whole alphabet
# of our three languages.
_FOLD: Final = str.maketrans({"ä": "a", "ö": "o", "å": "a", "é": "e", "è": "e", "ü": "u", "æ": "a", "ø": "o", "š": "s", "ž": "z"})

# A word is letters and digits; `§` is kept as a word because "36 §" is how workers cite
# sections. Hyphens split words (`LS-ilmoitus` -> `ls ilmoitus`), and the glossary matches
# multi-word forms, so an abbreviation written with or without the hyphen meets the same
# concept.
_WORD: Final = re.compile(r"[^\W_]+|§", re.UNICODE)
_ABBREVIATION_ENDING: Final = re.compile(r"(?<=[^\W\d_]|§):[^\W\d_]{1,4}\b")
"""A Finnish case ending after an abbreviation's colon ("LS:ssä", "PTA:n", "hki:ssa"): part of
the abbreviation, not a word of its own (as one, "ssä" was an unknown word weighing the most)."""

# Spoken Finnish as typed in chat, mapped to the written form the stemmer knows. Only whole
# words, only forms that cannot be anything else.
_COLLOQUIAL_FI: Final = {
    "onks": "onko",
    "onkse": "onko",
    "voiks": "voiko",
    "saaks": "saako",
    "pitääks": "pitääkö",
    "pitaaks": "pitääkö",
    "tarviiks": "tarvitseeko",
    "tarvii": "tarvitsee",
    "tarvis": "tarvitsee",
    "miks": "miksi",
    "mites": "miten",
    "mist": "mistä",
    "mihi": "mihin",
    "mis": "missä",
    "kukas": "kuka",
    "mikäs": "mikä",
    "mikas": "mikä",
    "mä": "minä",
    "oo": "ole",
    "oon": "olen",
    "ootko": "oletko",
    "sä": "sinä",
    "mun": "minun",
    "sun": "sinun",
    "mul": "minulla",
    "mulla": "minulla",
    "sulla": "sinulla",
    "meil": "meillä",
    "kaa": "kanssa",
    "ku": "kun",
    "et": "että",
    "tää": "tämä",
    "toi": "tuo",
    "noi": "nuo",
    "nää": "nämä",
    "ny": "nyt",
    "vaa": "vain",
    "kans": "myös",
    "paljonks": "paljonko",
    "kauanks": "kauanko",
    "kauaks": "kauanko",
    "teenks": "teenkö",
    "kelle": "kenelle",
    "kenel": "kenellä",
    "tehään": "tehdään",
    "tehäänkö": "tehdäänkö",
    "tehäänks": "tehdäänkö",
    "nähään": "nähdään",
    "ollu": "ollut",
    "tehny": "tehnyt",
    "vois": "voisi",
    "voisko": "voisiko",
    "sais": "saisi",
    "saisko": "saisiko",
    "niitten": "niiden",
    "millanen": "millainen",
    "millasia": "millaisia",
    "semmonen": "sellainen",
    "sossu": "sosiaalityöntekijä",
    "sossut": "sosiaalityöntekijät",
    "sossun": "sosiaalityöntekijän",
}

# Function words that carry no topic. Question words (mikä, kuka, milloin, kauanko, ...) are
# deliberately absent: "kuka järjestää" and "milloin sopii" ask different things about the
# same service, and the IDF weighting already keeps them from dominating.
STOP_WORDS: Final[dict[str, frozenset[str]]] = {
    "fi": frozenset(
        [
            "ja",
            "sekä",
            "tai",
            "on",
            "ole",
            "olla",
            "oli",
            "ovat",
            "olen",
            "olet",
            "ollut",
            "olisi",
            "se",
            "ne",
            "sen",
            "sitä",
            "niitä",
            "että",
            "kun",
            "jos",
            "niin",
            "myös",
            "kuin",
            "nyt",
            "vain",
            "vaan",
            "siis",
            "sitten",
            "jo",
            "vielä",
            "mutta",
            "minä",
            "minun",
            "minulla",
            "minua",
            "sinä",
            "sinun",
            "sinulla",
            "me",
            "meillä",
            "meidän",
            "meille",
            "te",
            "he",
            "hän",
            # the pronouns' other forms and their chat forms ("niillä ei oo asuntoa")
            "niillä",
            "niiden",
            "niille",
            "niistä",
            "niihin",
            "heillä",
            "heidän",
            "heille",
            "heitä",
            "hänellä",
            "hänen",
            "hänelle",
            "häntä",
            "mulla",
            "mun",
            "mulle",
            "mua",
            "sulla",
            "sun",
            "sulle",
            "oo",
            "oon",
            "ollu",
            "tämä",
            "tätä",
            "tässä",
            "tällä",
            "tästä",
            "tähän",
            "tuo",
            "tuota",
            "nämä",
            "nuo",
            "joka",
            "jotka",
            "jota",
            "mitäs",
            "no",
            "noh",
            "hei",
            "moi",
            "moikka",
            "terve",
            "kiitos",
            "kiitti",
            "tota",
            "tuota",
            "niinku",
            "niinkun",
            "ihan",
            "käytännössä",
            "puolesta",
            "suomeksi",
            "ruotsiksi",
            "englanniksi",
            "aika",
            "oikein",
            "just",
            "juuri",
            "eli",
            "ym",
            "esim",
            "jne",
            "olis",
            "oisko",
            "ois",
            "mm",
            "ts",
            "voisitko",
            "voitko",
            "kerro",
            "kertoa",
            "kertoisitko",
            "haluan",
            "haluaisin",
            "tietää",
            "tiedätkö",
            "osaatko",
            "apua",
            "auta",
            # function words as workers type them: in no record's wording, so as unknown
            # words they weighed the most of a question ("mut" in eleven tuning questions)
            "mut",
            "kai",
            "sit",
            "vai",
            "tosi",
            "vähän",
            "vähä",
            "jotain",
            "jotakin",
            "joku",
            "jokin",
            "jotenkin",
            "mitään",
            "enää",
            "ku",
            "siitä",
            "siihen",
            "sille",
            "siinä",
            "noista",
            "näistä",
            "teillä",
            "eikö",
            "eiks",
            # how the worker wants it said, not what about: "mikä on X lyhyesti" asks what X is
            "lyhyesti",
            "pähkinänkuoressa",
            "oikeasti",
            "oikeesti",
            "oikeastaan",
            "oikeestaan",
        ]
    ),
    "sv": frozenset(
        [
            # "vad gör X" asks what X does, as "what does X do": the verb is the frame, not the topic
            "gör",
            "göra",
            "och",
            "eller",
            "är",
            "var",
            "vara",
            "har",
            "hade",
            "ha",
            "en",
            "ett",
            "den",
            "det",
            "de",
            "som",
            "att",
            "på",
            "i",
            "för",
            "till",
            "av",
            "med",
            "om",
            "så",
            "men",
            "jag",
            "du",
            "vi",
            "ni",
            "han",
            "hon",
            "man",
            "mig",
            "dig",
            "oss",
            "er",
            "sig",
            "min",
            "din",
            "vår",
            "er",
            "denna",
            "detta",
            "dessa",
            "här",
            "där",
            "nu",
            "bara",
            "också",
            "ju",
            "väl",
            "hej",
            "tack",
            "kan",
            "kunde",
            "skulle",
            "vill",
            "ska",
            "får",
            "vid",
            "från",
            "hos",
            "inom",
            "mot",
            "sin",
            "sitt",
            "sina",
            "blir",
            "bli",
            "någon",
            "något",
            "några",
            # particles and auxiliaries: rare in the short Swedish texts, so without this their
            # IDF outweighed the topic ("i vilket skede tas ... upp")
            "tas",
            "upp",
            "kommer",
            "finns",
            "brukar",
            "alla",
            "varje",
            "mer",
            "än",
            "då",
            "finska",
            "svenska",
            "engelska",
            "kortfattat",
            "egentligen",
            "typ",
        ]
    ),
    "en": frozenset(
        [
            "a",
            "an",
            "the",
            "and",
            "or",
            "is",
            "are",
            "was",
            "were",
            "be",
            "been",
            "being",
            "do",
            "does",
            "did",
            "have",
            "has",
            "had",
            "to",
            "of",
            "in",
            "on",
            "at",
            "for",
            "from",
            "with",
            "by",
            "about",
            "as",
            "it",
            "its",
            "this",
            "that",
            "these",
            "those",
            "i",
            "me",
            "my",
            "we",
            "our",
            "you",
            "your",
            "he",
            "she",
            "they",
            "them",
            "there",
            "here",
            "so",
            "just",
            "please",
            "hi",
            "hello",
            "thanks",
            "thank",
            "can",
            "could",
            "would",
            "should",
            "will",
            "shall",
            "may",
            "might",
            "tell",
            "know",
            "if",
            "then",
            "than",
            "any",
            "each",
            "their",
            "his",
            "her",
            "us",
            "am",
            "get",
            "got",
            "briefly",
            "actually",
            "basically",
            "really",
        ]
    ),
}

# Interrogatives and question verbs. They tell what is asked about a topic ("kuka" vs
# "milloin"), so they are kept, but at QUESTION_WORD_FACTOR of their IDF: over FAQ phrasings
# they are rarer than the topic words of busy subjects (`perhekuntoutus` appears in twenty
# records, `kauan` in ten), and left at full weight they outvote the topic.
QUESTION_WORDS: Final = frozenset(
    [
        "mikä",
        "mitä",
        "mitkä",
        "mikäli",
        "minkä",
        "millainen",
        "millaisia",
        "millaisissa",
        "millä",
        "mistä",
        "mihin",
        "missä",
        "miksi",
        "miten",
        "milloin",
        "kuka",
        "ketkä",
        "keitä",
        "kenelle",
        "kenen",
        "keneltä",
        "kenellä",
        "kumpi",
        "kumman",
        "kuinka",
        "kauan",
        "kauanko",
        "paljonko",
        "montako",
        "moneltako",
        "voiko",
        "onko",
        "saako",
        "pitääkö",
        "tarvitseeko",
        "tarvitaanko",
        "kuuluuko",
        "koskeeko",
        "tehdäänkö",
        "käytetäänkö",
        # the same asked as people type them
        "pitäisikö",
        "pitäiskö",
        "pitäis",
        "kannattaako",
        "kannattaisko",
        "kannattaisiko",
        "tarviiko",
        "tarvii",
        "onks",
        "voiks",
        "saaks",
        "vad",
        "vem",
        "vilka",
        "vilken",
        "vilket",
        "hur",
        "när",
        "var",
        "varför",
        "vart",
        "många",
        "mycket",
        "länge",
        "lång",
        "ofta",
        "what",
        "who",
        "which",
        "when",
        "where",
        "why",
        "how",
        "whom",
        "whose",
        "many",
        "much",
        "long",
        "often",
    ]
)
QUESTION_WORD_FACTOR: Final = 0.4
SPECIFIC_QUESTION_WORDS: Final = frozenset(
    [
        *("milloin", "kuka", "ketkä", "keitä", "kenelle", "kenen", "montako", "paljonko", "kauan", "kauanko", "missä", "mihin", "moneltako"),
        *("när", "vem", "länge", "ofta", "when", "who", "where"),
    ]
)
"""Interrogatives that ask for one kind of fact (a time, a person, a number, a place, a
duration): between two records about the same subject ("milloin ... pilotti oli": the pilot
itself, or its timetable), the one whose phrasing asks the same decides. They weigh
SPECIFIC_QUESTION_WORD_FACTOR of their IDF; "mikä", "miten", "onko" stay at
QUESTION_WORD_FACTOR. On the tuning part 0.6-1.2 all gain +1-2 top-1 and top-3; 0.8 the most."""
SPECIFIC_QUESTION_WORD_FACTOR: Final = 0.8


# What "what is X" is made of, in the three languages: for a glossary term these words are
# the whole question, so they do not count against it.
DEFINITION_CUES: Final = frozenset(
    ["mikä", "mitä", "mika", "mita", "tarkoittaa", "tarkoitetaan", "tarkottaa", "on", "vad", "är", "betyder", "innebär", "what", "is", "does", "mean", "means"]
)


def is_definition_cue(word: str) -> bool:
    return word in DEFINITION_CUES


# A question that asks what a thing *is*: a word that only asks for a meaning anywhere, or "mikä
# on X" / "what is X" / "vad är X" with a short X. Then a glossary term is the answer the worker
# wants; in "mitä vastuutiimi tekee" the same "mitä" asks for an FAQ entry.
_MEANING_WORDS: Final = frozenset(
    ["tarkoittaa", "tarkoitetaan", "tarkottaa", "tarkoittanee", "merkitsee", "betyder", "innebär", "meaning", "mean", "means", "stands"]
)
_WHAT_IS: Final = frozenset(
    {
        ("mikä", "on"),
        ("mika", "on"),
        ("mitä", "on"),
        ("mita", "on"),
        ("mikä", "oli"),
        ("what", "is"),
        ("what", "are"),
        ("whats",),
        ("vad", "är"),
        ("vad", "ar"),
        ("vad", "betyder"),
    }
)
_DEFINITION_MAX_WORDS: Final = 5


def is_definition_question(text: str) -> bool:
    """Whether `text` asks what something is or means (see `_MEANING_WORDS`, `_WHAT_IS`)."""
    tokens = normalize(text).split()
    if not tokens or len(tokens) > _DEFINITION_MAX_WORDS + 2:
        return False
    if any(fold(t) in _FOLDED_MEANING_WORDS for t in tokens):
        return True
    return tuple(tokens[:2]) in _WHAT_IS or tuple(tokens[:1]) in _WHAT_IS


# A question that asks when something does NOT fit ("milloin EI sovellu", "when is X not
# suitable", "när passar X inte"), as opposed to a situation that merely contains a negation
# ("perheellä ei ole kotia, sopiiko ..."): a negation word together with a "when / in which
# situations" word or a fit verb right after it, or a word that means exclusion by itself.
_NEGATION_WORDS: Final = frozenset(["ei", "eivät", "eikä", "en", "et", "not", "inte", "ej", "never", "nej"])
_WHEN_WORDS: Final = frozenset(["milloin", "koska", "missä", "millaisissa", "mitkä", "when", "där", "när", "vilka", "which", "what"])
_FIT_STEMS: Final = (
    "sovel",
    "sovi",
    "sopi",
    "sopii",
    "kannat",
    "kannata",
    "suit",
    "fit",
    "appropr",
    "right",
    "lämp",
    "lamp",
    "pass",
    "rätt",
    "ratt",
    "kelpa",
    "käy",
    "kay",
    "oikea",
    "use",
    "used",
    "voi",
    "laitt",
    "tarjo",
    "myon",
    "ehdot",
    "harki",
    "ohja",
    "pida",
    "valit",
    "kay",
)
_EXCLUSION: Final = re.compile(r"poissulk|vasta-?aihe|kontraindik|este(?:e|i)t?\b|unsuitab|inappropr|olämpl|olampl|contra-?indic|exclusion", re.IGNORECASE)


_FOLDED_WHEN: Final = frozenset(w.translate(_FOLD) for w in _WHEN_WORDS)


def is_negation_question(text: str) -> bool:
    """Whether `text` asks when something is not suitable (see the comment above)."""
    if _EXCLUSION.search(text):
        return True
    tokens = fold(normalize(text)).split()
    has_when = any(t in _FOLDED_WHEN for t in tokens[:4]) or "tilanteissa" in tokens or "situations" in tokens
    for i, t in enumerate(tokens):
        if t not in _NEGATION_WORDS and not t.endswith("n't"):
            continue
        after = tokens[i + 1 : i + 4]
        fit_after = any(a.startswith(_FIT_STEMS) for a in after)
        if has_when and (fit_after or i + 1 >= len(tokens)):
            return True
        if fit_after and (i + 1 < len(tokens) and tokens[-1] in {"jos", "kun", "mita", "milloin"}):
            return True
    return False


# A question whether something fits a situation ("sopiiko", "käykö", "onnistuuko", "voiko ...
# saada", "passar", "can ... get"): a described situation is then matched to the criterion or
# contra-indication it touches, not to a general page about the service.
_FIT_QUESTION: Final = re.compile(
    r"\b(sopi\w*|sovel\w*|käy(kö|ks|kö)?|kävis\w*|onnistu\w*|voi(ko|ks|s|si|siko|sko|sko)|kannatta\w*|pitäis\w*|pitäisi\w*|"
    r"sais(ko|kohan|iko)?|pääse(e|is)?(kö|ks)|(voi(n|mme)|voisi(n|mme)|saa(n|mme)?|saisi(n|mme))(ko|kö|ks)\s+(\w+\s+){0,2}(hake\w*|esittä\w*|ehdotta\w*|tarjot\w*|tarjo\w*)|"
    r"riittä\w*|vaihtoeh\w*|oikea|passar|lämpar|lämplig|kan\s+\w+\s+få|ska\s+\w+\s+få|kan\s+(vi|man|ni)\s+(\w+\s+){0,2}(föreslå|ordna|ansöka|ge|erbjuda)|"
    r"(ska|skall|borde|bör)\s+(vi|man|ni|jag)\s+(\w+\s+){0,2}(söka|ansöka|ordna|föreslå|erbjuda)|lönar\s+det\s+sig|(är|vore)\s+det\s+(\w+\s+)?(värt|lönt)|"
    r"suitable|possible|option|fit|right\s+(call|choice|service)|good\s+idea|worth|should\s+(we|i)\s+(\w+\s+){0,2}(apply|ask|go|look|refer|try|offer|choose|pick)|"
    r"can\s+(\w+\s+){1,6}(get|go|have|be|start|begin|join|receive))\b",
    re.IGNORECASE,
)
_AGE_UNIT: Final = r"\s*(?:-|\s)?\s*(?:v\b|v\.|vuot\w*|veej\w*|år\w*|years?\b|yrs?\b|y/?o\b|-year)"
"""What follows a number that is an age: "8v", "17-vuotias", "15-årig", "13-year-old"."""
_AGE: Final = re.compile(r"\b(\d{1,2})" + _AGE_UNIT, re.IGNORECASE)
# Ages that share one unit ("4 och 7 år", "2, 5 ja 9 v", "9- ja 12-vuotias"): `_AGE` reads
# only the last.
_AGES_LISTED: Final = re.compile(r"\b((?:\d{1,2}-?\s*(?:,|\bja\b|\bsekä\b|\boch\b|\band\b|&)\s*)+)\d{1,2}" + _AGE_UNIT, re.IGNORECASE)


# A situation, then the service as a question of its own: "vanhemmat opiskelee molemmat
# täyspäiväisesti, perhekuntoutus?" asks whether it fits as plainly as "sopiiko" would.
_SITUATION_THEN_SERVICE: Final = re.compile(r"^\s*\S+(?:\s+\S+){2,}[,.:;!]\s+(?:[\w.]+\s*){1,3}\?+\s*$")


def is_fit_question(text: str) -> bool:
    """Whether `text` asks if something fits (see `_FIT_QUESTION`, `_SITUATION_THEN_SERVICE`)."""
    return _FIT_QUESTION.search(text) is not None or _SITUATION_THEN_SERVICE.match(text) is not None


# "onks tukihenkilö oikee palvelu tän ikäselle", "för ung för", "too old for": the question is
# whether the age fits, however much of the situation comes with it.
_AGE_ASKED: Final = re.compile(
    r"\b(t[äa]n|t[äa]m[äa]n|sen)\s+ik[äa]i?s\w*|ik[äa]ns[äa]\s+puolesta|i[äa]n\s+puolesta|liian\s+(nuori|vanha)|"
    r"i\s+den\s+[åa]ldern|f[öo]r\s+(ung|gammal)\b|(too|this)\s+(young|old)\b|at\s+(this|that|his|her)\s+age\b",
    re.IGNORECASE,
)


def asks_about_age(text: str) -> bool:
    """Whether `text` asks if an age fits (see `_AGE_ASKED`)."""
    return _AGE_ASKED.search(text) is not None


# "lapsi on vasta 9", "pojka är 14", "the girl is 12": a bare number said of the child.
_AGE_OF_CHILD: Final = re.compile(
    r"\b(?:lapsi|poika|tyttö|nuori|vauva|barnet|pojken|flickan|den\s+unga|child|boy|girl|kid)\s+(?:on|är|is)\s+"
    r"(?:vasta|jo|nyt|vain|bara|redan|nu|only|just|already|now)?\s*(\d{1,2})\b(?![.,]\d|\s*(?:%|€|e\b|kk|h\b|min|tun|vko|viik|pv|päiv))",
    re.IGNORECASE,
)


def age_in(text: str) -> int | None:
    """The age a question or description mentions ("8v", "17-vuotias", "15-årig", "a 13-year-old",
    "lapsi on vasta 9"), or None; only plausible ages of a child or young adult (0-30)."""
    match = _AGE.search(text) or _AGE_OF_CHILD.search(text)
    if match is None:
        return None
    age = int(match.group(1))
    return age if age <= 30 else None


def ages_in(text: str) -> tuple[int, ...]:
    """Every child's age the text gives, in order, each once: "6v ja 8v" and "4 och 7 år" give
    both, where `age_in` reads the first age written with its unit."""
    found: list[tuple[int, int]] = []
    for pattern in (_AGE, _AGE_OF_CHILD):
        found.extend((m.start(), int(m.group(1))) for m in pattern.finditer(text))
    for listed in _AGES_LISTED.finditer(text):
        found.extend((listed.start(1) + n.start(), int(n.group())) for n in re.finditer(r"\d{1,2}", listed.group(1)))
    ages: list[int] = []
    for _at, age in sorted(found):
        if age <= 30 and age not in ages:
            ages.append(age)
    return tuple(ages)


def is_question_word(word: str) -> bool:
    return word in QUESTION_WORDS or word in _FOLDED_QUESTION_WORDS


def question_word_factor(word: str) -> float:
    """The share of its IDF a word of the question weighs: 1 for a topic word, less for an
    interrogative (see QUESTION_WORDS and SPECIFIC_QUESTION_WORDS)."""
    if not is_question_word(word):
        return 1.0
    return SPECIFIC_QUESTION_WORD_FACTOR if word in SPECIFIC_QUESTION_WORDS or word in _FOLDED_SPECIFIC else QUESTION_WORD_FACTOR


# Words that mark a language without being topic words; used only to guess the language.
# Finnish markers cover the inflected question words that Swedish and English never contain.
_LANGUAGE_MARKERS: Final[dict[str, frozenset[str]]] = {
    "fi": frozenset(
        [
            "ja",
            "on",
            "onko",
            "ei",
            "mikä",
            "mitä",
            "miten",
            "milloin",
            "kuka",
            "kenelle",
            "kenen",
            "missä",
            "mihin",
            "mistä",
            "miksi",
            "kauanko",
            "paljonko",
            "voiko",
            "pitääkö",
            "saako",
            "tarvitseeko",
            "kun",
            "jos",
            "että",
            "se",
            "ne",
            "tämä",
            "lapsi",
            "lapsen",
            "perhe",
            "perheen",
            "asiakas",
            "asiakkaan",
            "kanssa",
        ]
    ),
    "sv": frozenset(
        [
            "och",
            "är",
            "vad",
            "hur",
            "när",
            "vem",
            "vilka",
            "vilken",
            "var",
            "varför",
            "får",
            "kan",
            "ska",
            "måste",
            "barn",
            "barnet",
            "familj",
            "familjen",
            "för",
            "med",
            "som",
            "att",
            "det",
            "den",
            "en",
            "ett",
            "inte",
            "eller",
            "till",
            "av",
            "på",
            "om",
            "jag",
            "vi",
            "hos",
        ]
    ),
    "en": frozenset(
        [
            "and",
            "is",
            "are",
            "what",
            "how",
            "when",
            "who",
            "which",
            "where",
            "why",
            "can",
            "must",
            "should",
            "does",
            "do",
            "the",
            "a",
            "an",
            "of",
            "to",
            "for",
            "with",
            "child",
            "family",
            "not",
            "or",
            "in",
            "on",
            "my",
            "we",
            "i",
            "it",
        ]
    ),
}


def fold(text: str) -> str:
    """`text` without the diacritics people leave out (`äiti` -> `aiti`)."""
    return text.translate(_FOLD)


def normalize(text: str) -> str:
    """Case, Unicode form, punctuation and whitespace folded; diacritics kept.

    NFKC first so that a pasted `ä` made of `a` + combining diaeresis compares equal to the
    precomposed letter.
    """
    text = unicodedata.normalize("NFKC", text).casefold()
    return " ".join(_WORD.findall(_ABBREVIATION_ENDING.sub("", text)))


def words(text: str, lang: str = "fi") -> list[str]:
    """Normalised words of `text`, Finnish chat forms written out."""
    out = normalize(text).split()
    if lang == "fi":
        out = [_COLLOQUIAL_FI.get(w, w) for w in out]
    return out


def comparable(text: str) -> str:
    """The form two texts are compared in to decide they are "the same question"."""
    return fold(normalize(text))


def word_sorted(text: str) -> str:
    """`comparable(text)` with its words in sorted order: what rapidfuzz's `token_sort_ratio`
    compares, made once per text so that scoring calls the plain `ratio` (a third of the time;
    the same figure for every pair, as `ratio(word_sorted(a), word_sorted(b)) ==
    token_sort_ratio(comparable(a), comparable(b))`)."""
    return " ".join(sorted(comparable(text).split()))


@lru_cache(maxsize=8)
def _stemmer(lang: str) -> Any:
    return snowballstemmer.stemmer(_STEMMER_NAMES.get(lang, "finnish"))


@lru_cache(maxsize=65536)
def keys_of(word: str, lang: str) -> tuple[str, ...]:
    """The keys of one normalised word: folded stems by both routes, the first the canonical.

    Cached because the vocabulary of the field is small and the same words recur in every
    question; the stemmer is pure Python and the dominant cost of building the index. A word
    without diacritics has one route only, so it is stemmed once.
    """
    stemmer = _stemmer(lang)
    folded = fold(word)
    written = fold(stemmer.stemWord(word))
    if folded == word:
        return (written,)
    typed = stemmer.stemWord(folded)
    if typed == written:
        return (written,)
    return (written, typed)


def is_stop_word(word: str, lang: str) -> bool:
    return word in STOP_WORDS.get(lang, frozenset()) or fold(word) in _FOLDED_STOP_WORDS.get(lang, frozenset())


def is_stop_anywhere(word: str) -> bool:
    """A stop word of any of the three languages, with or without diacritics: the question's
    language is a guess, and a stop word of any of them is never a topic."""
    return word in _ANY_STOP_WORD


_FOLDED_STOP_WORDS: Final = {lang: frozenset(fold(w) for w in ws) for lang, ws in STOP_WORDS.items()}
_ANY_STOP_WORD: Final = frozenset().union(*STOP_WORDS.values(), *_FOLDED_STOP_WORDS.values())
_FOLDED_QUESTION_WORDS: Final = frozenset(fold(w) for w in QUESTION_WORDS)
_FOLDED_SPECIFIC: Final = frozenset(fold(w) for w in SPECIFIC_QUESTION_WORDS)
_FOLDED_MEANING_WORDS: Final = frozenset(fold(w) for w in _MEANING_WORDS)


def detect_language(text: str, locale_lang: str = "fi") -> str:
    """Guess the language of a question: the activity's locale, corrected by marker words.

    Cheap on purpose (a set intersection): a Finnish worker with an English Teams client
    still types Finnish, and a Swedish-speaking worker may use a Finnish client. The locale
    wins ties and short questions without markers.
    """
    tokens = normalize(text).split()
    if not tokens:
        return locale_lang if locale_lang in LANGUAGES else "fi"
    counts = {lang: sum(1 for t in tokens if t in markers) for lang, markers in _LANGUAGE_MARKERS.items()}
    # Finnish-only letters-less words still show Finnish through typical endings; a word
    # ending in a Finnish case ending that no Swedish or English word has tips the balance.
    counts["fi"] += sum(1 for t in tokens if _FI_ENDING.search(t))
    if any(ch in text.casefold() for ch in "å"):
        counts["sv"] += 1
    best = max(counts.values())
    if best == 0:
        return locale_lang if locale_lang in LANGUAGES else "fi"
    leaders = [lang for lang, n in counts.items() if n == best]
    if locale_lang in leaders:
        return locale_lang
    return leaders[0] if len(leaders) == 1 else ("fi" if "fi" in leaders else leaders[0])


_FI_ENDING: Final = re.compile(r"(?:ssa|ssä|sta|stä|lla|llä|lta|ltä|lle|ksi|tta|ttä|ko|kö|nen|isen|uun|ään|een|iin)$")
