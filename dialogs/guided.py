"""Guided dialogs as explicit step tables.

A guided dialog (finder, criteria check, process guide, service card) declares its flow in
one place, `self.steps`, top to bottom: each `Step` says what card it shows (`show`), what a
button press on that card does (`act`), and where "back" leads (`back`). Step functions are
plain and synchronous: they read the knowledge snapshot and the dialog's data and return a
`Screen` or an `Outcome`; sending, persisting and stale-button checks happen here, once.

State is plain JSON-able data in the dialog instance (`step`, `seq`, `data`), so a
conversation continues where it was after a restart; knowledge records are referred to by
id and looked up again from the current snapshot every turn.

Every card's buttons carry the step token `<dialog>:<step>:<seq>`. `seq` grows on every
transition, so a button from an earlier card (even of the same step, e.g. the previous
finder question) is recognised as stale and never recorded as an answer.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
import re
from dataclasses import dataclass, field
from typing import Any, ClassVar, Final

from botbuilder.core import TurnContext
from botbuilder.dialogs import Dialog, DialogContext, DialogInstance, DialogReason, DialogTurnResult

from bot.ui.cards.guided_common import Card, Origin, Ui
from bot.ui.cards.payload import Submit, parse_submit
from bot.ui.cards.text import submit_actions
from bot.service.context import BotServices
from bot.ui.i18n import language_of
from dialogs.base import PalveluopasDialog
from dialogs.choices import Ambiguous, Matched, Option, match_option
from dialogs.reply import send_screen
from knowledge.model import KnowledgeBase

TO_MENU: Final = "pv:to-menu"
"""Result a guided dialog ends with when the worker asked for the main menu: every guided
dialog above it ends too, and the root shows the menu."""
NEW_MESSAGE: Final = "pv:new-message"
"""Result a guided dialog ends with when the worker typed something new at a step that
shows content (a card, a result): every guided dialog above it ends too, and the root
routes the same message afresh (to the Q&A). The text itself is never part of the result,
so it is never stored."""


# --- What a step returns ---------------------------------------------------------------------


@dataclass(frozen=True)
class Screen:
    """A card to show. `extra_text` goes only into the text rendering, for what the card holds
    in an input field (the copyable justification), which the card→text renderer omits."""

    card: Card
    extra_text: str = ""


@dataclass(frozen=True)
class Goto:
    """Enter a step (the same one again for a new question): new token, card shown."""

    step: str


@dataclass(frozen=True)
class Stay:
    """Remain at the current step and show its card again, after an optional notice."""

    notice: str | None = None


@dataclass(frozen=True)
class End:
    """End this dialog; `result` goes to the dialog that started it."""

    result: object = None


@dataclass(frozen=True)
class Call:
    """Start another guided dialog on top of this one; `on_return` runs when it ends."""

    dialog_id: str
    options: Mapping[str, Any] = field(default_factory=dict)


Outcome = Goto | Stay | End | Call


@dataclass
class Turn:
    """One turn as a step sees it: the knowledge snapshot, UI strings, this dialog's data."""

    context: TurnContext
    kb: KnowledgeBase
    ui: Ui
    data: dict[str, Any]
    """The dialog's own persisted data; steps change it in place."""
    origin: Origin
    """Dialog id and the current step token, for building the step's buttons."""


@dataclass(frozen=True)
class Step:
    show: Callable[[Turn], Screen | Outcome]
    act: Callable[[Turn, Submit], Outcome]
    back: Callable[[Turn], Outcome]
    typed: Callable[[Turn, str], Outcome | None] | None = None
    """Typed text the step reads itself before it is matched to the card's buttons (the
    finder's age question takes '14' as an age); None lets the buttons have it."""
    display: bool = False
    """The step shows content (a service card, the finder's result, a process step) rather
    than asking a question: typed text naming none of its buttons is a new message, which
    ends the guided dialogs (`NEW_MESSAGE`) instead of being re-prompted."""


NAVIGATION_ACTIONS: Final = frozenset({"back", "next", "phase", "menu", "restart"})
"""Buttons that move through or leave a flow: a typed label picks them, a typed number never."""
_NUMBER_ONLY: Final = re.compile(r"^\W*\d+\W*$")
"""A bare number names a button or nothing; it is never a new question."""
COMMAND_ACTIONS: Final = frozenset({"cancel", "help"})
"""Buttons whose words are commands (`dialogs.base`), handled before a step sees the text."""


# --- The dialog ------------------------------------------------------------------------------


