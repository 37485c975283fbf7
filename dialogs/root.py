"""The root dialog: greeting, the menu of what Palveluopas can do, help, and free text.

It sits at the bottom of every conversation's dialog stack and never ends: capability
dialogs run inside it and, when they end, it offers the menu again. Menu buttons work at any
time, also from an old card while another dialog is in progress (that dialog is left).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any, Final

from botbuilder.core import TurnContext
from botbuilder.dialogs import Dialog, DialogContext, DialogTurnResult, WaterfallDialog, WaterfallStepContext

from bot.cards.message import card_activity
from bot.cards.payload import Submit, parse_submit
from bot.cards.welcome import MenuItem, menu_card, welcome_card
from bot.context import BotServices
from dialogs.base import PalveluopasDialog

ROOT_DIALOG_ID: Final = "root"
MENU: Final = "menu"
"""`Submit.dialog` of top-level buttons; `Submit.value` is the dialog to start."""
START: Final = "start"
_STEPS_ID: Final = "root.menu"


@dataclass(frozen=True)
class Capability:
    key: str
    """Strings `core.capability.<key>.title` and `.description`."""
    dialog_id: str
    listed_before_built: bool = True
    """Listed (answering 'not available yet') before its dialog exists; False hides it until then."""


CAPABILITIES: Final = (
    Capability("finder", "finder"),
    Capability("criteria", "criteria"),
    Capability("process", "process"),
    Capability("qna", "qna"),
    Capability("feedback", "feedback", listed_before_built=False),
)


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
        target = _menu_target(inner_dc.context)
        return await inner_dc.begin_dialog(_STEPS_ID, {START: target} if target else {"intro": "welcome"})

    async def on_continue_dialog(self, inner_dc: DialogContext) -> DialogTurnResult:
        target = _menu_target(inner_dc.context)
        if target is not None:
            await inner_dc.cancel_all_dialogs()
            return await inner_dc.begin_dialog(_STEPS_ID, {START: target})
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

    # --- the menu loop -----------------------------------------------------------------

    async def _intro_step(self, step: WaterfallStepContext) -> DialogTurnResult:
        options: dict[str, Any] = step.options or {}
        if options.get(START):
            return await step.next({START: options[START]})
        intro = options.get("intro")
        if intro == "welcome":
            await self._send_welcome(step.context)
        elif intro == "menu":
            await self._send_menu(step.context, "core.menu.title")
        return Dialog.end_of_turn

    async def _route_step(self, step: WaterfallStepContext) -> DialogTurnResult:
        target = step.result.get(START) if isinstance(step.result, dict) else None
        if target is not None and await self.find_dialog(target) is not None:
            return await step.begin_dialog(target)
        capability = _capability(target)
        if capability is None:
            return await self._unrouted(step)
        title = self.text(step.context, f"core.capability.{capability.key}.title")
        await step.context.send_activity(self.text(step.context, "core.not_available", title=title))
        return await step.replace_dialog(_STEPS_ID, {"intro": "none"})

    async def _after_child_step(self, step: WaterfallStepContext) -> DialogTurnResult:
        return await step.replace_dialog(_STEPS_ID, {"intro": "menu"})

    async def _unrouted(self, step: WaterfallStepContext) -> DialogTurnResult:
        """Text, or a button of a dialog that has ended: say so and offer the menu."""
        stale_button = not (step.context.activity.text or "").strip() and step.context.activity.value is not None
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
                items.append(
                    MenuItem(
                        title=self.text(context, f"core.capability.{capability.key}.title"),
                        description=self.text(context, f"core.capability.{capability.key}.description"),
                        data=Submit(dialog=MENU, step=MENU, action=START, value=capability.dialog_id).data(),
                    )
                )
        return items


def _menu_target(context: TurnContext) -> str | None:
    submit = parse_submit(context.activity.value)
    if submit is None or submit.dialog != MENU or submit.action != START:
        return None
    return submit.value


def _capability(dialog_id: str | None) -> Capability | None:
    return next((c for c in CAPABILITIES if c.dialog_id == dialog_id), None)


def build_root_dialog(services: BotServices) -> Dialog:
    return RootDialog(services)
