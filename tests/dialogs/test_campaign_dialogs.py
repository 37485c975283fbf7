"""The supervisors' dialogs over HTTP with the loopback connector: `palautepyyntö` to the
workers of a service line (preview, confirm, one prompt each), the prompt's button opening the
feedback dialog prefilled and the report counted as answered, `palautepyynnöt` with its
counts, `palauteyhteenveto` as a table, and a worker without the role refused."""

from __future__ import annotations

from collections.abc import AsyncIterator
from dataclasses import replace
from datetime import date, timedelta
from typing import Any

import pytest
from aiohttp.test_utils import TestClient
from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot.service.context import KnowledgeProvider
from bot.service.settings import Settings
from bot.store.campaign_store import CampaignStore
from bot.store.campaigns import Campaign, ExportLink
from bot.store.feedback import FeedbackStore, NewReport
from bot.store.people import NO_LINE, ConversationAddress, Identity, PeopleStore
from bot.ui.cards.text import render_card_text
from tests.support.campaigns import campaign_settings, start_app, worker
from tests.support.clock import ManualClock
from tests.support.http import MESSAGES_PATH, activity, send
from tests.support.replies import button, cards, shown_text
from tests.support.scripted_channel import Reply, ScriptedChannel

SUPERVISOR = "29:supervisor"
WORKERS = ("29:maija", "29:matti", "29:minna")
TENANT = {"tenant": {"id": "tenant-1"}}


@pytest.fixture
async def channel() -> AsyncIterator[ScriptedChannel]:
    stand_in = await ScriptedChannel().start()
    yield stand_in
    await stand_in.close()


@pytest.fixture
def clock() -> ManualClock:
    return ManualClock()


@pytest.fixture
async def client(aiohttp_client: Any, settings: Settings, knowledge: KnowledgeProvider, clock: ManualClock) -> TestClient:
    return await start_app(aiohttp_client, campaign_settings(replace(settings, admins=())), knowledge, clock)


async def say(
    client: TestClient, channel: ScriptedChannel, user: str, text: str | None = None, value: Any = None, locale: str = "fi-FI"
) -> list[dict[str, Any]]:
    """A message in the user's 1:1 chat (`personal:<id>`), as Teams sends it."""
    return await send(
        client,
        text=text,
        value=value,
        locale=locale,
        user_id=user,
        conversation_id=f"personal:{user}",
        service_url=channel.service_url,
        channel_id="msteams",
        channelData=TENANT,
    )


async def press(client: TestClient, channel: ScriptedChannel, user: str, replies: list[dict[str, Any]], title: str, **inputs: str) -> list[dict[str, Any]]:
    return await say(client, channel, user, value={**button(replies, title), **inputs})


async def press_each(client: TestClient, channel: ScriptedChannel, user: str, replies: list[dict[str, Any]], *titles: str) -> list[dict[str, Any]]:
    """Clicks the buttons titled `titles`, each on the card the one before it brought."""
    for title in titles:
        replies = await press(client, channel, user, replies, title)
    return replies


async def open_prompt(client: TestClient, channel: ScriptedChannel, user: str) -> list[dict[str, Any]]:
    """The worker presses the button of the one feedback request delivered to their 1:1 chat."""
    [prompt] = channel.activities(f"personal:{user}")
    return await say(client, channel, user, value=prompt["attachments"][0]["content"]["actions"][0]["data"])


async def period_to_summary(client: TestClient, channel: ScriptedChannel, user: str, replies: list[dict[str, Any]], rating: str) -> list[dict[str, Any]]:
    """A worker's report from its period card to the summary: a period, one rating, no concern, no details."""
    replies = await press(client, channel, user, replies, "Jatka", period_start="2026-01-05", period_end="2026-02-20")
    replies = await press(client, channel, user, replies, "Jatka", rating_goals=rating)
    return await press_each(client, channel, user, replies, "Ei huolta", "Ei lisätietoja")


