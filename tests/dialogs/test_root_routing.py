"""Main menu and routing: the welcome card's buttons, typed commands in three languages, and
what happens to everything else."""

from __future__ import annotations

from typing import Any

import pytest

from bot.service.inputs import command_words
from bot.ui.i18n import Strings
from tests.dialogs.conversation import AdapterConversation

FINDER_QUESTION = "Minkä ikäinen lapsi on?"
CRITERIA_PICK = "Minkä palvelun kriteerit tarkistetaan?"
PROCESS_PICK = "Minkä prosessin ohjeen haluat?"
CARD_PICK = "Minkä palvelun kortin haluat nähdä?"


async def test_the_welcome_card_offers_every_capability_as_a_button(chat: AdapterConversation) -> None:
    await chat.say("hei")

    assert chat.button_titles == [
        "Valitse palvelu",
        "Tarkista palvelun kriteerit",
        "Prosessiohjeet",
        "Näytä palvelukortti",
        "Kysy perehdytyksestä",
        "Anna palautetta ostopalvelusta",
    ]


@pytest.mark.parametrize(
    ("button", "expected"),
    [
        ("Valitse palvelu", FINDER_QUESTION),
        ("Tarkista palvelun kriteerit", CRITERIA_PICK),
        ("Prosessiohjeet", PROCESS_PICK),
        ("Näytä palvelukortti", CARD_PICK),
    ],
)
async def test_each_welcome_button_starts_its_dialog(chat: AdapterConversation, button: str, expected: str) -> None:
    await chat.say("hei")

    assert expected in await chat.press(button)


@pytest.mark.parametrize(
    ("command", "expected"),
    [
        ("valitse palvelu", FINDER_QUESTION),
        ("Välj tjänst", FINDER_QUESTION),
        ("choose service!", FINDER_QUESTION),
        ("tarkista kriteerit", CRITERIA_PICK),
        ("kontrollera kriterier", CRITERIA_PICK),
        ("check criteria", CRITERIA_PICK),
        ("prosessi", PROCESS_PICK),
        ("process", PROCESS_PICK),
        ("näytä kortti", CARD_PICK),
        ("show card", CARD_PICK),
        # Each menu button's title, typed as shown (a client without buttons, or habit).
        ("Välj en tjänst", FINDER_QUESTION),
        ("Kontrollera tjänstens kriterier", CRITERIA_PICK),
        ("Processanvisningar", PROCESS_PICK),
        ("Visa tjänstekort", CARD_PICK),
        ("Choose a service", FINDER_QUESTION),
        ("Check a service's criteria", CRITERIA_PICK),
        ("Process instructions", PROCESS_PICK),
        ("Show a service card", CARD_PICK),
        ("Tarkista palvelun kriteerit", CRITERIA_PICK),
        ("Prosessiohjeet", PROCESS_PICK),
        ("Näytä palvelukortti", CARD_PICK),
    ],
)
async def test_typed_commands_in_finnish_swedish_and_english_start_the_dialogs(chat: AdapterConversation, command: str, expected: str) -> None:
    await chat.say("hei")

    assert expected in await chat.say(command)


async def test_a_command_typed_mid_dialog_switches_to_that_dialog(chat: AdapterConversation) -> None:
    await chat.say("valitse palvelu")
    await chat.press("10–17-vuotias")

    shown = await chat.say("prosessi")

    assert PROCESS_PICK in shown
    assert "Takaisin" in chat.button_titles
    # The finder was left: back now leaves the guide, it does not return to the finder.
    assert "Voinko auttaa vielä jossakin?" in await chat.say("takaisin")


async def test_menu_word_leaves_any_dialog_for_the_menu(chat: AdapterConversation) -> None:
    await chat.say("tarkista kriteerit")

    shown = await chat.say("päävalikko")

    assert "Voinko auttaa vielä jossakin?" in shown


async def test_feedback_is_not_routed_while_its_dialog_does_not_exist(chat: AdapterConversation) -> None:
    await chat.say("hei")

    shown = await chat.say("palaute")

    # Not a command yet: like any other text it goes to the onboarding Q&A.
    assert "palautetta" not in " ".join(chat.button_titles).lower()
    assert FINDER_QUESTION not in shown and PROCESS_PICK not in shown


async def test_other_text_goes_to_the_onboarding_qna(chat: AdapterConversation) -> None:
    await chat.say("hei")

    shown = await chat.say("mikä on testipalvelu")

    assert "Testipalvelu on olemassa vain testejä varten." in shown


