"""The one dialog engine: every conversation is a stack of step tables.

A dialog declares its flow in one place, `steps`, read top to bottom: each `Step` says what
it shows (`show`), what a press on its card does (`act`), where "back" leads (`back`), and
optionally how it reads typed text (`typed`). Step functions get a `Turn` (the knowledge
snapshot, the UI strings, the dialog's own data, the typed input of this turn) and return a
`Screen` to show or an `Outcome`; `act`, `typed` and `back` may be `async` and have side
effects (write a record, send a message elsewhere through `Turn.ports`).

Nothing here sees the Bot Framework SDK. The service layer parses each activity once into an
`Input` (`Press`, `Typed`, `Greet`), reads the conversation's `Stack`, calls `Engine.run`,
then sends the `Reply`s and writes the stack back. The engine decides everything in between,
once, for every dialog:

* commands (`peruuta`, `apu`, `takaisin`, and their buttons) for the dialog on top;
* stale buttons: every button carries the token `<dialog>:<step>:<seq>` of the step that
  showed it; `seq` grows on every transition, so a button of an earlier card is recognised
  and never taken as an answer. A press on a frame lower in the stack (the finder's result
  under a service card opened from it) returns to that frame and acts there;
* typed text at a step: the step's own reader, else the choices its `Screen` carries (by
  number or label), else a re-prompt; at a step that shows content, text that names none of
  its choices is a new message (`Result.NEW_MESSAGE`) for the root to route;
* calls between dialogs (`Call`, `End`, `on_return`), nesting bounded by `MAX_DEPTH`.

State is plain JSON (`Stack.dump`): dialog ids, step names, counters, ids of knowledge
records. Free text is never part of it; knowledge records are looked up again every turn.
"""

from __future__ import annotations

import inspect
import re
from collections.abc import Awaitable, Callable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, ClassVar, Final, Protocol, TypeAlias, TypeVar, Union

from bot.ui.cards.guided_common import Card, Choice, Origin, Ui
from bot.ui.cards.payload import Submit
from bot.ui.i18n import Strings
from bot.ui.protocol import COMMANDS, NAVIGATION, Action, DialogId, Result
from dialogs.choices import Ambiguous, Matched, Option, match_option
from domain.snapshot import Snapshot
from knowledge.model import KnowledgeBase

STATE_VERSION: Final = 2
"""Shape of the stored stack; a stored state of another shape is reset with a notice."""
MAX_DEPTH: Final = 5
"""Dialogs stacked on one another at most (root → card → criteria → card …); a call beyond
takes the caller's place instead, so ping-ponging cannot grow the stored state without bound."""
MAX_CHAIN: Final = 20
"""Guard against a content error making two steps hand over to each other forever."""
_NUMBER_ONLY: Final = re.compile(r"^\W*\d+\W*$")
"""A bare number names a button or nothing; it is never a new question."""


# --- What the service layer hands in -----------------------------------------------------------


class Command:
    """Names of typed commands (`dialogs.commands.<name>` in the UI strings)."""

    CANCEL: Final = "cancel"
    HELP: Final = "help"
    BACK: Final = "back"
    MENU: Final = "menu"


@dataclass(frozen=True)
class Press:
    """A card button: its submit, the extra start options it carries, and whether it came as a
    Universal Action (`adaptiveCard/action` invoke) whose answer replaces the card."""

    submit: Submit
    options: Mapping[str, str] = field(default_factory=dict)
    invoke: bool = False


@dataclass(frozen=True)
class Typed:
    """Typed text. `command` is set when the text is a command word typed alone, or a
    capability command followed by more words (`rest`, e.g. a service's name)."""

    text: str
    command: str | None = None
    rest: str = ""


@dataclass(frozen=True)
class Greet:
    """The bot was installed or added to a conversation."""


Input = Press | Typed | Greet


@dataclass(frozen=True)
class Person:
    """Who is talking: Teams ids only, never a client's data."""

    id: str
    aad_object_id: str | None = None
    name: str | None = None


