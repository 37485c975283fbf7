"""A worker's first conversation with the bot, over real HTTP with expectReplies."""

from __future__ import annotations

import pytest
from aiohttp.test_utils import TestClient

from tests.support.cards import assert_valid_card
from tests.support.http import activity, post_activity, send
from tests.support.replies import button, cards, shown_text, texts


async def test_first_message_is_answered_with_the_greeting_and_what_the_bot_can_do(bot_client: TestClient) -> None:
    replies = await send(bot_client, text="hei")

    assert texts(replies)[0].startswith("Hei! Olen Palveluopas")
    shown = shown_text(replies)
    for capability in ("Valitse palvelu", "Tarkista palvelun kriteerit", "Prosessiohjeet", "Kysy perehdytyksestä", "Anna palautetta ostopalvelusta"):
        assert capability in shown
    for card in cards(replies):
        assert_valid_card(card)


@pytest.mark.parametrize(
    ("locale", "greeting", "word"),
    [("fi-FI", "Hei! Olen Palveluopas", "apu"), ("sv-SE", "Hej! Jag är Palveluopas", "hjälp"), ("en-US", "Hi! I'm Palveluopas", "help")],
)
async def test_help_word_shows_the_welcome_again_in_the_users_language(bot_client: TestClient, locale: str, greeting: str, word: str) -> None:
    await send(bot_client, text="hei", locale=locale)

    replies = await send(bot_client, text=word, locale=locale)

    assert texts(replies) == [texts(await send(bot_client, text=word, locale=locale))[0]]
    assert texts(replies)[0].startswith(greeting)


async def test_installing_the_bot_greets_once_even_when_teams_sends_two_activities(bot_client: TestClient) -> None:
    install = activity("installationUpdate", action="add")
    added = activity("conversationUpdate", membersAdded=[{"id": "palveluopas"}, {"id": "user-1"}])

    first = await post_activity(bot_client, install)
    second = await post_activity(bot_client, added)
    after = await send(bot_client, text="jotain muuta")

    assert texts(first)[0].startswith("Hei! Olen Palveluopas")
    assert texts(second) == []
    assert "Hei! Olen Palveluopas" not in shown_text(after), "the first message continues the conversation, it does not greet again"


async def test_a_user_joining_is_not_greeted_as_if_the_bot_were_installed(bot_client: TestClient) -> None:
    replies = await post_activity(bot_client, activity("conversationUpdate", membersAdded=[{"id": "someone-else"}]))

    assert texts(replies) == []


async def test_a_channel_mention_is_stripped_before_the_text_is_read(bot_client: TestClient) -> None:
    await send(bot_client, text="hei")
    mention = {"type": "mention", "text": "<at>Palveluopas</at>", "mentioned": {"id": "palveluopas", "name": "Palveluopas"}}

    replies = await send(bot_client, text="<at>Palveluopas</at> apu", entities=[mention], channel_id="msteams")

    assert texts(replies)[0].startswith("Hei! Olen Palveluopas")


async def test_a_card_submit_without_text_is_handled(bot_client: TestClient) -> None:
    welcome = await send(bot_client, text="hei")

    replies = await send(bot_client, value=button(welcome, "Valitse palvelu"))

    assert shown_text(replies).strip()
    assert "Virhetunnus" not in shown_text(replies)


async def test_a_button_of_a_dialog_that_has_ended_is_answered_without_an_error(bot_client: TestClient) -> None:
    await send(bot_client, text="hei")

    replies = await send(bot_client, value={"pv": {"dialog": "finder", "step": "finder:ika:1", "action": "answer", "value": "x"}})

    assert shown_text(replies).strip()
    assert "Virhetunnus" not in shown_text(replies)


async def test_a_card_submit_in_a_channel_carries_a_mention_but_no_text(bot_client: TestClient) -> None:
    welcome = await send(bot_client, text="hei")
    mention = {"type": "mention", "text": "<at>Palveluopas</at>", "mentioned": {"id": "palveluopas", "name": "Palveluopas"}}

    replies = await send(bot_client, value=button(welcome, "Prosessiohjeet"), entities=[mention], channel_id="msteams")

    assert shown_text(replies).strip()
    assert "Virhetunnus" not in shown_text(replies)
