"""The privacy reminder: after any message that carried an identity code, in every flow."""

from __future__ import annotations

import pytest
from aiohttp.test_utils import TestClient

from bot.ui.i18n import Strings
from tests.support.http import send
from tests.support.replies import button, shown_text, texts

STRINGS = Strings.load()
REMINDER = {lang: STRINGS.get("core.privacy_reminder", lang) for lang in ("fi", "sv", "en")}


@pytest.mark.parametrize("code", ["131052-308T", "asiakas150812A944Nx", "121299951M", "1310 52-308T", "131052\u200b-308T"])
async def test_a_question_with_an_identity_code_is_answered_and_followed_by_the_reminder(bot_client: TestClient, code: str) -> None:
    replies = await send(bot_client, text=f"mikä on testipalvelu {code}")

    assert texts(replies)[-1] == REMINDER["fi"]
    assert "Testipalvelu" in shown_text(replies[:-1])  # the answer came first
    assert code not in shown_text(replies)


async def test_an_identity_code_typed_at_a_guided_question_gets_the_reminder(bot_client: TestClient) -> None:
    await send(bot_client, text="valitse palvelu")

    replies = await send(bot_client, text="010203A123B")

    assert REMINDER["fi"] in texts(replies)


async def test_an_identity_code_in_a_card_field_gets_the_reminder(bot_client: TestClient) -> None:
    menu = await send(bot_client, text="apu")
    pressed = {**button(menu, "Valitse palvelu"), "comment": "asiakas 131052-308T"}

    assert REMINDER["fi"] in texts(await send(bot_client, value=pressed))


@pytest.mark.parametrize(("locale", "lang"), [("sv-SE", "sv"), ("en-US", "en")])
async def test_the_reminder_is_in_the_workers_language(bot_client: TestClient, locale: str, lang: str) -> None:
    replies = await send(bot_client, text="131052-308T", locale=locale)

    assert texts(replies)[-1] == REMINDER[lang]


@pytest.mark.parametrize("text", ["mikä on testipalvelu", "soita 044 555 1212", "SHL 36 § ja 12.03.2018", "laura@hel.fi"])
async def test_no_reminder_without_an_identity_code(bot_client: TestClient, text: str) -> None:
    replies = await send(bot_client, text=text)

    assert not any(reminder in texts(replies) for reminder in REMINDER.values())