@pytest.fixture
async def line_workers(client: TestClient, channel: ScriptedChannel, sessionmaker: async_sessionmaker[AsyncSession]) -> None:
    """The supervisor and three workers of family social work have talked to the bot."""
    people = PeopleStore(sessionmaker)
    for user in (SUPERVISOR, *WORKERS):
        await say(client, channel, user, "hei")
    supervisor = await people.ensure_user(Identity(SUPERVISOR))
    await people.grant(supervisor, "supervisor", NO_LINE, by=None, source="command")
    for user in WORKERS:
        await people.grant(await people.ensure_user(Identity(user)), "member", "perhesosiaalityo", by=supervisor, source="command")
    await FeedbackStore(sessionmaker).add_provider("Perhepalvelu Oy", by=supervisor)
    channel.received.clear()


async def _request(client: TestClient, channel: ScriptedChannel) -> list[dict[str, Any]]:
    replies = await say(client, channel, SUPERVISOR, "palautepyyntö")
    assert "Mistä palvelusta pyydät palautetta?" in shown_text(replies)
    replies = await press(client, channel, SUPERVISOR, replies, "Testipalvelu")
    replies = await say(client, channel, SUPERVISOR, "perhepalvelu oy")
    replies = await press(client, channel, SUPERVISOR, replies, "Perhesosiaalityö")
    replies = await press(client, channel, SUPERVISOR, replies, "Palvelulinjan Perhesosiaalityö työntekijät (3)")
    replies = await press(client, channel, SUPERVISOR, replies, "2 viikon päästä")
    replies = await say(client, channel, SUPERVISOR, "Kiitos vastauksista!")
    return await press(client, channel, SUPERVISOR, replies, "Lähetä nyt")


async def test_a_supervisor_previews_confirms_and_each_worker_of_the_line_gets_one_prompt(
    client: TestClient, channel: ScriptedChannel, sessionmaker: async_sessionmaker[AsyncSession], line_workers: None
) -> None:
    preview = await _request(client, channel)
    text = shown_text(preview)
    assert (
        "Vastaanottaja näkee tämän kortin:" in text and "Palautepyyntö: Testipalvelu" in text and "Perhepalvelu Oy" in text and "Kiitos vastauksista!" in text
    )
    async with sessionmaker() as session:
        assert (await session.execute(select(func.count()).select_from(Campaign))).scalar_one() == 0  # nothing before confirming

    done = await press(client, channel, SUPERVISOR, preview, "Lähetä palautepyyntö")
    await worker(client).settle()

    assert "Palautepyyntö lähtee 3 vastaanottajalle" in shown_text(done)
    assert channel.delivered() == {f"personal:{user}": 1 for user in WORKERS}
    assert all(r.body["type"] == "message" for r in channel.received)


async def test_the_prompt_opens_the_feedback_dialog_prefilled_and_the_report_counts_as_answered(
    client: TestClient, channel: ScriptedChannel, sessionmaker: async_sessionmaker[AsyncSession], line_workers: None
) -> None:
    await press(client, channel, SUPERVISOR, await _request(client, channel), "Lähetä palautepyyntö")
    await worker(client).settle()
    replies = await open_prompt(client, channel, "29:maija")
    assert "Arvioinnin jakso" in shown_text(replies) or "jakso" in shown_text(replies).lower()
    replies = await period_to_summary(client, channel, "29:maija", replies, rating="4")
    assert "Testipalvelu" in shown_text(replies) and "Perhepalvelu Oy" in shown_text(replies)
    await press(client, channel, "29:maija", replies, "Lähetä")

    [view] = await CampaignStore(sessionmaker).campaigns_of(SUPERVISOR)
    assert view.counts.answered == 1 and view.counts.sent == 3
    status = await say(client, channel, SUPERVISOR, "palautepyynnöt")
    assert "Vastaanottajia 3: lähetetty 3, epäonnistui 0, epävarma 0, vastannut 1, odottaa 0" in shown_text(status)


