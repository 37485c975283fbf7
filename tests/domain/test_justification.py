"""The ready-to-paste "Perustelut" (domain/justification.py)."""

from __future__ import annotations

import re
from typing import TypeVar, get_args

import pytest

from domain.criteria import CheckAnswer, check_items, evaluate
from domain.justification import CLOSING, SOURCE_TITLES, justification_text
from knowledge.model import ContraIndication, Criterion, DocumentId, Duration, KnowledgeBase, Localized, Prerequisite, Source
from tests.domain.kb_builders import card, contra, criterion, knowledge_base, question
from tests.knowledge.real_kb import load_real_kb

Y, N, U, C = CheckAnswer.YES, CheckAnswer.NO, CheckAnswer.UNKNOWN, CheckAnswer.CONSIDER

_Item = TypeVar("_Item", Criterion, ContraIndication)


def stated(item: _Item, statement: str) -> _Item:
    return item.model_copy(update={"statement": Localized(fi=statement)})


SUPPORT = card(
    "tukihenkilo",
    name="Ammatillinen tukihenkilö",
    criteria=[
        stated(criterion("tukihenkilo.ika", question_text="Onko lapsi 10–17-vuotias?"), "Lapsi on 10–17-vuotias.").model_copy(
            update={"consider_statement": Localized(fi="Lapsi on 7–9-vuotias; palvelu sopii tämän ikäisille vain erityisellä harkinnalla.")}
        ),
        stated(
            criterion("tukihenkilo.arvio", question_text="Onko ammattihenkilö arvioinut palvelun tarpeen?"),
            "Ammattihenkilö on arvioinut palvelun tarpeen.",
        ),
        stated(criterion("tukihenkilo.muutos", question_text="Onko lapsella selkeä muutostyön tarve?"), "Lapsella on selkeä muutostyön tarve."),
    ],
    contras=[
        stated(
            contra("tukihenkilo.perhe", question_text="Tarvitaanko ensisijaisesti perheen muutostyötä?", alternatives=["perhetyo"]),
            "Ensisijaisesti tarvitaan perheen muutostyötä.",
        ),
        stated(contra("tukihenkilo.toinen", question_text="Onko perheessä alkamassa toinen palvelu?"), "Perheessä on alkamassa toinen palvelu."),
    ],
    prerequisites=[Prerequisite(id="tukihenkilo.tavoitteet", text="Sovi tavoitteet ja tapaamismäärät.")],
    duration=Duration(description="Kesto sovitaan tavoitteiden mukaan."),
)
FAMILY = card("perhetyo", name="Perhetyö")
THIN = card("ohut", name="Tukiperhe", criteria=[criterion("ohut.tarve", question_text="Hyötyykö lapsi tukiperheestä?")], complete=False)
SOURCE_000 = SOURCE_TITLES["000_54da9fa281a6a95f"]


@pytest.fixture
def kb() -> KnowledgeBase:
    return knowledge_base([SUPPORT, FAMILY, THIN], [question("ika", "alle-7", "7-9")])


def text_for(kb: KnowledgeBase, answers: dict[str, CheckAnswer], service_id: str = "tukihenkilo") -> str:
    service = kb.service(service_id)
    assert service is not None
    return justification_text(evaluate(kb, service, answers))


def test_full_text_of_a_possible_fit_is_stable(kb: KnowledgeBase) -> None:
    # Pinned word for word: texts pasted into decisions over months must read the same way.
    answers = {"tukihenkilo.ika": C, "tukihenkilo.arvio": Y, "tukihenkilo.muutos": Y, "tukihenkilo.perhe": N, "tukihenkilo.toinen": N}
    assert text_for(kb, answers) == "\n".join(
        [
            "Perustelut: Ammatillinen tukihenkilö",
            "",
            "Arvion mukaan palvelu voi soveltua, mutta vain erityisellä harkinnalla.",
            "",
            "Täyttyvät soveltuvuusperusteet:",
            "- Täyttyy: Ammattihenkilö on arvioinut palvelun tarpeen.",
            "- Täyttyy: Lapsella on selkeä muutostyön tarve.",
            "",
            "Erityistä harkintaa vaativat kohdat:",
            "- Vain erityisellä harkinnalla: Lapsi on 7–9-vuotias; palvelu sopii tämän ikäisille vain erityisellä harkinnalla.",
            "",
            "Poissulkevat tekijät, joita ei todettu:",
            "- Ei todettu: Ensisijaisesti tarvitaan perheen muutostyötä.",
            "- Ei todettu: Perheessä on alkamassa toinen palvelu.",
            "",
            "Tehtävät ennen palvelua ja sen aikana:",
            "- Tehtävä: Sovi tavoitteet ja tapaamismäärät.",
            "",
            "Kesto: Kesto sovitaan tavoitteiden mukaan.",
            "",
            f"Lähde: {SOURCE_000}: Periaatekortti.",
            "",
            CLOSING,
        ]
    )


