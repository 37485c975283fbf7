"""The ready-to-paste "Perustelut" (domain/justification.py)."""

from __future__ import annotations

import re
from typing import get_args

import pytest

from domain.criteria import CheckAnswer, evaluate
from domain.justification import CLOSING, SOURCE_TITLES, justification_text
from knowledge.model import DocumentId, Duration, KnowledgeBase, Prerequisite, Source
from tests.domain.kb_builders import card, contra, criterion, knowledge_base, question

Y, N, C = CheckAnswer.YES, CheckAnswer.NO, CheckAnswer.CONSIDER

SUPPORT = card(
    "tukihenkilo",
    name="Ammatillinen tukihenkilö",
    criteria=[
        criterion("tukihenkilo.ika", question_text="Onko lapsi 10–17-vuotias?"),
        criterion("tukihenkilo.arvio", question_text="Onko ammattihenkilö arvioinut palvelun tarpeen?"),
        criterion("tukihenkilo.muutos", question_text="Onko lapsella selkeä muutostyön tarve?"),
    ],
    contras=[
        contra("tukihenkilo.perhe", question_text="Tarvitaanko ensisijaisesti perheen muutostyötä?", alternatives=["perhetyo"]),
        contra("tukihenkilo.toinen", question_text="Onko perheessä alkamassa toinen palvelu?"),
    ],
    prerequisites=[Prerequisite(id="tukihenkilo.tavoitteet", text="Sovi tavoitteet ja tapaamismäärät.")],
    duration=Duration(description="Kesto sovitaan tavoitteiden mukaan."),
)
FAMILY = card("perhetyo", name="Perhetyö")
THIN = card("ohut", name="Tukiperhe", criteria=[criterion("ohut.tarve", question_text="Hyötyykö lapsi tukiperheestä?")], complete=False)


@pytest.fixture
def kb() -> KnowledgeBase:
    return knowledge_base([SUPPORT, FAMILY, THIN], [question("ika", "alle-7", "7-9")])


def text_for(kb: KnowledgeBase, answers: dict[str, CheckAnswer], service_id: str = "tukihenkilo") -> str:
    service = kb.service(service_id)
    assert service is not None
    return justification_text(evaluate(kb, service, answers))


def test_full_text_is_stable(kb: KnowledgeBase) -> None:
    # Pinned word for word: texts pasted into decisions over months must read the same way.
    answers = {"tukihenkilo.ika": C, "tukihenkilo.arvio": Y, "tukihenkilo.perhe": N}
    assert text_for(kb, answers) == "\n".join(
        [
            "Perustelut: Ammatillinen tukihenkilö",
            "",
            "Arvion mukaan palvelu voi soveltua, mutta soveltuvuus edellyttää vielä harkintaa.",
            "",
            "Täyttyvät soveltuvuusperusteet:",
            "- Onko ammattihenkilö arvioinut palvelun tarpeen? Kyllä.",
            "",
            "Erityistä harkintaa vaativat perusteet:",
            "- Onko lapsi 10–17-vuotias? Täyttyy erityisellä harkinnalla.",
            "",
            "Tarkistamatta jääneet kohdat:",
            "- Onko lapsella selkeä muutostyön tarve?",
            "- Onko perheessä alkamassa toinen palvelu?",
            "",
            "Arvioidut poissulkevat tekijät:",
            "- Tarvitaanko ensisijaisesti perheen muutostyötä? Ei koske tilannetta.",
            "",
            "Tehtävät ennen palvelua ja sen aikana:",
            "- Sovi tavoitteet ja tapaamismäärät.",
            "",
            "Kesto: Kesto sovitaan tavoitteiden mukaan.",
            "",
            "Lähde:",
            "- Perhesosiaalityön ja lastensuojelun yhdenmukaisten palvelujen järjestämisen periaatteet ja prosessi, Periaatekortti",
            "",
            CLOSING,
        ]
    )


def test_text_names_the_service_and_the_criteria_met(kb: KnowledgeBase) -> None:
    text = text_for(kb, {"tukihenkilo.ika": Y, "tukihenkilo.muutos": Y})
    assert text.startswith("Perustelut: Ammatillinen tukihenkilö\n")
    assert "- Onko lapsi 10–17-vuotias? Kyllä." in text
    assert "- Onko lapsella selkeä muutostyön tarve? Kyllä." in text


def test_text_ends_with_the_decision_maker_sentence(kb: KnowledgeBase) -> None:
    text = text_for(kb, {})
    assert text.endswith(CLOSING)
    assert "omatyöntekijä" in CLOSING and "lapsen asioista vastaava sosiaalityöntekijä" in CLOSING
    assert "Päätöksen palvelusta tekee" in CLOSING


def test_text_of_a_ruled_out_service_lists_the_contra_indication_and_alternatives(kb: KnowledgeBase) -> None:
    text = text_for(kb, {"tukihenkilo.perhe": Y, "tukihenkilo.ika": N})
    assert "Arvion mukaan palvelu ei sovellu tilanteeseen." in text
    assert "Täyttymättömät soveltuvuusperusteet:\n- Onko lapsi 10–17-vuotias? Ei." in text
    assert "- Tarvitaanko ensisijaisesti perheen muutostyötä? Koskee tilannetta." in text
    assert "Harkitut vaihtoehtoiset palvelut:\n- Perhetyö\n" in text


def test_fitting_service_text_has_no_empty_sections(kb: KnowledgeBase) -> None:
    answers = {c.id: Y for c in SUPPORT.criteria} | {c.id: N for c in SUPPORT.contraindications}
    text = text_for(kb, answers)
    assert "Arvion mukaan palvelu soveltuu tilanteeseen" in text
    for absent in ("Tarkistamatta", "Täyttymättömät", "Erityistä harkintaa", "Harkitut vaihtoehtoiset"):
        assert absent not in text


def test_thin_card_says_it_was_weighed_case_by_case(kb: KnowledgeBase) -> None:
    text = text_for(kb, {"ohut.tarve": Y}, "ohut")
    assert "Arvion mukaan palvelu voi soveltua" in text
    assert "Palvelun periaatekortti on suppea, joten soveltuvuus harkitaan tapauskohtaisesti." in text


def test_text_carries_no_free_text_from_the_answers(kb: KnowledgeBase) -> None:
    # Only card ids are read from the answers; anything else a caller slips in never appears.
    answers = {"tukihenkilo.ika": Y, "Matti Meikäläinen": Y, "010190-123A": N}
    text = text_for(kb, answers)
    assert "Matti" not in text
    assert not re.search(r"\d{6}[-+A]\d{3}", text)
    assert text == text_for(kb, {"tukihenkilo.ika": Y})


def test_every_source_document_has_a_readable_title() -> None:
    assert set(SOURCE_TITLES) == set(get_args(DocumentId))


def test_every_source_of_the_card_is_cited_with_its_section(kb: KnowledgeBase) -> None:
    two = SUPPORT.model_copy(
        update={"sources": (Source(document="000_54da9fa281a6a95f", section="Ammatillinen tukihenkilö"), Source(document="001_a572beb4b9b3dc56", section="Palvelukuvaus"))}
    )
    text = justification_text(evaluate(kb, two, {}))
    assert f"- {SOURCE_TITLES['000_54da9fa281a6a95f']}, Ammatillinen tukihenkilö" in text
    assert f"- {SOURCE_TITLES['001_a572beb4b9b3dc56']}, Palvelukuvaus" in text