async def test_a_request_about_every_service_of_a_line_lets_the_worker_choose_the_service_and_counts_the_report(
    client: TestClient, channel: ScriptedChannel, sessionmaker: async_sessionmaker[AsyncSession], line_workers: None
) -> None:
    replies = await say(client, channel, SUPERVISOR, "palautepyyntö")
    whole_line = ("Kaikki palvelulinjan palvelut", "Kaikki palveluntuottajat", "Perhesosiaalityö", "Palvelulinjan Perhesosiaalityö työntekijät (3)")
    preview = await press_each(client, channel, SUPERVISOR, replies, *whole_line, "2 viikon päästä", "Ei saatetta", "Lähetä nyt")
    assert "Palautepyyntö: palvelulinjan perhesosiaalityö palvelut" in shown_text(preview)
    assert "palautetta palvelulinjan perhesosiaalityö ostopalveluista. Valitse palvelu" in shown_text(preview)

    await press(client, channel, SUPERVISOR, preview, "Lähetä palautepyyntö")
    await worker(client).settle()
    assert channel.delivered() == {f"personal:{user}": 1 for user in WORKERS}
    replies = await open_prompt(client, channel, "29:matti")
    assert "Mistä palvelusta annat palautetta?" in shown_text(replies)
    replies = await press(client, channel, "29:matti", replies, "Testipalvelu")
    replies = await say(client, channel, "29:matti", "Perhepalvelu Oy")
    replies = await press(client, channel, "29:matti", replies, "Perhesosiaalityö")
    replies = await period_to_summary(client, channel, "29:matti", replies, rating="3")
    thanks = shown_text(await press(client, channel, "29:matti", replies, "Lähetä"))
    # No team channel is registered for the line: the thanks must not say it reached the team.
    assert "Kiitos! Palautteesi #1 on tallennettu, mutta" in thanks and "lähetettiin" not in thanks

    [view] = await CampaignStore(sessionmaker).campaigns_of(SUPERVISOR)
    assert view.service_id is None and view.service_line == "perhesosiaalityo"
    assert view.counts.answered == 1 and view.counts.sent == 3
    status = await say(client, channel, SUPERVISOR, "palautepyynnöt")
    assert "Palvelulinjan perhesosiaalityö palvelut" in shown_text(status)


async def test_a_swedish_speaking_supervisor_asks_in_swedish_and_a_swedish_speaking_worker_is_asked_in_swedish(
    client: TestClient, channel: ScriptedChannel, sessionmaker: async_sessionmaker[AsyncSession], line_workers: None
) -> None:
    await say(client, channel, "29:minna", "hej", locale="sv-FI")

    async def swedish(replies: list[dict[str, Any]], title: str) -> list[dict[str, Any]]:
        return await say(client, channel, SUPERVISOR, value=button(replies, title), locale="sv-FI")

    replies = await say(client, channel, SUPERVISOR, "be om respons", locale="sv-FI")
    assert "Vilken tjänst gäller begäran?" in shown_text(replies)
    for title in ("Alla tjänster inom tjänstelinjen", "Alla tjänsteproducenter", "Socialt arbete med familjer"):
        replies = await swedish(replies, title)
    for title in ("Arbetstagarna inom Socialt arbete med familjer (3)", "Om en vecka", "Inget följebrev", "Skicka nu"):
        replies = await swedish(replies, title)
    assert "Mottagaren ser det här kortet:" in shown_text(replies)
    done = await swedish(replies, "Skicka begäran")
    await worker(client).settle()

    assert "Begäran skickas till 3 mottagare." in shown_text(done)
    [swedish_prompt] = channel.activities("personal:29:minna")
    [finnish_prompt] = channel.activities("personal:29:maija")
    assert render_card_text(swedish_prompt["attachments"][0]["content"]).startswith("Begäran om respons: tjänsterna inom familjesocialt arbete")
    assert render_card_text(finnish_prompt["attachments"][0]["content"]).startswith("Palautepyyntö: palvelulinjan perhesosiaalityö palvelut")
    status = await say(client, channel, SUPERVISOR, "begäranden om respons", locale="sv-FI")
    assert "Dina begäranden om respons" in shown_text(status)


