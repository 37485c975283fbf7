"""Process guide end to end through the TestAdapter, on the dialog tests' knowledge base."""

from __future__ import annotations

from tests.dialogs.conversation import AdapterConversation

FAMILY = "Testiprosessi perhesosiaalityössä"


async def guide(chat: AdapterConversation, process: str = FAMILY) -> str:
    await chat.say("prosessi")
    return await chat.press(process)


async def test_the_guide_offers_family_social_work_child_protection_and_the_feedback_loop(chat: AdapterConversation) -> None:
    shown = await chat.say("prosessi")

    assert "Minkä prosessin ohjeen haluat?" in shown
    assert chat.button_titles[:3] == [FAMILY, "Testiprosessi lastensuojelussa", "Testipalaute"]


async def test_a_step_says_what_to_do_who_in_which_system_and_by_when_with_its_source(chat: AdapterConversation) -> None:
    shown = await guide(chat)

    assert "Vaihe 1/2: Valmistelu" in shown
    assert "Askel 1/2: Arvioi tarve" in shown
    assert "Arvioi asiakkaan tarve periaatekortin avulla." in shown
    assert "Kuka: Omatyöntekijä" in shown
    assert "Järjestelmä: Effica" in shown
    assert "Aikataulu: Ennen esitystä" in shown
    assert "Lähde: Perhesosiaalityön ja lastensuojelun yhdenmukaisten palvelujen järjestämisen periaatteet ja prosessi: Testivalmistelu" in shown


async def test_an_incomplete_step_says_once_and_quietly_what_the_source_leaves_open(chat: AdapterConversation) -> None:
    await guide(chat)

    shown = await chat.press("Seuraava")

    assert "Askel 2/2: Pyydä tukea" in shown
    # Who is always answered; the source's silence is said, never filled in.
    assert "Kuka: Lähde ei kerro" in shown
    # System and deadline only where a source gives them: no row of "does not say".
    assert "Järjestelmä:" not in shown and "Aikataulu:" not in shown
    assert shown.count("Lähde nimeää tuen, mutta ei kerro, miten sitä pyydetään.") == 1
    # The curator's note (what is missing, where to look) is not for the worker.
    assert "Kuraattorille" not in shown and "puutteellinen" not in shown


async def test_next_previous_and_jump_to_phase_move_through_the_steps(chat: AdapterConversation) -> None:
    await guide(chat)
    await chat.press("Seuraava")
    shown = await chat.press("Seuraava")
    assert "Vaihe 2/2: Esitys" in shown and "Tee esitys Laavaan" in shown
    # Without a service, a service's own step is not on the route: this is the last step.
    assert "Tämä on prosessin viimeinen askel." in shown
    assert "Seuraava" not in chat.button_titles

    shown = await chat.press("Edellinen")
    assert "Askel 2/2: Pyydä tukea" in shown

    shown = await chat.press("1. Valmistelu")
    assert "Askel 1/2: Arvioi tarve" in shown
    shown = await chat.press("2. Esitys")
    assert "Tee esitys Laavaan" in shown


async def test_typed_next_and_back_words_move_too(chat: AdapterConversation) -> None:
    await guide(chat)

    assert "Pyydä tukea" in await chat.say("seuraava")
    assert "Arvioi tarve" in await chat.say("takaisin")
    assert "Minkä prosessin ohjeen haluat?" in await chat.say("takaisin")


async def test_the_menu_button_leaves_the_guide_for_the_main_menu(chat: AdapterConversation) -> None:
    await guide(chat)

    shown = await chat.press("Päävalikko")

    assert "Voinko auttaa vielä jossakin?" in shown


async def test_started_from_a_service_card_the_guide_includes_that_services_own_steps(chat: AdapterConversation) -> None:
    await chat.say("näytä kortti")
    await chat.press("Testitukihenkilö")
    await chat.press("Avaa prosessi")
    shown = await chat.press(FAMILY)
    assert "Palvelu: Testitukihenkilö." not in shown  # shown on the choice card, not each step

    await chat.press("2. Esitys")
    shown = await chat.press("Seuraava")

    assert "Askel 2/2: Sovi tukihenkilön tavoitteet" in shown
    assert "Tämä askel koskee juuri tätä palvelua." in shown


async def test_a_stale_step_button_is_refused_and_the_current_step_shown(chat: AdapterConversation) -> None:
    await guide(chat)
    first = chat.replies
    await chat.press("Seuraava")

    shown = await chat.submit(chat.button("Seuraava", replies=first))

    assert chat.texts == ["Tämä painike ei ole enää käytössä. Jatketaan tästä kohdasta."]
    assert "Askel 2/2: Pyydä tukea" in shown


async def test_unknown_text_at_the_process_choice_is_reprompted(chat: AdapterConversation) -> None:
    await chat.say("prosessi")

    shown = await chat.say("sijaishuolto")

    assert chat.texts[0].startswith("En tunnistanut vastausta.")
    assert "Minkä prosessin ohjeen haluat?" in shown


async def test_a_link_to_a_step_opens_the_guide_at_that_step(chat: AdapterConversation) -> None:
    await chat.say("hei")
    link = {
        "pv": {"dialog": "menu", "step": "menu", "action": "start", "value": "process"},
        "process": "testi-perhesosiaalityo",
        "step": "testi-perhesosiaalityo.esitys.tukihenkilo-tilaus",
    }

    shown = await chat.submit(link)

    # The step is one service's own: the guide takes that service so the step is on the route.
    assert "Sovi tukihenkilön tavoitteet" in shown
    assert "Vaihe 2/2: Esitys" in shown


async def test_the_first_screen_says_what_the_process_is_who_does_what_and_what_the_source_lacks(chat: AdapterConversation) -> None:
    shown = await guide(chat)

    before_steps = shown.split("Vaihe 1/2: Valmistelu", 1)[0]
    assert "Omatyöntekijän polku testissä." in before_steps
    # The process's curator note stays in the file.
    assert "Testilähde nimeää vaiheet vain lastensuojelun otsikon alla." not in before_steps
    assert "Kuka tekee mitä\n- Omatyöntekijä: arvioi tarpeen ja tekee esityksen." in before_steps

    # Said once, on the first screen; the steps after it keep to the step.
    shown = await chat.press("Seuraava")
    assert "Omatyöntekijän polku testissä." not in shown
    assert "Lähde nimeää tuen, mutta ei kerro" in shown  # the step's own quiet line


async def test_a_complete_process_has_no_incomplete_note(chat: AdapterConversation) -> None:
    shown = await guide(chat, "Testiprosessi lastensuojelussa")

    assert "Lapsen asioista vastaavan sosiaalityöntekijän polku testissä." in shown
    assert "puutteellinen" not in shown.split("Askel 1/", 1)[0]
