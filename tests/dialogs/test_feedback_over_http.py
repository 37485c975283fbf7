"""The feedback loop over HTTP, with a loopback Bot Connector: a worker reports in their 1:1
chat, the card arrives in the arranging team's channel, the team acts on it (Universal
Actions and the Submit fallback), the reporter is told and asked, a concern becomes a
supervision case, `valvonta` lists it, and a user without the role is refused."""

from __future__ import annotations

import asyncio
import itertools
import logging
import shutil
from dataclasses import replace
from pathlib import Path
from typing import Any

import pytest
from aiohttp.test_utils import TestClient
from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot.service.app import create_app
from bot.service.context import KnowledgeProvider
from bot.service.settings import Settings
from bot.store.db import create_engine, create_sessionmaker
from bot.store.feedback import FeedbackEvent, FeedbackReport, Provider, SupervisionCase
from bot.ui.cards.feedback import ACTION_KEY, ANSWER_INPUT, OUTCOME_INPUT, QUESTION_INPUT
from bot.ui.cards.text import render_card_text
from tests.support.cards import assert_valid_card
from tests.support.connector import LoopbackConnector
from tests.support.replies import button, buttons, cards, shown_text
from tests.support.teams import TeamsUser

CHANNEL = "19:lastensuojelu@thread.tacv2"
ADMIN = TeamsUser("29:admin", "aad-admin", "Anna Ylläpitäjä")
MEMBER = TeamsUser("29:tiina", "aad-tiina", "Tiina Tiimiläinen")
SECOND = TeamsUser("29:toni", "6f1c2d3e-0000-4000-8000-00000000a0b1", "Toni Tiimiläinen")
"""Granted his role by Entra object id before he ever wrote to the bot."""
WORKER = TeamsUser("29:maija", "aad-maija", "Maija Työntekijä")
OUTSIDER = TeamsUser("29:olli", "aad-olli", "Olli Ulkopuolinen")
HETU = "010203A123B"
PHONE = "040 123 4567"


@pytest.fixture
async def client(aiohttp_client: Any, settings: Settings, knowledge: KnowledgeProvider) -> TestClient:
    return await aiohttp_client(create_app(replace(settings, admins=("aad-admin",)), knowledge=knowledge))


async def _count(sessionmaker: async_sessionmaker[AsyncSession], table: type) -> int:
    async with sessionmaker() as session:
        return int((await session.execute(select(func.count()).select_from(table))).scalar_one())


async def _team(client: TestClient, connector: LoopbackConnector) -> None:
    """The admin registers the channel and makes Tiina and Toni members of its team."""
    replies = await ADMIN.say(client, connector, "rekisteröi kanava lastensuojelu", channel=CHANNEL)
    assert "Tämä kanava on nyt palvelulinjan Lastensuojelu järjestämisen tiimin kanava" in shown_text(replies)
    await MEMBER.say(client, connector, "hei")  # known to the bot: the mention can name her
    mention = {"type": "mention", "text": "<at>Tiina</at>", "mentioned": {"id": MEMBER.id, "name": "Tiina"}}
    replies = await ADMIN.say(client, connector, "lisää rooli <at>Tiina</at> jäsen lastensuojelu", entities=[mention])
    assert "Rooli lisätty: järjestämisen tiimin jäsen (Lastensuojelu)." in shown_text(replies)
    replies = await ADMIN.say(client, connector, f"lisää rooli {SECOND.aad_object_id} jäsen lastensuojelu")
    assert "Rooli lisätty" in shown_text(replies)


async def _press(
    user: TeamsUser, client: TestClient, connector: LoopbackConnector, replies: list[dict[str, Any]], title: str, **inputs: str
) -> list[dict[str, Any]]:
    return await user.say(client, connector, value={**button(replies, title), **inputs})


