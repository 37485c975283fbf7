"""The Q&A on the real knowledge base over HTTP, each question the first message of a new
conversation (a new Teams chat or channel thread): answers, situations, negations, case
descriptions and Swedish, as a worker sees them."""

from __future__ import annotations

import json
import logging
import uuid
from pathlib import Path
from typing import Any

import pytest
from aiohttp.test_utils import TestClient
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot.service.app import create_app
from bot.service.context import KnowledgeProvider
from bot.service.settings import Settings
from bot.store.qna_store import QnaFeedback, QnaUnanswered
from tests.dialogs.conversation import HttpConversation

REAL_KB = Path(__file__).resolve().parents[2] / "knowledge"


@pytest.fixture(scope="module")
def real_knowledge() -> KnowledgeProvider:
    return KnowledgeProvider(REAL_KB)


@pytest.fixture
async def client(aiohttp_client: Any, database_url: str, real_knowledge: KnowledgeProvider) -> TestClient:
    app = create_app(Settings(database_url=database_url, knowledge_root=REAL_KB), knowledge=real_knowledge)
    result: TestClient = await aiohttp_client(app)
    return result


def new_chat(client: TestClient, locale: str = "fi-FI") -> HttpConversation:
    """A conversation nobody has written in: the question is its first message."""
    return HttpConversation(client, locale=locale, conversation_id=f"thread-{uuid.uuid4().hex}")


def submits(chat: HttpConversation) -> list[dict[str, Any]]:
    """The data of every button on the last replies."""
    found: list[dict[str, Any]] = []

    def walk(node: Any) -> None:
        if isinstance(node, dict):
            if node.get("type") == "Action.Submit" and isinstance(node.get("data"), dict):
                found.append(node["data"])
            for value in node.values():
                walk(value)
        elif isinstance(node, list):
            for value in node:
                walk(value)

    walk(chat.cards)
    return found


def answered(chat: HttpConversation) -> str | None:
    """The record the shown answer is (its feedback button carries it)."""
    return next((d["pv"]["value"] for d in submits(chat) if d.get("pv", {}).get("action") == "helpful"), None)


async def test_a_first_message_is_answered_not_welcomed(client: TestClient) -> None:
    chat = new_chat(client)
    shown = await chat.say("kuinka usein lapsi käy tukiperheessä")
    assert "viikonlop" in shown.casefold()
    assert answered(chat) is not None


async def test_a_channel_threads_first_mention_is_answered(client: TestClient) -> None:
    thread = HttpConversation(
        client,
        conversation={"id": f"19:channel@thread.tacv2;messageid={uuid.uuid4().int % 10**13}", "conversationType": "channel"},
    )
    shown = await thread.say("<at>Palveluopas</at> kuinka usein lapsi käy tukiperheessä")
    assert "viikonlop" in shown.casefold()


async def test_a_situation_gets_the_contra_indication_in_plain_words_and_the_check(client: TestClient) -> None:
    chat = new_chat(client)
    shown = await chat.say("perhe asuu kavereiden nurkissa eikä niillä oo omaa kotia, onnistuuko perhekuntoutus")
    assert answered(chat) == "contra:perhekuntoutus.ei-kotia"
    assert "Ei yleensä sovellu:" in shown
    assert not shown.lstrip().startswith(("Kyllä", "Ei "))
    assert "Tarkista kriteerit: Ympärivuorokautinen perhekuntoutus" in chat.button_titles


@pytest.mark.parametrize(
    ("locale", "question", "none_named"),
    [
        ("fi-FI", "perhe asuu kavereiden nurkissa eikä niillä oo omaa kotia, onnistuuko perhekuntoutus", "Lähde ei nimeä"),
        ("sv-SE", "familjen bor hos kompisar och har inget eget hem, passar familjerehabilitering?", "Källan nämner ingen alternativ"),
    ],
)
async def test_a_contra_indication_without_an_alternative_says_so_once(client: TestClient, locale: str, question: str, none_named: str) -> None:
    chat = new_chat(client, locale)
    shown = await chat.say(question)
    assert answered(chat) == "contra:perhekuntoutus.ei-kotia"
    assert shown.count(none_named) == 1