def test_full_text_of_a_ruled_out_service_gives_the_deciding_reasons_first(kb: KnowledgeBase) -> None:
    answers = {"tukihenkilo.ika": N, "tukihenkilo.arvio": Y, "tukihenkilo.perhe": Y, "tukihenkilo.toinen": N}
    assert text_for(kb, answers) == "\n".join(
        [
            "Perustelut: Ammatillinen tukihenkilö",
            "",
            "Arvion mukaan palvelu ei sovellu tilanteeseen.",
            "",
            "Palvelu ei sovellu, koska:",
            "- Todettu, sulkee palvelun pois: Ensisijaisesti tarvitaan perheen muutostyötä.",
            "- Ei täyty: Lapsi on 10–17-vuotias.",
            "",
            "Vaihtoehtoiset palvelut:",
            "- Vaihtoehtona harkittava palvelu: Perhetyö",
            "",
            "Täyttyvät soveltuvuusperusteet:",
            "- Täyttyy: Ammattihenkilö on arvioinut palvelun tarpeen.",
            "",
            "Poissulkevat tekijät, joita ei todettu:",
            "- Ei todettu: Perheessä on alkamassa toinen palvelu.",
            "",
            "Arvioimatta jääneet kohdat:",
            "- Arvioimatta: Lapsella on selkeä muutostyön tarve.",
            "",
            f"Lähde: {SOURCE_000}: Periaatekortti.",
            "",
            CLOSING,
        ]
    )


def test_items_are_statements_not_questions_with_yes_or_no(kb: KnowledgeBase) -> None:
    text = text_for(kb, {c.id: Y for c in SUPPORT.criteria} | {c.id: N for c in SUPPORT.contraindications})
    assert "Arvion mukaan palvelu soveltuu tilanteeseen" in text
    assert "?" not in text
    for answer_word in ("Kyllä.", "Ei koske tilannetta.", "Koskee tilannetta."):
        assert answer_word not in text
    for absent in ("selvitettävä", "Ei täyty", "Erityistä harkintaa", "Vaihtoehtoiset", "koska:"):
        assert absent not in text


def test_a_ruled_out_service_lists_no_tasks_and_no_duration(kb: KnowledgeBase) -> None:
    text = text_for(kb, {"tukihenkilo.ika": N})
    assert "Tehtävät ennen palvelua" not in text and "Kesto:" not in text
    assert "Sovi tavoitteet" not in text
    assert "ei voida vielä arvioida" not in text  # not also "cannot be determined"


def test_dont_know_to_everything_says_it_cannot_be_assessed_yet_and_what_to_find_out(kb: KnowledgeBase) -> None:
    text = text_for(kb, {item.id: U for item in check_items(SUPPORT, {})})
    assert "Palvelun soveltuvuutta ei voida vielä arvioida, koska yhtäkään kohtaa ei ole vielä selvitetty." in text
    assert "voi soveltua" not in text
    to_find_out = text[text.index("Vielä selvitettävät kohdat:") :]
    for item in (*SUPPORT.criteria, *SUPPORT.contraindications):
        assert f"- Vielä selvitettävä: {item.statement}" in to_find_out


def test_some_unknowns_say_part_is_still_to_find_out(kb: KnowledgeBase) -> None:
    text = text_for(kb, {"tukihenkilo.ika": Y})
    assert "Palvelun soveltuvuutta ei voida vielä arvioida, koska osa kohdista on selvittämättä." in text
    assert "Täyttyvät soveltuvuusperusteet:\n- Täyttyy: Lapsi on 10–17-vuotias." in text


def test_text_ends_with_the_decision_maker_sentence(kb: KnowledgeBase) -> None:
    text = text_for(kb, {})
    assert text.endswith(CLOSING)
    assert "omatyöntekijä" in CLOSING and "lapsen asioista vastaava sosiaalityöntekijä" in CLOSING
    assert "Päätöksen palvelusta tekee" in CLOSING


def test_thin_card_says_it_was_weighed_case_by_case(kb: KnowledgeBase) -> None:
    text = text_for(kb, {"ohut.tarve": Y}, "ohut")
    assert "Arvion mukaan palvelu voi soveltua, mutta soveltuvuus harkitaan tapauskohtaisesti." in text
    assert "Palvelun periaatekortti on suppea, joten soveltuvuus harkitaan tapauskohtaisesti." in text
    # No statement on this card: the question stands in for it.
    assert "- Täyttyy: Hyötyykö lapsi tukiperheestä?" in text


def test_text_carries_no_free_text_from_the_answers(kb: KnowledgeBase) -> None:
    # Only card ids are read from the answers; anything else a caller slips in never appears.
    answers = {"tukihenkilo.ika": Y, "Matti Meikäläinen": Y, "010190-123A": N}
    text = text_for(kb, answers)
    assert "Matti" not in text
    assert not re.search(r"\d{6}[-+A]\d{3}", text)
    assert text == text_for(kb, {"tukihenkilo.ika": Y})