async def _report(
    client: TestClient,
    connector: LoopbackConnector,
    *,
    concern: tuple[str, str] | None = ("Laatu", "Raportit myöhässä tai puuttuvat"),
    details: str | None = None,
    send: bool = True,
) -> list[dict[str, Any]]:
    """Maija's whole report in her 1:1 chat; the replies of the last turn."""
    replies = await WORKER.say(client, connector, "palaute")
    assert "Mistä palvelusta annat palautetta?" in shown_text(replies)
    replies = await _press(WORKER, client, connector, replies, "Testipalvelu")
    assert "Kirjoita palveluntuottajan nimi" in shown_text(replies)
    replies = await WORKER.say(client, connector, "Perhekoti Kataja Oy")
    if "Lisää uutena" in shown_text(replies):
        replies = await _press(WORKER, client, connector, replies, "Lisää uutena: Perhekoti Kataja Oy")
    replies = await _press(WORKER, client, connector, replies, "Lastensuojelu")
    replies = await _press(WORKER, client, connector, replies, "Jatka", period_start="2026-09-01", period_end="2026-11-30")
    replies = await _press(WORKER, client, connector, replies, "Jatka", rating_goals="4", rating_reporting="2")
    if concern is None:
        replies = await _press(WORKER, client, connector, replies, "Ei huolta")
    else:
        replies = await _press(WORKER, client, connector, replies, concern[0])
        replies = await _press(WORKER, client, connector, replies, concern[1])
    if details is None:
        replies = await _press(WORKER, client, connector, replies, "Ei lisätietoja")
    else:
        replies = await WORKER.say(client, connector, details)
    assert "Tarkista palaute ennen lähettämistä" in shown_text(replies)
    if send:
        replies = await _press(WORKER, client, connector, replies, "Lähetä")
    return replies


def _posted_card(connector: LoopbackConnector) -> tuple[str, dict[str, Any], dict[str, Any]]:
    [post] = connector.messages_in(CHANNEL)
    [card] = post.cards
    return post.activity_id, card, post.body


def _action_data(card: dict[str, Any], verb: str) -> dict[str, Any]:
    [action] = [a for a in card.get("actions", ()) if a.get("verb") == f"feedback.{verb}"]
    return dict(action["data"])


async def test_a_report_reaches_the_team_channel_and_each_action_updates_the_card_and_tells_the_reporter(
    client: TestClient, connector: LoopbackConnector, sessionmaker: async_sessionmaker[AsyncSession]
) -> None:
    await _team(client, connector)
    await WORKER.say(client, connector, "hei")

    replies = await _report(client, connector)

    assert "Kiitos! Palaute #1 lähetettiin palvelulinjan Lastensuojelu järjestämisen tiimille" in shown_text(replies)
    activity_id, card, post = _posted_card(connector)
    assert_valid_card(card)
    assert "<at>Maija Työntekijä</at>" in post["text"] and post["entities"][0]["mentioned"]["id"] == WORKER.id
    text = render_card_text(card)
    assert "Perhekoti Kataja Oy" in text and "Testipalvelu" in text and "1.9.2026–30.11.2026" in text and "Raportointi: 2/5" in text and "Uusi" in text

    # Take into handling, as a Universal Action.
    status, body = await MEMBER.invoke(client, connector, "feedback.take", _action_data(card, "take"), channel=CHANNEL, reply_to_id=activity_id)
    assert status == 200 and body["statusCode"] == 200 and body["type"] == "application/vnd.microsoft.card.adaptive"
    assert "Tila: Käsittelyssä" in render_card_text(body["value"]) and "Käsittelijä: Tiina Tiimiläinen" in render_card_text(body["value"])
    [update] = connector.updates_of(CHANNEL, activity_id)
    assert update.cards[0] == body["value"], "everyone in the channel sees the same new state"
    assert "on otettu käsittelyyn" in connector.messages_in(WORKER.personal)[-1].text

    # Ask for more, as an old client's Submit, with a question.
    asked = {**_action_data(card, "ask"), QUESTION_INPUT: "Minä viikkona raportti puuttui?"}
    assert await MEMBER.submit(client, connector, asked, channel=CHANNEL, reply_to_id=activity_id) == 201
    ask_message = connector.messages_in(WORKER.personal)[-1]
    [ask] = ask_message.cards
    assert_valid_card(ask)
    assert "Minä viikkona raportti puuttui?" in render_card_text(ask)
    assert len(connector.updates_of(CHANNEL, activity_id)) == 2

    # Maija answers in her chat (Universal Action): the answer is on the team's card.
    answer = {**ask["actions"][0]["data"], ANSWER_INPUT: f"Viikolla 48. Soita {PHONE}."}
    status, body = await WORKER.invoke(client, connector, "feedback.answer", answer)
    assert "Vastauksesi liitettiin palautteeseen #1" in render_card_text(body["value"])
    latest = connector.updates_of(CHANNEL, activity_id)[-1].cards[0]
    assert "Viikolla 48. Soita [puhelinnumero]." in render_card_text(latest) and PHONE not in render_card_text(latest)

    # Start reactive supervision (invoke), then close with an outcome (Submit).
    status, body = await MEMBER.invoke(client, connector, "feedback.supervise", _action_data(card, "supervise"), channel=CHANNEL)
    assert "Reaktiivinen valvonta: tapaus #1" in render_card_text(body["value"])
    closing = {**_action_data(card, "close"), OUTCOME_INPUT: "to_supervision"}
    assert await MEMBER.submit(client, connector, closing, channel=CHANNEL) == 201
    closed = connector.updates_of(CHANNEL, activity_id)[-1].cards[0]
    assert "Tila: Suljettu" in render_card_text(closed) and "actions" not in closed
    assert "on käsitelty ja suljettu. Ratkaisu: Siirretty valvontaan." in connector.messages_in(WORKER.personal)[-1].text

    # An action on the closed report says so and shows its state; nothing changes.
    status, body = await SECOND.invoke(client, connector, "feedback.take", _action_data(card, "take"), channel=CHANNEL)
    assert "Palaute #1 on jo suljettu (Siirretty valvontaan)" in render_card_text(body["value"])
    async with sessionmaker() as session:
        report = (await session.execute(select(FeedbackReport))).scalar_one()
        actions = (await session.execute(select(FeedbackEvent.action, FeedbackEvent.actor_id).order_by(FeedbackEvent.id))).all()
    assert (report.status, report.outcome) == ("closed", "to_supervision")
    assert [a for a, _ in actions] == ["submit", "take", "ask", "answer", "supervise", "close"]
    assert all(actor is not None for _, actor in actions), "who did each change is recorded"