@dataclass(frozen=True)
class Where:
    """The conversation the turn is in."""

    id: str
    kind: str = "personal"
    """`personal`, `groupChat` or `channel` (Teams' conversationType)."""
    channel_id: str = "msteams"
    service_url: str | None = None
    tenant_id: str | None = None
    activity_id: str | None = None
    reply_to_id: str | None = None


class Ports(Protocol):
    """What a step may reach outside the turn; built by the service layer."""

    @property
    def sessionmaker(self) -> Any: ...


# --- What comes out ---------------------------------------------------------------------------


@dataclass(frozen=True)
class Screen:
    """A card to show, or plain `text` when `card` is None. `extra_text` goes only into the
    text rendering, for what the card holds in an input field (the copyable justification).
    `choices` are the buttons a typed answer may name; the engine fills them in from the
    buttons the card was built with."""

    card: Card | None = None
    text: str = ""
    extra_text: str = ""
    choices: tuple[Choice, ...] = ()


@dataclass(frozen=True)
class Notice:
    """A short plain message."""

    text: str


@dataclass(frozen=True)
class Replace:
    """Replace the card the pressed button was on (a Universal Action's answer)."""

    screen: Screen


Reply = Screen | Notice | Replace


# --- What a step decides -----------------------------------------------------------------------


@dataclass(frozen=True)
class Goto:
    """Enter a step (the same one again for a new question): new token, card shown."""

    step: str


@dataclass(frozen=True)
class Stay:
    """Remain at the current step and show its card again, after an optional notice."""

    notice: str | None = None
    show: bool = True


@dataclass(frozen=True)
class End:
    """End this dialog; `result` goes to the dialog below it."""

    result: str | None = None


@dataclass(frozen=True)
class Call:
    """Start another dialog on top of this one; `on_return` runs when it ends. With
    `forward`, the new dialog reads this turn's input too (the Q&A gets the question)."""

    dialog: DialogId
    options: Mapping[str, Any] = field(default_factory=dict)
    forward: bool = False


@dataclass(frozen=True)
class Reroute:
    """Read this turn's input again, at the step now current (after the dialogs above ended)."""


@dataclass(frozen=True)
class Quiet:
    """Nothing more to show this turn."""


Outcome = Goto | Stay | End | Call | Reroute | Quiet
Event = tuple[str, str]
"""(event, label) for the metrics, e.g. ("dialog_started", "finder")."""


@dataclass
class Turn:
    """One turn as a step sees it."""

    snapshot: Snapshot
    strings: Strings
    lang: str
    input: Input
    user: Person
    where: Where
    ports: Ports
    data: dict[str, Any]
    """The dialog's own persisted data; steps change it in place."""
    origin: Origin
    """The dialog and the current step token, for building the step's buttons."""
    replies: list[Reply]
    events: list[Event] = field(default_factory=list)
    """What happened this turn, for the metrics (`bot/service/metrics.py` `Metrics.observe`)."""

    @property
    def kb(self) -> KnowledgeBase:
        return self.snapshot.kb

    @property
    def ui(self) -> Ui:
        return Ui(self.strings, self.lang)

    def text(self, key: str, **params: object) -> str:
        """A UI string of any namespace in the worker's language."""
        return self.strings.get(key, self.lang, **params)

    def count(self, event: str, label: str) -> None:
        """Count an event of the turn in the metrics, e.g. `turn.count("qna_answered", band)`;
        the label is a kind or an outcome, never an id or text."""
        self.events.append((event, label))

    def say(self, reply: Reply | str) -> None:
        """Send a notice or screen before whatever the step shows."""
        self.replies.append(Notice(reply) if isinstance(reply, str) else reply)

    @property
    def typed(self) -> str:
        return self.input.text if isinstance(self.input, Typed) else ""

    @property
    def press(self) -> Press | None:
        return self.input if isinstance(self.input, Press) else None


