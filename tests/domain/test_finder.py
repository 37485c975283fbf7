"""The service finder (domain/finder.py) over small knowledge bases built here."""

from __future__ import annotations

import pytest

from domain.criteria import CheckAnswer, check_items
from domain.finder import Recommendation, implied_answers, next_question, recommend
from knowledge.model import KnowledgeBase
from tests.domain.kb_builders import card, contra, criterion, knowledge_base, link, question

AGE = question("ika", "odotusaika", "alle-7", "7-9", "10-17", "18-25")
CHANGE = question("muutoksen-kohde", "lapsi", "perhe", "ei-muutostyota")
SUPPORT = question("tuen-tarve", "kevyt", "kotiin")
UNLINKED = question("sijaishuolto", "kylla", "ei")
UNIFORM = question("erityinen-tuki", "kylla", "ei")

# A professional support person: for 10–17 (7–9 only after consideration), for change work
# focused on the child; not when the family needs change work or light support would do.
INDIVIDUAL = card(
    "yksilo",
    criteria=[
        criterion("yksilo.ika", link("ika", yes=["10-17"], consider=["7-9"], no=["odotusaika", "alle-7", "18-25"])),
        criterion("yksilo.muutos", link("muutoksen-kohde", yes=["lapsi"], no=["ei-muutostyota"])),
        # Every option implies the same answer: asking it could never change anything.
        criterion("yksilo.tuki", link("erityinen-tuki", yes=["kylla", "ei"])),
        criterion("yksilo.arvio"),
    ],
    contras=[
        contra("yksilo.perhe", link("muutoksen-kohde", yes=["perhe"]), alternatives=["perhetyo"]),
        contra("yksilo.kevyt", link("tuen-tarve", yes=["kevyt"], no=["kotiin"]), alternatives=["vapaaehtoinen", "perhetyo", "yksilo"]),
        contra("yksilo.toinen-palvelu"),
    ],
)
FAMILY = card(
    "perhetyo",
    criteria=[
        criterion("perhetyo.perhe", link("muutoksen-kohde", yes=["perhe"], no=["ei-muutostyota"])),
        criterion("perhetyo.kotiin", link("tuen-tarve", yes=["kotiin"], no=["kevyt"])),
    ],
)
VOLUNTEER = card(
    "vapaaehtoinen",
    criteria=[criterion("vapaaehtoinen.ei-muutos", link("muutoksen-kohde", yes=["ei-muutostyota"], no=["lapsi", "perhe"]))],
    complete=False,
)


@pytest.fixture
def kb() -> KnowledgeBase:
    return knowledge_base([INDIVIDUAL, FAMILY, VOLUNTEER], [AGE, CHANGE, SUPPORT, UNLINKED, UNIFORM])


def ids(rec: Recommendation) -> list[str]:
    return [r.service.id for r in rec.fits]


# --- implied_answers ------------------------------------------------------------------------


def test_implied_answers_map_options_to_yes_no_and_consider() -> None:
    assert implied_answers(INDIVIDUAL, {"ika": "10-17", "muutoksen-kohde": "perhe"}) == {
        "yksilo.ika": CheckAnswer.YES,
        "yksilo.perhe": CheckAnswer.YES,
    }
    assert implied_answers(INDIVIDUAL, {"ika": "7-9", "tuen-tarve": "kotiin"}) == {
        "yksilo.ika": CheckAnswer.CONSIDER,
        "yksilo.kevyt": CheckAnswer.NO,
    }
    assert implied_answers(INDIVIDUAL, {"ika": "18-25", "muutoksen-kohde": "ei-muutostyota"}) == {
        "yksilo.ika": CheckAnswer.NO,
        "yksilo.muutos": CheckAnswer.NO,
    }


def test_option_listed_nowhere_leaves_the_item_to_the_criteria_check() -> None:
    # `perhe` is in none of yksilo.muutos's lists: the check must still ask it.
    implied = implied_answers(INDIVIDUAL, {"muutoksen-kohde": "perhe"})
    assert "yksilo.muutos" not in implied
    assert "yksilo.muutos" in [item.id for item in check_items(INDIVIDUAL, implied)]


def test_consider_on_a_contra_indication_is_not_implied() -> None:
    # ImpliedBy gives a contra-indication only yes/no; 'consider' there must not skip the question.
    odd = card("outo", contras=[contra("outo.este", link("tuen-tarve", consider=["kevyt"]))])
    assert implied_answers(odd, {"tuen-tarve": "kevyt"}) == {}


# --- next_question --------------------------------------------------------------------------


