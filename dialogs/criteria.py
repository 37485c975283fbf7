"""Criteria check: one service's criteria and contra-indications as yes / no / don't know.

Flow (the step table in `__init__`):

1. `pick`: the service, one button each, by name (skipped when the dialog is begun with one).
2. `question`: the next criterion or contra-indication not yet settled, card order. What the
   finder's answers already settle (`implied_answers`) is not asked again. A criterion the
   source allows in some cases only after special consideration offers that as a fourth
   answer (`CheckItem.answers`).
3. `summary`: the verdict with its reasons, what is unmet or unknown, alternatives as
   buttons to their cards, the prerequisites checklist and duration, and the ready-to-paste
   justification.

Back undoes the last answer the worker gave here; from the first question it returns to the
service choice (or to the dialog that started this one).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from bot.ui.cards.guided_criteria import pick_card, question_card, summary_card
from bot.ui.cards.payload import Submit
from bot.ui.protocol import Action, DialogId
from dialogs.engine import Call, Dialog, End, Goto, Outcome, Screen, Stay, Step, Turn
from dialogs.records import chosen_service, current_service, option_finder_answers, option_service, pick_service_step
from domain.criteria import CheckAnswer, assess, check_items, evaluate
from domain.finder import implied_answers
from domain.justification import justification_text
from knowledge.model import ServiceCard


def known_answers(card: ServiceCard, data: Mapping[str, Any]) -> dict[str, CheckAnswer]:
    """Finder-implied answers, overridden by the worker's own answers in this check."""
    answers = implied_answers(card, data.get("finder", {}))
    answers.update({str(item): CheckAnswer(value) for item, value in data.get("answers", [])})
    return answers


class CriteriaDialog(Dialog):
    ID = DialogId.CRITERIA
    help_keys = ("dialogs.help.criteria", "dialogs.help.general", "dialogs.help.commands")

    def __init__(self) -> None:
        # The shared service choice, shown sorted by the name the user sees.
        pick = pick_service_step("criteria.title", "criteria.pick", then="question", answers=[])
        self.steps = {
            "pick": Step(show=lambda turn: Screen(pick_card(turn.kb, turn.ui, turn.origin)), act=pick.act, back=pick.back),
            "question": Step(show=self.show_question, act=self.answer, back=self.undo_last_answer),
            "summary": Step(show=self.show_summary, act=self.act_on_summary, back=self.undo_last_answer, display=True, completes=True),
        }

    def start(self, turn: Turn, options: Mapping[str, Any]) -> tuple[str, dict[str, Any]]:
        kb = turn.kb
        service = option_service(kb, options)
        data: dict[str, Any] = {"service": service, "given": service is not None, "finder": option_finder_answers(options), "answers": []}
        return ("question" if service else "pick"), data

    # 2. question ---------------------------------------------------------------------------

    def show_question(self, turn: Turn) -> Screen | Outcome:
        card = current_service(turn)
        if card is None:
            # The service vanished from the knowledge base since the check began.
            turn.data.update(service=None, given=False, answers=[])
            return Goto("pick")
        known = known_answers(card, turn.data)
        items = check_items(card, known)
        if not items:
            return Goto("summary")
        if assess(card, known).ruled_out:
            # An unmet criterion or an applying contra-indication decides it: the rest cannot
            # change the verdict, so they are not asked; the summary lists them as unchecked.
            turn.say(turn.ui("criteria.decided", n=len(items)))
            return Goto("summary")
        asked = len(turn.data.get("answers", []))
        implied = len(implied_answers(card, turn.data.get("finder", {})))
        return Screen(question_card(turn.ui, card, items[0], asked + 1, asked + len(items), implied, turn.origin, turn.kb))

    def answer(self, turn: Turn, submit: Submit) -> Outcome:
        card = current_service(turn)
        items = check_items(card, known_answers(card, turn.data)) if card else ()
        if submit.action != Action.ANSWER or not items or submit.value not in {answer.value for answer in items[0].answers}:
            return Stay(turn.ui("common.stale"))
        turn.data.setdefault("answers", []).append([items[0].id, submit.value])
        return Goto("question")

    def undo_last_answer(self, turn: Turn) -> Outcome:
        answers = turn.data.setdefault("answers", [])
        if answers:
            answers.pop()
            return Goto("question")
        if turn.data.get("given"):
            return End()
        turn.data["service"] = None
        return Goto("pick")

    # 3. summary ----------------------------------------------------------------------------

    def show_summary(self, turn: Turn) -> Screen | Outcome:
        card = current_service(turn)
        if card is None:
            return Goto("question")
        result = evaluate(turn.kb, card, known_answers(card, turn.data))
        text = justification_text(result, turn.lang)
        return Screen(summary_card(turn.ui, result, text, turn.origin))

    def act_on_summary(self, turn: Turn, submit: Submit) -> Outcome:
        if submit.action == Action.RESTART:
            turn.data.update(service=None, given=False, answers=[])
            return Goto("pick")
        service = chosen_service(turn, submit, Action.CARD, Action.PROCESS)
        if service is None:
            return Stay(turn.ui("common.unknown_service"))
        target = DialogId.CARD if submit.action == Action.CARD else DialogId.PROCESS
        return Call(target, {"service": service, "finder_answers": turn.data.get("finder", {})})