async def test_a_safety_concern_opens_a_case_and_valvonta_lists_it_to_the_team_only(client: TestClient, connector: LoopbackConnector) -> None:
    await _team(client, connector)

    replies = await _report(client, connector, concern=("Turvallisuus", "Lapsen turvallisuus"))

    assert "avattiin reaktiivisen valvonnan tapaus #1" in shown_text(replies)
    listing = await MEMBER.say(client, connector, "valvonta")
    assert "#1 Perhekoti Kataja Oy – Testipalvelu" in shown_text(listing) and "Uusi, avattu" in shown_text(listing)
    assert_valid_card(cards(listing)[0])
    refused = await OUTSIDER.say(client, connector, "valvonta")
    assert "näkyvät palvelujen järjestämisen tiimien jäsenille ja valvojille" in shown_text(refused)


async def test_a_user_without_the_role_is_refused_and_nothing_changes(
    client: TestClient, connector: LoopbackConnector, sessionmaker: async_sessionmaker[AsyncSession], caplog: pytest.LogCaptureFixture
) -> None:
    await _team(client, connector)
    await _report(client, connector)
    activity_id, card, _ = _posted_card(connector)
    caplog.set_level(logging.INFO)

    status, body = await OUTSIDER.invoke(client, connector, "feedback.take", _action_data(card, "take"), channel=CHANNEL)
    submitted = await OUTSIDER.submit(client, connector, _action_data(card, "close") | {OUTCOME_INPUT: "noted"}, channel=CHANNEL)
    typed = await OUTSIDER.say(client, connector, "lisää rooli 6f1c2d3e-0000-4000-8000-00000000a0b1 valvoja")

    assert status == 200 and "kuuluu palvelulinjan Lastensuojelu järjestämisen tiimille" in render_card_text(body["value"])
    assert submitted == 201 and "kuuluu palvelulinjan" in connector.activities_in(connector.calls[-1].conversation_id)[-1].text
    assert "kuuluu Palveluoppaan ylläpitäjille" in shown_text(typed)
    assert connector.updates_of(CHANNEL, activity_id) == []
    async with sessionmaker() as session:
        assert (await session.execute(select(FeedbackReport.status))).scalar_one() == "new"
    refusals = [r for r in caplog.records if r.getMessage() in ("feedback_refused", "admin_refused")]
    assert len(refusals) == 3
    for record in refusals:
        fields = record.fields  # type: ignore[attr-defined]
        assert set(fields) <= {"user_id", "report_id", "verb", "reason", "command"} and isinstance(fields["user_id"], int)


