"""Criteria check end to end through the TestAdapter, on the dialog tests' knowledge base."""

from __future__ import annotations

import re

import pytest

from bot.ui.i18n import LANGUAGES, Strings
from domain.criteria import ReasonCode
from tests.dialogs.conversation import AdapterConversation

HETU = re.compile(r"\d{6}[-+A-FU-Y]\d{3}[0-9A-Z]")


def justification_field(chat: AdapterConversation) -> str:
    card = chat.cards[-1]
    value: str = next(e for e in card["body"] if e.get("type") == "Input.Text")["value"]
    return value


async def check(chat: AdapterConversation, service: str, *answers: str) -> str:
    """Start the criteria check, pick `service`, tap the answers; what the last turn showed."""
    await chat.say("tarkista kriteerit")
    return await check_answers(chat, service, *answers)


async def check_answers(chat: AdapterConversation, service: str, *answers: str) -> str:
    """Pick `service` on the shown service choice and tap the answers."""
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
    shown = await check(chat, "Testiperhekuntoutus", "Ei")

    # The unmet criterion decides it: the rest is not asked, and the worker is told why.
    assert "Arvio on jo selvä" in shown
    assert "Palvelu ei sovellu" in shown
    assert "Puhuu palvelua vastaan" in shown
    assert "- Perheen ongelmat ovat vakavia eikä kotiin vietävä tuki riitä." in shown


async def test_an_applying_contra_indication_offers_the_alternatives_as_buttons_to_their_cards(chat: AdapterConversation) -> None:
    shown = await check(chat, "Testiperhekuntoutus", "Kyllä", "Kyllä")

    assert "Palvelu ei sovellu" in shown
    assert "Harkitse sen sijaan" in shown
    card = await chat.press("Näytä kortti: Testitukihenkilö")
    assert card.splitlines()[0] == "Testitukihenkilö"
    back = await chat.press("Takaisin")
    assert "Yhteenveto: Testiperhekuntoutus" in back


async def test_a_dont_know_answer_means_it_cannot_be_assessed_yet_with_the_unknown_items_listed(chat: AdapterConversation) -> None:
    shown = await check(chat, "Testiperhekuntoutus", "Kyllä", "En tiedä", "Ei")

    assert "Ei vielä arvioitavissa" in shown
    assert "Harkitse tarkkaan" not in shown
    assert "- Soveltuvuutta ei voi vielä arvioida: selvitettävää on vielä 1 kohta." in shown
    unknown = shown[shown.index("Selvitettävä") :]
    assert "- Puuttuuko perheeltä koti, jossa kotiharjoittelu onnistuu?" in unknown


async def test_dont_know_to_everything_does_not_say_the_service_may_fit(chat: AdapterConversation) -> None:
    shown = await check(chat, "Testiperhekuntoutus", "En tiedä", "En tiedä", "En tiedä")

    assert "Ei vielä arvioitavissa" in shown
    assert "- Soveltuvuutta ei voi vielä arvioida: selvitettävää on vielä 3 kohtaa." in shown
    justification = justification_field(chat)
    assert "Palvelun soveltuvuutta ei voida vielä arvioida, koska yhtäkään kohtaa ei ole vielä selvitetty." in justification
    assert "voi soveltua" not in justification
    to_find_out = justification[justification.index("Vielä selvitettävä, pitääkö paikkansa:") :]
    for statement in ("Perheellä on vakavia ongelmia, joihin kotiin vietävä tuki ei riitä.", "Huoltajalla on akuutti päihdeongelma."):
        assert f"- {statement}" in to_find_out


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


# --- Special consideration (an 8-year-old and the support person) -----------------------------


async def test_a_criterion_allowed_after_special_consideration_offers_that_as_a_fourth_answer(chat: AdapterConversation) -> None:
    shown = await check(chat, "Testitukihenkilö")

    assert "**Onko lapsi 10–17-vuotias?**" in shown
    assert chat.button_titles[:4] == ["Kyllä", "Ei", "En tiedä", "Vain erityisellä harkinnalla"]
    assert "”Vain erityisellä harkinnalla”: kun palvelun valinnassa vastaus kysymykseen ”Minkä ikäinen lapsi on?” on ”7–9-vuotias”." in shown

    shown = await chat.press("Vain erityisellä harkinnalla")
    assert "Kohta 2/5" in shown
    assert "Vain erityisellä harkinnalla" not in chat.button_titles  # only where the card allows it
    for answer in ("Kyllä", "Kyllä", "Ei", "Ei"):
        shown = await chat.press(answer)

    assert "Harkitse tarkkaan" in shown and "Palvelu ei sovellu" not in shown
    assert "- Palvelu voi soveltua, mutta vain erityisellä harkinnalla." in shown
    assert "- Täyttyy vain erityisellä harkinnalla: ”Lapsi on 10–17-vuotias.”" in shown
    assert "Erityistä harkintaa vaativat soveltuvuusperusteet:\n- Lapsi on 10–17-vuotias." in justification_field(chat)


