"""Test-only dialog engines: a root that says a fixed line per turn, for tests of the edge.

`script_engine(["Kysymys 1/3", "Kysymys 2/3", ...])` answers the n-th message of a
conversation with the n-th line and starts over after the last; `{kind}` in a line says
whether the turn was typed (`teksti`) or a button (`painike`); a message `kaadu` raises;
`delay` makes every turn take that long.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable, Mapping, Sequence
from typing import Any

from bot.ui.cards.payload import Submit
from bot.ui.protocol import DialogId
from dialogs.engine import Dialog, Engine, Goto, Outcome, Press, Quiet, Screen, Step, Turn


class Script(Dialog):
    ID = DialogId.ROOT

    def __init__(self, lines: Sequence[str], delay: float) -> None:
        self.lines = list(lines)
        self.delay = delay
        self.steps = {"start": Step(show=lambda turn: Quiet(), act=self.next_press, typed=self.next_typed)}
        for number, _ in enumerate(self.lines):
            self.steps[str(number)] = Step(show=self._show(number), act=self.next_press, typed=self.next_typed)

    def start(self, turn: Turn, options: Mapping[str, Any]) -> tuple[str, dict[str, Any]]:
        return "start", {"at": -1}

    def _show(self, number: int) -> Callable[[Turn], Screen]:
        def show(turn: Turn) -> Screen:
            kind = "painike" if isinstance(turn.input, Press) else "teksti"
            return Screen(text=self.lines[number].format(kind=kind))

        return show

    async def next_typed(self, turn: Turn, typed: str) -> Outcome:
        if self.delay:
            await asyncio.sleep(self.delay)
        if typed == "kaadu":
            raise RuntimeError("internal detail: table bot_state is on fire")
        return self._advance(turn)

    async def next_press(self, turn: Turn, submit: Submit) -> Outcome:
        return await self.next_typed(turn, "")

    def _advance(self, turn: Turn) -> Outcome:
        at = (int(turn.data.get("at", -1)) + 1) % len(self.lines)
        turn.data["at"] = at
        return Goto(str(at))


def script_engine(lines: Sequence[str], *, delay: float = 0.0) -> Callable[[], Engine]:
    return lambda: Engine([Script(lines, delay)], root=DialogId.ROOT)
