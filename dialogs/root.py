"""The root: greeting, the menu of what Palveluopas can do, and where free text goes.

It sits at the bottom of every conversation's stack and never ends. Menu buttons and typed
capability commands (`valitse palvelu`, `välj tjänst`, `näytä kortti perhetyö`, …) start a
capability at any time, also from an old card while another dialog is in progress (that
dialog is left, and the worker told so). Any other text is a question for the Q&A, also
the very first message of a conversation: the welcome card goes out when the bot is added
(`Greet`) and on `apu`, never instead of an answer.

Flow (the step table in `__init__`):

1. `idle`: nothing shown (a new conversation, or after a message the Q&A took).
2. `welcome`: the welcome card, with the menu.
3. `home`: the menu card, titled by what just happened (`data["title"]`).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any, Final

from bot.ui.cards.payload import MAX_VALUE_LENGTH, Submit
from bot.ui.cards.welcome import MenuItem, menu_card, welcome_card
from bot.ui.protocol import Action, DialogId, Result
from dialogs.choices import normalize
from dialogs.engine import Call, Command, Dialog, Goto, Outcome, Press, Quiet, Reroute, Screen, Step, Turn, Typed
from dialogs.records import named_process, named_service

START_OPTION_KEYS: Final = ("service", "process", "step")
"""Extra fields a start button may carry (e.g. the Q&A's 'open this card'), passed to the
started dialog; only short strings, since card data comes from the client."""


@dataclass(frozen=True)
class Capability:
    """A menu entry and its command: `dialogs.commands.<key>` are its words,
    `<strings>.<key>.title` and `.description` its menu text."""

    key: str
    dialog: DialogId
    strings: str = "core.capability"
    named: bool = False
    """Its command may be followed by a service's or process's name to start with it."""
    guided: bool = True
    """Leaving it midway loses answers: the worker is told when a menu button leaves it."""


class RootDialog(Dialog):
    ID = DialogId.ROOT

    def __init__(self, capabilities: Sequence[Capability]) -> None:
        self.capabilities = tuple(capabilities)
        self.steps = {
            "idle": Step(show=lambda turn: Quiet(), act=self.stale_button, typed=self.read),
            "welcome": Step(show=self.show_welcome, act=self.stale_button, typed=self.read, display=True),
            "home": Step(show=self.show_menu, act=self.stale_button, typed=self.read, display=True),
        }

    def start(self, turn: Turn, options: Mapping[str, Any]) -> tuple[str, dict[str, Any]]:
        return "idle", {}

    # Entering and interrupting ------------------------------------------------------------------

    def on_greet(self, turn: Turn) -> Outcome:
        """Installed or added: welcome once (Teams sends two activities on install)."""
        return Quiet() if turn.data.get("greeted") else self._welcome(turn)

    def intercept(self, turn: Turn, flows: Mapping[str, Mapping[str, Any]]) -> Outcome | None:
        """A menu button or a capability command, whatever is in progress: what it starts.
        `flows` holds the data of the dialogs in progress above the root, by dialog id."""
        in_flow = bool(flows)
        given = turn.input
        if isinstance(given, Press):
            submit = given.submit
            if submit.dialog != DialogId.MENU or submit.action != Action.START:
                return None
            capability = self._capability(submit.value)
            if capability is None:
                return None
            started = {k: v for k, v in given.options.items() if k in START_OPTION_KEYS and 0 < len(v) <= MAX_VALUE_LENGTH}
            return self._start(turn, capability, started, in_flow)
        if not isinstance(given, Typed) or given.command is None:
            return None
        if given.command == Command.MENU and not given.rest:
            return self._home(turn, "core.menu.title")
        capability = self._capability(given.command)
        if capability is None or (given.rest and not capability.named):
            return None
        options: dict[str, Any] = self._named(turn, capability, given.rest)
        if capability.dialog == DialogId.CRITERIA and (answers := _finder_answers(flows)):
            # "tarkista kriteerit X" after the finder: its answers are not asked again.
            options["finder_answers"] = answers
        return self._start(turn, capability, options, in_flow)

    def _start(self, turn: Turn, capability: Capability, options: Mapping[str, Any], in_flow: bool) -> Outcome:
        if in_flow and turn.data.get("flow_guided"):
            # A guided flow's answers go with it: say so rather than drop them silently.
            turn.say(turn.text("core.previous_stopped"))
        turn.data["flow_guided"] = capability.guided
        return Call(capability.dialog, options)

    def _named(self, turn: Turn, capability: Capability, rest: str) -> dict[str, str]:
        """The service or process the words after a command name, when they name one."""
        if not rest:
            return {}
        words = normalize(rest)
        if capability.dialog == DialogId.PROCESS and (process := named_process(turn.kb, words)):
            return {"process": process}
        if service := named_service(turn.kb, words):
            return {"service": service}
        return {}

    # Typed text and buttons at the root ------------------------------------------------------------

    def read(self, turn: Turn, typed: str) -> Outcome:
        given = turn.input
        command = given.command if isinstance(given, Typed) and not given.rest else None
        if command == Command.HELP:
            return self._welcome(turn)
        if command == Command.CANCEL:
            return self._home(turn, "core.nothing_to_cancel")
        if command == Command.BACK:
            return self._home(turn, "core.menu.title")
        if not typed:
            return self._home(turn, "core.fallback")
        turn.data["flow_guided"] = False
        return Call(DialogId.QNA, forward=True)

    def stale_button(self, turn: Turn, submit: Submit) -> Outcome:
        return self._home(turn, "core.stale_button")

    def on_return(self, turn: Turn, dialog: str, result: str | None) -> Outcome:
        turn.data["flow_guided"] = False
        if result == Result.NEW_MESSAGE:
            return Reroute()
        return self._home(turn, "core.menu.title")

    # Cards ------------------------------------------------------------------------------------------

    def _welcome(self, turn: Turn) -> Outcome:
        turn.data["greeted"] = True
        return Goto("welcome")

    def _home(self, turn: Turn, title_key: str) -> Outcome:
        turn.data["title"] = title_key
        return Goto("home")

    def show_welcome(self, turn: Turn) -> Screen:
        card = welcome_card(
            title=turn.text("core.welcome.title"),
            intro=turn.text("core.welcome.intro"),
            items=self._menu_items(turn),
            tip=turn.text("core.welcome.tip"),
        )
        return Screen(card, text=turn.text("core.greeting"))

    def show_menu(self, turn: Turn) -> Screen:
        return Screen(menu_card(turn.text(turn.data.get("title") or "core.menu.title"), self._menu_items(turn)))

    def _menu_items(self, turn: Turn) -> list[MenuItem]:
        return [
            MenuItem(
                title=turn.text(f"{c.strings}.{c.key}.title"),
                description=turn.text(f"{c.strings}.{c.key}.description"),
                data=Submit(dialog=DialogId.MENU, step=DialogId.MENU, action=Action.START, value=c.dialog).data(),
            )
            for c in self.capabilities
        ]

    def _capability(self, key_or_dialog: str | None) -> Capability | None:
        return next((c for c in self.capabilities if key_or_dialog in (c.key, c.dialog)), None)


def _finder_answers(flows: Mapping[str, Mapping[str, Any]]) -> dict[str, str]:
    """The answers of a finder in progress (or of a check begun from it), as the check takes them."""
    finder = flows.get(DialogId.FINDER, {})
    answers = finder.get("answers")
    if isinstance(answers, list):
        return {str(pair[0]): str(pair[1]) for pair in answers if isinstance(pair, list) and len(pair) == 2}
    for data in flows.values():
        carried = data.get("finder")
        if isinstance(carried, Mapping) and carried:
            return {str(k): str(v) for k, v in carried.items()}
    return {}