async def test_the_same_age_through_the_finder_is_not_asked_again_and_reads_the_same(chat: AdapterConversation) -> None:
    await chat.say("valitse palvelu")
    await chat.press("7–9-vuotias")
    shown = await chat.press("Lapsen tai nuoren oma työskentely")
    while "Tarkista kriteerit: Testitukihenkilö" not in chat.button_titles:
        shown = await chat.press(chat.button_titles[0])
    shown = await chat.press("Tarkista kriteerit: Testitukihenkilö")

    assert "Onko lapsi 10–17-vuotias?" not in shown
    for _ in range(5):
        if "Yhteenveto" in shown:
            break
        shown = await chat.press("Ei" if "Milloin palvelu ei sovellu" in shown else "Kyllä")
    assert "Harkitse tarkkaan" in shown
    assert "- Täyttyy vain erityisellä harkinnalla: ”Lapsi on 10–17-vuotias.”" in shown


# --- The justification -------------------------------------------------------------------------


async def test_a_ruled_out_justification_gives_the_deciding_reasons_first_and_no_tasks(chat: AdapterConversation) -> None:
    shown = await check(chat, "Testiperhekuntoutus", "Kyllä", "Kyllä")

    justification = justification_field(chat)
    assert justification.index("Palvelu ei sovellu, koska:\n- Perheeltä puuttuu koti, jossa kotiharjoittelu onnistuu.") < justification.index(
        "Täyttyvät soveltuvuusperusteet:\n- Perheellä on vakavia ongelmia, joihin kotiin vietävä tuki ei riitä."
    )
    assert "Harkitut vaihtoehtoiset palvelut:\n- Testitukihenkilö" in justification
    assert "Tehtävät ennen palvelua" not in justification and "Tarkistuslista" not in shown
    assert " Kyllä." not in justification and "?" not in justification
    assert justification.count("Lähde:") == 1


# --- Languages ---------------------------------------------------------------------------------


async def check_in(chat: AdapterConversation, locale: str, command: str, *answers: str) -> str:
    """`check` in another UI language: the command and answers in that language."""
    chat.locale = locale
    await chat.say(command)
    return await check_answers(chat, "Testiperhekuntoutus", *answers)


async def test_english_ui_words_the_reasons_in_english_and_says_the_justification_is_finnish(chat: AdapterConversation) -> None:
    shown = await check_in(chat, "en-US", "check criteria", "Yes", "No", "Yes")

    assert "The service does not fit" in shown
    assert "- The service does not fit the situation, based on the answers given." in shown
    assert "- Rules the service out and applies: “Huoltajalla on akuutti päihdeongelma.”" in shown
    for finnish in ("Palvelu ei sovellu tilanteeseen annettujen", "Soveltuvuusperuste ei täyty:", "Poissulkeva tekijä koskee"):
        assert finnish not in shown.split("Show the justification as text")[0]
    assert "Justification in Finnish, like the knowledge base." in shown
    assert justification_field(chat).startswith("Perustelut: Testiperhekuntoutus")


async def test_swedish_ui_words_an_undetermined_summary_in_swedish(chat: AdapterConversation) -> None:
    shown = await check_in(chat, "sv-SE", "kontrollera kriterier", "Vet inte", "Nej", "Nej")

    assert "Kan inte bedömas ännu" in shown
    assert "- Lämpligheten kan inte bedömas ännu: 1 punkt återstår att utreda." in shown
    assert "Motiveringen är på finska, som kunskapsbasen." in shown
    assert "Soveltuvuutta ei voi" not in shown.split("Visa motiveringen som text")[0]


async def test_the_finnish_ui_shows_no_language_note_above_the_justification(chat: AdapterConversation) -> None:
    shown = await check(chat, "Testiperhekuntoutus", "Kyllä", "Ei", "Ei")

    assert "Perustelut ovat suomeksi" not in shown


@pytest.mark.parametrize("lang", LANGUAGES)
def test_every_criteria_string_exists_in_every_language(lang: str) -> None:
    strings = Strings.load()
    keys = {key for key in strings.keys(lang) if key.startswith("criteria.")}
    assert keys == {key for key in strings.keys("fi") if key.startswith("criteria.")}
    needed = {f"criteria.reason.{code.value}" for code in ReasonCode} | {"criteria.reason.undetermined_one"}
    needed |= {"criteria.answer.consider", "criteria.consider_when", "criteria.verdict.undetermined", "criteria.not_assessed", "criteria.justification_language"}
    assert needed <= keys


# --- Service choice and sources ----------------------------------------------------------------


async def test_the_service_choice_is_sorted_by_the_name_the_user_sees(chat: AdapterConversation) -> None:
    chat.locale = "sv-SE"
    await chat.say("kontrollera kriterier")

    # By file id it would be perhekuntoutus, tukihenkilo (Teststödperson), tukiperhe.
    assert chat.button_titles[:3] == ["Testiperhekuntoutus", "Testitukiperhe", "Teststödperson"]


async def test_the_source_is_shown_on_the_first_question_and_the_summary_only(chat: AdapterConversation) -> None:
    shown = await check(chat, "Testiperhekuntoutus")
    assert "Lähde: " in shown

    shown = await chat.press("Kyllä")
    assert "Kohta 2/3" in shown and "Lähde: " not in shown
    await chat.press("Ei")
    shown = await chat.press("Ei")
    assert "Yhteenveto" in shown and "Lähde: " in shown