async def test_identity_codes_and_phone_numbers_in_details_are_stored_redacted_and_never_echoed(
    client: TestClient, connector: LoopbackConnector, sessionmaker: async_sessionmaker[AsyncSession]
) -> None:
    await _team(client, connector)

    replies = await _report(client, connector, details=f"Lapsi {HETU} kertoi, äidin numero {PHONE}.", send=False)

    assert "Poistin lisätiedoista tunnistetiedon kaltaisia merkintöjä" in shown_text(replies)
    assert HETU not in shown_text(replies) and PHONE not in shown_text(replies)
    replies = await _press(WORKER, client, connector, replies, "Lähetä")
    async with sessionmaker() as session:
        stored = (await session.execute(select(FeedbackReport.free_text))).scalar_one()
    assert stored == "Lapsi [henkilötunnus] kertoi, äidin numero [puhelinnumero]."
    everything = " ".join(str(call.body) for call in connector.calls)
    assert HETU not in everything and PHONE not in everything


async def test_a_provider_name_of_5000_characters_is_refused_without_echo(
    client: TestClient, connector: LoopbackConnector, sessionmaker: async_sessionmaker[AsyncSession]
) -> None:
    replies = await WORKER.say(client, connector, "palaute")
    await _press(WORKER, client, connector, replies, "Testipalvelu")

    replies = await WORKER.say(client, connector, "Kataja" + "x" * 4994)

    assert "Palveluntuottajan nimi on liian pitkä (enintään 120 merkkiä)" in shown_text(replies)
    assert "xxxxxxxxxx" not in shown_text(replies)
    assert await _count(sessionmaker, Provider) == 0


async def test_a_known_provider_typed_another_way_is_the_same_provider(
    client: TestClient, connector: LoopbackConnector, sessionmaker: async_sessionmaker[AsyncSession]
) -> None:
    await _report(client, connector)
    replies = await WORKER.say(client, connector, "palaute")
    await _press(WORKER, client, connector, replies, "Testipalvelu")

    replies = await WORKER.say(client, connector, "Perhekotti Kataja")

    assert "Tarkoititko palveluntuottajaa Perhekoti Kataja Oy?" in shown_text(replies)
    replies = await _press(WORKER, client, connector, replies, "Kyllä, Perhekoti Kataja Oy")
    assert "Kummalla palvelulinjalla" in shown_text(replies)
    assert await _count(sessionmaker, Provider) == 1


async def test_malformed_card_actions_get_a_clear_message_and_change_nothing(
    client: TestClient, connector: LoopbackConnector, sessionmaker: async_sessionmaker[AsyncSession]
) -> None:
    await _team(client, connector)
    await _report(client, connector)

    bad = [
        {ACTION_KEY: {"verb": "take", "report": "1"}},
        {ACTION_KEY: {"verb": "take"}},
        {ACTION_KEY: "take"},
        {ACTION_KEY: {"verb": "close", "report": 1}, OUTCOME_INPUT: ["noted"]},
        {ACTION_KEY: {"verb": "take", "report": 999}},
    ]
    for data in bad:
        status, body = await MEMBER.invoke(client, connector, "feedback.take", data, channel=CHANNEL)
        assert status == 200
        if body["type"] == "application/vnd.microsoft.error":
            # Not the bot's data at all: the edge answers with the card error Teams shows.
            assert body["statusCode"] == 400 and body["value"]["code"] == "BadRequest"
            continue
        assert body["type"] == "application/vnd.microsoft.activity.message"
        assert "mitään ei muutettu" in body["value"] or "Palautetta ei löytynyt" in body["value"]
    assert await MEMBER.submit(client, connector, {ACTION_KEY: {"verb": 5, "report": None}}, channel=CHANNEL) == 201
    assert "Painikkeen tiedot olivat puutteelliset" in connector.calls[-1].text
    async with sessionmaker() as session:
        assert (await session.execute(select(FeedbackReport.status))).scalar_one() == "new"
    assert await _count(sessionmaker, FeedbackEvent) == 1