T = TypeVar("T")
MaybeAsync: TypeAlias = Union[T, Awaitable[T]]  # noqa: UP007 (a generic alias needs Union)


@dataclass(frozen=True)
class Step:
    show: Callable[[Turn], Screen | Outcome]
    act: Callable[[Turn, Submit], MaybeAsync[Outcome]] | None = None
    back: Callable[[Turn], MaybeAsync[Outcome]] | None = None
    """None: back leaves the dialog."""
    typed: Callable[[Turn, str], MaybeAsync[Outcome | None]] | None = None
    """Typed text the step reads itself before it is matched to the screen's choices (the
    finder's age question takes '14' as an age); returning None lets the choices have it."""
    completes: bool = False
    """Reaching this step is the dialog's completion (the finder's result, the criteria
    summary): counted as `dialog_completed` each time the dialog goes to it."""
    display: bool = False
    """The step shows content (a card, a result) rather than asking: typed text naming none
    of its choices is a new message (`Result.NEW_MESSAGE`), not a wrong answer."""


class Dialog:
    """Base of every dialog: subclasses set `ID`, `steps`, and override `start`."""

    ID: ClassVar[DialogId]
    steps: Mapping[str, Step]
    help_keys: ClassVar[tuple[str, ...]] = ("core.help_in_dialog",)
    """The help text (`apu` inside this dialog), paragraph by paragraph, before the current
    step is shown again."""
    stale_key: ClassVar[str] = "dialogs.common.stale"
    reshow_on_stale: ClassVar[bool] = True
    """A stale button gets the notice and the current step again (the way on); False for
    dialogs whose current card is long and still on screen (the Q&A's answer)."""
    free_text: ClassVar[frozenset[str]] = frozenset()
    """Keys of the data that hold (redacted) free text; every other string in the data must
    be a known id, or it is not stored (`dialogs.stored`)."""
    checked: ClassVar[frozenset[str]] = frozenset()
    """Keys whose values the dialog's own steps check before keeping them (a date parsed, a
    token it made, an option of its own list), stored as they are."""

    def start(self, turn: Turn, options: Mapping[str, Any]) -> tuple[str, dict[str, Any]]:
        """The first step and the initial data, from the options the dialog was begun with."""
        raise NotImplementedError

    def on_return(self, turn: Turn, dialog: str, result: str | None) -> Outcome:
        """A dialog this one called has ended: by default show the current step again, and
        pass on the results that leave every dialog above the root."""
        if result in (Result.TO_MENU, Result.NEW_MESSAGE, Result.CANCELLED):
            return End(result)
        return Stay()

    def help_text(self, turn: Turn) -> str:
        return "\n\n".join(turn.text(key) for key in self.help_keys)


# --- The stored stack ---------------------------------------------------------------------------


@dataclass
class Frame:
    dialog: str
    step: str
    seq: int
    data: dict[str, Any]

    @property
    def token(self) -> str:
        return f"{self.dialog}:{self.step}:{self.seq}"


@dataclass
class Stack:
    frames: list[Frame] = field(default_factory=list)
    reset: bool = False
    """The stored state was of an older shape and was dropped: the worker is told once."""

    def dump(self) -> dict[str, Any]:
        return {"engine": STATE_VERSION, "frames": [{"dialog": f.dialog, "step": f.step, "seq": f.seq, "data": f.data} for f in self.frames]}

    @classmethod
    def load(cls, document: object) -> Stack:
        """A stack from stored JSON; an empty one, flagged `reset`, for any other shape."""
        if document is None:
            return cls()
        if not isinstance(document, Mapping) or document.get("engine") != STATE_VERSION:
            return cls(reset=_held_a_dialog(document))
        frames: list[Frame] = []
        for raw in document.get("frames") or ():
            if not isinstance(raw, Mapping):
                return cls(reset=True)
            dialog, step, seq, data = raw.get("dialog"), raw.get("step"), raw.get("seq"), raw.get("data")
            if not (isinstance(dialog, str) and isinstance(step, str) and isinstance(seq, int) and isinstance(data, dict)):
                return cls(reset=True)
            frames.append(Frame(dialog, step, seq, data))
        return cls(frames)


