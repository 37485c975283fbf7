"""Criteria check end to end through the TestAdapter, on the dialog tests' knowledge base."""

from __future__ import annotations

import re

from tests.dialogs.conversation import AdapterConversation

HETU = re.compile(r"\d{6}[-+A-FU-Y]\d{3}[0-9A-Z]")


async def check(chat: AdapterConversation, service: str, *answers: str) -> str:
    """Start the criteria check, pick `service`, tap the answers; what the last turn showed."""
    await chat.say("tarkista kriteerit")
    shown = await chat.press(service)
    for answer in answers:
        shown = await chat.press(answer)
    return shown


async def test_criteria_check_offers_every_service_of_the_knowledge_base(chat: AdapterConversation) -> None:
    shown = await chat.say("tarkista kriteerit")

    assert "Minkä palvelun kriteerit tarkistetaan?" in shown
    assert chat.button_titles[:3] == ["Testiperhekuntoutus", "Testitukihenkilö", "Testitukiperhe"]


async def test_each_criterion_and_contra_indication_is_a_yes_no_dont_know_question(chat: AdapterConversation) -> None:
    shown = await check(chat, "Testiperhekuntoutus")

    assert "Kohta 1/3" in shown
    assert "Milloin palvelu sopii" in shown
    assert "**Onko perheellä vakavia ongelmia, joihin kotiin vietävä tuki ei riitä?**" in shown
    assert chat.button_titles == ["Kyllä", "Ei", "En tiedä", "Takaisin", "Peruuta", "Ohje"]
    assert "Lähde: Perhesosiaalityön ja lastensuojelun yhdenmukaisten palvelujen järjestämisen periaatteet ja prosessi: Testiperhekuntoutuksen kortti" in shown

    shown = await chat.press("Kyllä")
    assert "Kohta 2/3" in shown and "Milloin palvelu ei sovellu" in shown
    assert "Puuttuuko perheeltä koti, jossa kotiharjoittelu onnistuu?" in shown


async def test_all_favourable_answers_give_fits_with_checklist_duration_and_justification(chat: AdapterConversation) -> None:
    shown = await check(chat, "Testiperhekuntoutus", "Kyllä", "Ei", "Ei")

    assert "Yhteenveto: Testiperhekuntoutus" in shown
    assert "Palvelu sopii" in shown
    assert "- Kaikki palvelun soveltuvuusperusteet täyttyvät, eikä mikään poissulkeva tekijä koske tilannetta." in shown
    checklist = shown[shown.index("Tarkistuslista") :]
    for item in ("Lähete", "Päätös", "Tutustumiskäynti perheen kanssa", "Aloitusneuvottelu", "Välineuvottelu kuukauden välein"):
        assert f"- ☐ {item}" in checklist
    assert "Ensimmäinen jakso: 3 kk" in shown
    assert "Vähintään: 3 kk" in shown and "Enintään: 6 kk" in shown
    assert "Jatko: Kuukausi kerrallaan" in shown


async def test_the_justification_is_ready_to_paste_names_no_one_and_leaves_the_decision_to_the_professional(chat: AdapterConversation) -> None:
    await check(chat, "Testiperhekuntoutus", "Kyllä", "Ei", "Ei")

    card = chat.cards[-1]
    field = next(e for e in card["body"] if e.get("type") == "Input.Text")
    justification = field["value"]
    assert field["isMultiline"] is True
    assert justification.startswith("Perustelut: Testiperhekuntoutus")
    assert "Päätöksen palvelusta tekee vastuussa oleva ammattilainen" in justification
    assert not HETU.search(justification)
    assert "Testikäyttäjä" not in justification  # the worker's display name never leaks in
    # Text renderings (terminal chat, channels without cards) show no input's value: the
    # text is there once more, folded under a button.
    assert "Näytä perustelut tekstinä:" in chat.shown
    for line in filter(None, justification.splitlines()):
        assert line.strip() in chat.messages[-1]["summary"]


async def test_a_no_to_a_criterion_means_does_not_fit_with_the_unmet_criterion_named(chat: AdapterConversation) -> None:
    shown = await check(chat, "Testiperhekuntoutus", "Ei", "Ei", "Ei")

    assert "Palvelu ei sovellu" in shown
    assert "Puhuu palvelua vastaan" in shown
    assert "- Perheen ongelmat ovat vakavia eikä kotiin vietävä tuki riitä." in shown


