"""Drive a dialog turn by turn with botbuilder's TestAdapter and the real activity handler.

    replies = await run_dialog_through_adapter(dialog, ["apu", {"pv": {...}}], storage=storage)
    assert "..." in shown_text(replies[1])

Each turn is text (a str) or a card submit (a dict, sent as `activity.value` with no text,
as Teams does). The dialog runs as the root of `PalveluopasBot`, so the handler's mention
stripping, continue-or-begin and state saving are the real ones; state goes to `storage`
(use the `bot_storage` fixture: the test's own database).
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from botbuilder.core import ConversationState, Storage, UserState
from botbuilder.core.adapters import TestAdapter
from botbuilder.dialogs import Dialog
from botbuilder.schema import Activity, ActivityTypes

from bot.service.handler import PalveluopasBot


class DialogDriver:
    """A conversation with one dialog as root; `say` sends one turn and returns its replies."""

    def __init__(self, dialog: Dialog, storage: Storage, locale: str = "fi-FI") -> None:
        bot = PalveluopasBot(dialog, ConversationState(storage), UserState(storage))
        self.adapter = TestAdapter(bot.on_turn)
        self.locale = locale

    async def say(self, turn: str | dict[str, Any] | None) -> list[Activity]:
        self.adapter.activity_buffer.clear()
        if isinstance(turn, dict):
            activity = Activity(type=ActivityTypes.message, value=turn, locale=self.locale)
        else:
            activity = Activity(type=ActivityTypes.message, text=turn, locale=self.locale)
        await self.adapter.receive_activity(activity)
        replies = list(self.adapter.activity_buffer)
        self.adapter.activity_buffer.clear()
        return replies


async def run_dialog_through_adapter(
    dialog: Dialog,
    turns: Iterable[str | dict[str, Any] | None],
    *,
    storage: Storage,
    locale: str = "fi-FI",
) -> list[list[Activity]]:
    """The replies to each turn, in order."""
    driver = DialogDriver(dialog, storage, locale)
    return [await driver.say(turn) for turn in turns]