def _held_a_dialog(document: object) -> bool:
    """Whether an old-shape state had a conversation in progress worth telling about."""
    return isinstance(document, Mapping) and any(key not in ("e_tag",) for key in document)


# --- The engine ----------------------------------------------------------------------------------


@dataclass
class TurnResult:
    stack: Stack
    replies: list[Reply]
    events: list[Event] = field(default_factory=list)
    """Dialogs started and completed, and what steps counted (`Turn.count`)."""


@dataclass(frozen=True)
class Context:
    """Everything of a turn but the dialog's own data and origin."""

    snapshot: Snapshot
    strings: Strings
    lang: str
    input: Input
    user: Person
    where: Where
    ports: Ports


class Engine:
    """Runs turns over a set of dialogs; `root` sits at the bottom of every stack and never ends."""

    def __init__(self, dialogs: Sequence[Dialog], root: DialogId) -> None:
        self.dialogs: dict[str, Dialog] = {}
        for dialog in dialogs:
            if dialog.ID in self.dialogs:
                raise ValueError(f"two dialogs registered as {dialog.ID}")
            self.dialogs[dialog.ID] = dialog
        if root not in self.dialogs:
            raise ValueError(f"the root dialog {root} is not registered")
        self.root = root

    async def run(self, stack: Stack, context: Context) -> TurnResult:
        return await _Run(self, stack, context).run()


