"""The root dialog: greeting, the menu of what Palveluopas can do, help, and free text.

It sits at the bottom of every conversation's dialog stack and never ends: capability
dialogs run inside it and, when they end, it offers the menu again. Menu buttons and typed
commands (`valitse palvelu`, `välj tjänst`, `choose service`, ...) work at any time, also
from an old card while another dialog is in progress (that dialog is left). Any other text
goes to the onboarding Q&A once it is built, else gets the menu.

Routing, top to bottom: `on_continue_dialog` (a menu button or a command starts a
capability) → `_intro_step` (welcome or menu) → `_route_step` (start what was asked, or
hand free text to the Q&A) → `_after_child_step` (the menu again).
"""

from __future__ import annotations

import importlib
import importlib.util
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any, Final

from botbuilder.core import TurnContext
from botbuilder.dialogs import Dialog, DialogContext, DialogTurnResult, WaterfallDialog, WaterfallStepContext

from bot.ui.cards.message import card_activity
from bot.ui.cards.payload import MAX_VALUE_LENGTH, Submit, parse_submit
from bot.ui.cards.welcome import MenuItem, menu_card, welcome_card
from bot.service.context import BotServices
from dialogs.base import MENU_DIALOG, PalveluopasDialog, command_words, normalize_command
from dialogs.catalog import guided_dialogs
from dialogs.choices import normalize
from dialogs.guided import NEW_MESSAGE as GUIDED_NEW_MESSAGE
from dialogs.guided import GuidedDialog
from dialogs.ids import CARD_DIALOG_ID, CRITERIA_DIALOG_ID, FINDER_DIALOG_ID, PROCESS_DIALOG_ID
from dialogs.records import named_process, named_service

ROOT_DIALOG_ID: Final = "root"
MENU: Final = MENU_DIALOG
"""`Submit.dialog` of top-level buttons; `Submit.value` is the dialog to start."""
START: Final = "start"
OPTIONS: Final = "options"
QNA_DIALOG_ID: Final = "qna"
FEEDBACK_DIALOG_ID: Final = "feedback"
_STEPS_ID: Final = "root.menu"
NEW_MESSAGE: Final = "new_message"
"""Option of the menu steps: route the current message afresh (a guided dialog ended on it)."""
_TO_MENU: Final = "menu"
"""Command name (`dialogs.commands.menu`) that leaves everything for the menu."""

NAMED_COMMANDS: Final = frozenset({"finder", "criteria", "process", "card"})
"""Commands that may be followed by more words (a service or process to start with); help,
cancel, back and menu count only typed alone, so 'hei, miten...' stays a question."""

START_OPTION_KEYS: Final = ("service", "process", "step")
"""Extra fields a start button may carry beside `pv` (e.g. the Q&A's 'open this card'),
passed to the started dialog; only short strings, since card data comes from the client."""


@dataclass(frozen=True)
class Capability:
    key: str
    dialog_id: str
    listed_before_built: bool = True
    """Listed (answering 'not available yet') before its dialog exists; False hides it until then."""
    strings: str = "core.capability"
    """Prefix of its strings `<strings>.<key>.title` and `.description`."""


CAPABILITIES: Final = (
    Capability("finder", FINDER_DIALOG_ID),
    Capability("criteria", CRITERIA_DIALOG_ID),
    Capability("process", PROCESS_DIALOG_ID),
    Capability("card", CARD_DIALOG_ID, strings="dialogs.capability"),
    Capability("qna", QNA_DIALOG_ID),
    Capability("feedback", FEEDBACK_DIALOG_ID, listed_before_built=False),
)

# Dialogs other features build; registered when their module exists (not yet built is fine, a
# broken import inside one is not). Module, class; the class takes `BotServices`.
OPTIONAL_DIALOGS: Final = {
    QNA_DIALOG_ID: ("dialogs.qna", "QnaDialog"),
    FEEDBACK_DIALOG_ID: ("dialogs.feedback", "FeedbackDialog"),
}