async def test_a_situation_names_the_alternative_and_opens_it(client: TestClient) -> None:
    chat = new_chat(client)
    shown = await chat.say("koko perhe tarvitsee muutostyötä jotta vanhemmat pystyisivät tukemaan lasta, sopiiko ammatillinen tukihenkilö")
    assert answered(chat) == "contra:ammatillinen-tukihenkilo.perheen-muutostyo"
    assert "Ei yleensä sovellu:" in shown and "Harkitse sen sijaan: Perhetyö" in shown
    assert "Kortti: Perhetyö" in chat.button_titles


async def test_an_age_in_the_question_is_read_against_the_cards_age_rule(client: TestClient) -> None:
    chat = new_chat(client)
    shown = await chat.say("voiko 8v saada ammatillisen tukihenkilön")
    assert "8-vuotias: sopii vain erityisellä harkinnalla" in shown


@pytest.mark.parametrize(
    ("locale", "question", "must", "never"),
    [
        ("fi-FI", "milloin ammatillinen tukihenkilö EI sovellu", "vapaaehtoi", "Lapsi tai nuori on noin 10–17-vuotias"),
        ("sv-FI", "när passar en professionell stödperson inte?", "Frivillig stödperson", "Lapsi tai nuori on noin 10–17-vuotias"),
        ("en-US", "when is round-the-clock family rehabilitation not suitable?", "acute", "vakavia"),
    ],
)
async def test_a_negation_gets_the_contra_indications_never_the_criteria(client: TestClient, locale: str, question: str, must: str, never: str) -> None:
    chat = new_chat(client, locale)
    shown = await chat.say(question)
    record = answered(chat) or ""
    assert record.startswith(("unsuitable:", "contra:", "faq:")) and "milloin-oikea" not in record
    assert must.casefold() in shown.casefold()
    assert never not in shown


async def test_a_case_description_offers_the_finder_prefilled_and_is_never_echoed(
    client: TestClient, sessionmaker: async_sessionmaker[AsyncSession], caplog: pytest.LogCaptureFixture
) -> None:
    description = (
        "11-vuotias oireilee rajusti ja vanhempien keinot on ihan lopussa. Molemmat vanhemmat ovat "
        "kokoaikatyössä eivätkä voi jäädä pois. Voisiko ympärivuorokautinen perhekuntoutus sopia?"
    )
    chat = new_chat(client)
    with caplog.at_level(logging.DEBUG):
        shown = await chat.say(description)
    assert "Ymmärsin tilanteesta: 10–17-vuotias" in shown
    assert "oireilee rajusti" not in shown and "kokoaikatyössä" not in shown
    finder = next(d for d in submits(chat) if d.get("pv", {}).get("value") == "finder")
    assert "ika=10-17" in finder["finder"].split(";")
    assert "Tarkista kriteerit: Ympärivuorokautinen perhekuntoutus" in chat.button_titles
    # Each touched card says what it is, so the worker can tell which to check.
    assert "Koko perheen tavoitteellinen kuntoutus kodin ulkopuolella" in shown
    assert "oireilee" not in caplog.text
    async with sessionmaker() as session:
        assert not (await session.execute(select(QnaUnanswered))).scalars().all()
    # What was understood is kept (ids only), so the card is the same when shown again.
    assert "state_value_dropped" not in caplog.text
    assert "Ymmärsin tilanteesta: 10–17-vuotias" in await chat.say("ohje")

    # The finder starts with those answers: the age question is not asked again.
    shown = await chat.submit(finder)
    assert "Minkä ikäinen lapsi" not in shown