async def test_the_summary_is_a_table_per_provider_and_service(
    client: TestClient, channel: ScriptedChannel, sessionmaker: async_sessionmaker[AsyncSession], clock: ManualClock, line_workers: None
) -> None:
    store = FeedbackStore(sessionmaker, now=lambda: clock.now() - timedelta(days=3))
    reporter = await PeopleStore(sessionmaker).ensure_user(Identity("29:maija"))
    [provider] = await store.known_names()
    base = {
        "reporter_id": reporter,
        "reporter_locale": "fi-FI",
        "service_id": "testipalvelu",
        "service_name": "Testipalvelu",
        "provider_id": provider.provider_id,
        "service_line": "perhesosiaalityo",
        "period_start": date(2026, 1, 1),
        "period_end": date(2026, 1, 31),
    }
    await store.submit(NewReport(submit_token="a", ratings={"goals": 4, "reporting": 3}, **base))  # type: ignore[arg-type]
    await store.submit(NewReport(submit_token="b", ratings={"goals": 5}, concern_area="quality", concern_kind="staff", **base))  # type: ignore[arg-type]

    replies = await say(client, channel, SUPERVISOR, "palauteyhteenveto")
    replies = await press(client, channel, SUPERVISOR, replies, "Perhesosiaalityö")
    replies = await press(client, channel, SUPERVISOR, replies, "365 päivää")

    [card] = cards(replies)
    [table] = [element for element in card["body"] if element["type"] == "Table"]
    cells = [[cell["items"][0]["text"] for cell in row["cells"]] for row in table["rows"]]
    assert cells[0][:3] == ["Palveluntuottaja", "Palvelu", "Palautteita"] and "Sovitut tavoitteet" in cells[0]
    row = dict(zip(cells[0], cells[1], strict=True))
    assert row["Palveluntuottaja"] == "Perhepalvelu Oy" and row["Palvelu"] == "Testipalvelu" and row["Palautteita"] == "2"
    assert row["Sovitut tavoitteet"] == "4,5" and row["Raportointi"] == "3,0" and row["Huolia"] == "1"
    link = await press(client, channel, SUPERVISOR, replies, "Lataa CSV")
    assert "/exports/" in shown_text(link)


async def test_in_a_group_chat_the_export_link_is_not_given_but_the_supervisor_is_sent_to_the_1_1_chat(
    client: TestClient, channel: ScriptedChannel, sessionmaker: async_sessionmaker[AsyncSession], line_workers: None
) -> None:
    group = {"id": "19:ryhma@thread.v2", "conversationType": "groupChat", "tenantId": "tenant-1"}

    async def in_group(text: str | None = None, value: Any = None) -> list[dict[str, Any]]:
        fields = {"service_url": channel.service_url, "channel_id": "msteams", "channelData": TENANT, "conversation": group}
        return await send(client, text=text, value=value, user_id=SUPERVISOR, **fields)

    replies = await in_group("palauteyhteenveto")
    replies = await in_group(value=button(replies, "Perhesosiaalityö"))
    replies = await in_group(value=button(replies, "365 päivää"))
    reply = shown_text(await in_group(value=button(replies, "Lataa CSV")))

    assert "Latauslinkin saat vain henkilökohtaisessa keskustelussa" in reply and "/exports/" not in reply
    async with sessionmaker() as session:
        assert (await session.execute(select(func.count()).select_from(ExportLink))).scalar_one() == 0