def test_every_source_document_has_a_readable_title() -> None:
    assert set(SOURCE_TITLES) == set(get_args(DocumentId))


def test_one_source_line_names_each_document_once_with_its_sections(kb: KnowledgeBase) -> None:
    doc0, doc1 = "000_54da9fa281a6a95f", "001_a572beb4b9b3dc56"
    sources = (
        Source(document=doc0, section="Ammatillinen tukihenkilö – Palvelukuvaus"),
        Source(document=doc0, section="Ammatillinen tukihenkilö – Milloin palvelu ei sovellu?"),
        Source(document=doc1, section="Palvelukuvaus"),
    )
    text = justification_text(evaluate(kb, SUPPORT.model_copy(update={"sources": sources}), {}))
    (line,) = [line for line in text.splitlines() if line.startswith("Lähde")]
    assert line == (
        f"Lähde: {SOURCE_TITLES[doc0]}: Ammatillinen tukihenkilö – Palvelukuvaus; Ammatillinen tukihenkilö –"
        f" Milloin palvelu ei sovellu?. {SOURCE_TITLES[doc1]}: Palvelukuvaus."
    )


# --- The real cards ---------------------------------------------------------------------------


@pytest.fixture(scope="module")
def real_kb() -> KnowledgeBase:
    return load_real_kb()


def test_real_support_person_for_an_8_year_old_states_the_age_band_not_the_main_rule(real_kb: KnowledgeBase) -> None:
    service = real_kb.service("ammatillinen-tukihenkilo")
    assert service is not None
    answers = {c.id: Y for c in service.criteria} | {c.id: N for c in service.contraindications}
    text = justification_text(evaluate(real_kb, service, {**answers, "ammatillinen-tukihenkilo.ika": C}))
    assert "Arvion mukaan palvelu voi soveltua, mutta vain erityisellä harkinnalla." in text
    assert "- Vain erityisellä harkinnalla: Lapsi on 7–9-vuotias; palvelu sopii tämän ikäisille vain erityisellä harkinnalla" in text
    # The main rule's sentence (10–17) is never printed for a child below it.
    assert "10–17" not in text
    assert "- Ei todettu: Lapsi tai nuori on autettavissa vapaaehtoisella tukihenkilöllä" in text
    assert text.count("Lähde:") == 1 and text.count(SOURCE_000) == 1


def test_real_support_person_special_support_answered_no_is_not_stated_as_met(real_kb: KnowledgeBase) -> None:
    service = real_kb.service("ammatillinen-tukihenkilo")
    assert service is not None
    text = justification_text(evaluate(real_kb, service, {"ammatillinen-tukihenkilo.erityinen-tuki": C}))
    line = next(line for line in text.splitlines() if "erityisen tuen tarve" in line)
    assert line.startswith("- Vain erityisellä harkinnalla: Lapsella ei ole todettu")
    text_no = justification_text(evaluate(real_kb, service, {"ammatillinen-tukihenkilo.erityinen-tuki": N}))
    assert "- Ei täyty: Lapsella on sosiaalihuoltolain mukainen erityisen tuen tarve." in text_no


def test_real_family_rehabilitation_keeps_both_alternatives_of_its_serious_problems_criterion(real_kb: KnowledgeBase) -> None:
    service = real_kb.service("perhekuntoutus")
    assert service is not None
    text = justification_text(evaluate(real_kb, service, {c.id: Y for c in service.criteria}))
    line = next(line for line in text.splitlines() if line.startswith("- Täyttyy: Perheessä on vakavia"))
    assert "tai muu perhedynamiikkaa muuttava tilanne, kuten lähivanhemman vaihtuminen tai huostaanoton purku." in line


def test_real_family_rehabilitation_with_the_child_in_acute_danger_is_ruled_out_without_alternatives(real_kb: KnowledgeBase) -> None:
    service = real_kb.service("perhekuntoutus")
    assert service is not None
    result = evaluate(real_kb, service, {"perhekuntoutus.lapsi-akuutissa-vaarassa": Y})
    text = justification_text(result)
    assert result.alternatives == ()
    assert "- Todettu, sulkee palvelun pois: Lapsi on akuutissa vaarassa." in text
    assert "Vaihtoehto" not in text


@pytest.mark.parametrize(
    ("lang", "title", "applies"),
    [
        ("sv", "Motivering: Familjerehabilitering dygnet runt", "- Konstaterat, utesluter tjänsten: Barnet är i akut fara."),
        ("en", "Justification: Round-the-clock family rehabilitation", "- Found, rules the service out: The child is in acute danger."),
    ],
)
def test_justification_is_in_the_workers_language(real_kb: KnowledgeBase, lang: str, title: str, applies: str) -> None:
    service = real_kb.service("perhekuntoutus")
    assert service is not None
    text = justification_text(evaluate(real_kb, service, {"perhekuntoutus.lapsi-akuutissa-vaarassa": Y}), lang)
    assert text.startswith(title)
    assert applies in text
    assert "Perustelut" not in text and "Täyttyy" not in text