def test_first_question_is_the_first_in_finder_order_that_matters(kb: KnowledgeBase) -> None:
    first = next_question(kb, {})
    assert first is not None and first.id == "ika"


def test_questions_follow_finder_order_as_answers_come_in(kb: KnowledgeBase) -> None:
    asked: list[str] = []
    answers: dict[str, str] = {}
    script = {"ika": "10-17", "muutoksen-kohde": "lapsi", "tuen-tarve": "kotiin"}
    while (q := next_question(kb, answers)) is not None:
        asked.append(q.id)
        answers[q.id] = script[q.id]
    assert asked == ["ika", "muutoksen-kohde", "tuen-tarve"]


def test_question_linked_to_no_card_is_never_asked(kb: KnowledgeBase) -> None:
    answers = {"ika": "10-17", "muutoksen-kohde": "lapsi", "tuen-tarve": "kotiin"}
    assert next_question(kb, answers) is None  # sijaishuolto is still unanswered, and skipped


def test_question_whose_every_option_gives_the_same_outcome_is_skipped() -> None:
    only = knowledge_base([card("a", [criterion("a.tuki", link("erityinen-tuki", yes=["kylla", "ei"]))])], [UNIFORM])
    assert next_question(only, {}) is None


def test_question_that_only_concerns_ruled_out_services_is_skipped(kb: KnowledgeBase) -> None:
    # Family change work rules out yksilo and vapaaehtoinen; the age question concerns only
    # yksilo, so it is not asked although it comes first; support level still matters to perhetyo.
    q = next_question(kb, {"muutoksen-kohde": "perhe"})
    assert q is not None and q.id == "tuen-tarve"
    assert next_question(kb, {"muutoksen-kohde": "perhe", "tuen-tarve": "kotiin"}) is None


def test_no_question_once_every_service_is_ruled_out() -> None:
    # Support level would matter to perhetyo, but perhetyo is already out.
    all_out = knowledge_base([FAMILY], [AGE, CHANGE, SUPPORT])
    assert next_question(all_out, {"muutoksen-kohde": "ei-muutostyota"}) is None


def test_question_that_only_settles_an_item_to_check_is_still_asked() -> None:
    # No option rules anything out, but 'kotiin' settles a contra-indication the worker would
    # otherwise be asked in the criteria check: the standing changes, so the finder asks.
    only = knowledge_base([card("a", contras=[contra("a.kevyt", link("tuen-tarve", no=["kotiin"]))])], [SUPPORT])
    q = next_question(only, {})
    assert q is not None and q.id == "tuen-tarve"


def test_stale_answer_is_ignored_and_its_question_asked_again(kb: KnowledgeBase) -> None:
    q = next_question(kb, {"ika": "0-6"})
    assert q is not None and q.id == "ika"


def test_next_question_is_deterministic_whatever_the_answer_order(kb: KnowledgeBase) -> None:
    a = next_question(kb, {"ika": "10-17", "tuen-tarve": "kotiin"})
    b = next_question(kb, {"tuen-tarve": "kotiin", "ika": "10-17"})
    assert a is not None and a == b and a.id == "muutoksen-kohde"


# --- recommend: ranking ---------------------------------------------------------------------


def test_service_with_most_criteria_met_ranks_first(kb: KnowledgeBase) -> None:
    rec = recommend(kb, {"ika": "10-17", "muutoksen-kohde": "lapsi", "tuen-tarve": "kotiin"})
    assert ids(rec) == ["yksilo", "perhetyo"]
    top = rec.fits[0]
    assert [c.id for c in top.met] == ["yksilo.ika", "yksilo.muutos"]
    assert top.score == 2.0
    # Left to check: yksilo.tuki, yksilo.arvio, yksilo.perhe ('lapsi' implies nothing about
    # it) and yksilo.toinen-palvelu; yksilo.kevyt is settled no by 'kotiin'.
    assert top.unknown == 4


def test_consider_counts_half_a_met_criterion() -> None:
    a = card("a", [criterion("a.ika", link("ika", consider=["7-9"])), criterion("a.muutos", link("muutoksen-kohde", yes=["lapsi"]))])
    b = card("b", [criterion("b.ika", link("ika", yes=["7-9"])), criterion("b.muutos", link("muutoksen-kohde", yes=["lapsi"]))])
    rec = recommend(knowledge_base([a, b], [AGE, CHANGE]), {"ika": "7-9", "muutoksen-kohde": "lapsi"})
    assert ids(rec) == ["b", "a"]
    assert [r.score for r in rec.fits] == [2.0, 1.5]
    assert [c.id for c in rec.fits[1].consider] == ["a.ika"]


