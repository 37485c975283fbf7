"""Show card: a principle card in full, with its criteria check and process a tap away.

Flow (the step table in `__init__`):

1. `pick`: the service, one button each (skipped when the dialog is begun with one).
2. `show`: the card. An alternative's button opens that card in place; back returns to the
   card before it, then to the service choice (or to the dialog that started this one).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, Final

from bot.ui.cards.guided_service import service_card
from bot.ui.cards.payload import Submit
from bot.ui.protocol import Action, DialogId
from dialogs.engine import Call, Dialog, End, Goto, Outcome, Screen, Stay, Step, Turn
from dialogs.records import chosen_service, current_service, option_finder_answers, option_service, pick_service_step

MAX_HISTORY: Final = 20
"""Cards remembered for back; older ones drop off so the stored state stays small."""


class CardDialog(Dialog):
    ID = DialogId.CARD
    help_keys = ("dialogs.help.card", "dialogs.help.general", "dialogs.help.commands")

    def __init__(self) -> None:
        self.steps = {
            "pick": pick_service_step("card.title", "card.pick", then="show", history=[]),
            "show": Step(show=self.show_card, act=self.act_on_card, back=self.previous_card, display=True),
        }

    def start(self, turn: Turn, options: Mapping[str, Any]) -> tuple[str, dict[str, Any]]:
        kb = turn.kb
        service = option_service(kb, options)
        # The finder's answers ride along so a criteria check begun from here skips them too.
        data: dict[str, Any] = {"service": service, "given": service is not None, "history": [], "finder": option_finder_answers(options)}
        return ("show" if service else "pick"), data

    # 2. show -------------------------------------------------------------------------------

    def show_card(self, turn: Turn) -> Screen | Outcome:
        service = current_service(turn)
        if service is None:
            # The service left the knowledge base since this card was opened.
            turn.data.update(service=None, given=False, history=[])
            return Goto("pick")
        return Screen(service_card(turn.kb, turn.ui, service, turn.origin))

    def act_on_card(self, turn: Turn, submit: Submit) -> Outcome:
        service = chosen_service(turn, submit, Action.CARD, Action.CRITERIA, Action.PROCESS, Action.FEEDBACK)
        if service is None:
            return Stay(turn.ui("common.unknown_service"))
        if submit.action == Action.CARD:
            history = turn.data.setdefault("history", [])
            history.append(turn.data.get("service"))
            del history[:-MAX_HISTORY]
            turn.data["service"] = service
            return Goto("show")
        if submit.action == Action.CRITERIA:
            return Call(DialogId.CRITERIA, {"service": service, "finder_answers": turn.data.get("finder", {})})
        if submit.action == Action.FEEDBACK:
            return Call(DialogId.FEEDBACK, {"service": service})
        return Call(DialogId.PROCESS, {"service": service})

    def previous_card(self, turn: Turn) -> Outcome:
        history = turn.data.setdefault("history", [])
        if history:
            turn.data["service"] = history.pop()
            return Goto("show")
        if turn.data.get("given"):
            return End()
        turn.data["service"] = None
        return Goto("pick")
