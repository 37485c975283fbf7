"""The matcher's word-level evidence on small knowledge bases built in code: stem families,
compound heads, interrogatives in paragraphs, a record's texts together, glossary forms with
function words. Each test sets two records side by side that differ only in the evidence it
is about, so the test says which way that evidence tips the balance."""

from __future__ import annotations

from dataclasses import replace
from typing import Any

from domain.qna import QnaIndex, build_index
from domain.qna.index import HEAD_PART_FACTOR, MODIFIER_PART_FACTOR
from domain.qna.normalize import keys_of
from domain.qna.retrieve import rank
from domain.qna.weights import WEIGHTS
from knowledge.model import KnowledgeBase
from tests.domain.qna.small_kb import SOURCE_000, small_kb_data


def _faq(entry_id: str, phrasings: list[str], answer: str) -> dict[str, Any]:
    return {"id": entry_id, "phrasings": {"fi": phrasings}, "answer": {"fi": answer}, "source": SOURCE_000}


def _index(*entries: dict[str, Any], terms: tuple[dict[str, Any], ...] = ()) -> QnaIndex:
    data = small_kb_data()
    data["faq"] = [*data["faq"], *entries]  # type: ignore[list-item]
    glossary: dict[str, Any] = data["glossary"]  # type: ignore[assignment]
    glossary["terms"] = [*glossary["terms"], *terms]
    return build_index(KnowledgeBase.model_validate(data))


def _top(index: QnaIndex, text: str, lang: str = "fi") -> str:
    candidates = rank(index, text, lang)
    assert candidates, f"no candidates for {text!r}"
    return candidates[0].ref.id


def test_a_verb_meets_its_noun_through_the_stem_family() -> None:
    # Snowball stems `esittää` to `esit` and `esittämistä` to `esittam`: not the same key.
    index = _index(
        _faq("faq.laskutus", ["Kuka hoitaa palvelun laskutusta?", "Onko laskutukselle lomake?"], "Talous."),
        _faq("faq.esittaminen", ["Kuka hoitaa palvelun esittämistä?", "Onko esittämiselle lomake?"], "Omatyöntekijä."),
    )
    assert _top(index, "kuka esittää palvelun") == "faq.esittaminen"
    assert "esittam" in index.tokenizer.stem_family("esit")


def test_a_stem_family_is_a_short_ending_not_another_word() -> None:
    index = _index(_faq("faq.tila", ["Missä tilanteessa tilataan tilapäinen tila?", "Kuka tilaa?"], "Tilaaja päättää."))
    family = index.tokenizer.stem_family("tila")
    assert family and all(key.startswith("tila") and len(key) - len("tila") <= 4 for key in family)
    assert index.tokenizer.stem_family("til") == ()  # too short to say anything
    assert index.tokenizer.stem_family("@termi") == ()


def test_the_head_of_a_compound_counts_more_than_its_modifier() -> None:
    # `asiakasmaksu` is a fee: the record about fees leads, not the one about clients.
    assert HEAD_PART_FACTOR > MODIFIER_PART_FACTOR
    index = _index(
        _faq("faq.asiakas", ["Onko asiakas tiedossa?", "Kirjataanko asiakas?"], "Kyllä."),
        _faq("faq.maksu", ["Onko maksu tiedossa?", "Kirjataanko maksu?"], "Kyllä."),
    )
    assert _top(index, "asiakasmaksu") == "faq.maksu"


def test_a_compound_whose_modifier_is_unknown_still_meets_its_head() -> None:
    index = _index(
        _faq("faq.koulutus", ["Mikä on omatyöntekijän koulutus?", "Millainen koulutus omatyöntekijällä on?"], "Sosiaalityöntekijä."),
        _faq("faq.tehtavat", ["Mitkä ovat omatyöntekijän tehtävät?", "Mitä tehtäviä omatyöntekijällä on?"], "Suunnitelma ja seuranta."),
    )
    assert index.tokenizer.split_compound("työtehtävät") == ("tehtav",)  # `työ` is too short to be a part
    assert index.tokenizer.split_compound("tehtävät") == ()  # a known word is no compound of itself
    assert _top(index, "omatyöntekijän työtehtävät") == "faq.tehtavat"


def test_a_compounds_parts_and_interrogatives_get_no_near_spellings() -> None:
    index = _index(
        _faq("faq.vastuutiimi", ["Keitä vastuutiimiin kuuluu?", "Kuka kokoaa vastuutiimin?"], "Perhe ja ammattilaiset."),
        _faq("faq.toimi", ["Miten toimi toimii?", "Onko muita keinoja?"], "Muita tietoja ei ole."),
    )
    from domain.qna.retrieve import _query

    query = _query(index, "mitä vastuutiimi tekee", "fi", WEIGHTS)
    assert query is not None
    assert "toimi" not in query.hits  # `tiimi` is a part of `vastuutiimi`, found as a word of the KB
    assert "muita" not in query.hits  # `mitä` is one of a closed set


