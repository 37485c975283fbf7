"""Service finder end to end through the TestAdapter: the real root dialog and handler, state in
the test's database, the dialog tests' own knowledge base (`tests/dialogs/kb`)."""

from __future__ import annotations

import json

import pytest
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot.store.storage import BotStateRow
from tests.dialogs.conversation import AdapterConversation

AGE_QUESTION = "Minkä ikäinen lapsi on?"
NEED_QUESTION = "Kenen kanssa työskentelyä ensisijaisesti tarvitaan?"
HOME_QUESTION = "Onko perheellä koti, jossa arkea voi harjoitella?"


async def finder(chat: AdapterConversation, *answers: str) -> str:
    """Start the finder and tap the answers; what the last turn showed."""
    shown = await chat.say("valitse palvelu")
    for answer in answers:
        shown = await chat.press(answer)
    return shown


async def test_finder_asks_one_question_a_card_with_the_options_as_buttons(chat: AdapterConversation) -> None:
    shown = await chat.say("valitse palvelu")

    assert AGE_QUESTION in shown
    assert "Kysymys 1" in shown
    # At the age question a typed number is an age, as the footer says (never an option's number).
    assert "Vastaa painikkeella tai kirjoita ikä vuosina, esimerkiksi 14." in shown
    assert "numeron" not in shown
    assert chat.button_titles == ["Alle 7-vuotias", "7–9-vuotias", "10–17-vuotias", "Takaisin", "Peruuta", "Ohje"]
    assert len(chat.cards) == 1


async def test_finder_skips_a_question_whose_answer_would_not_change_the_result(chat: AdapterConversation) -> None:
    shown = await finder(chat, "10–17-vuotias", "Lapsen tai nuoren oma työskentely")

    # Whether the family has a home matters only to family rehabilitation, which the answer
    # "the child's own work" has already ruled out: the home question is never asked.
    assert HOME_QUESTION not in shown
    assert "Palveluehdotukset" in shown


async def test_finder_result_ranks_fitting_services_with_why_and_lists_the_ruled_out_with_alternatives(chat: AdapterConversation) -> None:
    shown = await finder(chat, "10–17-vuotias", "Lapsen tai nuoren oma työskentely")

    fits, rest = shown.split("Ei arvioitavissa vastausten perusteella")
    _, ruled_out = rest.split("Eivät sovellu")
    assert "1. Testitukihenkilö" in fits
    # Why: the conditions themselves, as statements, each with the answer it was read from.
    assert (
        "Sopii, koska vastausten mukaan:\n"
        "- Lapsi on 10–17-vuotias. (päätelty vastauksesta ”10–17-vuotias”)\n"
        "- Lapsen oma työskentely on perusteltu tukimuoto. (päätelty vastauksesta ”Lapsen tai nuoren oma työskentely”)"
    ) in fits
    assert "Palvelu on tarkoitettu ensisijaisesti" not in fits  # an explanation is no condition
    assert "Testiperhekuntoutus" in ruled_out
    assert (
        "Ei sovellu, koska vastauksesta ”Lapsen tai nuoren oma työskentely” päätellen tämä ei täyty:"
        " Perheellä on vakavia ongelmia, joihin kotiin vietävä tuki ei riitä.\n"
        "Perheen ongelmat ovat vakavia eikä kotiin vietävä tuki riitä."
    ) in ruled_out
    # Where it comes from, and who decides.
    # A result lists many services: each names its source documents, its card the sections.
    assert "Lähde: Perhesosiaalityön ja lastensuojelun yhdenmukaisten palvelujen järjestämisen periaatteet ja prosessi\n" in shown
    assert "Päätöksen palvelusta tekee aina asiakkuudesta vastaava ammattilainen." in shown
    assert "Tarkista kriteerit: Testitukihenkilö" in chat.button_titles
    for service in ("Testitukihenkilö", "Testitukiperhe", "Testiperhekuntoutus"):
        assert chat.button_titles.count(f"Näytä kortti: {service}") == 1