async def test_a_worker_without_the_supervisor_role_is_refused_and_nothing_is_created(
    client: TestClient, channel: ScriptedChannel, sessionmaker: async_sessionmaker[AsyncSession], line_workers: None
) -> None:
    for command in ("palautepyyntö", "palautepyynnöt", "palauteyhteenveto", "feedback request"):
        replies = await say(client, channel, "29:maija", command)
        assert "ovat esihenkilöiden käytössä" in shown_text(replies) or "are for supervisors" in shown_text(replies)
    async with sessionmaker() as session:
        assert (await session.execute(select(func.count()).select_from(Campaign))).scalar_one() == 0
    menu = await say(client, channel, "29:maija", "apu")
    assert "Palautepyyntö" not in shown_text(menu)
    # A supervisor's card forwarded to her: its buttons are refused too.
    status = await say(client, channel, SUPERVISOR, "palautepyynnöt")
    refused = await press(client, channel, "29:maija", status, "Päivitä")
    assert "ovat esihenkilöiden käytössä" in shown_text(refused)


async def test_the_status_card_is_updated_in_place_by_a_universal_action_and_shows_failures(
    client: TestClient, channel: ScriptedChannel, sessionmaker: async_sessionmaker[AsyncSession], line_workers: None
) -> None:
    channel.script["personal:29:minna"] = [Reply(403, "BotNotInConversationRoster")]
    await press(client, channel, SUPERVISOR, await _request(client, channel), "Lähetä palautepyyntö")
    status = await say(client, channel, SUPERVISOR, "palautepyynnöt")
    [refresh] = [a for a in cards(status)[0]["actions"] if a["type"] == "Action.Execute"]
    await worker(client).settle()

    body = activity(
        "invoke", name="adaptiveCard/action", value={"action": {"type": "Action.Execute", "verb": refresh["verb"], "data": refresh["data"]}, "trigger": "manual"},
        user_id=SUPERVISOR, conversation_id=f"personal:{SUPERVISOR}", service_url=channel.service_url, channel_id="msteams", channelData=TENANT, expect_replies=False,
    )  # fmt: skip
    response = await client.post(MESSAGES_PATH, json=body)
    answer = await response.json()

    assert response.status == 200 and answer["type"] == "application/vnd.microsoft.card.adaptive"
    text = render_card_text(answer["value"])
    assert "lähetetty 2, epäonnistui 1" in text and "sovellusta ei ole asennettu tälle käyttäjälle" in text


async def test_the_members_of_a_registered_team_channel_are_reached_even_those_the_bot_never_talked_to(
    client: TestClient, channel: ScriptedChannel, sessionmaker: async_sessionmaker[AsyncSession], line_workers: None
) -> None:
    people = PeopleStore(sessionmaker)
    admin = await people.ensure_user(Identity(SUPERVISOR))
    address = ConversationAddress("19:tiimi@thread.tacv2", "channel", "msteams", channel.service_url, "palveluopas", "tenant-1", team_id="team-1")
    await people.register_team("perhesosiaalityo", address, by=admin)
    channel.members["team-1"] = [{"id": "29:maija", "aadObjectId": "aad-maija"}, {"id": "29:uusi", "aadObjectId": "aad-uusi"}]

    replies = await say(client, channel, SUPERVISOR, "palautepyyntö")
    team = ("Testipalvelu", "Kaikki palveluntuottajat", "Perhesosiaalityö", "Palvelulinjan Perhesosiaalityö järjestämisen tiimin kanavan jäsenet")
    done = await press_each(client, channel, SUPERVISOR, replies, *team, "1 viikon päästä", "Ei saatetta", "Lähetä nyt", "Lähetä palautepyyntö")
    await worker(client).settle()

    assert "Palautepyyntö lähtee 2 vastaanottajalle" in shown_text(done)
    assert channel.delivered() == {"personal:29:maija": 1, "personal:29:uusi": 1}
    created = [r.body["members"][0]["id"] for r in channel.received if r.path == "/v3/conversations"]
    assert created == ["29:uusi"]  # only the one without a 1:1 chat yet
