"""The guided dialogs over real HTTP (`create_app`, expectReplies), as Teams or the Emulator talk
to the bot: the happy paths, cancel and back mid-flow, stale buttons, unknown input, plain-text
channels, and a conversation that continues on a new app instance (a restart)."""

from __future__ import annotations

from typing import Any

from aiohttp.test_utils import TestClient
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot.service.app import create_app
from bot.service.context import KnowledgeProvider
from bot.service.settings import Settings
from bot.store.storage import BotStateRow
from bot.ui.cards.message import ADAPTIVE_CARD_CONTENT_TYPE
from tests.dialogs.conversation import HttpConversation

AGE_QUESTION = "Minkä ikäinen lapsi on?"
NEED_QUESTION = "Kenen kanssa työskentelyä ensisijaisesti tarvitaan?"


async def test_finder_to_criteria_to_process_over_http(http_chat: HttpConversation) -> None:
    await http_chat.say("valitse palvelu")
    await http_chat.press("10–17-vuotias")
    result = await http_chat.press("Lapsen tai nuoren oma työskentely")
    assert "1. Testitukihenkilö" in result

    await http_chat.press("Tarkista kriteerit: Testitukihenkilö")
    await http_chat.press("Kyllä")
    summary = await http_chat.press("Ei")
    assert "Palvelu sopii" in summary
    assert "Perustelut (kopioi asiakirjaan)" in summary

    shown = await http_chat.press("Avaa prosessi")
    assert "Minkä prosessin ohjeen haluat?" in shown


async def test_every_reply_card_has_its_text_rendering_as_the_fallback(http_chat: HttpConversation) -> None:
    await http_chat.say("valitse palvelu")

    (message,) = http_chat.messages
    (attachment,) = message["attachments"]
    assert attachment["contentType"] == ADAPTIVE_CARD_CONTENT_TYPE
    assert attachment["content"]["version"] == "1.5"
    assert AGE_QUESTION in message["summary"]
    assert "- 10–17-vuotias" in message["summary"]


async def test_cancel_and_back_mid_flow_over_http(http_chat: HttpConversation) -> None:
    await http_chat.say("tarkista kriteerit")
    await http_chat.press("Testiperhekuntoutus")
    await http_chat.press("Kyllä")

    assert "Kohta 1/3" in await http_chat.press("Takaisin")
    assert "Voinko auttaa vielä jossakin?" in await http_chat.press("Peruuta")


async def test_stale_button_over_http_gets_the_notice_and_the_current_step(http_chat: HttpConversation) -> None:
    await http_chat.say("valitse palvelu")
    old = http_chat.replies
    await http_chat.press("10–17-vuotias")

    shown = await http_chat.submit(http_chat.button("Alle 7-vuotias", replies=old))

    assert http_chat.texts == ["Tämä painike ei ole enää käytössä. Jatketaan tästä kohdasta."]
    assert NEED_QUESTION in shown


async def test_unknown_input_at_a_choice_step_over_http(http_chat: HttpConversation) -> None:
    await http_chat.say("prosessi")

    shown = await http_chat.say("en tiedä vielä")

    assert http_chat.texts[0].startswith("En tunnistanut vastausta")
    assert "Minkä prosessin ohjeen haluat?" in shown


async def test_a_channel_without_cards_gets_plain_text_with_numbered_options_to_type(http_chat: HttpConversation) -> None:
    http_chat.activity = {"channel_id": "sms"}
    await http_chat.say("valitse palvelu")

    (message,) = http_chat.messages
    assert not message.get("attachments")
    assert AGE_QUESTION in message["text"]
    assert "- 10–17-vuotias" in message["text"], "the age question's options are listed unnumbered"

    # At the age question a typed number is an age (said back), elsewhere an option's number.
    await http_chat.say("14")
    assert http_chat.messages[0]["text"] == "Luin: 14 vuotta (10–17-vuotias)."
    assert NEED_QUESTION in http_chat.messages[1]["text"]
    assert "[1] Lapsen tai nuoren oma työskentely" in http_chat.messages[1]["text"]
    await http_chat.say("1")
    assert "Palveluehdotukset" in http_chat.messages[0]["text"]


async def test_the_justification_reaches_a_text_only_channel_in_full(http_chat: HttpConversation) -> None:
    http_chat.activity = {"channel_id": "sms"}
    await http_chat.say("tarkista kriteerit")
    await http_chat.say("Testiperhekuntoutus")
    for answer in ("kyllä", "ei", "ei"):
        await http_chat.say(answer)

    text = http_chat.messages[0]["text"]
    assert "Palvelu sopii" in text
    assert "Perustelut: Testiperhekuntoutus" in text
    assert "Päätöksen palvelusta tekee vastuussa oleva ammattilainen" in text


async def test_swedish_ui_over_http(http_chat: HttpConversation) -> None:
    http_chat.locale = "sv-SE"

    shown = await http_chat.say("välj tjänst")

    assert "Välj tjänst" in shown and "Fråga 1" in shown
    assert http_chat.button_titles[-3:] == ["Tillbaka", "Avbryt", "Hjälp"]
    assert "Hur gammalt är barnet?" in shown  # the question has a Swedish text in the content
    assert "Valitse nuorimman lapsen ikä" in shown  # its help has none: Finnish is the fallback


