"""Show card end to end through the TestAdapter, on the dialog tests' knowledge base."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot.store.storage import BotStateRow
from tests.dialogs.conversation import AdapterConversation


async def open_card(chat: AdapterConversation, service: str) -> str:
    await chat.say("näytä kortti")
    return await chat.press(service)


async def test_a_principle_card_is_shown_in_full(chat: AdapterConversation) -> None:
    shown = await open_card(chat, "Testitukihenkilö")

    lines = shown.splitlines()
    assert lines[0] == "Testitukihenkilö"
    assert lines[1] == "Kotiin vietävä palvelu"
    for expected in (
        "Testitukihenkilö tekee nuoren kanssa tavoitteellista muutostyötä arjen ympäristöissä.",
        "Kenelle",
        "Kouluikäiset lapset ja nuoret perheineen.",
        "Ikä: 10–17 v",
        "Erityisellä harkinnalla: 7-vuotiaasta alkaen",
        # Each criterion and contra-indication as its condition, the explanation beneath.
        "Milloin palvelu sopii\nPalvelu sopii, kun nämä pitävät paikkansa:\n- Lapsi on 10–17-vuotias.\nPalvelu on tarkoitettu ensisijaisesti 10–17-vuotiaille.",
        "Milloin palvelu ei sovellu\nPalvelu ei sovellu, jos jokin näistä pitää paikkansa:\n- Ensisijaisesti tarvitaan vanhempien tukemista.",
        "Harkitse sen sijaan: Testiperhekuntoutus",
        "Edellytykset",
        "- Tavoitteet ja tapaamismäärä sovitaan yhdessä perheen ja tuottajan kanssa.",
        "Lakiperusta",
        "- Sosiaalihuoltolaki",
        "Perhesosiaalityö: Sosiaaliohjaajien tiimi",
        "Lastensuojelu: Kahden sosiaalityöntekijän tiimi",
        "Lähde: Perhesosiaalityön ja lastensuojelun yhdenmukaisten palvelujen järjestämisen periaatteet ja prosessi: Testitukihenkilön kortti",
    ):
        assert expected in shown, expected
    assert chat.button_titles == ["Näytä kortti: Testiperhekuntoutus", "Anna palautetta", "Tarkista kriteerit", "Avaa prosessi", "Takaisin", "Peruuta", "Ohje"]


async def test_a_thin_card_carries_the_incomplete_notice(chat: AdapterConversation) -> None:
    shown = await open_card(chat, "Testitukiperhe")

    assert "Kortti on keskeneräinen: Lähde ei kerro, milloin palvelu sopii." in shown
    assert "Tarkista kriteerit" not in chat.button_titles  # nothing to check on it
    assert "Lähde: Perheiden varhaisen tuen palvelut" in shown


async def test_an_alternative_opens_its_card_and_back_returns_to_the_first(chat: AdapterConversation) -> None:
    await open_card(chat, "Testitukihenkilö")

    shown = await chat.press("Näytä kortti: Testiperhekuntoutus")
    assert shown.splitlines()[0] == "Testiperhekuntoutus"
    assert "Ensimmäinen jakso: 3 kk" in shown

    shown = await chat.say("takaisin")
    assert shown.splitlines()[0] == "Testitukihenkilö"
    shown = await chat.say("takaisin")
    assert "Minkä palvelun kortin haluat nähdä?" in shown


async def test_check_criteria_from_a_card_starts_the_check_of_that_service_and_back_returns_to_the_card(chat: AdapterConversation) -> None:
    await open_card(chat, "Testiperhekuntoutus")

    shown = await chat.press("Tarkista kriteerit")
    assert "Testiperhekuntoutus" in shown and "Kohta 1/3" in shown

    shown = await chat.press("Takaisin")
    assert shown.splitlines()[0] == "Testiperhekuntoutus"
    assert "Milloin palvelu ei sovellu" in shown


async def test_one_cancel_on_a_card_opened_from_the_finder_leaves_both_and_says_so(chat: AdapterConversation) -> None:
    await chat.say("valitse palvelu")
    await chat.press("10–17-vuotias")
    await chat.press("Lapsen tai nuoren oma työskentely")
    await chat.press("Näytä kortti: Testitukihenkilö")

    shown = await chat.press("Peruuta")

    # One cancel leaves the whole guided stack, without re-posting the finder's result.
    assert shown.startswith("Selvä, keskeytin sen.")
    assert "Palveluehdotukset" not in shown
    assert "Valitse palvelu" in chat.button_titles


async def test_the_finder_result_buttons_still_work_after_a_card_was_opened_from_it(chat: AdapterConversation) -> None:
    await chat.say("valitse palvelu")
    await chat.press("10–17-vuotias")
    result = await chat.press("Lapsen tai nuoren oma työskentely")
    result_replies = chat.replies
    assert "Palveluehdotukset" in result
    await chat.press("Näytä kortti: Testitukihenkilö")

    shown = await chat.submit(chat.button("Tarkista kriteerit: Testitukihenkilö", replies=result_replies))

    assert "Testitukihenkilö" in shown and "Kohta 1/" in shown


async def test_a_menu_button_from_an_old_card_leaves_the_card_for_what_was_asked(chat: AdapterConversation) -> None:
    welcome = await chat.say("hei")
    welcome_replies = chat.replies
    await open_card(chat, "Testitukihenkilö")

    shown = await chat.submit(chat.button("Valitse palvelu", replies=welcome_replies))

    assert welcome
    assert "Minkä ikäinen lapsi on?" in shown


async def test_going_back_and_forth_between_a_card_and_its_check_keeps_the_stored_stack_bounded(
    chat: AdapterConversation, sessionmaker: async_sessionmaker[AsyncSession]
) -> None:
    await open_card(chat, "Testiperhekuntoutus")
    for _ in range(5):
        await chat.press("Tarkista kriteerit")
        for answer in ("Kyllä", "Ei", "Ei"):
            await chat.press(answer)
        shown = await chat.press("Näytä kortti")
        assert shown.splitlines()[0] == "Testiperhekuntoutus"

    async with sessionmaker() as session:
        stored = "\n".join((await session.execute(select(BotStateRow.document))).scalars())
    # Card and check alternate; past GuidedDialog.MAX_NESTED a call replaces its caller
    # (ten calls were made: unbounded, eleven guided dialogs would be stored).
    assert stored.count('"card.steps"') + stored.count('"criteria.steps"') <= 4
    # Back still works (to whatever the capped stack holds below), never a crash.
    shown = await chat.say("takaisin")
    assert "Testiperhekuntoutus" in shown


async def test_the_service_choice_is_in_alphabetical_order_of_the_names_shown(chat: AdapterConversation) -> None:
    chat.locale = "sv-SE"

    await chat.say("visa kort")

    # The Swedish name of the support person sorts it last (file order would put it second).
    assert chat.button_titles[:3] == ["Testiperhekuntoutus", "Testitukiperhe", "Teststödperson"]
