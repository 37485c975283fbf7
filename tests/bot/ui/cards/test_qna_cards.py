"""The Q&A cards: valid Adaptive Cards 1.5, with the buttons and text they promise."""

from __future__ import annotations

import pytest

from bot.ui.cards.payload import parse_submit
from bot.ui.cards.qna import QnaUi, answer_card, did_you_mean_card, no_match_card, notice_card
from bot.ui.cards.text import render_card_text, submit_actions
from bot.ui.i18n import Strings
from domain.qna.answer import compose
from domain.qna.index import RecordRef
from knowledge.loader import load_knowledge_base
from tests.domain.qna.small_kb import small_kb
from tests.support.cards import assert_button_titles_fit, assert_valid_card

STRINGS = Strings.load()


def ui(lang: str = "fi") -> QnaUi:
    return QnaUi(STRINGS, lang)


@pytest.mark.parametrize("lang", ["fi", "sv", "en"])
@pytest.mark.parametrize(
    "ref",
    [
        RecordRef("faq", "faq.tukihenkilo-ika"),
        RecordRef("faq", "faq.tukiperhe-kesto"),
        RecordRef("service", "ammatillinen-tukihenkilo"),
        RecordRef("step", "lastensuojelu.esitys.laava"),
        RecordRef("term", "shl"),
    ],
)
def test_answer_cards_are_valid(ref: RecordRef, lang: str) -> None:
    answer = compose(small_kb(), ref, lang)
    assert answer is not None
    card = answer_card(ui(lang), answer, "qna:1", matched="jotain")
    assert_valid_card(card)
    assert_button_titles_fit(card)
    titles = [a.title for a in submit_actions(card)]
    assert ui(lang)("helpful") in titles and ui(lang)("not_helpful") in titles


def test_every_answer_of_the_real_knowledge_base_makes_a_valid_card() -> None:
    kb = load_knowledge_base()
    refs = [RecordRef("faq", f.id) for f in kb.faq] + [RecordRef("service", s.id) for s in kb.services]
    refs += [RecordRef("step", st.id) for p in kb.processes for ph in p.phases for st in ph.steps]
    refs += [RecordRef("term", t.id) for t in kb.glossary.terms]
    for ref in refs:
        answer = compose(kb, ref, "fi")
        assert answer is not None, ref
        card = answer_card(ui(), answer, "qna:1")
        assert_valid_card(card)
        assert_button_titles_fit(card, str(ref))


def test_answer_card_shows_text_source_related_and_follow_ups() -> None:
    answer = compose(small_kb(), RecordRef("faq", "faq.tukihenkilo-ika"), "fi")
    assert answer is not None
    card = answer_card(ui(), answer, "qna:3")
    text = render_card_text(card)
    assert "10–17" in text
    assert "Lähde: Perhesosiaalityön ja lastensuojelun" in text and "Ammatillinen tukihenkilö" in text
    buttons = {a.title: a.data for a in submit_actions(card)}
    opener = buttons["Kortti: Ammatillinen tukihenkilö"]
    assert opener["pv"] == {"dialog": "menu", "step": "menu", "action": "start", "value": "card"} and opener["service"] == "ammatillinen-tukihenkilo"
    follow = parse_submit(buttons["Kuinka usein lapsi käy tukiperheessä?"])
    assert follow is not None and (follow.dialog, follow.step, follow.action, follow.value) == ("qna", "qna:3", "ask", "faq.tukiperhe-kesto")
    helpful = parse_submit(buttons["Hyödyllinen"])
    assert helpful is not None and helpful.value == "faq:faq.tukihenkilo-ika"


def test_answer_in_the_question_language_or_finnish_with_a_note() -> None:
    english = compose(small_kb(), RecordRef("faq", "faq.tukihenkilo-ika"), "en")
    assert english is not None and english.in_language and english.text.startswith("Mainly")
    swedish = compose(small_kb(), RecordRef("faq", "faq.tukihenkilo-ika"), "sv")
    assert swedish is not None and not swedish.in_language and swedish.text.startswith("Pääsääntöisesti")
    text = render_card_text(answer_card(ui("sv"), swedish, "qna:1"))
    assert "Svaret finns bara på finska." in text


def test_step_answer_opens_the_process_at_the_step() -> None:
    answer = compose(small_kb(), RecordRef("step", "lastensuojelu.esitys.laava"), "fi")
    assert answer is not None
    card = answer_card(ui(), answer, "qna:1")
    data = next(a.data for a in submit_actions(card) if a.title.startswith("Prosessi:"))
    assert data["pv"]["value"] == "process" and data["process"] == "lastensuojelu" and data["step"] == "lastensuojelu.esitys.laava"
    assert "prosessiohje" in render_card_text(card)