async def test_a_case_description_that_asks_something_gets_the_answer_above_the_prefilled_finder(
    client: TestClient, sessionmaker: async_sessionmaker[AsyncSession]
) -> None:
    chat = new_chat(client)
    shown = await chat.say(
        "Yksinhuoltajaäiti on ihan uupunut ja 6-vuotias tarvitsisi säännöllisesti hengähdystaukoa kodin "
        "ulkopuolella. Tukiperhe voisi auttaa. Kuinka usein lapsi yleensä on tukiperheessä?"
    )

    assert answered(chat) == "faq:faq.tukiperhe-kuinka-usein"
    assert "viikonlop" in shown.casefold()
    # ... and the description read as a case, with the finder prefilled for the wider look.
    assert "Ymmärsin tilanteesta: Alle 7-vuotias" in shown
    finder = next(d for d in submits(chat) if d.get("pv", {}).get("value") == "finder")
    assert "ika=alle-7" in finder["finder"].split(";")
    assert "uupunut" not in shown

    helpful = next(d for d in submits(chat) if d.get("pv", {}).get("action") == "helpful")
    assert "Kiitos" in await chat.submit(helpful)
    async with sessionmaker() as session:
        feedback = (await session.execute(select(QnaFeedback.answer_id, QnaFeedback.helpful))).all()
        assert [tuple(row) for row in feedback] == [("faq:faq.tukiperhe-kuinka-usein", 1)]
        # The description is never stored, not even for the curators.
        assert not (await session.execute(select(QnaUnanswered))).scalars().all()


async def test_a_case_description_names_the_contra_indications_it_touches_of_the_service_it_asks_about(client: TestClient) -> None:
    chat = new_chat(client)
    shown = await chat.say(
        "Perheessä 9- ja 12-vuotias. Äiti ei enää jaksa ja isä juo joka päivä, usein lasten nähden. "
        "Lapset ovat paljon pois koulusta. Mietin perhekuntoutusta, sopisiko?"
    )

    assert "Tarkista nämä periaatekorttien kohdat, joita kuvaus koskettaa:" in shown
    # The contra-indication answers the question, before the criterion the words match best:
    # what would rule the service out is what the worker must not miss.
    assert answered(chat) == "contra:perhekuntoutus.akuutti-paihdeongelma"
    assert shown.count("Ei yleensä sovellu: Huoltajalla on akuutti päihdeongelma.") == 1
    assert "juo joka päivä" not in shown
    # Aftercare is for 18-25-year-olds: a description of children does not touch it.
    assert "Tarkista kriteerit: Lastensuojelun jälkihuolto" not in chat.button_titles


async def test_a_case_description_that_asks_whether_a_card_fits_gets_the_verdict_as_its_answer(client: TestClient) -> None:
    # The words answer nothing clearly, but the description asks whether the card it names
    # fits and touches one of its contra-indications: that verdict is the answer, with its
    # feedback buttons, above the prefilled finder.
    chat = new_chat(client)
    shown = await chat.say("Äiti juo tällä hetkellä rajusti joka päivä, lapset 2v ja 5v. Saisko koko perheen ympärivuorokautiseen perhekuntoutukseen?")

    assert answered(chat) == "contra:perhekuntoutus.akuutti-paihdeongelma"
    assert shown.count("Ei yleensä sovellu: Huoltajalla on akuutti päihdeongelma.") == 1
    assert "Ymmärsin tilanteesta: Alle 7-vuotias" in shown
    assert "juo tällä hetkellä" not in shown


async def test_a_case_description_whose_question_an_faq_entry_answers_keeps_that_answer_first(client: TestClient) -> None:
    chat = new_chat(client)
    await chat.say(
        "Raskaana oleva äiti on aiemmin käyttänyt päihteitä, nyt huoli siitä miten hän pärjää vauvan kanssa. Voiko perhekuntoutukseen päästä jo raskausaikana?"
    )
    assert answered(chat) == "faq:faq.perhekuntoutus-raskaus"


async def test_a_case_description_that_asks_nothing_of_a_card_gets_no_verdict_as_an_answer(client: TestClient) -> None:
    chat = new_chat(client)
    shown = await chat.say("Äiti juo tällä hetkellä rajusti joka päivä, lapset 2v ja 5v. Isä on töissä ja väsynyt.")

    assert answered(chat) is None
    assert "Ymmärsin tilanteesta: Alle 7-vuotias" in shown


