"""Service finder: the questions that tell the services apart, then the ranked result.

Flow (the step table in `__init__`):

1. `question`: the next question whose answer would change the result (`next_question`),
   options as buttons; repeats until no question is left that would.
2. `result`: the fitting services best first with the criteria that make them fit, the
   ruled-out ones with the reason and what to consider instead. Every service offers its
   criteria check (the answers given here travel along) and its card.

Back removes the last answer. The answers are kept in order as `[question, option]` pairs.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any, Final

from bot.ui.cards.guided_finder import question_card, result_card
from bot.ui.cards.payload import Submit
from bot.ui.protocol import Action, DialogId
from dialogs.engine import Call, Dialog, End, Goto, Outcome, Screen, Stay, Step, Turn
from dialogs.records import chosen_service
from domain.age import age_option
from domain.finder import is_age_question, next_question, questions_left, recommend
from knowledge.model import KnowledgeBase

TYPED_AGE: Final = re.compile(r"^(\d{1,3})\s*-?\s*(?:v|vee|vuotias|vuotta|vuoden ikäinen|år|år gammal|åring|y|yo|yrs?|years?|years old)?$")
"""A whole number of years, bare or with a unit: `14`, `6v`, `14-vuotias`, `8 år`, `12 years`."""


def typed_age(typed: str) -> int | None:
    """The age in years a typed answer states, if it is one."""
    match = TYPED_AGE.match(" ".join(typed.casefold().strip().rstrip(".!").split()))
    return int(match.group(1)) if match else None


def finder_answers(data: Mapping[str, Any]) -> dict[str, str]:
    """The answers in the dialog's data as the domain takes them: question id -> option id."""
    return {str(q): str(o) for q, o in data.get("answers", [])}


def prefilled_answers(kb: KnowledgeBase, encoded: object) -> list[list[str]]:
    """Answers a case description implied (`q=o;q=o`, from the Q&A's case card), in the
    finder's question order; unknown questions or options (card data is untrusted, the
    knowledge base may have changed) are dropped. Back removes them one by one."""
    if not isinstance(encoded, str):
        return []
    given = dict(pair.split("=", 1) for pair in encoded.split(";") if pair.count("=") == 1)
    answers: list[list[str]] = []
    for question in kb.finder.questions:
        option = given.get(question.id)
        if option is not None and option in {o.id for o in question.options}:
            answers.append([question.id, option])
    return answers


class FinderDialog(Dialog):
    ID = DialogId.FINDER
    help_keys = ("dialogs.help.finder", "dialogs.help.general", "dialogs.help.commands")

    def __init__(self) -> None:
        self.steps = {
            "question": Step(show=self.show_question, act=self.answer, back=self.undo_last_answer, typed=self.answer_age),
            "result": Step(show=self.show_result, act=self.act_on_result, back=self.undo_last_answer, display=True, completes=True),
        }

    def start(self, turn: Turn, options: Mapping[str, Any]) -> tuple[str, dict[str, Any]]:
        return "question", {"answers": prefilled_answers(turn.kb, options.get("finder"))}

    # 1. question ---------------------------------------------------------------------------

    def show_question(self, turn: Turn) -> Screen | Outcome:
        answers = finder_answers(turn.data)
        question = next_question(turn.kb, answers)
        if question is None:
            return Goto("result")
        most = len(answers) + questions_left(turn.kb, answers)
        return Screen(question_card(turn.ui, question, len(answers) + 1, turn.origin, most))

    def answer(self, turn: Turn, submit: Submit) -> Outcome:
        question = next_question(turn.kb, finder_answers(turn.data))
        if submit.action != Action.ANSWER or question is None or submit.value not in {o.id for o in question.options}:
            # The token matched but the option does not belong to the question now asked:
            # only possible when the knowledge base changed in between. Ask again.
            return Stay(turn.ui("common.stale"))
        turn.data.setdefault("answers", []).append([question.id, submit.value])
        return Goto("question")

    def answer_age(self, turn: Turn, typed: str) -> Outcome | None:
        """At the age question a typed number is the child's age, never a button's number
        (`5` is five years, not the fifth option); elsewhere None: the buttons decide."""
        question = next_question(turn.kb, finder_answers(turn.data))
        age = typed_age(typed)
        if question is None or age is None or not is_age_question(question):
            return None
        option = age_option(question, age)
        if option is None:
            return Stay(turn.ui("finder.age_no_option"))
        # Say how the typed answer was read, so a slip ("5" meant as an option) shows at once.
        label = next((o.label.get(turn.lang) for o in question.options if o.id == option), option)
        turn.say(turn.ui("finder.age_read", age=age, option=label))
        turn.data.setdefault("answers", []).append([question.id, option])
        return Goto("question")

    def undo_last_answer(self, turn: Turn) -> Outcome:
        answers = turn.data.setdefault("answers", [])
        if not answers:
            return End()
        answers.pop()
        return Goto("question")

    # 2. result -----------------------------------------------------------------------------

    def show_result(self, turn: Turn) -> Screen | Outcome:
        return Screen(result_card(turn.kb, turn.ui, recommend(turn.kb, finder_answers(turn.data)), turn.origin))

    def act_on_result(self, turn: Turn, submit: Submit) -> Outcome:
        if submit.action == Action.RESTART:
            turn.data["answers"] = []
            return Goto("question")
        service = chosen_service(turn, submit, Action.CRITERIA, Action.CARD)
        if service is None:
            return Stay(turn.ui("common.unknown_service"))
        target = DialogId.CRITERIA if submit.action == Action.CRITERIA else DialogId.CARD
        return Call(target, {"service": service, "finder_answers": finder_answers(turn.data)})
