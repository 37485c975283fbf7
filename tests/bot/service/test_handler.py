"""The activity handler, driven through botbuilder's TestAdapter (`run_dialog_through_adapter`)."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Final

from botbuilder.dialogs import Dialog, DialogTurnResult, WaterfallDialog, WaterfallStepContext

from bot.service.context import BotServices
from bot.store.storage import SqlStorage
from dialogs.base import PalveluopasDialog
from tests.support.dialogs import run_dialog_through_adapter
from tests.support.replies import texts


class Counter(PalveluopasDialog):
    """Test-only: says which turn of the dialog this is; a card submit counts as a turn."""

    DIALOG_ID: Final = "test.counter"

    def __init__(self, services: BotServices) -> None:
        super().__init__(services)
        self.add_dialog(WaterfallDialog("test.counter.steps", [self._say(n) for n in (1, 2, 3)]))

    def _say(self, number: int) -> Callable[[WaterfallStepContext], Awaitable[DialogTurnResult]]:
        async def step(context: WaterfallStepContext) -> DialogTurnResult:
            kind = "painike" if context.context.activity.value is not None else "teksti"
            await context.context.send_activity(f"vuoro {number} ({kind})")
            return Dialog.end_of_turn if number < 3 else await context.end_dialog()

        return step


async def test_the_first_message_begins_the_root_dialog_and_later_ones_continue_it(bot_services: BotServices, bot_storage: SqlStorage) -> None:
    replies = await run_dialog_through_adapter(Counter(bot_services), ["hei", {"pv": {"dialog": "x", "step": "y", "action": "answer"}}, "  ", "taas"], storage=bot_storage)

    assert [texts(turn) for turn in replies] == [["vuoro 1 (teksti)"], ["vuoro 2 (painike)"], ["vuoro 3 (teksti)"], ["vuoro 1 (teksti)"]]


async def test_the_dialog_state_is_kept_in_the_database_between_adapters(bot_services: BotServices, bot_storage: SqlStorage) -> None:
    await run_dialog_through_adapter(Counter(bot_services), ["hei"], storage=bot_storage)

    replies = await run_dialog_through_adapter(Counter(bot_services), ["jatka"], storage=bot_storage)

    assert texts(replies[0]) == ["vuoro 2 (teksti)"]
