"""Base class of every Palveluopas dialog: cancel, help and back, handled in one place.

A worker can type `peruuta` (`avbryt`, `cancel`, ...), `apu` (`hjälp`, `help`) or `takaisin`
(`tillbaka`, `back`) at any point, or press a card button whose submit action is `cancel`,
`help` or `back`. `on_continue_dialog` recognises these before the dialog's own steps see the
activity, and only in the innermost Palveluopas dialog that is active, so a command is
handled exactly once however deeply dialogs are nested.

The words are UI strings (`dialogs.commands.*` in `bot/ui/locales/<lang>/dialogs.yaml`) and are
recognised in every language whatever the activity's locale: a Finnish-speaking worker with
an English Teams client still types `peruuta`.

A button counts as a command only when it belongs to the dialog handling it: a cancel
button on an old card of another (ended) dialog is a stale button, which the dialog's steps
answer with a notice, instead of cancelling whatever runs now.

Subclasses set a stable `DIALOG_ID: Final = "..."` (persisted dialog state refers to it) and
override `on_back` to go back a step, `on_help` for help of their own, and `on_cancel` when
they hold something to clean up.
"""

from __future__ import annotations

import enum
import string
from collections.abc import Mapping
from types import MappingProxyType
from typing import ClassVar, Final
from weakref import WeakKeyDictionary

from botbuilder.core import TurnContext
from botbuilder.dialogs import ComponentDialog, Dialog, DialogContext, DialogTurnResult
from botbuilder.schema import Activity

from bot.ui.cards.payload import parse_submit
from bot.service.context import BotServices
from bot.ui.i18n import LANGUAGES, Strings, language_of


class Command(enum.Enum):
    CANCEL = "cancel"
    HELP = "help"
    BACK = "back"


MENU_DIALOG: Final = "menu"
"""`Submit.dialog` of top-level (menu) buttons: they belong to no dialog and never go stale."""

_words_cache: WeakKeyDictionary[Strings, Mapping[str, str]] = WeakKeyDictionary()


def normalize_command(text: str | None) -> str:
    """A typed message as a command word: any case, spacing or `!`/`.` around it."""
    return " ".join((text or "").strip().strip(string.punctuation + " ").casefold().split())


def command_words(strings: Strings) -> Mapping[str, str]:
    """Every typed command of every language: normalized phrase -> command name.

    Names are the keys under `dialogs.commands` (`cancel`, `help`, `back`, `finder`, ...);
    built once per loaded string table.
    """
    cached = _words_cache.get(strings)
    if cached is None:
        words: dict[str, str] = {}
        prefix = "dialogs.commands."
        for lang in LANGUAGES:
            for key in sorted(strings.keys(lang)):
                if key.startswith(prefix):
                    name = key.removeprefix(prefix)
                    for phrase in strings.get(key, lang).split("|"):
                        words.setdefault(normalize_command(phrase), name)
        cached = MappingProxyType(words)
        _words_cache[strings] = cached
    return cached


def command_of(activity: Activity, strings: Strings, dialog_id: str | None = None) -> Command | None:
    """The command a message is, if it is one: a command word typed alone, or a card button
    with that action. With `dialog_id`, a button counts only if it is that dialog's own (or a
    menu button); text may be None (card submits carry only a value)."""
    submit = parse_submit(activity.value)
    if submit is not None:
        if dialog_id is not None and submit.dialog not in (dialog_id, MENU_DIALOG):
            return None
        try:
            return Command(submit.action)
        except ValueError:
            return None
    name = command_words(strings).get(normalize_command(activity.text))
    try:
        return Command(name) if name else None
    except ValueError:
        return None


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
            command = command_of(inner_dc.context.activity, self.services.strings, self.id)
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
        # `inner_dc.find_dialog` also searches the parents' sets, where a called dialog may be
        # registered; `self.find_dialog` would miss it and handle the command one level too high.
        return active is not None and isinstance(await inner_dc.find_dialog(active.id), PalveluopasDialog)