class GuidedDialog(PalveluopasDialog):
    """Base of the guided dialogs: subclasses set `DIALOG_ID`, `self.steps` and `start`."""

    DIALOG_ID: ClassVar[str]
    MAX_STEP_CHAIN: ClassVar[int] = 20
    """Guard against a content error making two steps hand over to each other forever."""
    MAX_NESTED: ClassVar[int] = 4
    """Guided dialogs stacked on one another at most (card -> criteria -> card -> ...); a call
    beyond takes the caller's place instead, so ping-ponging between a card and its check
    cannot grow the stored state without bound."""

    def __init__(self, services: BotServices) -> None:
        super().__init__(services)
        self.steps: dict[str, Step] = {}
        self.add_dialog(_StepRunner(self))

    # Subclass API -------------------------------------------------------------------------

    def start(self, kb: KnowledgeBase, options: Mapping[str, Any]) -> tuple[str, dict[str, Any]]:
        """The first step and the initial data, from the options the dialog was begun with."""
        raise NotImplementedError

    def on_return(self, turn: Turn, dialog_id: str, result: object) -> Outcome:
        """A dialog this one called has ended: by default show the current step again."""
        if result in (TO_MENU, NEW_MESSAGE):
            return End(result)
        return Stay()

    def call_targets(self) -> tuple[str, ...]:
        """DIALOG_IDs this dialog may `Call` (documentation of the flow; `wire` checks them)."""
        return ()

    # Wiring -------------------------------------------------------------------------------

    def wire(self, dialogs: Mapping[str, Dialog]) -> None:
        """Register every guided dialog in this one's set. Done after all are built, since they
        call one another (card → criteria → card); all of them, not only `call_targets`,
        because a component reprompts and cancels its inner stack without its parents' sets,
        and a call past MAX_NESTED can put any guided dialog in any one's stack."""
        missing = set(self.call_targets()) - set(dialogs)
        if missing:
            raise ValueError(f"{self.DIALOG_ID} calls unknown dialogs: {sorted(missing)}")
        for dialog in dialogs.values():
            self.add_dialog(dialog)

    # Helpers for steps -----------------------------------------------------------------------

    def ui(self, context: TurnContext) -> Ui:
        return Ui(self.services.strings, language_of(context.activity.locale))

    def kb(self) -> KnowledgeBase:
        # Read the snapshot per use, never keep it: a reload swaps it between turns.
        return self.services.knowledge.snapshot.kb

    # Commands from the base class -------------------------------------------------------------

    async def on_back(self, inner_dc: DialogContext) -> DialogTurnResult | None:
        runner = _runner(inner_dc)
        if runner is None:
            return None
        return await runner.back(inner_dc)

    async def on_help(self, inner_dc: DialogContext) -> DialogTurnResult:
        ui = self.ui(inner_dc.context)
        await inner_dc.context.send_activity(f"{ui(f'help.{self.DIALOG_ID}')}\n\n{ui('help.general')}\n\n{ui('help.commands')}")
        await inner_dc.reprompt_dialog()
        return Dialog.end_of_turn


def _guided_depth(inner_dc: DialogContext) -> int:
    """How many guided dialogs are active from the root down to this one's inner context."""
    depth, outer = 0, inner_dc.parent
    while outer is not None:
        active = outer.active_dialog
        if active is not None and isinstance(outer.find_dialog_sync(active.id), GuidedDialog):
            depth += 1
        outer = outer.parent
    return depth


def _runner(inner_dc: DialogContext) -> _StepRunner | None:
    active = inner_dc.active_dialog
    dialog = inner_dc.dialogs.find_dialog(active.id) if active else None
    return dialog if isinstance(dialog, _StepRunner) else None