async def test_a_finder_begun_before_a_restart_continues_on_a_new_app_on_the_same_database(
    aiohttp_client: Any,
    dialog_settings: Settings,
    dialog_knowledge: KnowledgeProvider,
    sessionmaker: async_sessionmaker[AsyncSession],
) -> None:
    first_app: TestClient = await aiohttp_client(create_app(dialog_settings, knowledge=dialog_knowledge))
    before = HttpConversation(first_app)
    await before.say("valitse palvelu")
    await before.press("10–17-vuotias")
    pending = before.button("Lapsen tai nuoren oma työskentely")  # on the card on screen
    await first_app.close()

    # The server restarts: a new app, a new process's worth of objects, the same database.
    async with sessionmaker() as session:
        stored = "\n".join((await session.execute(select(BotStateRow.document))).scalars())
    assert '["ika","10-17"]' in stored.replace(" ", "")

    second_app: TestClient = await aiohttp_client(create_app(dialog_settings, knowledge=dialog_knowledge))
    after = HttpConversation(second_app)
    shown = await after.submit(pending)

    assert "Palveluehdotukset" in shown
    assert "Minkä ikäinen lapsi on?: 10–17-vuotias" in shown
    assert "1. Testitukihenkilö" in shown


async def test_a_conversation_left_mid_check_is_continued_later_by_typing(
    aiohttp_client: Any, dialog_settings: Settings, dialog_knowledge: KnowledgeProvider
) -> None:
    first_app: TestClient = await aiohttp_client(create_app(dialog_settings, knowledge=dialog_knowledge))
    before = HttpConversation(first_app)
    await before.say("tarkista kriteerit")
    await before.press("Testiperhekuntoutus")
    await before.press("Kyllä")
    await first_app.close()

    second_app: TestClient = await aiohttp_client(create_app(dialog_settings, knowledge=dialog_knowledge))
    after = HttpConversation(second_app)
    shown = await after.say("apu")

    assert "Vastaa kuhunkin kohtaan kyllä, ei tai en tiedä." in after.texts[0]
    assert "Kohta 2/3" in shown


async def test_a_typed_age_is_confirmed_as_it_was_read(http_chat: HttpConversation) -> None:
    await http_chat.say("valitse palvelu")
    assert "kirjoita ikä vuosina" in http_chat.shown and "numeron" not in http_chat.shown

    shown = await http_chat.say("12")

    assert http_chat.texts[0] == "Luin: 12 vuotta (10–17-vuotias)."
    assert "Kenen kanssa työskentelyä" in shown


async def test_the_finder_shows_its_progress_with_an_honest_bound(http_chat: HttpConversation) -> None:
    first = await http_chat.say("valitse palvelu")
    assert "Kysymys 1, enintään " in first

    second = await http_chat.press("10–17-vuotias")

    assert "Kysymys 2, enintään " in second


async def test_one_cancel_leaves_nested_flows_over_http(http_chat: HttpConversation) -> None:
    await http_chat.say("valitse palvelu")
    await http_chat.press("10–17-vuotias")
    await http_chat.press("Lapsen tai nuoren oma työskentely")
    await http_chat.press("Tarkista kriteerit: Testitukihenkilö")

    shown = await http_chat.say("peruuta")

    assert shown.startswith("Selvä, keskeytin sen.")
    assert "Palveluehdotukset" not in shown and "Kohta" not in shown
    assert "Mitään ei ole kesken" in await http_chat.say("peruuta")


async def test_finder_answers_carry_into_a_typed_criteria_check(http_chat: HttpConversation) -> None:
    await http_chat.say("valitse palvelu")
    await http_chat.press("10–17-vuotias")
    await http_chat.press("Lapsen tai nuoren oma työskentely")

    shown = await http_chat.say("tarkista kriteerit testitukihenkilö")

    assert "Testitukihenkilö" in shown
    assert "Onko lapsi 10–17-vuotias?" not in shown, "the age was answered in the finder"
    assert "valintojesi perusteella" in shown or "Kohta" in shown


async def test_a_stale_finder_button_offers_the_way_on(http_chat: HttpConversation) -> None:
    await http_chat.say("valitse palvelu")
    old_question = http_chat.replies
    await http_chat.press("10–17-vuotias")

    shown = await http_chat.submit(http_chat.button("Alle 7-vuotias", replies=old_question))

    assert "ei ole enää käytössä" in shown
    assert "Kenen kanssa työskentelyä" in shown, "the current question is shown again, to go on from"
    assert "Kirjoita kysymys" not in shown


async def test_a_stale_button_after_the_flow_ended_offers_the_menu(http_chat: HttpConversation) -> None:
    await http_chat.say("valitse palvelu")
    old_question = http_chat.replies
    await http_chat.say("peruuta")

    shown = await http_chat.submit(http_chat.button("Alle 7-vuotias", replies=old_question))

    assert "päättyneeseen toimintoon" in shown and "Valitse palvelu" in http_chat.button_titles


async def test_the_check_stops_asking_once_the_verdict_is_decided_and_says_so(http_chat: HttpConversation) -> None:
    await http_chat.say("tarkista kriteerit testitukihenkilö")

    shown = await http_chat.press("Ei")

    assert "Arvio on jo selvä" in shown
    assert "Kohta 2" not in shown