@pytest.mark.parametrize(
    ("locale", "question", "said"),
    [
        ("sv-FI", "när tar eftervården slut", "Källan säger inte när eftervården börjar eller upphör"),
        ("fi-FI", "milloin jälkihuolto päättyy", "Lähde ei kerro, milloin jälkihuolto alkaa tai päättyy"),
    ],
)
async def test_when_aftercare_ends_gets_what_the_source_says_of_its_age_not_when_a_project_ended(
    client: TestClient, locale: str, question: str, said: str
) -> None:
    chat = new_chat(client, locale)
    shown = await chat.say(question)
    assert answered(chat) == "faq:faq.jalkihuolto-ika"
    assert said in " ".join(shown.split())
    assert "18–25" in shown


async def test_a_swedish_case_description_gets_the_cards_points_in_swedish(client: TestClient) -> None:
    chat = new_chat(client, "sv-FI")
    shown = await chat.say(
        "Familjen har en 14-årig son som dragit sig undan och inte går till skolan. Båda föräldrarna "
        "jobbar heltid och orkar inte sätta gränser. Skulle familjerehabilitering passa?"
    )

    assert "Kontrollera de här punkterna på principkorten som beskrivningen berör:" in shown
    assert "Passar vanligtvis inte: Båda vårdnadshavarna har heltidsarbete" in shown
    assert "Ei yleensä sovellu" not in shown
    # Nothing was said of housing: the card's point about a missing home is not raised.
    assert "saknar ett hem" not in shown


async def test_a_swedish_question_is_answered_in_swedish(client: TestClient) -> None:
    chat = new_chat(client, "sv-FI")
    shown = await chat.say("Hur ofta brukar barnet vara i stödfamiljen?")
    assert answered(chat) is not None
    assert "Hade du nytta av svaret?" in shown
    assert "Oliko vastauksesta apua?" not in shown


async def test_noise_is_not_kept_for_the_curators(client: TestClient, sessionmaker: async_sessionmaker[AsyncSession]) -> None:
    for noise in ("asdf", "12345", "😀😀"):
        await new_chat(client).say(noise)
    async with sessionmaker() as session:
        rows = (await session.execute(select(QnaUnanswered))).scalars().all()
    assert [json.dumps(r.question) for r in rows] == []


async def test_a_swedish_age_question_gets_the_age_rule_read_in_swedish_without_another_languages_text(client: TestClient) -> None:
    chat = new_chat(client, "sv-FI")
    shown = await chat.say("pojken är 13, passar en professionell stödperson?")
    assert "13 år: åldern passar" in shown
    # The question it answers is shown only in the reader's language; here the matched text
    # was the rule's English or Finnish one, so the line is left out.
    assert "Svar på frågan" not in shown
    assert "The child" not in shown and "Lapsi tai nuori" not in shown


async def test_an_answer_offers_each_other_question_once(client: TestClient) -> None:
    # "Kuinka usein" is ahead of "Mikä on tukiperhe?", which is also its follow-up: the
    # worker sees it under "Vai tarkoititko" and not again under "Voit myös kysyä".
    chat = new_chat(client)
    await chat.say("kuinka usein lapsi menee tukiperheeseen")
    assert answered(chat) == "faq:faq.tukiperhe-kuinka-usein"
    titles = chat.button_titles
    assert "Mikä on tukiperhe?" in titles
    assert len(titles) == len(set(titles)), titles


async def test_a_situation_in_everyday_words_reaches_the_condition_and_its_examples_stay_unseen(client: TestClient) -> None:
    # Nothing of "kaipais vaan aikuista ... uimassa" is in the card's own sentences: the
    # condition's situations carry it, and a worker never sees them.
    chat = new_chat(client)
    shown = await chat.say("tytöllä ei oo mitään isompaa muutettavaa, kaipais vaan aikuista jonka kanssa käydä uimassa, käykö amm tukihenkilö")
    assert answered(chat) == "contra:ammatillinen-tukihenkilo.vapaaehtoinen-riittaa"
    assert "Ei yleensä sovellu:" in shown and "Vapaaehtoinen tukihenkilö" in shown
    assert "Vastaus kysymykseen" not in shown


