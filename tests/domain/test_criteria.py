"""The criteria check (domain/criteria.py) over small knowledge bases built here."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

from domain.criteria import BASE_ANSWERS, Basis, CheckAnswer, CheckItem, Reason, ReasonCode, Verdict, check_items, evaluate, statement_of
from knowledge.model import Duration, KnowledgeBase, Prerequisite
from tests.domain.kb_builders import card, contra, criterion, knowledge_base, link, question

Y, N, U, C = CheckAnswer.YES, CheckAnswer.NO, CheckAnswer.UNKNOWN, CheckAnswer.CONSIDER

AGE_LINK = link("ika", yes=["10-17"], consider=["7-9"], no=["alle-7"])
SERVICE = card(
    "palvelu",
    criteria=[criterion("palvelu.ika", AGE_LINK), criterion("palvelu.tarve"), criterion("palvelu.muutos")],
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
    return knowledge_base([SERVICE, LIGHT, FAMILY, THIN], [question("ika", "alle-7", "7-9", "10-17")])


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
    second = check_items(SERVICE, {})[1]
    assert second == CheckItem(
        id="palvelu.tarve",
        kind="criterion",
        question=SERVICE.criteria[1].question,
        explanation=SERVICE.criteria[1].explanation,
    )
    assert second.answers == BASE_ANSWERS == (Y, N, U)


def test_a_criterion_the_source_allows_after_special_consideration_offers_that_answer() -> None:
    # An 8-year-old and the professional support person: the source allows 7–9-year-olds
    # after special consideration, so "no" must not be the worker's only way to say so.
    first = check_items(SERVICE, {})[0]
    assert first.answers == (Y, N, U, C)
    assert first.consider_when == AGE_LINK
    assert all(C not in item.answers for item in check_items(SERVICE, {})[1:])


def test_contra_indications_never_offer_special_consideration() -> None:
    linked = card("k", contras=[contra("k.este", link("ika", yes=["alle-7"], consider=["7-9"]))])
    (item,) = check_items(linked, {})
    assert item.answers == BASE_ANSWERS and item.consider_when is None


def test_the_workers_special_consideration_answer_gives_consider_not_does_not_fit(kb: KnowledgeBase) -> None:
    result = evaluate(kb, SERVICE, {**ALL_CLEAR, "palvelu.ika": C})
    assert result.verdict is Verdict.CONSIDER
    assert result.basis is Basis.SPECIAL
    assert result.reasons == (Reason(ReasonCode.SPECIAL), Reason(ReasonCode.CONSIDER, record=SERVICE.criteria[0]))


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
    assert any(reason.code is ReasonCode.THIN_CARD for reason in result.reasons)


def test_thin_card_can_still_be_ruled_out(kb: KnowledgeBase) -> None:
    assert evaluate(kb, THIN, {"ohut.este": Y}).verdict is Verdict.DOES_NOT_FIT


def test_card_without_criteria_is_never_a_firm_fit(kb: KnowledgeBase) -> None:
    result = evaluate(kb, LIGHT, {})
    assert result.verdict is Verdict.CONSIDER
    assert result.reasons == (Reason(ReasonCode.CASE_BY_CASE), Reason(ReasonCode.NO_CRITERIA))


def test_answers_given_as_plain_strings_count_like_the_enum(kb: KnowledgeBase) -> None:
    # Dialog state comes back from storage as JSON strings.
    plain = {key: value.value for key, value in ALL_CLEAR.items()}
    assert evaluate(kb, SERVICE, plain).verdict is Verdict.FITS  # type: ignore[arg-type]


def test_ids_the_card_does_not_have_are_ignored(kb: KnowledgeBase) -> None:
    result = evaluate(kb, SERVICE, {**ALL_CLEAR, "muu.ehto": N, "Matti 010190-123A": Y})
    assert result.verdict is Verdict.FITS
    assert not any("Matti" in repr(reason) or "010190" in repr(reason) for reason in result.reasons)


def test_prerequisites_and_duration_come_from_the_card(kb: KnowledgeBase) -> None:
    result = evaluate(kb, SERVICE, {})
    assert result.prerequisites == SERVICE.prerequisites
    assert result.duration == SERVICE.duration


# --- evaluate: reasons (codes with their records; the bot layer words them) ---------------


def test_reasons_name_the_deciding_items_first(kb: KnowledgeBase) -> None:
    result = evaluate(kb, SERVICE, {**ALL_CLEAR, "palvelu.tarve": N, "palvelu.kevyt": Y})
    assert result.reasons == (
        Reason(ReasonCode.RULED_OUT),
        Reason(ReasonCode.APPLIES, record=SERVICE.contraindications[0]),
        Reason(ReasonCode.UNMET, record=SERVICE.criteria[1]),
        Reason(ReasonCode.ALTERNATIVES, services=(LIGHT, FAMILY)),
    )


def test_reasons_of_a_fit_say_every_criterion_is_met(kb: KnowledgeBase) -> None:
    result = evaluate(kb, SERVICE, ALL_CLEAR)
    assert result.reasons == (Reason(ReasonCode.FITS),)
    assert result.basis is Basis.ALL_MET


@pytest.mark.parametrize("missing", [1, 2])
def test_unknown_items_mean_suitability_cannot_be_assessed_yet(kb: KnowledgeBase, missing: int) -> None:
    answers = dict(ALL_CLEAR)
    for key in list(answers)[-missing:]:
        del answers[key]
    result = evaluate(kb, SERVICE, answers)
    assert result.verdict is Verdict.CONSIDER
    assert result.basis is Basis.UNDETERMINED
    assert result.reasons[0] == Reason(ReasonCode.UNDETERMINED, count=missing)
    assert not result.nothing_known


def test_dont_know_to_everything_is_undetermined_not_a_possible_fit(kb: KnowledgeBase) -> None:
    result = evaluate(kb, SERVICE, {item.id: U for item in check_items(SERVICE, {})})
    assert result.basis is Basis.UNDETERMINED and result.nothing_known
    assert result.reasons == (Reason(ReasonCode.UNDETERMINED, count=6),)


def test_unknowns_outrank_special_consideration(kb: KnowledgeBase) -> None:
    result = evaluate(kb, SERVICE, {"palvelu.ika": C})
    assert result.basis is Basis.UNDETERMINED
    assert Reason(ReasonCode.CONSIDER, record=SERVICE.criteria[0]) in result.reasons


def test_a_ruled_out_service_does_not_also_say_it_cannot_be_assessed(kb: KnowledgeBase) -> None:
    result = evaluate(kb, SERVICE, {"palvelu.tarve": N, "palvelu.ika": C})
    assert result.basis is Basis.RULED_OUT
    assert [r.code for r in result.reasons] == [ReasonCode.RULED_OUT, ReasonCode.UNMET]


def test_thin_card_reason_carries_its_note(kb: KnowledgeBase) -> None:
    result = evaluate(kb, THIN, {"ohut.tarve": Y, "ohut.este": N})
    assert result.basis is Basis.CASE_BY_CASE
    assert result.reasons == (
        Reason(ReasonCode.CASE_BY_CASE),
        Reason(ReasonCode.THIN_CARD, note="Lähteet eivät kerro soveltuvuusperusteita."),
    )


def test_unrecognised_answer_value_counts_as_unknown(kb: KnowledgeBase) -> None:
    # Stale dialog state may hold a value this version no longer knows.
    result = evaluate(kb, SERVICE, {**ALL_CLEAR, "palvelu.tarve": "ehkä"})  # type: ignore[dict-item]
    assert result.verdict is Verdict.CONSIDER
    assert [i.id for i in result.unknown] == ["palvelu.tarve"]


def test_statement_falls_back_to_the_question() -> None:
    with_statement = SERVICE.criteria[0].model_copy(update={"statement": "Lapsi on 10–17-vuotias."})
    assert statement_of(with_statement) == "Lapsi on 10–17-vuotias."
    assert statement_of(SERVICE.criteria[0]) == SERVICE.criteria[0].question


def test_the_domain_holds_no_ui_strings_and_no_bot_imports() -> None:
    # Reasons are codes: the bot layer words them in fi, sv or en.
    for name in ("criteria", "justification"):
        tree = ast.parse((Path(__file__).resolve().parents[2] / "domain" / f"{name}.py").read_text("utf-8"))
        modules = {n.module or "" for n in ast.walk(tree) if isinstance(n, ast.ImportFrom)}
        modules |= {a.name for n in ast.walk(tree) if isinstance(n, ast.Import) for a in n.names}
        assert not {m for m in modules if m.split(".")[0] in {"bot", "botbuilder", "aiohttp"}}, name