def test_an_interrogative_in_a_paragraph_is_not_the_question_asked() -> None:
    # The answer mentions "mitä" and the topic; the other entry asks the question about it.
    index = _index(
        _faq("faq.lahde", ["Kuka kirjoitti ohjeen?", "Milloin ohje julkaistiin?"], "Lähde ei kerro, mitä perhetyö maksaa eikä kuka sen tilaa."),
        _faq("faq.sisalto", ["Mitä perhetyöhön kuuluu?", "Mitä perhetyössä tehdään?"], "Kotikäynnit ja arjen tuki."),
    )
    question = "mitä perhetyö"
    counted = rank(index, question, "fi", replace(WEIGHTS, paragraph_question_words=1.0))
    ignored = rank(index, question, "fi", replace(WEIGHTS, paragraph_question_words=0.0))
    score = {c.ref.id: c.score for c in ignored}
    assert ignored[0].ref.id == "faq.sisalto"
    assert score["faq.lahde"] < {c.ref.id: c.score for c in counted}["faq.lahde"]


def test_a_record_answers_with_all_its_texts_together() -> None:
    # One entry names the topic in its question and the detail in its answer; the other has the
    # detail in its question but is about something else.
    index = _index(
        _faq("faq.kesto", ["Kuinka pitkään perhekuntoutus kestää?", "Mikä on perhekuntoutuksen kesto?"], "Kolmesta kuuteen kuukautta."),
        _faq("faq.arviointi", ["Montako kuukautta arviointi kestää?", "Mikä on arvioinnin kesto?"], "Kolme kuukautta."),
    )
    with_complement = rank(index, "montako kuukautta perhekuntoutus", "fi", replace(WEIGHTS, complement=0.3))
    without = rank(index, "montako kuukautta perhekuntoutus", "fi", replace(WEIGHTS, complement=0.0))
    gain = {c.ref.id: c.score for c in with_complement}["faq.kesto"] - {c.ref.id: c.score for c in without}["faq.kesto"]
    assert gain > 0
    assert {c.ref.id: c.score for c in with_complement}["faq.arviointi"] == {c.ref.id: c.score for c in without}["faq.arviointi"]


def test_a_glossary_form_with_function_words_is_found_in_text() -> None:
    term = {
        "id": "erityinen-tuki",
        "term": "erityisen tuen tarve",
        "synonyms": ["barn i behov av särskilt stöd"],
        "definition": "Lapsi, joka tarvitsee erityistä tukea.",
    }
    index = _index(
        _faq(
            "faq.erityinen",
            ["Kuka tekee päätöksen, kun lapsella on erityisen tuen tarve?", "Mitä erityisen tuen tarve tarkoittaa päätöksissä?"],
            "Sosiaalityöntekijä.",
        ),
        terms=(term,),
    )
    tokens = index.tokenizer.slots("vem beslutar om barn i behov av särskilt stöd", "sv")
    assert any(key == "@erityinen-tuki" for alts, _main, _factor, _cue in tokens for key, _f in alts)
    assert _top(index, "vem beslutar om barn i behov av särskilt stöd", "sv") in {"faq.erityinen", "erityinen-tuki"}


def test_a_pronoun_form_is_not_a_topic_word() -> None:
    # "niillä" is rare in a knowledge base, so as a topic word it would outweigh the topic.
    index = _index(
        _faq("faq.niilla", ["Mitä niillä lomakkeilla tehdään?", "Minne niillä lomakkeilla mennään?"], "Ne arkistoidaan."),
        _faq("faq.asunto", ["Mitä tehdään, kun perheellä ei ole kotia?", "Perheellä ei ole kotia: mitä nyt?"], "Selvitetään asuminen."),
    )
    slots = index.tokenizer.slots("niillä ei oo kotia, mitä tehdään", "fi", query=True)
    assert "niil" not in {main for _alts, main, _factor, _cue in slots}
    assert _top(index, "niillä ei oo kotia, mitä tehdään") == "faq.asunto"


def test_workers_words_for_housing_waiting_and_bad_feedback_meet_the_sources_words() -> None:
    index = _index(
        _faq("faq.koti", ["Sopiiko palvelu, jos perheeltä puuttuu koti?", "Entä jos kotia ei ole?"], "Ei yleensä."),
        _faq("faq.jono", ["Onko tukiperheisiin jonoa?", "Kauanko jono kestää?"], "On."),
        _faq("faq.ongelma", ["Mitä tapahtuu, jos palautteessa ilmenee ongelma?", "Ongelma palautteessa: mitä sitten?"], "Valvonta käynnistyy."),
        _faq("faq.palaute", ["Miten palautetta annetaan?", "Mihin palaute kirjataan?"], "Lomakkeella."),
        _faq("faq.perhe", ["Sopiiko palvelu koko perheelle?", "Onko palvelu perheille?"], "Sopii."),
    )
    assert _top(index, "perhe on häädetty eikä niillä oo asuntoa, sopiiko palvelu") == "faq.koti"
    assert _top(index, "är det lång väntetid till tukiperhe?", "sv") == "faq.jono"
    assert _top(index, "tuottajasta tulee huonoa palautetta, mitä tapahtuu") == "faq.ongelma"