class _Run:
    """One turn's run over a stack."""

    def __init__(self, engine: Engine, stack: Stack, context: Context) -> None:
        self.engine = engine
        self.stack = stack
        self.context = context
        self.replies: list[Reply] = []
        self.forwarding = False
        self.events: list[Event] = []

    # Entry -----------------------------------------------------------------------------------

    async def run(self) -> TurnResult:
        frames = self.stack.frames
        if self.stack.reset:
            self.replies.append(Notice(self.context.strings.get("core.state_reset", self.context.lang)))
            self.stack.reset = False
        # Frames of dialogs that no longer exist (a feature removed) are dropped.
        frames[:] = [f for f in frames if f.dialog in self.engine.dialogs]
        if not frames or frames[0].dialog != self.engine.root:
            frames.clear()
            root = self.engine.dialogs[self.engine.root]
            first, data = root.start(self._turn(Frame(self.engine.root, "", 0, {})), {})
            frames.append(Frame(self.engine.root, first, 0, data))
        await self._dispatch()
        return TurnResult(self.stack, self.replies, self.events)

    async def _dispatch(self) -> None:
        intercept = getattr(self.engine.dialogs[self.engine.root], "intercept", None)
        if intercept is not None:
            # The root sees the data of the flows above it (read-only), e.g. to carry the
            # finder's answers into a criteria check typed by name.
            flows = {f.dialog: dict(f.data) for f in self.stack.frames[1:]}
            outcome = await _maybe(intercept(self._turn(self.stack.frames[0]), flows))
            if outcome is not None:
                await self._leave_to_root()
                await self._apply(outcome)
                return
        await self._handle(self.context.input)

    async def _handle(self, given: Input) -> None:
        frame = self._top()
        dialog = self._dialog(frame)
        turn = self._turn(frame)
        step = self._step(frame, turn)
        if isinstance(given, Greet):
            greet = getattr(dialog, "on_greet", None)
            await self._apply(greet(turn) if greet is not None and len(self.stack.frames) == 1 else Quiet())
            return
        command = self._command(given, frame)
        if command == Command.CANCEL and len(self.stack.frames) > 1:
            await self._leave_to_root()
            self.replies.append(Notice(self.context.strings.get("core.cancelled", self.context.lang)))
            await self._apply(self._dialog(self._top()).on_return(self._turn(self._top()), dialog.ID, Result.CANCELLED))
            return
        if command == Command.HELP and len(self.stack.frames) > 1:
            self.replies.append(Notice(dialog.help_text(turn)))
            await self._apply(Stay())
            return
        if command == Command.BACK and len(self.stack.frames) > 1:
            if isinstance(given, Press) and given.submit.step != frame.token:
                await self._apply(self._stale(dialog))
                return
            await self._apply(await _maybe(step.back(turn)) if step.back else End())
            return
        if command is not None and len(self.stack.frames) == 1:
            # At the root, commands are the root's own input (the menu, the welcome).
            await self._apply(await self._typed(turn, step, given))
            return
        if isinstance(given, Press):
            await self._press(given)
            return
        await self._apply(await self._typed(turn, step, given))

    # Presses -------------------------------------------------------------------------------------

    async def _press(self, press: Press) -> None:
        submit = press.submit
        for depth in range(len(self.stack.frames) - 1, -1, -1):
            frame = self.stack.frames[depth]
            if submit.dialog == frame.dialog and submit.step == frame.token:
                # A button of a card further down (the result under a card opened from it):
                # the dialogs above it are left, quietly, and the press acts there.
                del self.stack.frames[depth + 1 :]
                turn = self._turn(frame)
                step = self._step(frame, turn)
                if step.act is None:
                    await self._apply(self._stale(self._dialog(frame)))
                    return
                await self._apply(await _maybe(step.act(turn, submit)))
                return
        top = self._top()
        if len(self.stack.frames) == 1:
            # No flow in progress: the root answers stale buttons (with its menu).
            turn = self._turn(top)
            step = self._step(top, turn)
            await self._apply(await _maybe(step.act(turn, submit)) if step.act else Stay())
            return
        await self._apply(self._stale(self._dialog(top)))

    # Typed text ------------------------------------------------------------------------------------

    async def _typed(self, turn: Turn, step: Step, given: Input) -> Outcome:
        typed = given.text.strip() if isinstance(given, Typed) else ""
        if step.typed is not None:
            read = await _maybe(step.typed(turn, typed))
            if read is not None:
                return read
        if not typed:
            return Stay()
        shown = step.show(turn)
        if not isinstance(shown, Screen):
            return Stay()
        choices = _with_choices(shown, turn.origin).choices
        options = [Option(c.label if c.submit.action not in COMMANDS else "", c.submit, numbered=c.numbered) for c in choices]
        match = match_option(typed, options, partial=not step.display)
        if isinstance(match, Matched):
            if match.value.action == Action.BACK:
                return await _maybe(step.back(turn)) if step.back else End()
            if step.act is not None:
                return await _maybe(step.act(turn, match.value))
        if step.display and not _NUMBER_ONLY.match(typed):
            # Not an answer to anything: a question or a request of its own.
            return End(Result.NEW_MESSAGE)
        if isinstance(match, Ambiguous):
            return Stay(turn.ui("common.ambiguous", options=", ".join(match.labels)))
        # Never echo what was typed: it may be a client's name or identity code.
        return Stay(turn.ui("common.not_understood"))

    def _command(self, given: Input, frame: Frame) -> str | None:
        if isinstance(given, Typed):
            return given.command if not given.rest else None
        # A command button counts only on the dialog that showed it: a cancel button of an
        # ended dialog's card is stale, it does not cancel whatever runs now.
        if isinstance(given, Press) and given.submit.action in (Action.CANCEL, Action.HELP, Action.BACK) and given.submit.dialog == frame.dialog:
            return str(given.submit.action)
        return None

    # Outcomes -----------------------------------------------------------------------------------------

    async def _apply(self, outcome: Outcome) -> None:
        for _ in range(MAX_CHAIN):
            frame = self._top()
            if isinstance(outcome, Quiet):
                return
            if isinstance(outcome, End):
                if len(self.stack.frames) == 1:
                    outcome = Goto(frame.step)
                    continue
                self.stack.frames.pop()
                below = self._top()
                outcome = self._dialog(below).on_return(self._turn(below), frame.dialog, outcome.result)
                continue
            if isinstance(outcome, Reroute):
                await self._handle(self.context.input)
                return
            if isinstance(outcome, Call):
                entered = await self._call(outcome)
                if entered is None:
                    return
                outcome = entered
                continue
            went = isinstance(outcome, Goto)
            if isinstance(outcome, Goto):
                frame.step = outcome.step
                frame.seq += 1
            elif outcome.notice:
                self.replies.append(Notice(outcome.notice))
            if isinstance(outcome, Stay) and not outcome.show:
                return
            turn = self._turn(frame)
            step = self._step(frame, turn)
            shown = step.show(turn)
            if isinstance(shown, Screen):
                if went and step.completes:
                    self.events.append(("dialog_completed", frame.dialog))
                self.replies.append(_with_choices(shown, turn.origin))
                return
            outcome = shown
        raise RuntimeError(f"{self._top().dialog}: steps handed over more than {MAX_CHAIN} times")

    async def _call(self, call: Call) -> Outcome | None:
        target = self.engine.dialogs.get(call.dialog)
        if target is None:
            return Stay()
        if len(self.stack.frames) >= MAX_DEPTH:
            self.stack.frames.pop()
        frame = Frame(target.ID, "", 0, {})
        self.events.append(("dialog_started", target.ID))
        self.stack.frames.append(frame)
        first, data = target.start(self._turn(frame), call.options)
        frame.step, frame.data = first, data
        if call.forward:
            await self._handle(self.context.input)
            return None
        return Goto(first)

    async def _leave_to_root(self) -> None:
        del self.stack.frames[1:]

    # Helpers ------------------------------------------------------------------------------------------

    def _top(self) -> Frame:
        return self.stack.frames[-1]

    def _dialog(self, frame: Frame) -> Dialog:
        return self.engine.dialogs[frame.dialog]

    def _step(self, frame: Frame, turn: Turn) -> Step:
        dialog = self._dialog(frame)
        if frame.step not in dialog.steps:
            # State from an older version naming a step that no longer exists: start the
            # dialog over rather than fail the conversation.
            frame.step, frame.data = dialog.start(turn, {})
            frame.seq += 1
            turn.data = frame.data
            turn.origin = Origin(frame.dialog, frame.token)
        return dialog.steps[frame.step]

    def _turn(self, frame: Frame) -> Turn:
        c = self.context
        return Turn(
            snapshot=c.snapshot,
            strings=c.strings,
            lang=c.lang,
            input=c.input,
            user=c.user,
            where=c.where,
            ports=c.ports,
            data=frame.data,
            origin=Origin(frame.dialog, frame.token),
            replies=self.replies,
            events=self.events,
        )

    def _stale(self, dialog: Dialog) -> Stay:
        return Stay(self.context.strings.get(dialog.stale_key, self.context.lang), show=dialog.reshow_on_stale)


def _with_choices(screen: Screen, origin: Origin) -> Screen:
    if screen.choices or not origin.buttons:
        return screen
    return Screen(card=screen.card, text=screen.text, extra_text=screen.extra_text, choices=tuple(origin.buttons))


async def _maybe(value: MaybeAsync[T]) -> T:
    if inspect.isawaitable(value):
        return await value
    return value


__all__ = [
    "NAVIGATION",
    "Call",
    "Command",
    "Context",
    "Dialog",
    "End",
    "Engine",
    "Goto",
    "Greet",
    "Input",
    "Notice",
    "Outcome",
    "Person",
    "Ports",
    "Press",
    "Quiet",
    "Replace",
    "Reply",
    "Reroute",
    "Screen",
    "Stack",
    "Stay",
    "Step",
    "Turn",
    "Typed",
    "Where",
]