class RootDialog(PalveluopasDialog):
    DIALOG_ID: Final = ROOT_DIALOG_ID

    def __init__(self, services: BotServices, children: Sequence[Dialog] = ()) -> None:
        super().__init__(services)
        self.add_dialog(WaterfallDialog(_STEPS_ID, [self._intro_step, self._route_step, self._after_child_step]))
        for child in children:
            self.add_dialog(child)
        self.initial_dialog_id = _STEPS_ID

    # --- entering and interrupting -----------------------------------------------------

    async def on_begin_dialog(self, inner_dc: DialogContext, options: object) -> DialogTurnResult:
        start = await self._requested_start(inner_dc.context)
        return await inner_dc.begin_dialog(_STEPS_ID, start or {"intro": "welcome"})

    async def on_continue_dialog(self, inner_dc: DialogContext) -> DialogTurnResult:
        start = await self._requested_start(inner_dc.context)
        if start is not None:
            # A menu button or a command leaves whatever is in progress; a guided flow's
            # answers go with it, so say so rather than drop them silently.
            active = inner_dc.active_dialog
            if active is not None and isinstance(await self.find_dialog(active.id), GuidedDialog):
                await inner_dc.context.send_activity(self.text(inner_dc.context, "core.previous_stopped"))
            await inner_dc.cancel_all_dialogs()
            return await inner_dc.begin_dialog(_STEPS_ID, start)
        return await super().on_continue_dialog(inner_dc)

    async def on_cancel(self, inner_dc: DialogContext) -> DialogTurnResult:
        await self._send_menu(inner_dc.context, "core.nothing_to_cancel")
        return Dialog.end_of_turn

    async def on_help(self, inner_dc: DialogContext) -> DialogTurnResult:
        await self._send_welcome(inner_dc.context)
        return Dialog.end_of_turn

    async def on_back(self, inner_dc: DialogContext) -> DialogTurnResult | None:
        await self._send_menu(inner_dc.context, "core.menu.title")
        return Dialog.end_of_turn

    async def _requested_start(self, context: TurnContext) -> dict[str, Any] | None:
        """What the activity asks to start: a menu button, or a command typed alone."""
        submit = parse_submit(context.activity.value)
        if submit is not None:
            if submit.dialog != MENU or submit.action != START:
                return None
            return {START: submit.value, OPTIONS: _start_options(context.activity.value)}
        typed = normalize_command(context.activity.text)
        words = command_words(self.services.strings)
        name, options = words.get(typed), {}
        if name == _TO_MENU:
            return {"intro": "menu"}
        if name is None:
            name, options = self._command_with_name(typed, words)
        capability = _capability(name)
        if capability is None or await self.find_dialog(capability.dialog_id) is None:
            # Commands of features not built yet (feedback) stay ordinary text.
            return None
        return {START: capability.dialog_id, OPTIONS: options}

    def _command_with_name(self, typed: str, words: Mapping[str, str]) -> tuple[str | None, dict[str, str]]:
        """A capability command followed by more words (`näytä kortti perhekuntoutus`,
        `prosessi lastensuojelu`): the command, with the service or process the words name
        preselected when they name exactly one; (None, {}) when no such command starts it."""
        typed = normalize(typed)  # "Näytä kortti: X" as "näytä kortti x"
        phrase = max((p for p, n in words.items() if n in NAMED_COMMANDS and typed.startswith(p + " ")), key=len, default=None)
        if phrase is None:
            return None, {}
        name, rest = words[phrase], typed[len(phrase) :].strip()
        kb = self.services.knowledge.snapshot.kb
        if name == "process" and (process := named_process(kb, rest)):
            return name, {"process": process}
        if name in ("process", "criteria", "card") and (service := named_service(kb, rest)):
            return name, {"service": service}
        return name, {}

    # --- the menu loop -----------------------------------------------------------------

    async def _intro_step(self, step: WaterfallStepContext) -> DialogTurnResult:
        options: dict[str, Any] = step.options or {}
        if options.get(START):
            return await step.next(options)
        if options.get(NEW_MESSAGE):
            # A guided dialog ended on a message it could not take: route it as new.
            return await step.next(None)
        intro = options.get("intro")
        if intro == "welcome":
            await self._send_welcome(step.context)
        elif intro == "menu":
            await self._send_menu(step.context, "core.menu.title")
        return Dialog.end_of_turn

    async def _route_step(self, step: WaterfallStepContext) -> DialogTurnResult:
        if not isinstance(step.result, dict):
            return await self._unrouted(step)
        target = step.result.get(START)
        if target is not None and await self.find_dialog(target) is not None:
            return await step.begin_dialog(target, step.result.get(OPTIONS) or {})
        capability = _capability(target)
        if capability is None:
            return await self._unrouted(step)
        title = self.text(step.context, f"{capability.strings}.{capability.key}.title")
        await step.context.send_activity(self.text(step.context, "core.not_available", title=title))
        return await step.replace_dialog(_STEPS_ID, {"intro": "none"})

    async def _after_child_step(self, step: WaterfallStepContext) -> DialogTurnResult:
        if step.result == GUIDED_NEW_MESSAGE:
            # Only a flag goes into the restarted steps' stored options, never the text.
            return await step.replace_dialog(_STEPS_ID, {NEW_MESSAGE: True})
        return await step.replace_dialog(_STEPS_ID, {"intro": "menu"})

    async def _unrouted(self, step: WaterfallStepContext) -> DialogTurnResult:
        """Free text goes to the Q&A (once built); a button of a dialog that has ended, and
        text before the Q&A exists, get the menu."""
        activity = step.context.activity
        text = (activity.text or "").strip()
        if text and await self.find_dialog(QNA_DIALOG_ID) is not None:
            return await step.begin_dialog(QNA_DIALOG_ID, {"question": text})
        stale_button = not text and activity.value is not None
        await self._send_menu(step.context, "core.stale_button" if stale_button else "core.fallback")
        return await step.replace_dialog(_STEPS_ID, {"intro": "none"})

    # --- cards -------------------------------------------------------------------------

    async def _send_welcome(self, context: TurnContext) -> None:
        card = welcome_card(
            title=self.text(context, "core.welcome.title"),
            intro=self.text(context, "core.welcome.intro"),
            items=await self._menu_items(context),
            tip=self.text(context, "core.welcome.tip"),
        )
        await context.send_activity(card_activity(card, text=self.text(context, "core.greeting")))

    async def _send_menu(self, context: TurnContext, title_key: str) -> None:
        await context.send_activity(card_activity(menu_card(self.text(context, title_key), await self._menu_items(context))))

    async def _menu_items(self, context: TurnContext) -> list[MenuItem]:
        items = []
        for capability in CAPABILITIES:
            if capability.listed_before_built or await self.find_dialog(capability.dialog_id) is not None:
                prefix = f"{capability.strings}.{capability.key}"
                items.append(
                    MenuItem(
                        title=self.text(context, f"{prefix}.title"),
                        description=self.text(context, f"{prefix}.description"),
                        data=Submit(dialog=MENU, step=MENU, action=START, value=capability.dialog_id).data(),
                    )
                )
        return items


def _start_options(value: object) -> dict[str, str]:
    if not isinstance(value, Mapping):
        return {}
    return {key: item for key in START_OPTION_KEYS if isinstance(item := value.get(key), str) and 0 < len(item) <= MAX_VALUE_LENGTH}


def _capability(key_or_dialog_id: str | None) -> Capability | None:
    return next((c for c in CAPABILITIES if key_or_dialog_id in (c.key, c.dialog_id)), None)


def optional_dialogs(services: BotServices) -> list[Dialog]:
    found: list[Dialog] = []
    for module_name, class_name in OPTIONAL_DIALOGS.values():
        # Only the module's absence means "not built yet"; an error inside it still raises.
        if importlib.util.find_spec(module_name) is not None:
            found.append(getattr(importlib.import_module(module_name), class_name)(services))
    return found


def build_root_dialog(services: BotServices) -> Dialog:
    return RootDialog(services, [*guided_dialogs(services).values(), *optional_dialogs(services)])