async def test_two_concurrent_clicks_on_send_write_one_report(
    client: TestClient, connector: LoopbackConnector, sessionmaker: async_sessionmaker[AsyncSession]
) -> None:
    await _team(client, connector)
    summary = await _report(client, connector, send=False)
    send = button(summary, "Lähetä")

    first, second = await asyncio.gather(WORKER.say(client, connector, value=send), WORKER.say(client, connector, value=send))

    assert await _count(sessionmaker, FeedbackReport) == 1
    assert len(connector.messages_in(CHANNEL)) == 1
    said = [shown_text(first), shown_text(second)]
    # The worker learns that #1 went (whichever click's state was saved first tells it) ...
    assert any("Kiitos! Palaute #1 lähetettiin" in s or "Tämä palaute on jo lähetetty (#1)" in s for s in said)
    # ... and each click gets a message that says what happened to it.
    clear = ("Palaute #1 lähetettiin", "on jo lähetetty (#1)", "Edellinen viestisi on vielä käsittelyssä", "ei ole enää käytössä")
    assert all(any(c in s for c in clear) for s in said)
    # What an operator scrapes counts the one report saved.
    assert 'palveluopas_feedback_reports_total{outcome="saved"} 1.0' in await (await client.get("/metrics")).text()


async def test_two_concurrent_takes_make_one_change(client: TestClient, connector: LoopbackConnector, sessionmaker: async_sessionmaker[AsyncSession]) -> None:
    await _team(client, connector)
    await _report(client, connector)
    _activity_id, card, _ = _posted_card(connector)
    data = _action_data(card, "take")

    (_s1, b1), (_s2, b2) = await asyncio.gather(
        MEMBER.invoke(client, connector, "feedback.take", data, channel=CHANNEL), SECOND.invoke(client, connector, "feedback.take", data, channel=CHANNEL)
    )

    texts = [render_card_text(b1["value"]), render_card_text(b2["value"])]
    assert sum("on jo käsittelyssä" in t for t in texts) == 1
    assert all("Tila: Käsittelyssä" in t for t in texts)
    async with sessionmaker() as session:
        takes = (await session.execute(select(func.count()).select_from(FeedbackEvent).where(FeedbackEvent.action == "take"))).scalar_one()
    assert takes == 1
    assert len([m for m in connector.messages_in(WORKER.personal) if "otettu käsittelyyn" in m.text]) == 1


async def test_reports_and_cases_survive_a_restart(aiohttp_client: Any, settings: Settings, knowledge: KnowledgeProvider, connector: LoopbackConnector) -> None:
    first = await aiohttp_client(create_app(replace(settings, admins=("aad-admin",)), knowledge=knowledge))
    await _team(first, connector)
    await _report(first, connector, concern=("Turvallisuus", "Henkilöstön toiminta"))
    await first.close()

    again = await aiohttp_client(create_app(replace(settings, admins=("aad-admin",)), knowledge=knowledge))
    listing = await MEMBER.say(again, connector, "valvonta")
    _activity_id, card, _ = _posted_card(connector)
    _status, body = await MEMBER.invoke(again, connector, "feedback.take", _action_data(card, "take"), channel=CHANNEL)

    assert "#1 Perhekoti Kataja Oy – Testipalvelu" in shown_text(listing)
    assert "Tila: Käsittelyssä" in render_card_text(body["value"])


async def test_without_a_registered_channel_the_report_is_kept_and_the_worker_told(
    client: TestClient, connector: LoopbackConnector, sessionmaker: async_sessionmaker[AsyncSession]
) -> None:
    replies = await _report(client, connector, concern=None)

    assert "ei ole vielä rekisteröity järjestämisen tiimin kanavaa" in shown_text(replies)
    assert await _count(sessionmaker, FeedbackReport) == 1
    assert await _count(sessionmaker, SupervisionCase) == 0


async def test_registration_outside_a_channel_or_by_a_non_admin_changes_nothing(client: TestClient, connector: LoopbackConnector) -> None:
    in_chat = await ADMIN.say(client, connector, "rekisteröi kanava lastensuojelu")
    by_worker = await WORKER.say(client, connector, "rekisteröi kanava lastensuojelu", channel=CHANNEL)
    await _report(client, connector, concern=None)

    assert "Kanavan voi rekisteröidä vain Teams-tiimin kanavassa" in shown_text(in_chat)
    assert "kuuluu Palveluoppaan ylläpitäjille" in shown_text(by_worker)
    assert connector.messages_in(CHANNEL) == []


