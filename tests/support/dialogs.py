"""Drive the dialogs turn by turn with botbuilder's TestAdapter and the real activity handler.

    driver = DialogDriver(services, storage)
    replies = await driver.say("apu")

Each turn is text (a str) or a card submit (a dict, sent as `activity.value` with no text,
as Teams does). The bot is the real `PalveluopasBot` over the real dialog engine, so the
handler's input reading, state keys and saving are the real ones; state goes to `storage`
(use the `bot_storage` fixture: the test's own database).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from botbuilder.core import Storage
from botbuilder.core.adapters import TestAdapter
from botbuilder.schema import Activity, ActivityTypes

from bot.service.context import BotServices
from bot.service.handler import PalveluopasBot, TurnPorts
from dialogs.engine import Engine
from dialogs.features import build_engine


def build_bot(services: BotServices, storage: Storage, engine: Engine | None = None) -> PalveluopasBot:
    knowledge = services.knowledge
    return PalveluopasBot(engine or build_engine(), storage, services.strings, lambda: knowledge.snapshot, TurnPorts(services.sessionmaker))


class DialogDriver:
    """A conversation with the bot; `say` sends one turn and returns its replies."""

    def __init__(self, services: BotServices, storage: Storage, locale: str = "fi-FI", *, engine: Engine | None = None) -> None:
        self.bot = build_bot(services, storage, engine)
        self.adapter = TestAdapter(self.bot.on_turn)
        self.locale = locale

    async def say(self, turn: str | dict[str, Any] | None, *, customize: Callable[[Activity], None] | None = None) -> list[Activity]:
        self.adapter.activity_buffer.clear()
        if isinstance(turn, dict):
            activity = Activity(type=ActivityTypes.message, value=turn, locale=self.locale)
        else:
            activity = Activity(type=ActivityTypes.message, text=turn, locale=self.locale)
        if customize is not None:
            customize(activity)
        await self.adapter.receive_activity(activity)
        replies = list(self.adapter.activity_buffer)
        self.adapter.activity_buffer.clear()
        return replies