def test_equal_scores_rank_fewer_unknowns_first_then_card_order() -> None:
    more = card("more", [criterion("more.ika", link("ika", yes=["10-17"])), criterion("more.muu")])
    first = card("first", [criterion("first.ika", link("ika", yes=["10-17"]))])
    second = card("second", [criterion("second.ika", link("ika", yes=["10-17"]))])
    rec = recommend(knowledge_base([more, first, second], [AGE]), {"ika": "10-17"})
    assert ids(rec) == ["first", "second", "more"]


def test_service_without_evidence_ranks_below_services_with_evidence() -> None:
    # `bare` has nothing to check (unknown 0), yet no answer speaks for it.
    bare = card("bare")
    linked = card("linked", [criterion("linked.ika", link("ika", yes=["10-17"])), criterion("linked.a"), criterion("linked.b")])
    rec = recommend(knowledge_base([bare, linked], [AGE]), {"ika": "10-17"})
    assert ids(rec) == ["linked", "bare"]
    assert rec.fits[1].score == 0 and rec.fits[1].met == ()
    # Only the one with evidence is a suggestion; the other is listed apart.
    assert [r.service.id for r in rec.with_evidence] == ["linked"]
    assert [r.service.id for r in rec.without_evidence] == ["bare"]


def test_without_answers_every_service_is_listed_and_none_ruled_out(kb: KnowledgeBase) -> None:
    rec = recommend(kb, {})
    assert sorted(ids(rec)) == ["perhetyo", "vapaaehtoinen", "yksilo"]
    assert rec.ruled_out == ()
    assert all(r.score == 0 for r in rec.fits)
    assert rec.with_evidence == () and rec.without_evidence == rec.fits


# --- recommend: ruled out -------------------------------------------------------------------


def test_unmet_criterion_rules_out_without_alternatives(kb: KnowledgeBase) -> None:
    rec = recommend(kb, {"ika": "alle-7"})
    [out] = rec.ruled_out
    assert out.service.id == "yksilo"
    assert out.reason.id == "yksilo.ika"
    assert out.alternatives == ()
    assert "yksilo" not in ids(rec)


def test_applying_contra_indication_rules_out_with_its_alternatives(kb: KnowledgeBase) -> None:
    rec = recommend(kb, {"tuen-tarve": "kevyt"})
    out = next(r for r in rec.ruled_out if r.service.id == "yksilo")
    assert out.reason.id == "yksilo.kevyt"
    # In the card's order, and never the service itself.
    assert [s.id for s in out.alternatives] == ["vapaaehtoinen", "perhetyo"]


def test_contra_indication_is_the_reason_when_a_criterion_also_fails(kb: KnowledgeBase) -> None:
    # The contra-indication names what to do instead; an unmet criterion names nothing.
    rec = recommend(kb, {"ika": "18-25", "muutoksen-kohde": "perhe"})
    out = next(r for r in rec.ruled_out if r.service.id == "yksilo")
    assert out.reason.id == "yksilo.perhe"
    assert [s.id for s in out.alternatives] == ["perhetyo"]


def test_ruled_out_services_are_listed_in_card_order(kb: KnowledgeBase) -> None:
    rec = recommend(kb, {"muutoksen-kohde": "lapsi", "tuen-tarve": "kevyt"})
    assert [r.service.id for r in rec.ruled_out] == ["yksilo", "perhetyo", "vapaaehtoinen"]
    assert rec.fits == ()


def test_alternative_missing_from_the_knowledge_base_is_skipped() -> None:
    lonely = card("lonely", contras=[contra("lonely.x", link("tuen-tarve", yes=["kevyt"]), alternatives=["puuttuu", "perhetyo"])])
    rec = recommend(knowledge_base([lonely, FAMILY], [SUPPORT]), {"tuen-tarve": "kevyt"})
    out = next(r for r in rec.ruled_out if r.service.id == "lonely")
    assert [s.id for s in out.alternatives] == ["perhetyo"]


def test_recommendation_keeps_only_answers_to_known_questions_and_options(kb: KnowledgeBase) -> None:
    rec = recommend(kb, {"ika": "10-17", "nimi": "Matti Meikäläinen", "tuen-tarve": "paljon"})
    assert dict(rec.answers) == {"ika": "10-17"}
    with pytest.raises(TypeError):
        rec.answers["ika"] = "7-9"  # type: ignore[index]


def test_thin_card_is_ranked_but_marked_incomplete(kb: KnowledgeBase) -> None:
    rec = recommend(kb, {"muutoksen-kohde": "ei-muutostyota"})
    assert ids(rec) == ["vapaaehtoinen"]
    assert rec.fits[0].service.complete is False
