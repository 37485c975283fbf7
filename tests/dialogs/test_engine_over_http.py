"""The dialog engine as workers meet it over HTTP: flows per worker in shared conversations,
the first message answered, the greeting on install, and state of an older shape."""

from __future__ import annotations

import json
import uuid
from datetime import UTC, datetime
from typing import Any

from aiohttp.test_utils import TestClient
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot.store.storage import BotStateRow
from tests.dialogs.conversation import HttpConversation
from tests.support.http import activity, post_activity, send
from tests.support.replies import shown_text, texts

GROUP = {"id": "group-1", "conversationType": "groupChat"}


def worker(client: TestClient, user_id: str, name: str) -> HttpConversation:
    return HttpConversation(client, user_id=user_id, conversation=GROUP, **{"from": {"id": user_id, "name": name}})


async def test_two_workers_in_a_group_chat_each_keep_their_own_finder(http_chat: HttpConversation) -> None:
    anna = worker(http_chat.client, "user-anna", "Anna")
    bertil = worker(http_chat.client, "user-bertil", "Bertil")
    await anna.say("valitse palvelu")
    annas_age_question = anna.replies

    cancelled = await bertil.say("peruuta")
    assert "Mitään ei ole kesken" in cancelled, "Bertil has no flow of his own to cancel"
    await bertil.say("valitse palvelu")
    assert "Minkä ikäinen lapsi on?" in bertil.shown

    # Anna's buttons still work and her flow completes, untouched by Bertil's.
    await anna.submit(anna.button("10–17-vuotias", replies=annas_age_question))
    result = await anna.press("Lapsen tai nuoren oma työskentely")
    assert "Palveluehdotukset" in result
    # Bertil is still at his own first question.
    assert "Minkä ikäinen lapsi on?" in await bertil.say("apu")


async def test_replies_in_a_group_chat_mention_the_worker_they_answer(http_chat: HttpConversation) -> None:
    anna = worker(http_chat.client, "user-anna", "Anna")

    await anna.say("valitse palvelu")

    [reply] = anna.replies
    assert reply["text"].startswith("<at>Anna</at>")
    [mention] = [e for e in reply["entities"] if e["type"] == "mention"]
    assert mention["mentioned"]["id"] == "user-anna" and mention["text"] == "<at>Anna</at>"


async def test_a_personal_chat_keeps_one_flow_whoever_types(http_chat: HttpConversation) -> None:
    await http_chat.say("valitse palvelu")

    shown = await http_chat.press("10–17-vuotias")

    assert "<at>" not in shown and "Kysymys" in shown


async def test_the_first_message_of_a_conversation_is_answered_not_swallowed_by_a_welcome(http_chat: HttpConversation) -> None:
    shown = await http_chat.say("mikä se testipalvelu oikein on")

    assert "Tervetuloa Palveluoppaaseen" not in shown
    assert "Lähde" in shown


async def test_the_welcome_goes_out_when_the_bot_is_added_and_only_once(http_chat: HttpConversation) -> None:
    added = activity("conversationUpdate", membersAdded=[{"id": "palveluopas"}])
    installed = activity("installationUpdate", action="add")

    first = await post_activity(http_chat.client, added)
    second = await post_activity(http_chat.client, installed)

    assert "Tervetuloa Palveluoppaaseen" in shown_text(first)
    assert second == []


async def test_a_state_row_of_the_previous_version_is_reset_with_a_friendly_notice(
    http_chat: HttpConversation, sessionmaker: async_sessionmaker[AsyncSession]
) -> None:
    # What the previous version (botbuilder's DialogSet, flattened by jsonpickle) stored for a
    # conversation in the middle of the finder.
    old: dict[str, Any] = {
        "DialogState": {
            "py/object": "botbuilder.dialogs.dialog_state.DialogState",
            "_dialog_stack": [{"py/object": "botbuilder.dialogs.dialog_instance.DialogInstance", "id": "root", "state": {"dialogs": {}}}],
        }
    }
    async with sessionmaker() as session, session.begin():
        session.add(BotStateRow(key="emulator/conversations/conversation-old", etag=uuid.uuid4().hex, document=json.dumps(old), updated_at=datetime.now(UTC)))

    replies = await send(http_chat.client, text="valitse palvelu", conversation_id="conversation-old")

    assert texts(replies)[0].startswith("Palveluopas on päivittynyt")
    assert "Minkä ikäinen lapsi on?" in shown_text(replies)
    async with sessionmaker() as session:
        row = (await session.execute(select(BotStateRow).where(BotStateRow.key == "emulator/conversations/conversation-old"))).scalar_one()
    assert json.loads(row.document)["engine"] == 2
    again = await send(http_chat.client, text="apu", conversation_id="conversation-old")
    assert "päivittynyt" not in shown_text(again)


async def test_a_channel_threads_first_mention_is_answered(http_chat: HttpConversation) -> None:
    mention = {"type": "mention", "text": "<at>Palveluopas</at>", "mentioned": {"id": "palveluopas", "name": "Palveluopas"}}
    body = activity(
        text="<at>Palveluopas</at> mikä se testipalvelu oikein on",
        conversation={"id": "19:channel@thread.tacv2;messageid=1", "conversationType": "channel"},
        entities=[mention],
    )

    replies = await post_activity(http_chat.client, body)

    shown = shown_text(replies)
    assert "Lähde" in shown and "Tervetuloa" not in shown
    assert replies[0]["text"].startswith("<at>Testikäyttäjä</at>"), "the answer mentions the worker in the channel"
