"""The Q&A dialog end to end: bands, "Did you mean" buttons, feedback rows, redaction, stale
buttons, Swedish and English; through the real handler, and over HTTP with expectReplies."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import pytest
from aiohttp.test_utils import TestClient
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot.service.context import BotServices
from bot.store.qna_store import QnaFeedback, QnaUnanswered
from bot.store.storage import SqlStorage
from bot.ui.i18n import Strings
from domain.snapshot import Snapshot, build_snapshot
from tests.domain.qna.small_kb import small_kb
from tests.support.cards import assert_valid_card
from tests.support.dialogs import DialogDriver
from tests.support.http import send
from tests.support.replies import button, buttons, cards, shown_text


@dataclass
class StaticKnowledge:
    """A knowledge provider on the small in-code knowledge base (the dialog reads only
    `snapshot`)."""

    snapshot: Snapshot


@pytest.fixture
def driver(bot_services: BotServices, sessionmaker: async_sessionmaker[AsyncSession]) -> DialogDriver:
    knowledge: Any = StaticKnowledge(build_snapshot(small_kb()))
    services = BotServices(settings=bot_services.settings, strings=Strings.load(), knowledge=knowledge, sessionmaker=sessionmaker)
    return DialogDriver(services, SqlStorage(sessionmaker))


async def unanswered(sessionmaker: async_sessionmaker[AsyncSession]) -> list[tuple[str, str, str, int]]:
    async with sessionmaker() as session:
        rows = (await session.execute(select(QnaUnanswered).order_by(QnaUnanswered.id))).scalars()
        return [(r.question, r.reason, r.answer_id, r.count) for r in rows]


async def feedback(sessionmaker: async_sessionmaker[AsyncSession]) -> list[tuple[str, int, int]]:
    async with sessionmaker() as session:
        rows = (await session.execute(select(QnaFeedback))).scalars()
        return [(r.answer_id, r.helpful, r.not_helpful) for r in rows]


def valid(replies: list[Any]) -> None:
    for card in cards(replies):
        assert_valid_card(card)


async def test_confident_answer_with_source_and_feedback(driver: DialogDriver, sessionmaker: async_sessionmaker[AsyncSession]) -> None:
    replies = await driver.say("minkä ikäisille ammatillinen tukihenkilö sopii")
    valid(replies)
    text = shown_text(replies)
    assert "10–17" in text and "Lähde:" in text
    replies = await driver.say(button(replies, "Hyödyllinen"))
    assert "Kiitos palautteesta" in shown_text(replies)
    assert await feedback(sessionmaker) == [("faq:faq.tukihenkilo-ika", 1, 0)]


async def test_not_helpful_stores_the_redacted_question(driver: DialogDriver, sessionmaker: async_sessionmaker[AsyncSession]) -> None:
    replies = await driver.say("minkä ikäisille ammatillinen tukihenkilö sopii, asiakas 010190-123A")
    replies = await driver.say(button(replies, "Ei hyödyllinen"))
    assert "ylläpitäjille" in shown_text(replies)
    assert await feedback(sessionmaker) == [("faq:faq.tukihenkilo-ika", 0, 1)]
    (row,) = await unanswered(sessionmaker)
    assert row == ("minkä ikäisille ammatillinen tukihenkilö sopii, asiakas [henkilötunnus]", "not_helpful", "faq:faq.tukihenkilo-ika", 1)


async def test_feedback_twice_is_noted_once(driver: DialogDriver, sessionmaker: async_sessionmaker[AsyncSession]) -> None:
    replies = await driver.say("minkä ikäisille ammatillinen tukihenkilö sopii")
    helpful = button(replies, "Hyödyllinen")
    await driver.say(helpful)
    again = await driver.say(helpful)
    assert "jo tallennettu" in shown_text(again)
    assert await feedback(sessionmaker) == [("faq:faq.tukihenkilo-ika", 1, 0)]


CLOSE: str = "tukihenkilö tukiperhe"
"""Two cards named at once: the candidates are close."""


@pytest.fixture
def close_is_a_choice(monkeypatch: pytest.MonkeyPatch) -> None:
    """The thresholds in force make a choice rare (`bands.py`); these tests are about what the
    dialog does with one, so the band is fixed to a choice."""
    monkeypatch.setattr("domain.qna.retrieve.choose_band", lambda *args, **kwargs: "unsure")


@pytest.mark.usefixtures("close_is_a_choice")
async def test_close_candidates_are_a_choice_that_leads_to_the_answer(driver: DialogDriver) -> None:
    replies = await driver.say(CLOSE)
    valid(replies)
    assert "Tarkoititko" in shown_text(replies)
    titles = [b.title for b in buttons(replies)]
    assert "Kuinka usein lapsi käy tukiperheessä?" in titles and "Ei mikään näistä" in titles
    replies = await driver.say(button(replies, "Kuinka usein lapsi käy tukiperheessä?"))
    valid(replies)
    assert "viikonloppu" in shown_text(replies)


async def test_an_answer_clearly_ahead_is_shown_with_did_you_mean_under_it(driver: DialogDriver) -> None:
    replies = await driver.say("tukihenkilö")
    valid(replies)
    text = shown_text(replies)
    assert "10–17" in text and "Vai tarkoititko" in text
    replies = await driver.say(button(replies, "Ammatillinen tukihenkilö"))
    assert "Palvelukortti" in shown_text(replies)


async def test_did_you_mean_offers_a_record_once_not_again_as_a_related_link(driver: DialogDriver) -> None:
    # The runner-up is the card the answer also links as related: it is offered once, under
    # "Vai tarkoititko", where it reads as the other possible answer.
    replies = await driver.say("tukihenkilö")
    titles = [b.title for b in buttons(replies)]
    assert "Ammatillinen tukihenkilö" in titles
    assert "Kortti: Ammatillinen tukihenkilö" not in titles


@pytest.mark.usefixtures("close_is_a_choice")
async def test_none_of_these_is_stored(driver: DialogDriver, sessionmaker: async_sessionmaker[AsyncSession]) -> None:
    replies = await driver.say(CLOSE)
    replies = await driver.say(button(replies, "Ei mikään näistä"))
    assert "En löytänyt vastausta" in shown_text(replies)
    assert await unanswered(sessionmaker) == [(CLOSE, "none_of_these", "", 1)]


async def test_no_match_is_honest_and_stored_redacted(driver: DialogDriver, sessionmaker: async_sessionmaker[AsyncSession]) -> None:
    replies = await driver.say("miten kissa 020202A222B ruokitaan, soita 040 123 4567")
    valid(replies)
    text = shown_text(replies)
    assert "En löytänyt vastausta" in text and "palvelujen järjestämisen tiimiltä" in text
    (row,) = await unanswered(sessionmaker)
    assert row == ("miten kissa [henkilötunnus] ruokitaan, soita [puhelinnumero]", "no_match", "", 1)


@pytest.fixture
def nothing_certain(monkeypatch: pytest.MonkeyPatch) -> None:
    """Every question scores below the unsure threshold: what is left is the nearest topics
    (`NEAREST_SCORE`), which these tests are about."""
    monkeypatch.setattr("domain.qna.retrieve.choose_band", lambda *args, **kwargs: "none")


@pytest.mark.usefixtures("nothing_certain")
async def test_no_answer_lists_the_nearest_topics_and_a_pick_leads_to_the_answer(driver: DialogDriver, sessionmaker: async_sessionmaker[AsyncSession]) -> None:
    replies = await driver.say("montako viikonloppua kuukaudessa")
    valid(replies)
    text = shown_text(replies)
    assert "En löytänyt vastausta" in text and "Lähimmät aiheet" in text
    titles = [b.title for b in buttons(replies)]
    assert "Kuinka usein lapsi käy tukiperheessä?" in titles and "Ei mikään näistä" not in titles
    # Still no answer for the curators: the question is stored as one.
    assert await unanswered(sessionmaker) == [("montako viikonloppua kuukaudessa", "no_match", "", 1)]
    replies = await driver.say(button(replies, "Kuinka usein lapsi käy tukiperheessä?"))
    valid(replies)
    assert "viikonloppu" in shown_text(replies)


@pytest.mark.usefixtures("nothing_certain")
async def test_a_question_near_nothing_gets_no_topics(driver: DialogDriver) -> None:
    replies = await driver.say("mikä on kahvion aukioloaika")
    text = shown_text(replies)
    assert "En löytänyt vastausta" in text and "Lähimmät aiheet" not in text
    assert "Kuinka usein lapsi käy tukiperheessä?" not in [b.title for b in buttons(replies)]


@pytest.mark.usefixtures("nothing_certain")
async def test_a_forged_pick_of_a_topic_not_listed_is_stale(driver: DialogDriver) -> None:
    replies = await driver.say("montako viikonloppua kuukaudessa")
    pick = button(replies, "Kuinka usein lapsi käy tukiperheessä?")
    pick["pv"]["value"] = "faq:faq.shl-asiakassuunnitelma"
    assert "aiempaan vastaukseen" in shown_text(await driver.say(pick))
    replies = await driver.say(button(replies, "Päävalikko"))
    assert "Valitse palvelu" in shown_text(replies)


@pytest.mark.usefixtures("close_is_a_choice")
async def test_stale_buttons_get_a_notice_and_record_nothing(driver: DialogDriver, sessionmaker: async_sessionmaker[AsyncSession]) -> None:
    first = await driver.say(CLOSE)
    old_pick = button(first, "Kuinka usein lapsi käy tukiperheessä?")
    answered = await driver.say(old_pick)
    old_helpful = button(answered, "Hyödyllinen")
    await driver.say("montako viikonloppua tukiperheessä ollaan kuukaudessa")  # a new answer: new token
    for stale in (old_pick, old_helpful, {"pv": {"dialog": "qna", "step": "qna:99", "action": "pick", "value": "faq:faq.x"}}):
        replies = await driver.say(stale)
        assert "aiempaan vastaukseen" in shown_text(replies)
    assert await feedback(sessionmaker) == []


@pytest.mark.usefixtures("close_is_a_choice")
async def test_a_forged_pick_of_a_record_not_offered_is_stale(driver: DialogDriver) -> None:
    replies = await driver.say(CLOSE)
    pick = button(replies, "Kuinka usein lapsi käy tukiperheessä?")
    pick["pv"]["value"] = "faq:faq.shl-asiakassuunnitelma"
    assert "aiempaan vastaukseen" in shown_text(await driver.say(pick))


async def test_follow_up_buttons(driver: DialogDriver) -> None:
    replies = await driver.say("minkä ikäisille ammatillinen tukihenkilö sopii")
    replies = await driver.say(button(replies, "Kuinka usein lapsi käy tukiperheessä?"))
    assert "viikonloppu" in shown_text(replies)


async def test_swedish_question_answered_in_finnish_with_a_note(driver: DialogDriver) -> None:
    replies = await driver.say("för vilken ålder passar en stödperson")
    text = shown_text(replies)
    assert "Svaret finns bara på finska." in text and "Pääsääntöisesti" in text
    assert "Till hjälp" in [b.title for b in buttons(replies)]


async def test_english_question_answered_in_english(driver: DialogDriver) -> None:
    replies = await driver.say("what age is the professional support person for")
    text = shown_text(replies)
    assert "Mainly for children" in text and "Finnish only" not in text


async def test_over_http_free_text_reaches_the_qna(bot_client: TestClient) -> None:
    await send(bot_client, text="moi")
    replies = await send(bot_client, text="Mikä on testipalvelu?")
    for card in cards(replies):
        assert_valid_card(card)
    assert "Testipalvelu on olemassa vain testejä varten." in shown_text(replies)
    replies = await send(bot_client, value=button(replies, "Hyödyllinen"))
    assert "Kiitos palautteesta" in shown_text(replies)