async def test_an_applying_contra_indication_offers_the_alternatives_as_buttons_to_their_cards(chat: AdapterConversation) -> None:
    shown = await check(chat, "Testiperhekuntoutus", "Kyllä", "Kyllä", "Ei")

    assert "Palvelu ei sovellu" in shown
    assert "Harkitse sen sijaan" in shown
    card = await chat.press("Näytä kortti: Testitukihenkilö")
    assert card.splitlines()[0] == "Testitukihenkilö"
    back = await chat.press("Takaisin")
    assert "Yhteenveto: Testiperhekuntoutus" in back


async def test_dont_know_answers_give_consider_carefully_with_the_unknown_items_listed(chat: AdapterConversation) -> None:
    shown = await check(chat, "Testiperhekuntoutus", "Kyllä", "En tiedä", "Ei")

    assert "Harkitse tarkkaan" in shown
    unknown = shown[shown.index("Selvitettävä") :]
    assert "- Puuttuuko perheeltä koti, jossa kotiharjoittelu onnistuu?" in unknown


async def test_a_thin_card_is_never_a_firm_fit_and_says_why(chat: AdapterConversation) -> None:
    shown = await check(chat, "Testitukiperhe")

    # No criteria to ask: straight to the summary.
    assert "Yhteenveto: Testitukiperhe" in shown
    assert "Harkitse tarkkaan" in shown
    assert "Lähde ei kerro, milloin palvelu sopii." in shown


async def test_back_mid_check_undoes_the_last_answer(chat: AdapterConversation) -> None:
    await check(chat, "Testiperhekuntoutus", "Kyllä")

    shown = await chat.say("takaisin")

    assert "Kohta 1/3" in shown
    shown = await chat.say("takaisin")
    assert "Minkä palvelun kriteerit tarkistetaan?" in shown


async def test_back_from_the_summary_returns_to_the_last_question(chat: AdapterConversation) -> None:
    await check(chat, "Testiperhekuntoutus", "Kyllä", "Ei", "Ei")

    shown = await chat.press("Takaisin")

    assert "Kohta 3/3" in shown and "Onko huoltajalla akuutti päihdeongelma?" in shown


async def test_cancel_mid_check_ends_it(chat: AdapterConversation) -> None:
    await check(chat, "Testiperhekuntoutus", "Kyllä")

    shown = await chat.say("peruuta")

    assert "Selvä, keskeytin sen." in chat.texts
    assert "Voinko auttaa vielä jossakin?" in shown


async def test_a_stale_answer_button_is_refused_and_not_recorded(chat: AdapterConversation) -> None:
    await check(chat, "Testiperhekuntoutus")
    first = chat.replies
    await chat.press("Kyllä")

    shown = await chat.submit(chat.button("Ei", replies=first))

    assert chat.texts == ["Tämä painike ei ole enää käytössä. Jatketaan tästä kohdasta."]
    assert "Kohta 2/3" in shown
    await chat.press("Ei")
    summary = await chat.press("Ei")
    assert "Palvelu sopii" in summary  # the stale "Ei" to the first criterion was not recorded


async def test_unknown_text_at_a_criterion_is_reprompted(chat: AdapterConversation) -> None:
    await check(chat, "Testiperhekuntoutus")

    shown = await chat.say("riippuu päivästä")

    assert chat.texts[0].startswith("En tunnistanut vastausta.")
    assert "Kohta 1/3" in shown


async def test_typed_yes_in_swedish_ui_answers_and_the_ui_is_swedish_while_content_stays_finnish(chat: AdapterConversation) -> None:
    chat.locale = "sv-SE"
    await chat.say("kontrollera kriterier")
    shown = await chat.press("Testiperhekuntoutus")

    assert "Punkt 1/3" in shown and "När tjänsten passar" in shown
    assert chat.button_titles[:3] == ["Ja", "Nej", "Vet inte"]
    assert "Onko perheellä vakavia ongelmia" in shown  # content in Finnish
    shown = await chat.say("ja")
    assert "Punkt 2/3" in shown


async def test_english_ui_shows_the_verdict_in_english(chat: AdapterConversation) -> None:
    chat.locale = "en-US"
    await chat.say("check criteria")
    await chat.press("Testiperhekuntoutus")
    await chat.press("Yes")
    await chat.press("No")
    shown = await chat.press("No")

    assert "Summary: Testiperhekuntoutus" in shown
    assert "The service fits" in shown
    assert "Justification (copy into the record)" in shown


async def test_process_from_the_summary_opens_the_guide_for_that_service(chat: AdapterConversation) -> None:
    await check(chat, "Testitukihenkilö", "Kyllä", "Kyllä", "Kyllä", "Ei", "Ei")

    shown = await chat.press("Avaa prosessi")

    assert "Palvelu: Testitukihenkilö." in shown
    assert "Minkä prosessin ohjeen haluat?" in shown