async def test_help_at_the_menu_shows_the_welcome_again(chat: AdapterConversation) -> None:
    await chat.say("hei")

    shown = await chat.say("apu")

    assert chat.texts[0].startswith("Hei! Olen Palveluopas")
    assert "Valitse palvelu" in shown


@pytest.mark.parametrize("greeting", ["moi", "Hei!", "hej", "hello"])
async def test_a_greeting_later_in_the_conversation_shows_the_welcome_not_a_failed_search(chat: AdapterConversation, greeting: str) -> None:
    await chat.say("valikko")

    shown = await chat.say(greeting)

    assert chat.texts[0].startswith(("Hei! Olen Palveluopas", "Hej! Jag är Palveluopas", "Hi! I'm Palveluopas"))
    assert "Valitse palvelu" in shown


def test_every_command_phrase_means_one_thing_only() -> None:
    strings = Strings.load()
    seen: dict[str, str] = {}
    for lang in ("fi", "sv", "en"):
        for key in strings.keys(lang):
            if key.startswith("dialogs.commands."):
                name = key.removeprefix("dialogs.commands.")
                for phrase in strings.get(key, lang).split("|"):
                    phrase = phrase.strip().casefold()
                    assert seen.setdefault(phrase, name) == name, f"{phrase!r} is both {seen[phrase]} and {name}"
    assert command_words(strings)["peruuta"] == "cancel"
    assert command_words(strings)["tillbaka"] == "back"
    assert command_words(strings)["help"] == "help"


QNA_ANSWER = "Testipalvelu on olemassa vain testejä varten."


async def _open_card(chat: AdapterConversation) -> None:
    await chat.say("näytä kortti")
    await chat.press("Testitukihenkilö")


async def _finder_result(chat: AdapterConversation) -> None:
    await chat.say("valitse palvelu")
    await chat.press("10–17-vuotias")
    await chat.press("Lapsen tai nuoren oma työskentely")


async def _card_from_the_finder(chat: AdapterConversation) -> None:
    await _finder_result(chat)
    await chat.press("Näytä kortti: Testitukihenkilö")


async def _process_step(chat: AdapterConversation) -> None:
    await chat.say("prosessi")
    await chat.press("Testiprosessi perhesosiaalityössä")


async def _card_from_a_qna_answer(chat: AdapterConversation) -> None:
    await chat.say("hei")
    link = {"pv": {"dialog": "menu", "step": "menu", "action": "start", "value": "card"}, "service": "tukihenkilo"}
    assert (await chat.submit(link)).splitlines()[0] == "Testitukihenkilö"


async def _criteria_summary(chat: AdapterConversation) -> None:
    await chat.say("tarkista kriteerit")
    # The thin test card has no criteria to ask: its check goes straight to the summary.
    assert "Yhteenveto: Testitukiperhe" in await chat.press("Testitukiperhe")


@pytest.mark.parametrize("reach", [_open_card, _finder_result, _card_from_the_finder, _process_step, _card_from_a_qna_answer, _criteria_summary])
async def test_a_question_typed_where_content_is_shown_is_answered_not_reprompted(chat: AdapterConversation, reach: Any) -> None:
    await reach(chat)
    shown_before = chat.shown

    shown = await chat.say("mikä on testipalvelu")

    assert QNA_ANSWER in shown
    assert "En tunnistanut" not in shown
    # The card (result, step) is not sent again.
    assert shown_before.splitlines()[0] not in shown.splitlines()[:1]
    assert "Tarkista kriteerit" not in chat.button_titles and "Seuraava" not in chat.button_titles


async def test_after_a_question_typed_at_a_card_opened_from_the_finder_the_finder_is_over(chat: AdapterConversation) -> None:
    await _card_from_the_finder(chat)
    result = chat.history[-2]

    await chat.say("mikä on testipalvelu")
    shown = await chat.submit(chat.button("Aloita alusta", replies=result))

    # The Q&A, now active, answers the finder's old button as stale; the finder is not resumed.
    assert "ole enää käytössä" in shown
    assert FINDER_QUESTION not in shown and "Palveluehdotukset" not in shown


async def test_a_button_label_typed_at_a_card_still_presses_it(chat: AdapterConversation) -> None:
    await _open_card(chat)

    shown = await chat.say("tarkista kriteerit")  # a command anyway: the check, of the picker
    assert "Minkä palvelun kriteerit tarkistetaan?" in shown

    await _open_card(chat)
    shown = await chat.say("avaa prosesi")  # the card's own button, misspelt
    assert "Minkä prosessin ohjeen haluat?" in shown


