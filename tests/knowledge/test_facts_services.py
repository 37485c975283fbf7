"""The service cards, the finder and the glossary carry the facts of the five source documents.

Each row of `FACTS` names a source document, the record that must carry a fact from it (a
card, a criterion, contra-indication or prerequisite inside a card, or a glossary term), a
dotted field path, and what the field must hold:

- text: a substring (a tuple of strings passes when one item holds it);
- a number or true/false: that exact value;
- `Exactly(...)`: that exact tuple, e.g. the finder options a criterion is implied by.

Rows are read through the real loader, so a fact counts only if the bot would serve it. The
record must also attribute the fact to the named document: a card through its `sources`
(a criterion through the card it belongs to), a glossary term through its `source`.

The tests after the table pin what the finder, the criteria check and the Q&A rely on: the
finder's question and option ids, complete versus thin cards, record ids namespaced by their
card, and that the abbreviations and foreign words workers type lead to a glossary term.
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass
from typing import Any, get_args

import pytest

from knowledge.model import DocumentId, KnowledgeBase, Localized, ServiceCard
from knowledge.text import normalise
from tests.knowledge.real_kb import field_value, load_real_kb

D000, D001, D002, D003, D004 = get_args(DocumentId)


@dataclass(frozen=True)
class Exactly:
    """The field must equal this tuple exactly (order included)."""

    value: tuple[str, ...]


Expected = str | int | bool | Exactly
Fact = tuple[str, str, str, Expected]
"""(document id, record id, dotted field path, expected)."""

_PROBLEMS = "perhekuntoutus.vakavat-ongelmat-tai-muutostilanne"

FACTS: tuple[Fact, ...] = (
    # --- 000: professional support person ------------------------------------------------
    (D000, "ammatillinen-tukihenkilo", "category", "kotiin-vietava"),
    (D000, "ammatillinen-tukihenkilo", "target_group.age.min", 10),
    (D000, "ammatillinen-tukihenkilo", "target_group.age.max", 17),
    (D000, "ammatillinen-tukihenkilo", "target_group.age.special_min", 7),
    (D000, "ammatillinen-tukihenkilo.ika", "implied_by.yes", Exactly(("10-17",))),
    (D000, "ammatillinen-tukihenkilo.ika", "implied_by.consider", Exactly(("7-9",))),
    (D000, "ammatillinen-tukihenkilo.tarve-arvioitu", "question", "sosiaalihuollon ammattihenkilö"),
    (D000, "ammatillinen-tukihenkilo.muutostyon-tarve", "question", "muutostyön tarve"),
    (D000, "ammatillinen-tukihenkilo.erityinen-tuki", "question", "sosiaalihuoltolain mukainen erityisen tuen tarve"),
    (D000, "ammatillinen-tukihenkilo.erityinen-tuki", "explanation", "raskaamman palvelun tarvetta"),
    (D000, "ammatillinen-tukihenkilo.erityinen-tuki", "implied_by.consider", Exactly(("ei",))),
    (D000, "ammatillinen-tukihenkilo.asiakkuus", "implied_by.yes", Exactly(("perhesosiaalityo", "lastensuojelu"))),
    (D000, "ammatillinen-tukihenkilo.yksilotyo-perusteltu", "explanation", "perhetyö"),
    (D000, "ammatillinen-tukihenkilo.yhteistyon-edellytykset", "explanation", "vahvaa omaa motivaatiota"),
    (D000, "ammatillinen-tukihenkilo.vapaaehtoinen-riittaa", "alternatives", Exactly(("vapaaehtoinen-tukihenkilo",))),
    (D000, "ammatillinen-tukihenkilo.vapaaehtoinen-riittaa", "question", "kuntoutuksellista tavoitetta"),
    (D000, "ammatillinen-tukihenkilo.kevyempi-ohjaus-riittaa", "question", "harrastukseen tai nuorisotyöhön"),
    (D000, "ammatillinen-tukihenkilo.kevyempi-ohjaus-riittaa", "alternatives", Exactly(("sosiaaliohjaus-palveluohjaus",))),
    (D000, "ammatillinen-tukihenkilo.jarjestot-tai-varhainen-tuki", "question", "opiskeluhuolto"),
    (D000, "ammatillinen-tukihenkilo.jarjestot-tai-varhainen-tuki", "alternatives", Exactly(("varhainen-tuki-jarjestot",))),
    (D000, "ammatillinen-tukihenkilo.verkosto-tai-nykyiset-palvelut", "alternatives", Exactly(("verkoston-aktivointi",))),
    (D000, "ammatillinen-tukihenkilo.perheen-muutostyo", "alternatives", Exactly(("perhetyo",))),
    (D000, "ammatillinen-tukihenkilo.perheen-muutostyo", "implied_by.yes", Exactly(("perhe",))),
    (D000, "ammatillinen-tukihenkilo.toinen-palvelu-alkamassa", "alternatives", Exactly(())),
    (D000, "ammatillinen-tukihenkilo.toinen-palvelu-alkamassa", "explanation", "muusta kuin sosiaalihuollon kontaktista"),
    (D000, "ammatillinen-tukihenkilo.yhteensovitus", "text", "muiden palvelujen"),
    (D000, "ammatillinen-tukihenkilo.tavoitteet-ja-tapaamiset", "text", "palveluntuottaja"),
    (D000, "ammatillinen-tukihenkilo.seuranta", "text", "palveluprosessista"),
    (D000, "ammatillinen-tukihenkilo", "arranged_by.family_social_work", "avaimet käteen"),
    (D000, "ammatillinen-tukihenkilo", "arranged_by.child_protection", "Kahden sosiaalityöntekijän tiimi"),
    (D000, "ammatillinen-tukihenkilo", "complete", True),
    # --- 000: round-the-clock family rehabilitation ---------------------------------------
    (D000, "perhekuntoutus", "category", "ymparivuorokautinen"),
    (D000, "perhekuntoutus", "duration.first_period_months", 3),
    (D000, "perhekuntoutus", "duration.min_months", 3),
    (D000, "perhekuntoutus", "duration.max_months", 6),
    (D000, "perhekuntoutus", "duration.continuation", "kuukauden"),
    (D000, "perhekuntoutus", "description", "moniammatillinen"),
    (D000, "perhekuntoutus", "description", "päivärytmi"),
    (D000, "perhekuntoutus.lahete", "text", "lähetteen"),
    (D000, "perhekuntoutus.paatos", "text", "päätöksen"),
    (D000, "perhekuntoutus.tutustumiskaynti", "text", "yhdessä perheen kanssa"),
    (D000, "perhekuntoutus.aloitusneuvottelu", "text", "aloitusneuvottelu"),
    (D000, "perhekuntoutus.valineuvottelut", "text", "kuukauden välein"),
    (D000, _PROBLEMS, "question", "vanhemmuuteen"),
    (D000, _PROBLEMS, "question", "päihteisiin tai"),
    (D000, _PROBLEMS, "question", "mielenterveyteen"),
    (D000, _PROBLEMS, "question", "lähivanhemman vaihtuminen"),
    (D000, _PROBLEMS, "question", "huostaanoton purku"),
    (D000, _PROBLEMS, "implied_by.consider", Exactly(("kylla",))),
    (D000, "perhekuntoutus.kotiin-vietava-ei-riita", "implied_by.yes", Exactly(("ymparivuorokautinen",))),
    (D000, "perhekuntoutus.kotiin-vietava-ei-riita", "implied_by.no", Exactly(("kevyt", "kotiin"))),
    (D000, "perhekuntoutus.lapsiperhe-tai-odottava", "question", "raskaana"),
    (D000, "perhekuntoutus.vapaaehtoisuus", "explanation", "vapaaehtoista"),
    (D000, "perhekuntoutus.vapaaehtoisuus", "explanation", "akuutissa vaarassa"),
    (D000, "perhekuntoutus.huoltaja-ei-kykene-hoitoon", "question", "lapsen hoidosta"),
    (D000, "perhekuntoutus.akuutti-paihdeongelma", "question", "akuutti päihdeongelma"),
    (D000, "perhekuntoutus.huoltajan-psyykkinen-vointi", "question", "psyykkisesti"),
    (D000, "perhekuntoutus.ei-kotia", "question", "kotiharjoittelu"),
    (D000, "perhekuntoutus.ei-aikaa-kuntoutukseen", "question", "molemmilla huoltajilla"),
    (D000, "perhekuntoutus", "complete", True),
    # --- 000: the alternatives the support person's contra-indications point to ------------
    (D000, "vapaaehtoinen-tukihenkilo.luotettava-aikuinen", "question", "luotettavan aikuisen perheen ulkopuolelta"),
    (D000, "vapaaehtoinen-tukihenkilo.luotettava-aikuinen", "implied_by.yes", Exactly(("ei-muutostyota",))),
    (D000, "sosiaaliohjaus-palveluohjaus", "description", "nuorisotyön"),
    (D000, "sosiaaliohjaus-palveluohjaus.kevyt-ohjaus-riittaa", "implied_by.yes", Exactly(("kevyt",))),
    (D000, "varhainen-tuki-jarjestot", "description", "opiskeluhuollon"),
    (D000, "verkoston-aktivointi.riittaa", "question", "tiivistämällä"),
    (D000, "perhetyo.vanhempien-tuki", "question", "tukemaan lastaan"),
    (D000, "perhetyo.vanhempien-tuki", "implied_by.yes", Exactly(("perhe",))),
    (D000, "termi.laava", "definition", "esityksen"),
    (D000, "termi.webropol", "definition", "palautetta"),
    (D000, "termi.palvelulinjaus", "definition", "Perhesosiaalityön kokous"),
    # --- 001: support family, service-need assessment, family social work -----------------
    (D001, "tukiperhetoiminta", "legal_basis", "Sosiaalihuoltolaki 28 §"),
    (D001, "tukiperhetoiminta", "summary", "viikonlopun kuukaudessa"),
    (D001, "tukiperhetoiminta", "description", "lomajaksoista"),
    (D001, "tukiperhetoiminta", "description", "koordinointi on keskitetty"),
    (D001, "tukiperhetoiminta", "description", "kilpailutettu"),
    (D001, "tukiperhetoiminta", "description", "60 % siitä on omaa toimintaa"),
    (D001, "tukiperhetoiminta", "description", "noin 420"),
    (D001, "tukiperhetoiminta", "description", "pitkät jonot"),
    (D001, "tukiperhetoiminta.saannollinen-kaynti", "question", "viikonloppu kuukaudessa"),
    (D001, "palvelutarpeen-arviointi", "legal_basis", "Sosiaalihuoltolaki 36 §"),
    (D001, "palvelutarpeen-arviointi", "duration.description", "seitsemän arkipäivän"),
    (D001, "palvelutarpeen-arviointi", "duration.description", "kolmen kuukauden"),
    (D001, "palvelutarpeen-arviointi", "duration.max_months", 3),
    (D001, "palvelutarpeen-arviointi", "description", "Jyväskylässä, Muuramessa ja Laukaassa"),
    (D001, "palvelutarpeen-arviointi", "description", "noin\n2 400"),
    (D001, "palvelutarpeen-arviointi", "description", "lähes 90 %"),
    (D001, "palvelutarpeen-arviointi.erityinen-tuki-selvittamatta", "implied_by.yes", Exactly(("ei-tiedossa",))),
    (D001, "lapsiperheiden-sosiaalityo", "description", "erityisen tuen tarpeessa olevan lapsen\nomatyöntekijä"),
    (D001, "lapsiperheiden-sosiaalityo", "description", "työpareja"),
    (D001, "lapsiperheiden-sosiaalityo", "description", "noin 1 100"),
    (D001, "lapsiperheiden-sosiaalityo", "description", "38 sosiaalityöntekijää"),
    (D001, "lapsiperheiden-sosiaalityo", "legal_basis", "39 §"),
    (D001, "lapsiperheiden-sosiaalityo.palvelutarve-arvioitu", "explanation", "palvelutarpeen arvioinnin kautta"),
    (D001, "lapsiperheiden-sosiaalityo.palvelutarve-arvioitu", "implied_by.no", Exactly(("ei-asiakkuutta",))),
    (D001, "termi.htv", "expansion", "henkilötyövuosi"),
    (D001, "termi.omapalvelu", "definition", "90 %"),
    (D001, "termi.tukiperhe", "definition", "28 §"),
    # --- 002: multi-agency assessment in Helsinki, adult social work for parents ----------
    (D002, "palvelutarpeen-arviointi", "description", "lokakuusta 2017"),
    (D002, "palvelutarpeen-arviointi", "description", "seitsemän moniammatillista työryhmää"),
    (D002, "palvelutarpeen-arviointi", "description", "62 sosiaalityöntekijää"),
    (D002, "palvelutarpeen-arviointi", "description", "7 sairaanhoitajaa"),
    (D002, "palvelutarpeen-arviointi", "description", "juurisyyn"),
    (D002, "palvelutarpeen-arviointi.vireille", "question", "lastensuojeluilmoitus"),
    (D002, "aikuissosiaalityo-vanhemmille", "description", "7 sosiaalityöntekijää"),
    (D002, "aikuissosiaalityo-vanhemmille", "description", "Aikuissosiaalityötä lapsiperheiden vanhemmille"),
    (D002, "aikuissosiaalityo-vanhemmille", "description", "57 haastateltavaa"),
    (D002, "aikuissosiaalityo-vanhemmille", "description", "nimetään omatyöntekijä"),
    (D002, "termi.perhekeskus", "definition", "perhekeskusalueittain"),
    # --- 003: multi-agency family work pilot ------------------------------------------------
    (D003, "monitoimijainen-perhetyo.avohuollon-asiakkuus", "question", "avohuollon asiakkuus"),
    (D003, "monitoimijainen-perhetyo.avohuollon-asiakkuus", "implied_by.yes", Exactly(("lastensuojelu",))),
    (D003, "monitoimijainen-perhetyo.perhetyo-tukitoimena", "question", "perhetyö lastensuojelun tukitoimena"),
    (D003, "monitoimijainen-perhetyo", "description", "vähintään kolme kertaa"),
    (D003, "monitoimijainen-perhetyo", "description", "yksi yhteinen suunnitelma"),
    (D003, "monitoimijainen-perhetyo", "description", "21/2017"),
    (D003, "monitoimijainen-perhetyo", "description", "STM 2017:36"),
    (D003, "monitoimijainen-perhetyo", "arranged_by.child_protection", "perhetyöntekijän työparilla"),
    (D003, "perhetyo", "description", "avohuollon tukitoimi"),
    (D003, "termi.vastuutiimi", "definition", "yhteisen suunnitelman"),
    (D003, "termi.lape", "expansion", "Lapsi- ja perhepalveluiden muutosohjelma"),
    # --- 004: child-protection aftercare ----------------------------------------------------
    (D004, "jalkihuolto", "target_group.age.min", 18),
    (D004, "jalkihuolto", "target_group.age.max", 25),
    (D004, "jalkihuolto.ika", "implied_by.yes", Exactly(("18-25",))),
    (D004, "jalkihuolto.asiakkuus", "implied_by.yes", Exactly(("jalkihuolto",))),
    (D004, "jalkihuolto", "description", "25 asiakasta\n  ohjaajaa ja 50 asiakasta sosiaalityöntekijää kohden"),
    (D004, "jalkihuolto", "description", "40 ohjaajaa"),
    (D004, "jalkihuolto", "description", "noin 900"),
    (D004, "jalkihuolto", "description", "noin 800"),
    (D004, "jalkihuolto", "description", "oma työntekijä"),
    (D004, "jalkihuolto", "description", "vammaispalvelujen"),
    (D004, "jalkihuolto", "description", "jälkihuollossa järjestettäviä tukitoimia"),
    (D004, "jalkihuolto", "description", "kilpailutetaan yhdessä muun lastensuojelun kanssa"),
    (D004, "termi.yee", "definition", "toukokuussa 2023"),
    (D004, "termi.varha", "expansion", "Varsinais-Suomen hyvinvointialue"),
)


@pytest.fixture(scope="module")
def kb() -> KnowledgeBase:
    return load_real_kb()


def _flat(text: str) -> str:
    # Folded YAML turns line breaks into spaces; expected values may wrap like the source.
    return " ".join(text.split())


def holds(value: Any, expected: Expected) -> bool:
    """Whether a field value carries the expected fact (see the module docstring)."""
    if isinstance(expected, Exactly):
        return value == expected.value
    if isinstance(expected, bool) or isinstance(value, bool):
        return value is expected
    if isinstance(expected, int):
        return value == expected
    if isinstance(value, Localized):
        value = value.fi
    if isinstance(value, tuple):
        return any(_flat(expected) in _flat(item.fi if isinstance(item, Localized) else item) for item in value if isinstance(item, (str, Localized)))
    return isinstance(value, str) and _flat(expected) in _flat(value)


def documents_of(kb: KnowledgeBase, record_id: str) -> set[str]:
    """Documents the record cites: its card's sources, or a glossary term's source."""
    found = kb.record(record_id)
    assert found is not None
    card = found.owner if found.owner is not None else found.record
    if isinstance(card, ServiceCard):
        return {source.document for source in card.sources}
    source = getattr(found.record, "source", None)
    return {source.document} if source is not None else set()


def _fact_id(fact: Fact) -> str:
    document, record_id, path, expected = fact
    shown = expected.value if isinstance(expected, Exactly) else _flat(str(expected))
    return f"{document[:3]}-{record_id}-{path}-{shown}"


@pytest.mark.parametrize("fact", FACTS, ids=_fact_id)
def test_record_carries_the_fact_from_its_source_document(kb: KnowledgeBase, fact: Fact) -> None:
    document, record_id, path, expected = fact
    found = kb.record(record_id)
    assert found is not None, f"{record_id} is not in the knowledge base"

    value = field_value(found.record, path)

    assert holds(value, expected), f"{record_id}.{path} = {value!r} lacks {expected!r}"
    cited = documents_of(kb, record_id)
    assert document in cited, f"{record_id} cites {sorted(cited)}, not {document}"


def test_every_source_document_has_its_facts_checked() -> None:
    per_document = Counter(document for document, *_ in FACTS)

    assert set(per_document) == set(get_args(DocumentId))
    assert min(per_document.values()) >= 10, per_document


def test_a_fact_missing_from_its_field_is_not_taken_as_present() -> None:
    assert holds("kolmesta kuuteen\nkuukautta", "kolmesta kuuteen kuukautta")
    assert not holds("kolmesta kuuteen kuukautta", "kahdeksan kuukautta")
    assert not holds(("Sosiaalihuoltolaki 36 §",), "28 §")
    assert not holds(3, 6)
    assert not holds(True, False)
    assert not holds(1, True)
    assert not holds(("kevyt", "kotiin"), Exactly(("kotiin", "kevyt")))
    assert not holds(("10-17", "7-9"), Exactly(("10-17",)))


# --- Finder ----------------------------------------------------------------------------------

FINDER_QUESTIONS: tuple[tuple[str, tuple[str, ...]], ...] = (
    ("tarve", ("lapsi", "vanhemmat", "perhe", "jalkihuolto")),
    ("ika", ("odotusaika", "alle-7", "7-9", "10-17", "18-25")),
    ("muutoksen-kohde", ("lapsi", "perhe", "ei-muutostyota")),
    ("tuen-tarve", ("kevyt", "kotiin", "ymparivuorokautinen")),
    ("asiakkuus", ("ei-asiakkuutta", "perhesosiaalityo", "lastensuojelu", "jalkihuolto")),
    ("erityinen-tuki", ("kylla", "ei", "ei-tiedossa")),
    ("sijaishuolto", ("kylla", "ei")),
)


def test_finder_asks_the_agreed_questions_with_the_agreed_options_in_order(kb: KnowledgeBase) -> None:
    # Dialog state and the age mapping (`domain.age`) store these ids; renaming one is a
    # migration, not an edit.
    actual = tuple((q.id, tuple(o.id for o in q.options)) for q in kb.finder.questions)

    assert actual == FINDER_QUESTIONS


def test_finder_texts_are_offered_in_finnish_swedish_and_english(kb: KnowledgeBase) -> None:
    missing = [
        f"{q.id}{'.' + option_id if option_id else ''}.{lang}"
        for q in kb.finder.questions
        for option_id, text in ((None, q.text), *((o.id, o.label) for o in q.options))
        for lang in ("sv", "en")
        if not getattr(text, lang)
    ]

    assert missing == []


# --- Cards -----------------------------------------------------------------------------------

FULL_CARDS = ("ammatillinen-tukihenkilo", "perhekuntoutus")
THIN_CARDS = (
    "vapaaehtoinen-tukihenkilo",
    "sosiaaliohjaus-palveluohjaus",
    "varhainen-tuki-jarjestot",
    "verkoston-aktivointi",
    "perhetyo",
    "tukiperhetoiminta",
    "palvelutarpeen-arviointi",
    "lapsiperheiden-sosiaalityo",
    "monitoimijainen-perhetyo",
    "jalkihuolto",
    "aikuissosiaalityo-vanhemmille",
)


def _card(kb: KnowledgeBase, service_id: str) -> ServiceCard:
    card = kb.service(service_id)
    assert card is not None, f"service card {service_id} is missing"
    return card


@pytest.mark.parametrize("service_id", FULL_CARDS)
def test_the_two_full_cards_of_document_000_are_complete(kb: KnowledgeBase, service_id: str) -> None:
    card = _card(kb, service_id)

    assert card.complete and card.incomplete_note is None
    assert card.criteria and card.contraindications and card.prerequisites


@pytest.mark.parametrize("service_id", THIN_CARDS)
def test_thin_cards_say_what_the_sources_leave_open(kb: KnowledgeBase, service_id: str) -> None:
    card = _card(kb, service_id)

    assert card.complete is False
    # The note speaks of the sources ("Lähde ei kerro ...", "Lähteet eivät ...").
    assert card.incomplete_note and re.search(r"\bLäh(de|teet)\b", card.incomplete_note.fi)


@pytest.mark.parametrize("service_id", FULL_CARDS + THIN_CARDS)
def test_card_has_a_swedish_name_and_its_records_are_namespaced_by_the_card(kb: KnowledgeBase, service_id: str) -> None:
    card = _card(kb, service_id)
    inner = [r.id for r in (*card.criteria, *card.contraindications, *card.prerequisites)]

    assert card.name.sv
    assert [i for i in inner if not i.startswith(f"{service_id}.")] == []


def test_each_way_out_of_the_support_person_names_its_own_alternative(kb: KnowledgeBase) -> None:
    card = _card(kb, "ammatillinen-tukihenkilo")
    named = [c.alternatives for c in card.contraindications if c.alternatives]

    assert [a for alternatives in named for a in alternatives] == [
        "vapaaehtoinen-tukihenkilo",
        "sosiaaliohjaus-palveluohjaus",
        "varhainen-tuki-jarjestot",
        "verkoston-aktivointi",
        "perhetyo",
    ]
    assert all(len(alternatives) == 1 for alternatives in named)


def test_a_contraindications_explanation_leaves_the_missing_alternative_to_the_cards_data(kb: KnowledgeBase) -> None:
    # `alternatives: []` says it, and every view of a contra-indication words it from there;
    # said in the explanation too, a worker read it twice.
    said = [
        (c.id, lang)
        for card in kb.services
        for c in card.contraindications
        for lang in ("fi", "sv", "en")
        if re.search(r"ei nimeä tähän|nämner ingen alternativ|names no alternative", c.explanation.get(lang) or "")
    ]

    assert said == []


# --- Glossary --------------------------------------------------------------------------------

REQUIRED_TERMS = (
    "SHL",
    "LSL",
    "Laava",
    "Effica",
    "Omapalvelu",
    "Webropol",
    "omatyöntekijä",
    "lapsen asioista vastaava sosiaalityöntekijä",
    "maksusitoumus",
    "kustannuspaikka",
    "sijaishuolto",
    "jälkihuolto",
    "huostaanotto",
    "lastensuojeluilmoitus",
    "palvelutarpeen arviointi",
    "erityisen tuen tarve",
    "asiakassuunnitelma",
    "avohuolto",
    "perhekeskus",
    "perhetyö",
    "perhekuntoutus",
    "tukiperhe",
    "tukihenkilö",
    "sosiaaliohjaus",
    "palveluohjaus",
    "vastuutiimi",
    "LAPE",
    "THL",
    "STM",
    "YEE",
    "htv",
    "reaktiivinen valvonta",
    "palvelulinjaus",
    "arkipäivä",
)

WORDS_WORKERS_TYPE = {
    "sosiaalihuoltolaki": "termi.shl",
    "socialvårdslagen": "termi.shl",
    "barnskyddslagen": "termi.lsl",
    "LS-ilmoitus": "termi.lastensuojeluilmoitus",
    "lsilmoitus": "termi.lastensuojeluilmoitus",
    "barnskyddsanmälan": "termi.lastensuojeluilmoitus",
    "child welfare notification": "termi.lastensuojeluilmoitus",
    "eftervård": "termi.jalkihuolto",
    "aftercare": "termi.jalkihuolto",
    "vård utom hemmet": "termi.sijaishuolto",
    "henkilötyövuosi": "termi.htv",
    "stödfamilj": "termi.tukiperhe",
}


def _glossary_lookup(kb: KnowledgeBase) -> dict[str, set[str]]:
    names: dict[str, set[str]] = {}
    for term in kb.glossary.terms:
        for name in (term.term, *term.synonyms, *([term.expansion] if term.expansion else [])):
            names.setdefault(normalise(name), set()).add(term.id)
    return names


def test_glossary_explains_every_term_and_abbreviation_workers_meet(kb: KnowledgeBase) -> None:
    lookup = _glossary_lookup(kb)

    assert [name for name in REQUIRED_TERMS if normalise(name) not in lookup] == []


@pytest.mark.parametrize(("word", "term_id"), sorted(WORDS_WORKERS_TYPE.items()))
def test_abbreviations_and_swedish_and_english_words_lead_to_one_glossary_term(kb: KnowledgeBase, word: str, term_id: str) -> None:
    assert _glossary_lookup(kb).get(normalise(word)) == {term_id}
