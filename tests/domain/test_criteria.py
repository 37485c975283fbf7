"""The criteria check (domain/criteria.py) over small knowledge bases built here."""

from __future__ import annotations

import pytest

from domain.criteria import CheckAnswer, CheckItem, Verdict, check_items, evaluate
from knowledge.model import Duration, KnowledgeBase, Prerequisite
from tests.domain.kb_builders import card, contra, criterion, knowledge_base, question

Y, N, U, C = CheckAnswer.YES, CheckAnswer.NO, CheckAnswer.UNKNOWN, CheckAnswer.CONSIDER

SERVICE = card(
    "palvelu",
    criteria=[criterion("palvelu.ika"), criterion("palvelu.tarve"), criterion("palvelu.muutos")],
    contras=[
        contra("palvelu.kevyt", alternatives=["kevyt", "perhetyo"]),
        contra("palvelu.perhe", alternatives=["perhetyo"]),
        contra("palvelu.toinen"),
    ],
    prerequisites=[Prerequisite(id="palvelu.paatos", text="Tee päätös.")],
    duration=Duration(description="Kolmesta kuuteen kuukautta.", min_months=3, max_months=6),
)
LIGHT = card("kevyt", name="Kevyt tuki")
FAMILY = card("perhetyo", name="Perhetyö")
THIN = card("ohut", criteria=[criterion("ohut.tarve")], contras=[contra("ohut.este")], complete=False)

ALL_CLEAR = {
    "palvelu.ika": Y,
    "palvelu.tarve": Y,
    "palvelu.muutos": Y,
    "palvelu.kevyt": N,
    "palvelu.perhe": N,
    "palvelu.toinen": N,
}


@pytest.fixture
def kb() -> KnowledgeBase:
    return knowledge_base([SERVICE, LIGHT, FAMILY, THIN], [question("ika", "alle-7", "7-9")])


# --- check_items ----------------------------------------------------------------------------


def test_check_items_list_criteria_then_contra_indications_in_card_order() -> None:
    items = check_items(SERVICE, {})
    assert [(i.id, i.kind) for i in items] == [
        ("palvelu.ika", "criterion"),
        ("palvelu.tarve", "criterion"),
        ("palvelu.muutos", "criterion"),
        ("palvelu.kevyt", "contraindication"),
        ("palvelu.perhe", "contraindication"),
        ("palvelu.toinen", "contraindication"),
    ]


def test_check_items_carry_the_cards_question_and_explanation() -> None:
    first = check_items(SERVICE, {})[0]
    assert first == CheckItem(
        id="palvelu.ika",
        kind="criterion",
        question=SERVICE.criteria[0].question,
        explanation=SERVICE.criteria[0].explanation,
    )


def test_already_answered_items_are_skipped_whatever_the_answer() -> None:
    # An "en tiedä" (unknown) is an answer too: the worker is not asked the same thing twice.
    already = {"palvelu.ika": C, "palvelu.muutos": U, "palvelu.perhe": N}
    assert [i.id for i in check_items(SERVICE, already)] == ["palvelu.tarve", "palvelu.kevyt", "palvelu.toinen"]


def test_nothing_left_to_ask_when_everything_is_answered() -> None:
    assert check_items(SERVICE, ALL_CLEAR) == ()


# --- evaluate: verdict rules ----------------------------------------------------------------


def test_all_criteria_met_and_no_contra_indication_fits(kb: KnowledgeBase) -> None:
    result = evaluate(kb, SERVICE, ALL_CLEAR)
    assert result.verdict is Verdict.FITS
    assert [c.id for c in result.met] == ["palvelu.ika", "palvelu.tarve", "palvelu.muutos"]
    assert [c.id for c in result.cleared] == ["palvelu.kevyt", "palvelu.perhe", "palvelu.toinen"]
    assert result.unmet == result.unknown == result.applying == result.consider == result.alternatives == ()


def test_one_unmet_criterion_does_not_fit(kb: KnowledgeBase) -> None:
    result = evaluate(kb, SERVICE, {**ALL_CLEAR, "palvelu.tarve": N})
    assert result.verdict is Verdict.DOES_NOT_FIT
    assert [c.id for c in result.unmet] == ["palvelu.tarve"]
    assert result.alternatives == ()


def test_one_applying_contra_indication_does_not_fit_and_names_alternatives(kb: KnowledgeBase) -> None:
    result = evaluate(kb, SERVICE, {**ALL_CLEAR, "palvelu.kevyt": Y})
    assert result.verdict is Verdict.DOES_NOT_FIT
    assert [c.id for c in result.applying] == ["palvelu.kevyt"]
    assert [s.id for s in result.alternatives] == ["kevyt", "perhetyo"]


def test_alternatives_of_several_contra_indications_are_de_duplicated_in_order(kb: KnowledgeBase) -> None:
    result = evaluate(kb, SERVICE, {**ALL_CLEAR, "palvelu.perhe": Y, "palvelu.kevyt": Y})
    assert [s.id for s in result.alternatives] == ["kevyt", "perhetyo"]


def test_does_not_fit_wins_over_unknown_and_consider(kb: KnowledgeBase) -> None:
    result = evaluate(kb, SERVICE, {"palvelu.ika": C, "palvelu.perhe": Y})
    assert result.verdict is Verdict.DOES_NOT_FIT