async def test_a_service_no_answer_speaks_for_is_listed_apart_by_name_not_as_a_suggestion(chat: AdapterConversation) -> None:
    shown = await finder(chat, "10–17-vuotias", "Lapsen tai nuoren oma työskentely")

    # The thin support-family card has no criteria: nothing the answers say is evidence for it.
    fits, rest = shown.split("Ei arvioitavissa vastausten perusteella: 1 palvelu**\n")
    assert "Testitukiperhe" not in fits
    # One line; what it means, the names and the cards behind one fold.
    assert rest.startswith("Näytä ei arvioitavissa olevat:\n  Vastaukset eivät kerro, sopivatko nämä palvelut. Niitä ei ole rajattu pois.\n  Testitukiperhe\n")
    assert "2." not in fits
    # Its card behind the one fold, no criteria check button of its own.
    assert "Tarkista kriteerit: Testitukiperhe" not in chat.button_titles
    card = await chat.press("Näytä kortti: Testitukiperhe")
    assert card.splitlines()[0] == "Testitukiperhe"


async def test_a_ruled_out_service_names_what_to_consider_instead_with_a_button_to_its_card(chat: AdapterConversation) -> None:
    shown = await finder(chat, "10–17-vuotias", "Koko perheen vahva tuki", "Kyllä")

    assert "Ei sovellu, koska vastauksesta ”Koko perheen vahva tuki” päätellen: Ensisijaisesti tarvitaan vanhempien tukemista." in shown
    assert "Kun vanhemmat tarvitsevat tukea lapsensa tukemiseen" in shown
    assert "Harkitse sen sijaan: Testiperhekuntoutus" in shown
    card = await chat.press("Näytä kortti: Testiperhekuntoutus")
    assert "Testiperhekuntoutus" in card.splitlines()[0]


async def test_back_mid_finder_removes_the_last_answer_and_asks_that_question_again(chat: AdapterConversation) -> None:
    await finder(chat, "10–17-vuotias")
    assert NEED_QUESTION in chat.shown

    shown = await chat.say("takaisin")

    assert AGE_QUESTION in shown and "Kysymys 1" in shown
    shown = await chat.press("7–9-vuotias")
    assert NEED_QUESTION in shown and "Kysymys 2" in shown


async def test_back_button_and_swedish_and_english_back_words_work_the_same(chat: AdapterConversation) -> None:
    await finder(chat, "10–17-vuotias")
    assert AGE_QUESTION in await chat.press("Takaisin")
    await chat.press("10–17-vuotias")
    assert AGE_QUESTION in await chat.say("tillbaka")
    await chat.press("10–17-vuotias")
    assert AGE_QUESTION in await chat.say("Back")


async def test_back_on_the_first_question_leaves_the_finder_for_the_menu(chat: AdapterConversation) -> None:
    await chat.say("valitse palvelu")

    shown = await chat.say("takaisin")

    assert "Voinko auttaa vielä jossakin?" in shown
    assert "Valitse palvelu" in chat.button_titles


async def test_cancel_mid_finder_stops_it_and_offers_the_menu(chat: AdapterConversation) -> None:
    await finder(chat, "10–17-vuotias")

    shown = await chat.press("Peruuta")

    assert chat.texts[0] == "Selvä, keskeytin sen."
    assert "Voinko auttaa vielä jossakin?" in shown
    # The finder is gone: its old buttons are stale now.
    after = await chat.submit(chat.button("Lapsen tai nuoren oma työskentely", replies=chat.history[-2]))
    assert "Tuo painike kuului jo päättyneeseen toimintoon." in after


async def test_cancel_typed_in_any_language_stops_the_finder(chat: AdapterConversation) -> None:
    for word in ("peruuta", "avbryt", "cancel"):
        await chat.say("valitse palvelu")
        shown = await chat.say(word)
        assert "Voinko auttaa vielä jossakin?" in shown, word


