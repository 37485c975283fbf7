"""The real knowledge base over real HTTP (`create_app`, expectReplies), as a worker meets it:
the presenting-need question keeps the finder's list short; a Swedish-speaking worker reads the
finder, the criteria check (justification included) and the process guide in Swedish; the
child in acute danger is ruled out of family rehabilitation."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from aiohttp.test_utils import TestClient

from bot.service.app import create_app
from bot.service.context import KnowledgeProvider
from bot.service.settings import Settings
from tests.dialogs.conversation import HttpConversation

REAL_KB_ROOT = Path(__file__).resolve().parents[2] / "knowledge"


@pytest.fixture(scope="module")
def real_knowledge() -> KnowledgeProvider:
    return KnowledgeProvider(REAL_KB_ROOT)


async def real_chat(aiohttp_client: Any, database_url: str, knowledge: KnowledgeProvider, locale: str) -> HttpConversation:
    settings = Settings(database_url=database_url, knowledge_root=REAL_KB_ROOT)
    client: TestClient = await aiohttp_client(create_app(settings, knowledge=knowledge))
    return HttpConversation(client, locale=locale)


async def answer_until_result(chat: HttpConversation, answers: dict[str, str], result_marker: str) -> str:
    """Answer each question the finder asks by the option whose label is given for its text."""
    shown = chat.shown
    for _ in range(10):
        if result_marker in shown:
            return shown
        option = next((label for question, label in answers.items() if question in shown), None)
        assert option is not None, f"the finder asked something this test does not answer:\n{shown}"
        shown = await chat.press(option)
    raise AssertionError("the finder never reached its result")


async def test_the_presenting_need_keeps_the_list_short_for_a_12_year_old_with_school_problems(
    aiohttp_client: Any, database_url: str, real_knowledge: KnowledgeProvider
) -> None:
    chat = await real_chat(aiohttp_client, database_url, real_knowledge, "fi-FI")
    await chat.say("valitse palvelu")
    shown = await answer_until_result(
        chat,
        {
            "Mihin tuen tarve ensisijaisesti liittyy?": "Lapsen tai nuoren oma tilanne",
            "Minkä ikäinen lapsi tai nuori on?": "10–17-vuotias",
            "Kenen tilanteeseen tarvitaan muutosta?": "Lapsen tai nuoren oma tilanne (yksilötyö)",
            "Kuinka vahvaa tukea tilanne vaatii?": "Kotiin vietävä tuki riittää",
            "Mikä asiakkuus lapsella tai perheellä on nyt?": "Perhesosiaalityö",
            "Onko lapsella tai nuorella sosiaalihuoltolain mukainen erityisen tuen tarve?": "Kyllä",
        },
        "Palveluehdotukset",
    )

    assert "1. Ammatillinen tukihenkilö" in shown and "2. Tukiperhetoiminta" in shown
    assert "3." not in shown.split("Ei arvioitavissa")[0]
    # The rest in two lines, each with a way to see them.
    assert "Ei arvioitavissa vastausten perusteella: 4 palvelua" in shown
    assert "Muuhun tarpeeseen kuin ”Lapsen tai nuoren oma tilanne”: 3 palvelua" in shown
    # Never the pilot: it is knowledge, not a service to order.
    assert "Monitoimijainen perhetyö" not in shown
    # Why it fits names the answer it was read from.
    assert "(päätelty vastauksesta ”Lapsen tai nuoren oma tilanne”)" in shown


async def test_a_swedish_speaking_worker_meets_the_finder_the_check_and_the_guide_in_swedish(
    aiohttp_client: Any, database_url: str, real_knowledge: KnowledgeProvider
) -> None:
    chat = await real_chat(aiohttp_client, database_url, real_knowledge, "sv-SE")
    await chat.say("välj tjänst")
    shown = await answer_until_result(
        chat,
        {
            "Vad gäller stödbehovet i första hand?": "Hela familjens situation",
            "Hur gammal är barnet eller den unga?": "Under 7 år",
            "Vems situation behöver förändras?": "Hela familjen eller föräldraskapet – föräldrarna behöver stöd för att stödja barnet",
            "Hur starkt stöd kräver situationen?": "Stöd dygnet runt utanför hemmet behövs",
            "Vilken klientrelation har barnet eller familjen nu?": "Barnskydd",
            "Är barnet i vård utom hemmet?": "Nej",
        },
        "Familjerehabilitering dygnet runt",
    )
    assert "Målinriktad rehabilitering av hela familjen utanför hemmet" in shown
    assert "Ympärivuorokautinen" not in shown and "Koko perheen" not in shown

    shown = await chat.press("Kontrollera kriterier: Familjerehabilitering dygnet runt")
    assert "Har familjen allvarliga problem" in shown
    for _ in range(12):
        if "Är barnet i akut fara?" in shown:
            shown = await chat.press("Ja")
            break
        shown = await chat.press("Ja" if "Har familjen" in shown or "Är familjen villig" in shown else "Nej")
    for _ in range(12):
        if "Sammanfattning" in shown:
            break
        shown = await chat.press("Nej")
    assert "Tjänsten passar inte" in shown
    assert "Motivering: Familjerehabilitering dygnet runt" in shown
    assert "Konstaterat, utesluter tjänsten: Barnet är i akut fara." in shown
    assert "Perustelut" not in shown and "Lapsi on akuutissa vaarassa" not in shown

    await chat.say("meny")
    if "Processanvisningar" in chat.button_titles:
        await chat.press("Processanvisningar")
    shown = await chat.press("Att ordna en tjänst inom barnskyddet")
    assert "Vägen för socialarbetaren som ansvarar för barnets angelägenheter" in shown
    assert "Fundera på om du föreslår en tjänst" in shown
    assert "Källan nämner ämnet men beskriver inte dess innehåll." in shown
    assert "Lähde 000" not in shown and "Tarkista" not in shown