async def test_a_swedish_admin_is_shown_and_can_use_the_swedish_commands(client: TestClient, connector: LoopbackConnector) -> None:
    admin = replace(ADMIN, locale="sv-SE")
    usage = await admin.say(client, connector, "registrera kanal", channel=CHANNEL)
    registered = await admin.say(client, connector, "registrera kanal barnskydd", channel=CHANNEL)
    await MEMBER.say(client, connector, "hei")
    role_usage = await admin.say(client, connector, "lägg till roll")
    mention = {"type": "mention", "text": "<at>Tiina</at>", "mentioned": {"id": MEMBER.id, "name": "Tiina"}}
    granted = await admin.say(client, connector, "lägg till roll <at>Tiina</at> medlem barnskydd", entities=[mention])

    assert "registrera kanal familjesocialt arbete eller registrera kanal barnskydd" in shown_text(usage)
    assert "rekisteröi" not in shown_text(usage)
    assert "Barnskydd" in shown_text(registered) and "rekisteröi" not in shown_text(registered)
    assert "lägg till roll @person medlem barnskydd" in shown_text(role_usage) and "lisää rooli" not in shown_text(role_usage)
    assert "Roll tillagd: medlem i teamet som ordnar tjänster (Barnskydd)." in shown_text(granted)


async def test_a_report_for_a_service_removed_meanwhile_is_not_stored_and_the_worker_chooses_again(
    aiohttp_client: Any, settings: Settings, kb_root: Path, tmp_path: Path, connector: LoopbackConnector, sessionmaker: async_sessionmaker[AsyncSession]
) -> None:
    root = tmp_path / "kb"
    shutil.copytree(kb_root, root)
    leaving = root / "services" / "poistuva.yaml"
    leaving.write_text(
        (kb_root / "services" / "testipalvelu.yaml")
        .read_text(encoding="utf-8")
        .replace("testipalvelu", "poistuva")
        .replace("Testipalvelu", "Poistuva palvelu"),
        encoding="utf-8",
    )
    client = await aiohttp_client(create_app(replace(settings, knowledge_root=root)))
    replies = await WORKER.say(client, connector, "palaute")
    replies = await _press(WORKER, client, connector, replies, "Poistuva palvelu")
    replies = await WORKER.say(client, connector, "Perhekoti Kataja Oy")
    replies = await _press(WORKER, client, connector, replies, "Lisää uutena: Perhekoti Kataja Oy")
    replies = await _press(WORKER, client, connector, replies, "Perhesosiaalityö")
    replies = await _press(WORKER, client, connector, replies, "Jatka", period_start="2026-10-01", period_end="2026-10-31")
    replies = await _press(WORKER, client, connector, replies, "Jatka")
    replies = await _press(WORKER, client, connector, replies, "Ei huolta")
    summary = await _press(WORKER, client, connector, replies, "Ei lisätietoja")
    leaving.unlink()
    assert (await client.post("/admin/reload")).status == 200

    replies = await _press(WORKER, client, connector, summary, "Lähetä")

    assert "Valittua palvelua ei enää löydy palveluvalikosta" in shown_text(replies)
    assert "Mistä palvelusta annat palautetta?" in shown_text(replies)
    assert await _count(sessionmaker, FeedbackReport) == 0
    replies = await _press(WORKER, client, connector, replies, "Testipalvelu")
    assert "Tarkista palaute ennen lähettämistä" in shown_text(replies), "the other answers are kept"


async def test_palaute_with_a_service_name_starts_with_the_service_chosen(client: TestClient, connector: LoopbackConnector) -> None:
    replies = await WORKER.say(client, connector, "palaute testipalvelu")

    assert "Kirjoita palveluntuottajan nimi" in shown_text(replies)
    assert "Mistä palvelusta annat palautetta?" not in shown_text(replies)