def test_a_place_name_as_workers_shorten_it_meets_the_sources_name() -> None:
    index = _index(
        _faq("faq.helsinki", ["Montako arviointitiimiä Helsingissä on?", "Helsingin arviointitiimit"], "Seitsemän."),
        _faq("faq.espoo", ["Montako arviointitiimiä Espoossa on?", "Espoon arviointitiimit"], "Kolme."),
    )
    assert _top(index, "montako arviointitiimiä hesassa on") == "faq.helsinki"
    assert _top(index, "montako arviointitiimiä hki:ssa") == "faq.helsinki"


def _with_contra(situations: dict[str, list[str]] | None) -> QnaIndex:
    data = small_kb_data()
    card: dict[str, Any] = data["services"][0]  # type: ignore[index]
    contra: dict[str, Any] = {
        "id": "ammatillinen-tukihenkilo.vapaaehtoinen-riittaa",
        "question": {"fi": "Tarvitseeko nuori ennemmin luotettavan aikuisen ilman muutostyön tavoitetta?"},
        "explanation": {"fi": "Silloin vapaaehtoinen tukihenkilö riittää."},
        "alternatives": ["tukiperhe"],
    }
    if situations is not None:
        contra["situations"] = situations
    card["contraindications"] = [contra]
    return build_index(KnowledgeBase.model_validate(data))


def test_a_situation_in_the_familys_words_finds_the_condition_through_its_situations() -> None:
    asked = "tyttö kaipaa vain jotakuta jonka kanssa käydä kahvilla ja elokuvissa"
    situations = {"fi": ["Tyttö kaipaa lähinnä kaveria, jonka kanssa käydä kahvilla tai elokuvissa."], "sv": ["Flickan vill mest ha någon att fika med."]}
    assert _top(_with_contra(situations), asked) == "ammatillinen-tukihenkilo.vapaaehtoinen-riittaa"
    assert _top(_with_contra(situations), "flickan vill ha någon att fika med", "sv") == "ammatillinen-tukihenkilo.vapaaehtoinen-riittaa"
    without = rank(_with_contra(None), asked, "fi")
    assert all(c.ref.id != "ammatillinen-tukihenkilo.vapaaehtoinen-riittaa" for c in without[:1])


def test_a_one_word_keyword_names_its_card_only_when_the_word_is_mostly_the_cards() -> None:
    # "viikonloppu" is a keyword of the support family card, but most records that say it
    # are about something else: a question with it does not name the card.
    data = small_kb_data()
    services: list[dict[str, Any]] = data["services"]  # type: ignore[assignment]
    services[1]["keywords"] = ["viikonloppu"]
    data["faq"] = [  # type: ignore[assignment]
        *data["faq"],  # type: ignore[misc]
        *(
            _faq(f"faq.viikonloppu-{n}", [f"Kuka päivystää viikonloppuna {place}?", f"Viikonlopun päivystys {place}"], "Päivystys.")
            for n, place in enumerate(("Espoossa", "Vantaalla", "Lohjalla"))
        ),
    ]
    index = build_index(KnowledgeBase.model_validate(data))
    named = {service for names in index.service_names.values() for service, _words in names}
    assert "ammatillinen-tukihenkilo" in named  # by its name and by "tukari", which is its own
    assert "tukiperhe" not in {service for service, _words in index.service_names.get(keys_of("viikonloppu", "fi")[0], ())}
    assert index.service_names.get(keys_of("tukari", "fi")[0])


def test_an_interrogative_that_asks_for_a_time_picks_the_entry_that_answers_when() -> None:
    # Both entries name the whole subject; only the interrogative tells them apart.
    index = _index(
        _faq("faq.kokeilu", ["Mikä oli Kuopion perheneuvolan kokeilu?", "Mistä Kuopion perheneuvolan kokeilussa oli kyse?"], "Kokeilu."),
        _faq("faq.kokeilu-aikataulu", ["Milloin Kuopion perheneuvolan kokeilua toteutettiin?", "Kokeilun aikataulu"], "Keväällä."),
    )
    assert _top(index, "milloin kuopion perheneuvolan kokeilu oli") == "faq.kokeilu-aikataulu"
    assert _top(index, "mikä kuopion perheneuvolan kokeilu oli") == "faq.kokeilu"