async def test_a_stale_button_from_an_earlier_question_is_refused_and_the_current_question_shown(chat: AdapterConversation) -> None:
    await chat.say("valitse palvelu")
    first_card = chat.replies
    await chat.press("10–17-vuotias")

    # The worker scrolls up and taps another age on the first card.
    shown = await chat.submit(chat.button("Alle 7-vuotias", replies=first_card))

    assert chat.texts == ["Tämä painike ei ole enää käytössä. Jatketaan tästä kohdasta."]
    assert NEED_QUESTION in shown
    # Nothing was recorded: the result still rests on 10–17.
    shown = await chat.press("Lapsen tai nuoren oma työskentely")
    assert "Minkä ikäinen lapsi on?: 10–17-vuotias" in shown


async def test_unknown_text_at_a_question_gets_a_friendly_reprompt_and_nothing_is_recorded(chat: AdapterConversation) -> None:
    await chat.say("valitse palvelu")

    shown = await chat.say("en ole varma, ehkä teini")

    assert chat.texts == [
        "En tunnistanut vastausta. Valitse vaihtoehto painikkeella tai kirjoita sen nimi tai numero. Jos haluat kysyä jotain muuta, kirjoita ensin peruuta."
    ]
    assert AGE_QUESTION in shown and "Kysymys 1" in shown


async def test_a_name_and_identity_code_typed_at_a_question_are_never_echoed_back(chat: AdapterConversation) -> None:
    await chat.say("valitse palvelu")

    shown = await chat.say("Matti Virtanen 010203A123B")

    everything_shown = " ".join([*chat.texts, shown])
    assert "Matti" not in everything_shown and "Virtanen" not in everything_shown
    assert "010203A123B" not in everything_shown
    assert chat.texts[0].startswith("En tunnistanut vastausta.")
    assert AGE_QUESTION in shown


async def test_typed_option_number_or_label_answers_the_question(chat: AdapterConversation) -> None:
    await finder(chat, "10–17-vuotias")

    assert HOME_QUESTION in await chat.say("2")  # the second option: Koko perheen vahva tuki
    assert "Palveluehdotukset" in await chat.say("kylla")
    assert "Kenen kanssa työskentelyä ensisijaisesti tarvitaan?: Koko perheen vahva tuki" in chat.shown


@pytest.mark.parametrize(
    ("typed", "recorded"),
    [
        ("5", "Alle 7-vuotias"),
        ("6", "Alle 7-vuotias"),
        ("7", "7–9-vuotias"),
        ("14", "10–17-vuotias"),
        ("6v", "Alle 7-vuotias"),
        ("14-vuotias", "10–17-vuotias"),
        ("9 vuotta", "7–9-vuotias"),
        ("8 år", "7–9-vuotias"),
        ("12 years", "10–17-vuotias"),
    ],
)
async def test_a_number_typed_at_the_age_question_is_the_childs_age_not_a_button(chat: AdapterConversation, typed: str, recorded: str) -> None:
    shown = await chat.say("valitse palvelu")
    assert "Iän voit kirjoittaa myös vuosina, esimerkiksi 14." in shown

    await chat.say(typed)

    # '6' and '7' were the numbers of Takaisin and Peruuta: an age typed never presses them.
    assert NEED_QUESTION in chat.shown
    await chat.press("Lapsen tai nuoren oma työskentely")
    assert f"Minkä ikäinen lapsi on?: {recorded}" in chat.shown


async def test_an_age_no_option_holds_is_asked_again_and_nothing_recorded(chat: AdapterConversation) -> None:
    await chat.say("valitse palvelu")

    shown = await chat.say("19")

    assert chat.texts == ["Ikä ei osu yhteenkään vaihtoehtoon. Valitse vaihtoehto painikkeella tai kirjoita sen nimi."]
    assert AGE_QUESTION in shown and "Kysymys 1" in shown