async def test_a_supervision_case_moves_through_procurement_to_closed_from_the_valvonta_card(
    client: TestClient, connector: LoopbackConnector, sessionmaker: async_sessionmaker[AsyncSession]
) -> None:
    await _team(client, connector)
    await _report(client, connector, concern=("Turvallisuus", "Lapsen turvallisuus"))
    [listing] = cards(await MEMBER.say(client, connector, "valvonta"))
    buttons = {a["title"]: a for s in listing["body"][1]["items"] if s.get("type") == "ActionSet" for a in s["actions"]}

    answers = [
        await OUTSIDER.invoke(client, connector, "feedback.case", buttons["Käsittelyyn"]["data"]),
        await MEMBER.invoke(client, connector, "feedback.case", buttons["Hankinnat mukaan"]["data"]),
        await MEMBER.invoke(client, connector, "feedback.case", buttons["Sulje tapaus"]["data"]),
    ]
    assert [status for status, _ in answers] == [200, 200, 200]
    refused, moved, unclosed = (body for _, body in answers)
    closing = {**buttons["Sulje tapaus"]["data"], "pvfb_case_outcome_1": "corrective_plan"}
    assert await MEMBER.submit(client, connector, closing) == 201

    assert "voivat muuttaa palvelulinjan Lastensuojelu järjestämisen tiimin jäsenet ja valvojat" in refused["value"]
    assert_valid_card(moved["value"])
    assert "Tapaus #1: Hankinnat mukana." in render_card_text(moved["value"]) and "Hankinnat mukana, avattu" in render_card_text(moved["value"])
    assert "valitse ratkaisu ennen sulkemista" in render_card_text(unclosed["value"])
    assert "Tapaus #1: Suljettu." in connector.messages_in(MEMBER.personal)[-1].text
    assert "Tiimeilläsi ei ole avoimia valvontatapauksia." in shown_text(await MEMBER.say(client, connector, "valvonta"))
    async with sessionmaker() as session:
        case = (await session.execute(select(SupervisionCase))).scalar_one()
    assert (case.status, case.outcome) == ("closed", "corrective_plan")


class _Alternating:
    """Two app instances behind a load balancer without affinity: each request to the next."""

    def __init__(self, *clients: TestClient) -> None:
        self._clients = itertools.cycle(clients)

    async def post(self, path: str, **kwargs: Any) -> Any:
        return await next(self._clients).post(path, **kwargs)


@pytest.mark.postgres
async def test_a_report_made_across_two_replicas_is_stored_once_and_reaches_the_channel(
    aiohttp_client: Any, postgres_url: str, kb_root: Path, knowledge: KnowledgeProvider, connector: LoopbackConnector
) -> None:
    settings = Settings(database_url=postgres_url, knowledge_root=kb_root, admins=("aad-admin",))
    first, second = [await aiohttp_client(create_app(settings, knowledge=knowledge)) for _ in range(2)]
    both: Any = _Alternating(first, second)

    await _team(both, connector)
    replies = await _report(both, connector)

    assert "Kiitos" in shown_text(replies) or "#1" in shown_text(replies)
    engine = create_engine(postgres_url)
    try:
        async with create_sessionmaker(engine)() as session:
            assert (await session.execute(select(func.count()).select_from(FeedbackReport))).scalar_one() == 1
    finally:
        await engine.dispose()
    assert len(connector.messages_in(CHANNEL)) == 1


async def test_feedback_from_a_service_card_and_from_a_process_step_starts_with_the_service_chosen(client: TestClient, connector: LoopbackConnector) -> None:
    card = await WORKER.say(client, connector, "näytä kortti testipalvelu")
    from_card = await _press(WORKER, client, connector, card, "Anna palautetta")
    assert "Kirjoita palveluntuottajan nimi" in shown_text(from_card), "the service is already chosen"

    await WORKER.say(client, connector, "peruuta")
    card = await WORKER.say(client, connector, "näytä kortti testipalvelu")
    step = await _press(WORKER, client, connector, card, "Avaa prosessi")
    if "Anna palautetta palvelusta" not in [b.title for b in buttons(step)]:
        # The service's process is chosen first where it could be more than one.
        step = await _press(WORKER, client, connector, step, buttons(step)[0].title)
    from_step = await _press(WORKER, client, connector, step, "Anna palautetta palvelusta")
    assert "Kirjoita palveluntuottajan nimi" in shown_text(from_step)