async def test_a_swedish_situation_is_answered_in_swedish_down_to_the_cards_name_in_the_source(client: TestClient) -> None:
    chat = new_chat(client, locale="sv-SE")
    shown = await chat.say("mamman har ingen egen bostad just nu och bor hos en kompis med barnen, kan de få familjerehabilitering?")
    assert answered(chat) == "contra:perhekuntoutus.ei-kotia"
    assert "Passar vanligtvis inte:" in shown
    assert "Källa: tjänstekortet Familjerehabilitering dygnet runt" in shown
    assert "Ympärivuorokautinen" not in shown


@pytest.mark.parametrize(
    ("question", "record", "also_shown"),
    [
        # Nothing asks about the RISE cooperation but the answer itself: the line "Svar på
        # frågan: ..." would repeat the answer's first sentence above the answer.
        ("vad är RISE-samarbetet i vuxensocialt arbete", "faq:faq.aikuissosiaalityon-kehittamisen-karjet", ("RISE-samarbetet",)),
        # "hur länge e man på perhekuntoutus, 3 el 6 mån?" is written for the matcher; the
        # worker sees the entry's own question as the heading and no "Svar på frågan" line.
        ("hur länge e man på familjerehab", "faq:faq.perhekuntoutus-kesto", ()),
    ],
)
async def test_the_question_line_never_shows_the_answers_own_text_or_a_chat_form_phrasing(
    client: TestClient, question: str, record: str, also_shown: tuple[str, ...]
) -> None:
    chat = new_chat(client, "sv-SE")
    shown = await chat.say(question)
    assert answered(chat) == record
    assert all(text in shown for text in also_shown)
    assert "Svar på frågan" not in shown


async def test_a_question_matched_by_another_written_out_phrasing_says_which(client: TestClient) -> None:
    chat = new_chat(client)
    shown = await chat.say("otetaanko minuun yhteyttä palautteen antamisen jälkeen")
    assert answered(chat) == "faq:faq.palaute-kasittely"
    assert "Vastaus kysymykseen: Otetaanko minuun yhteyttä antamani palautteen jälkeen?" in shown


async def test_no_answer_lists_the_nearest_topics_and_one_leads_to_its_answer(client: TestClient, sessionmaker: async_sessionmaker[AsyncSession]) -> None:
    # Asked in words the matcher scores below the unsure threshold; the entry that answers
    # it (one assessment for the whole family) is among the nearest topics, not shown as
    # the answer.
    question = "onks hesassa niin et perhe arvioidaan kerralla vaikka huolia on monenlaisia"
    chat = new_chat(client)
    shown = await chat.say(question)
    assert "En löytänyt vastausta" in shown and "Lähimmät aiheet" in shown
    assert answered(chat) is None and "Ei mikään näistä" not in chat.button_titles
    topic = next(d for d in submits(chat) if d.get("pv", {}).get("value") == "faq:faq.monitoimijaisen-tiimin-asiakashyoty")
    await chat.submit(topic)
    assert answered(chat) == "faq:faq.monitoimijaisen-tiimin-asiakashyoty"
    async with sessionmaker() as session:
        rows = (await session.execute(select(QnaUnanswered))).scalars().all()
    assert [(r.question, r.reason) for r in rows] == [(question, "no_match")]
    # Operators see how often topics replaced a dead end.
    assert 'palveluopas_qna_answers_total{band="nearest"} 1.0' in await (await client.get("/metrics")).text()


async def test_a_question_near_nothing_in_the_knowledge_base_gets_no_topics(client: TestClient) -> None:
    chat = new_chat(client)
    shown = await chat.say("mikä on kahvion aukioloaika")
    assert "En löytänyt vastausta" in shown and "Lähimmät aiheet" not in shown
    assert not [d for d in submits(chat) if d.get("pv", {}).get("action") == "pick"]