@pytest.mark.parametrize("typed", ["3", "4", "5", "[3]"])
async def test_a_typed_number_never_presses_back_cancel_or_help(chat: AdapterConversation, typed: str) -> None:
    await finder(chat, "10–17-vuotias")
    # The need question: [1] and [2] are the answers, [3] Takaisin, [4] Peruuta, [5] Ohje.
    assert chat.button_titles[2:] == ["Takaisin", "Peruuta", "Ohje"]

    shown = await chat.say(typed)

    assert chat.texts[0].startswith("En tunnistanut vastausta.")
    assert NEED_QUESTION in shown and "Kysymys 2" in shown


async def test_typed_text_matching_two_options_equally_is_asked_again(chat: AdapterConversation) -> None:
    await chat.say("valitse palvelu")

    shown = await chat.say("vuotias")

    assert chat.texts[0].startswith("Vastaus sopii useampaan vaihtoehtoon")
    assert AGE_QUESTION in shown


async def test_help_mid_finder_explains_and_shows_the_same_question_again(chat: AdapterConversation) -> None:
    await finder(chat, "10–17-vuotias")

    shown = await chat.say("apu")

    assert "Kysyn vain sen, mikä erottaa palvelut toisistaan" in chat.texts[0]
    assert "takaisin" in chat.texts[0]
    assert "Kysymyksen voit kirjoittaa omin sanoin; jos olet vastaamassa kysymykseen, kirjoita ensin peruuta." in chat.texts[0]
    assert NEED_QUESTION in shown and "Kysymys 2" in shown


async def test_check_criteria_from_the_result_does_not_ask_what_the_finder_already_settled(chat: AdapterConversation) -> None:
    await finder(chat, "10–17-vuotias", "Lapsen tai nuoren oma työskentely")

    shown = await chat.press("Tarkista kriteerit: Testitukihenkilö")

    # Age, the child's own work and (its flip side) the need to support the parents were
    # settled in the finder; the check asks only the two items the finder cannot.
    assert "Onko sosiaalihuollon ammattihenkilö arvioinut palvelun tarpeen?" in shown
    assert "Kohta 1/2" in shown
    assert "3 kohtaa saatiin jo palvelun valinnan vastauksista" in shown


async def test_back_from_a_card_opened_from_the_result_returns_to_the_result(chat: AdapterConversation) -> None:
    await finder(chat, "10–17-vuotias", "Lapsen tai nuoren oma työskentely")
    await chat.press("Näytä kortti: Testitukiperhe")

    shown = await chat.press("Takaisin")

    assert "Palveluehdotukset" in shown
    assert "Minkä ikäinen lapsi on?: 10–17-vuotias" in shown


async def test_the_finder_answers_are_what_the_database_holds(chat: AdapterConversation, sessionmaker: async_sessionmaker[AsyncSession]) -> None:
    await finder(chat, "10–17-vuotias")

    async with sessionmaker() as session:
        documents = (await session.execute(select(BotStateRow.document))).scalars().all()

    stored = "\n".join(documents)
    assert '["ika","10-17"]' in stored.replace(" ", "")
    assert '"step":"question"' in stored.replace(" ", "")
    assert any('"finder"' in document for document in documents)
    json.loads(documents[0])  # a JSON document, not a pickle


async def test_a_service_ruled_out_by_an_unmet_criterion_does_not_claim_the_source_names_no_alternative(chat: AdapterConversation) -> None:
    shown = await finder(chat, "10–17-vuotias", "Lapsen tai nuoren oma työskentely")

    ruled_out = shown.split("Eivät sovellu", 1)[1]
    assert "päätellen tämä ei täyty:" in ruled_out
    assert "Lähde ei nimeä tähän vaihtoehtoista palvelua." not in ruled_out