async def test_text_typed_at_a_question_is_reprompted_with_how_to_ask_something_else(chat: AdapterConversation) -> None:
    await chat.say("valitse palvelu")

    shown = await chat.say("mikä on testipalvelu")

    assert chat.texts == [
        "En tunnistanut vastausta. Valitse vaihtoehto painikkeella tai kirjoita sen nimi tai numero. Jos haluat kysyä jotain muuta, kirjoita ensin peruuta."
    ]
    assert FINDER_QUESTION in shown
    assert QNA_ANSWER not in shown


async def test_a_name_typed_at_a_card_is_never_echoed_nor_stored(chat: AdapterConversation, sessionmaker: Any) -> None:
    from sqlalchemy import select

    from bot.store.storage import BotStateRow

    await _open_card(chat)

    shown = await chat.say("Matti Virtanen 010203A123B")

    assert "Virtanen" not in shown and "010203A123B" not in shown
    async with sessionmaker() as session:
        stored = "\n".join((await session.execute(select(BotStateRow.document))).scalars())
    assert "Virtanen" not in stored and "010203A123B" not in stored


@pytest.mark.parametrize(("locale", "expected"), [("fi-FI", "Kirjoita kysymyksesi viestinä"), ("sv-SE", "Skriv din fråga"), ("en-US", "Type your question")])
async def test_an_empty_message_says_how_to_ask_not_that_free_text_is_not_understood(chat: AdapterConversation, locale: str, expected: str) -> None:
    chat.locale = locale
    await chat.say("hei")

    shown = await chat.say("   ")

    assert expected in shown
    # The Q&A exists: never the old 'I cannot answer free text yet'.
    assert "vielä osaa" not in shown and "ännu inte" not in shown and "yet" not in shown


@pytest.mark.parametrize(
    ("command", "expected"),
    [
        ("näytä kortti testiperhekuntoutus", ["Testiperhekuntoutus", "Milloin palvelu sopii"]),
        ("Näytä kortti: Testitukihenkilö", ["Testitukihenkilö", "Milloin palvelu ei sovellu"]),
        ("kortti testitukihenkilölle", ["Testitukihenkilö", "Milloin palvelu sopii"]),
        ("visa kort teststödperson", ["Testitukihenkilö", "Milloin palvelu sopii"]),
        ("tarkista kriteerit testitukihenkilö", ["Testitukihenkilö", "Kohta 1/"]),
        ("check criteria testiperhekuntoutus", ["Testiperhekuntoutus", "Kohta 1/"]),
        ("prosessi testiprosessi lastensuojelussa", ["Testiprosessi lastensuojelussa", "Vaihe 1/"]),
        ("process lastensuojelu", ["Testiprosessi lastensuojelussa", "Vaihe 1/"]),
        ("prosessi testitukihenkilö", [PROCESS_PICK, "Palvelu: Testitukihenkilö."]),
    ],
)
async def test_a_command_followed_by_a_name_starts_with_that_service_or_process(chat: AdapterConversation, command: str, expected: list[str]) -> None:
    await chat.say("hei")

    shown = await chat.say(command)

    for part in expected:
        assert part in shown, part
    assert CARD_PICK not in shown and CRITERIA_PICK not in shown


@pytest.mark.parametrize(
    ("command", "expected"), [("näytä kortti jotain ihan muuta", CARD_PICK), ("kriteerit testi", CRITERIA_PICK), ("prosessi kaikki", PROCESS_PICK)]
)
async def test_a_command_followed_by_words_naming_no_single_service_starts_the_dialog_as_usual(chat: AdapterConversation, command: str, expected: str) -> None:
    await chat.say("hei")

    assert expected in await chat.say(command)


async def test_help_and_cancel_words_count_only_alone(chat: AdapterConversation) -> None:
    await chat.say("hei")

    shown = await chat.say("hei mikä on testipalvelu")

    assert QNA_ANSWER in shown


async def test_an_old_menu_button_mid_finder_says_the_finder_was_stopped(chat: AdapterConversation) -> None:
    await chat.say("hei")
    welcome = chat.replies
    await chat.say("valitse palvelu")
    await chat.press("10–17-vuotias")

    shown = await chat.submit(chat.button("Prosessiohjeet", replies=welcome))

    assert chat.texts == ["Keskeytin kesken olleen toiminnon, eikä sen vastauksia säilytetty."]
    assert PROCESS_PICK in shown


async def test_a_menu_button_with_nothing_in_progress_starts_without_a_notice(chat: AdapterConversation) -> None:
    await chat.say("hei")

    await chat.press("Prosessiohjeet")

    assert chat.texts == []
