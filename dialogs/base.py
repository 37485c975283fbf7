"""Base class of every Palveluopas dialog: cancel, help and back, handled in one place.

A worker can type `peruuta` (`avbryt`, `cancel`, `lopeta`), `apu` (`hjälp`, `help`) or
`takaisin` (`tillbaka`, `back`) at any point, or press a card button whose submit action is
`cancel`, `help` or `back`. `on_continue_dialog` recognises these before the dialog's own
steps see the activity, and only in the innermost Palveluopas dialog that is active, so a
command is handled exactly once however deeply dialogs are nested.

Subclasses set a stable `DIALOG_ID: Final = "..."` (persisted dialog state refers to it) and
override `on_back` to go back a step, `on_help` for help of their own, and `on_cancel` when
they hold something to clean up.
"""

from __future__ import annotations

import enum
import string
from typing import ClassVar, Final

from botbuilder.core import TurnContext
from botbuilder.dialogs import ComponentDialog, Dialog, DialogContext, DialogTurnResult
from botbuilder.schema import Activity

from bot.cards.payload import parse_submit
from bot.context import BotServices
from bot.i18n import language_of


class Command(enum.Enum):
    CANCEL = "cancel"
    HELP = "help"
    BACK = "back"


COMMAND_WORDS: Final[dict[str, Command]] = {
    **dict.fromkeys(("peruuta", "avbryt", "cancel", "lopeta"), Command.CANCEL),
    **dict.fromkeys(("apu", "hjälp", "help"), Command.HELP),
    **dict.fromkeys(("takaisin", "tillbaka", "back"), Command.BACK),
}


def command_of(activity: Activity) -> Command | None:
    """The command a message is, if it is one: the word alone (any case, `!`/`.` around it) or a
    card button with that action. Text may be None (card submits carry only a value)."""
    submit = parse_submit(activity.value)
    if submit is not None:
        try:
            return Command(submit.action)
        except ValueError:
            return None
    word = (activity.text or "").strip().strip(string.punctuation + " ").casefold()
    return COMMAND_WORDS.get(word)


class PalveluopasDialog(ComponentDialog):
    DIALOG_ID: ClassVar[str]

    def __init__(self, services: BotServices, dialog_id: str | None = None) -> None:
        super().__init__(dialog_id or self.DIALOG_ID)
        self.services = services

    def text(self, context: TurnContext, key: str, **params: object) -> str:
        """A UI string in the language of the activity's locale."""
        return self.services.strings.get(key, language_of(context.activity.locale), **params)

    async def on_continue_dialog(self, inner_dc: DialogContext) -> DialogTurnResult:
        if not await self._child_is_palveluopas_dialog(inner_dc):
            command = command_of(inner_dc.context.activity)
            if command is Command.CANCEL:
                return await self.on_cancel(inner_dc)
            if command is Command.HELP:
                return await self.on_help(inner_dc)
            if command is Command.BACK:
                result = await self.on_back(inner_dc)
                if result is not None:
                    return result
        return await super().on_continue_dialog(inner_dc)

    async def on_cancel(self, inner_dc: DialogContext) -> DialogTurnResult:
        """Stop this dialog; the dialog that started it carries on."""
        await inner_dc.context.send_activity(self.text(inner_dc.context, "core.cancelled"))
        return await inner_dc.cancel_all_dialogs()

    async def on_help(self, inner_dc: DialogContext) -> DialogTurnResult:
        """Say how to answer, then ask the current question again."""
        await inner_dc.context.send_activity(self.text(inner_dc.context, "core.help_in_dialog"))
        await inner_dc.reprompt_dialog()
        return Dialog.end_of_turn

    async def on_back(self, inner_dc: DialogContext) -> DialogTurnResult | None:
        """Go back one step. None (the default) means this dialog has no back: the word then
        reaches the dialog's steps as ordinary input."""
        return None

    async def _child_is_palveluopas_dialog(self, inner_dc: DialogContext) -> bool:
        active = inner_dc.active_dialog
        return active is not None and isinstance(await self.find_dialog(active.id), PalveluopasDialog)