def test_an_unknown_item_makes_it_consider(kb: KnowledgeBase) -> None:
    answers = {**ALL_CLEAR}
    del answers["palvelu.toinen"]
    result = evaluate(kb, SERVICE, answers)
    assert result.verdict is Verdict.CONSIDER
    assert [i.id for i in result.unknown] == ["palvelu.toinen"]


def test_explicit_unknown_answer_counts_as_unknown(kb: KnowledgeBase) -> None:
    result = evaluate(kb, SERVICE, {**ALL_CLEAR, "palvelu.tarve": U})
    assert result.verdict is Verdict.CONSIDER
    assert [i.id for i in result.unknown] == ["palvelu.tarve"]


def test_criterion_met_only_after_consideration_makes_it_consider(kb: KnowledgeBase) -> None:
    result = evaluate(kb, SERVICE, {**ALL_CLEAR, "palvelu.ika": C})
    assert result.verdict is Verdict.CONSIDER
    assert [c.id for c in result.consider] == ["palvelu.ika"]
    assert "palvelu.ika" not in [c.id for c in result.met]


def test_thin_card_is_at_most_consider_even_with_every_answer_favourable(kb: KnowledgeBase) -> None:
    result = evaluate(kb, THIN, {"ohut.tarve": Y, "ohut.este": N})
    assert result.verdict is Verdict.CONSIDER
    assert any("suppea" in reason for reason in result.reasons)


def test_thin_card_can_still_be_ruled_out(kb: KnowledgeBase) -> None:
    assert evaluate(kb, THIN, {"ohut.este": Y}).verdict is Verdict.DOES_NOT_FIT


def test_card_without_criteria_is_never_a_firm_fit(kb: KnowledgeBase) -> None:
    result = evaluate(kb, LIGHT, {})
    assert result.verdict is Verdict.CONSIDER
    assert any("ei ole soveltuvuusperusteita" in reason for reason in result.reasons)


def test_answers_given_as_plain_strings_count_like_the_enum(kb: KnowledgeBase) -> None:
    # Dialog state comes back from storage as JSON strings.
    plain = {key: value.value for key, value in ALL_CLEAR.items()}
    assert evaluate(kb, SERVICE, plain).verdict is Verdict.FITS  # type: ignore[arg-type]


def test_ids_the_card_does_not_have_are_ignored(kb: KnowledgeBase) -> None:
    result = evaluate(kb, SERVICE, {**ALL_CLEAR, "muu.ehto": N, "Matti 010190-123A": Y})
    assert result.verdict is Verdict.FITS
    assert not any("Matti" in reason or "010190" in reason for reason in result.reasons)


def test_prerequisites_and_duration_come_from_the_card(kb: KnowledgeBase) -> None:
    result = evaluate(kb, SERVICE, {})
    assert result.prerequisites == SERVICE.prerequisites
    assert result.duration == SERVICE.duration


# --- evaluate: reasons ----------------------------------------------------------------------


def test_reasons_name_the_failing_items_in_plain_finnish(kb: KnowledgeBase) -> None:
    result = evaluate(kb, SERVICE, {**ALL_CLEAR, "palvelu.tarve": N, "palvelu.kevyt": Y})
    assert result.reasons == (
        "Palvelu ei sovellu tilanteeseen annettujen vastausten perusteella.",
        "Soveltuvuusperuste ei täyty: vastaus kysymykseen ”Täyttyykö ehto palvelu.tarve?” on ei.",
        "Poissulkeva tekijä koskee tilannetta: vastaus kysymykseen ”Koskeeko este palvelu.kevyt tilannetta?” on kyllä.",
        "Harkitse sen sijaan: Kevyt tuki, Perhetyö.",
    )


def test_reasons_of_a_fit_say_every_criterion_is_met(kb: KnowledgeBase) -> None:
    assert evaluate(kb, SERVICE, ALL_CLEAR).reasons == (
        "Kaikki palvelun soveltuvuusperusteet täyttyvät, eikä mikään poissulkeva tekijä koske tilannetta.",
    )


@pytest.mark.parametrize(("missing", "sentence"), [(1, "1 kohta"), (2, "2 kohtaa")])
def test_reasons_count_the_items_still_to_check(kb: KnowledgeBase, missing: int, sentence: str) -> None:
    answers = dict(ALL_CLEAR)
    for key in list(answers)[-missing:]:
        del answers[key]
    reasons = evaluate(kb, SERVICE, answers).reasons
    assert reasons[0] == "Palvelu voi soveltua, mutta soveltuvuus on vielä harkittava."
    assert f"Tarkistamatta on vielä {sentence}, joten soveltuvuutta ei voi vielä todeta." in reasons


def test_reasons_mention_consideration(kb: KnowledgeBase) -> None:
    reasons = evaluate(kb, SERVICE, {**ALL_CLEAR, "palvelu.ika": C}).reasons
    assert "Soveltuvuusperuste ”Täyttyykö ehto palvelu.ika?” täyttyy vain erityisellä harkinnalla." in reasons


def test_unrecognised_answer_value_counts_as_unknown(kb: KnowledgeBase) -> None:
    # Stale dialog state may hold a value this version no longer knows.
    result = evaluate(kb, SERVICE, {**ALL_CLEAR, "palvelu.tarve": "ehkä"})  # type: ignore[dict-item]
    assert result.verdict is Verdict.CONSIDER
    assert [i.id for i in result.unknown] == ["palvelu.tarve"]