class _StepRunner(Dialog):
    """The inner dialog that runs a GuidedDialog's step table."""

    def __init__(self, owner: GuidedDialog) -> None:
        super().__init__(f"{owner.DIALOG_ID}.steps")
        self.owner = owner

    # Dialog protocol ----------------------------------------------------------------------------

    async def begin_dialog(self, dialog_context: DialogContext, options: object = None) -> DialogTurnResult:
        given = options if isinstance(options, Mapping) else {}
        first, data = self.owner.start(self.owner.kb(), given)
        dialog_context.active_dialog.state.update({"step": first, "seq": 0, "data": data})
        self.owner.services.metrics.dialog_started(self.owner.DIALOG_ID)
        return await self._apply(dialog_context, Goto(first))

    async def continue_dialog(self, dialog_context: DialogContext) -> DialogTurnResult:
        activity = dialog_context.context.activity
        submit = parse_submit(activity.value)
        turn, step = self._turn(dialog_context.context, dialog_context.active_dialog)
        if submit is not None:
            if not self._is_current(turn, submit):
                return await self._apply(dialog_context, Stay(turn.ui("common.stale")))
            return await self._apply(dialog_context, step.act(turn, submit))
        typed = (activity.text or "").strip()
        if not typed:
            return await self._apply(dialog_context, Stay())
        return await self._apply(dialog_context, self._typed(turn, step, typed))

    async def resume_dialog(self, dialog_context: DialogContext, reason: DialogReason, result: object = None) -> DialogTurnResult:
        turn, _ = self._turn(dialog_context.context, dialog_context.active_dialog)
        called = turn.data.pop("calling", "")
        return await self._apply(dialog_context, self.owner.on_return(turn, called, result))

    async def reprompt_dialog(self, context: TurnContext, instance: DialogInstance) -> None:
        turn, step = self._turn(context, instance)
        shown = step.show(turn)
        if isinstance(shown, Screen):
            await send_screen(context, shown)

    # Back (from the base class's command handling) ----------------------------------------------

    async def back(self, inner_dc: DialogContext) -> DialogTurnResult:
        turn, step = self._turn(inner_dc.context, inner_dc.active_dialog)
        submit = parse_submit(inner_dc.context.activity.value)
        if submit is not None and not self._is_current(turn, submit):
            # A back button on an earlier card: going back from here would skip a step.
            return await self._apply(inner_dc, Stay(turn.ui("common.stale")))
        return await self._apply(inner_dc, step.back(turn))

    # Internals --------------------------------------------------------------------------------------

    def _turn(self, context: TurnContext, instance: DialogInstance) -> tuple[Turn, Step]:
        state = instance.state
        name = state.get("step", "")
        if name not in self.owner.steps:
            # State from an older version naming a step that no longer exists: start over
            # rather than crash the conversation.
            first, data = self.owner.start(self.owner.kb(), {})
            state.update({"step": first, "seq": int(state.get("seq", 0)) + 1, "data": data})
            name = first
        origin = Origin(self.owner.DIALOG_ID, f"{self.owner.DIALOG_ID}:{name}:{state.get('seq', 0)}")
        turn = Turn(context=context, kb=self.owner.kb(), ui=self.owner.ui(context), data=state.setdefault("data", {}), origin=origin)
        return turn, self.owner.steps[name]

    @staticmethod
    def _is_current(turn: Turn, submit: Submit) -> bool:
        return submit.dialog == turn.origin.dialog and submit.step == turn.origin.step

    def _typed(self, turn: Turn, step: Step, typed: str) -> Outcome:
        """Typed text at a step: what the step reads itself, else the button it names (an
        answer by number or label, navigation by label only), else a re-prompt."""
        if step.typed is not None:
            read = step.typed(turn, typed)
            if read is not None:
                return read
        shown = step.show(turn)
        if not isinstance(shown, Screen):
            return Stay()
        options: list[Option[Submit]] = []
        for action in submit_actions(shown.card):
            submit = parse_submit(action.data)
            if submit is None:
                continue
            if submit.action in COMMAND_ACTIONS:
                # Keeps its number (never typed to press it), but no label match: 'peruta'
                # is not an answer, and the words themselves never reach a step.
                options.append(Option("", submit, numbered=False))
            else:
                options.append(Option(action.title, submit, numbered=submit.action not in NAVIGATION_ACTIONS))
        match = match_option(typed, options, partial=not step.display)
        if isinstance(match, Matched):
            if match.value.action == "back":
                return step.back(turn)
            return step.act(turn, match.value)
        if step.display and not _NUMBER_ONLY.match(typed):
            # Not an answer to anything: a question or a request of its own.
            return End(NEW_MESSAGE)
        if isinstance(match, Ambiguous):
            return Stay(turn.ui("common.ambiguous", options=", ".join(match.labels)))
        # Never echo what was typed: it may be a client's name or identity code.
        return Stay(turn.ui("common.not_understood"))

    async def _apply(self, dc: DialogContext, outcome: Outcome) -> DialogTurnResult:
        """Carry out what a step decided, following hand-overs between steps."""
        instance = dc.active_dialog
        for _ in range(self.owner.MAX_STEP_CHAIN):
            if isinstance(outcome, End):
                if outcome.result not in (NEW_MESSAGE, TO_MENU):
                    self.owner.services.metrics.dialog_completed(self.owner.DIALOG_ID)
                return await dc.end_dialog(outcome.result)
            if isinstance(outcome, Call):
                if dc.parent is not None and _guided_depth(dc) >= self.owner.MAX_NESTED:
                    await dc.parent.replace_dialog(outcome.dialog_id, dict(outcome.options))
                    return Dialog.end_of_turn
                turn, _ = self._turn(dc.context, instance)
                turn.data["calling"] = outcome.dialog_id
                return await dc.begin_dialog(outcome.dialog_id, dict(outcome.options))
            if isinstance(outcome, Goto):
                instance.state["step"] = outcome.step
                instance.state["seq"] = int(instance.state.get("seq", 0)) + 1
            elif outcome.notice:
                await dc.context.send_activity(outcome.notice)
            turn, step = self._turn(dc.context, instance)
            shown = step.show(turn)
            if isinstance(shown, Screen):
                await send_screen(dc.context, shown)
                return Dialog.end_of_turn
            outcome = shown
        raise RuntimeError(f"{self.owner.DIALOG_ID}: steps handed over more than {self.owner.MAX_STEP_CHAIN} times")
