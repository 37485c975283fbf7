"""A worker's side of a conversation, for the guided dialog tests.

`say("valitse palvelu")` types; `press("Kyllä")` taps the button with that title on the
latest card that has one (what Teams sends: the button's data as `activity.value`, no text);
`shown` is everything the last turn displayed, cards rendered as text. Every card that
arrives is validated against the Adaptive Card 1.5 schema, so each test also checks every
card it makes the bot send.
"""

from __future__ import annotations

from typing import Any

from aiohttp.test_utils import TestClient
from botbuilder.core import Storage

from bot.service.context import BotServices
from tests.support.cards import assert_valid_card
from tests.support.dialogs import DialogDriver
from tests.support.http import send
from tests.support.replies import as_dicts, buttons, cards, messages, shown_text, texts


class Conversation:
    def __init__(self, locale: str = "fi-FI") -> None:
        self.locale = locale
        self.replies: list[dict[str, Any]] = []
        self.history: list[list[dict[str, Any]]] = []

    async def _send(self, text: str | None, value: Any) -> list[dict[str, Any]]:
        raise NotImplementedError

    async def say(self, text: str) -> str:
        return await self._turn(text, None)

    async def submit(self, value: dict[str, Any]) -> str:
        """Send a card submit as it is (e.g. a button kept from an earlier card)."""
        return await self._turn(None, value)

    async def press(self, title: str, *, nth: int = 0) -> str:
        return await self.submit(self.button(title, nth=nth))

    def button(self, title: str, *, nth: int = 0, replies: list[dict[str, Any]] | None = None) -> dict[str, Any]:
        """The data of the `nth` button titled `title` on the last turn's cards."""
        found = [action.data for action in buttons(replies if replies is not None else self.replies) if action.title == title]
        assert len(found) > nth, f"no button {title!r} (#{nth}); buttons: {self.button_titles}"
        data: dict[str, Any] = found[nth]
        return data

    @property
    def button_titles(self) -> list[str]:
        return [action.title for action in buttons(self.replies)]

    @property
    def shown(self) -> str:
        return shown_text(self.replies)

    @property
    def texts(self) -> list[str]:
        return texts(self.replies)

    @property
    def cards(self) -> list[dict[str, Any]]:
        return cards(self.replies)

    @property
    def messages(self) -> list[dict[str, Any]]:
        return messages(self.replies)

    async def _turn(self, text: str | None, value: Any) -> str:
        self.replies = await self._send(text, value)
        self.history.append(self.replies)
        for card in cards(self.replies):
            assert_valid_card(card)
        return self.shown


class AdapterConversation(Conversation):
    """Through botbuilder's TestAdapter and the real activity handler."""

    def __init__(self, services: BotServices, storage: Storage, locale: str = "fi-FI") -> None:
        super().__init__(locale)
        self.driver = DialogDriver(services, storage, locale)

    async def _send(self, text: str | None, value: Any) -> list[dict[str, Any]]:
        self.driver.locale = self.locale
        return as_dicts(await self.driver.say(value if value is not None else text))


class HttpConversation(Conversation):
    """Over real HTTP to `create_app`, replies in the response (expectReplies)."""

    def __init__(self, client: TestClient, locale: str = "fi-FI", **activity: Any) -> None:
        super().__init__(locale)
        self.client = client
        self.activity = activity

    async def _send(self, text: str | None, value: Any) -> list[dict[str, Any]]:
        return await send(self.client, text=text, value=value, locale=self.locale, **self.activity)