def test_did_you_mean_card() -> None:
    offers = [(RecordRef("faq", "faq.a"), "Kysymys A?"), (RecordRef("service", "b"), "Palvelu B")]
    card = did_you_mean_card(ui(), offers, "qna:2")
    assert_valid_card(card)
    assert_button_titles_fit(card)
    submits = [parse_submit(a.data) for a in submit_actions(card)]
    assert [(s.action, s.value) for s in submits if s] == [("pick", "faq:faq.a"), ("pick", "service:b"), ("none", None), ("menu", None)]
    assert all(s is not None and s.step == "qna:2" for s in submits)


@pytest.mark.parametrize("lang", ["fi", "sv", "en"])
def test_no_match_and_notice_cards(lang: str) -> None:
    card = no_match_card(ui(lang))
    assert_valid_card(card)
    assert_button_titles_fit(card)
    assert ui(lang)("no_match_title") in render_card_text(card)
    assert_valid_card(notice_card("Kiitos"))


@pytest.mark.parametrize("lang", ["fi", "sv", "en"])
def test_no_match_card_lists_the_nearest_topics_after_saying_it_has_no_answer(lang: str) -> None:
    nearest = [(RecordRef("faq", "faq.a"), "Kuinka usein lapsi käy tukiperheessä?"), (RecordRef("service", "b"), "Tukiperhetoiminta")]
    card = no_match_card(ui(lang), nearest, "qna:3")
    assert_valid_card(card)
    assert_button_titles_fit(card)
    shown = render_card_text(card)
    assert shown.index(ui(lang)("no_match_title")) < shown.index(ui(lang)("nearest_intro")) < shown.index("Tukiperhetoiminta")
    submits = [parse_submit(a.data) for a in submit_actions(card)]
    # Topics and the menu; no "none of these": nothing here claims to be the answer.
    assert [(s.action, s.value) for s in submits if s] == [("pick", "faq:faq.a"), ("pick", "service:b"), ("menu", None)]
    assert all(s is not None and s.step == "qna:3" for s in submits)


def test_no_match_card_without_nearest_topics_has_no_buttons() -> None:
    card = no_match_card(ui())
    assert submit_actions(card) == []
    assert ui()("nearest_intro") not in render_card_text(card)


def test_every_qna_string_exists_in_every_language() -> None:
    keys = {lang: {k for k in STRINGS.keys(lang) if k.startswith("qna.")} for lang in ("fi", "sv", "en")}
    assert keys["fi"] and keys["fi"] == keys["sv"] == keys["en"]


@pytest.mark.parametrize(
    ("lang", "codes_removed", "names_kept"),
    [
        ("fi", "henkilötunnukset poistettuina", "nimiä ei voi poistaa automaattisesti"),
        ("sv", "personbeteckningar borttagna", "namn kan inte tas bort automatiskt"),
        ("en", "personal identity codes removed", "names cannot be removed automatically"),
    ],
)
def test_no_match_card_promises_only_the_redaction_the_store_really_does(lang: str, codes_removed: str, names_kept: str) -> None:
    # The store redacts identity codes but cannot detect names; the card must not claim more.
    shown = " ".join(render_card_text(no_match_card(ui(lang))).split())

    assert codes_removed in shown
    assert names_kept in shown
    assert "without any identifying details" not in shown and "ilman tunnistetietoja" not in shown


def test_neither_feedback_button_looks_chosen_before_the_worker_answers() -> None:
    answer = compose(small_kb(), RecordRef("faq", "faq.tukihenkilo-ika"), "fi")
    assert answer is not None
    card = answer_card(ui(), answer, "qna:1")
    feedback = [a for a in card["actions"] if a["title"] in (ui()("helpful"), ui()("not_helpful"))]

    assert len(feedback) == 2
    assert all("style" not in a for a in feedback)


def test_related_records_and_follow_ups_are_tiles_whose_text_wraps() -> None:
    answer = compose(small_kb(), RecordRef("faq", "faq.tukihenkilo-ika"), "fi")
    assert answer is not None
    card = answer_card(ui(), answer, "qna:3")
    tiles = [e for e in card["body"] if e.get("type") == "Container" and "selectAction" in e]

    assert {t["selectAction"]["title"] for t in tiles} >= {"Kortti: Ammatillinen tukihenkilö", "Kuinka usein lapsi käy tukiperheessä?"}
    assert all(t["items"][0]["wrap"] is True for t in tiles)


def test_every_topic_a_case_description_can_show_has_words_in_each_language() -> None:
    from domain.qna.topics import TOPICS

    missing = [(lang, topic) for lang in ("fi", "sv", "en") for topic in TOPICS if f"qna.case.topic.{topic}" not in STRINGS.keys(lang)]

    assert missing == []
