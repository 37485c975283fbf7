"""Reading the knowledge records a guided dialog refers to, from its options, data and buttons.

Everything here is untrusted in the same way: options may come from an older dialog, data
from state stored before a content change, a button value from an old card. An id the
current knowledge base lacks is treated as not given, never as an error.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any, Final

from rapidfuzz import fuzz

from bot.ui.cards.guided_service import pick_service_card
from bot.ui.cards.payload import Submit
from bot.ui.protocol import Action
from dialogs.choices import FUZZY_MARGIN, normalize
from dialogs.engine import End, Goto, Outcome, Screen, Stay, Step, Turn
from knowledge.model import KnowledgeBase, Localized, ServiceCard

NAME_THRESHOLD: Final = 80.0
"""Similarity (0-100) typed words must reach to name a service or process: an inflected or
misspelt name ('perhekuntoutuksesta'), not merely a shared word."""


def option_service(kb: KnowledgeBase, options: Mapping[str, Any]) -> str | None:
    """The `service` a dialog was begun with, if the knowledge base has it."""
    service = options.get("service")
    return service if isinstance(service, str) and kb.service(service) is not None else None


def option_finder_answers(options: Mapping[str, Any]) -> dict[str, str]:
    """The finder answers (question id -> option id) a dialog was handed, as plain strings."""
    answers = options.get("finder_answers")
    return {str(q): str(o) for q, o in answers.items()} if isinstance(answers, Mapping) else {}


def current_service(turn: Turn) -> ServiceCard | None:
    service_id = turn.data.get("service")
    return turn.kb.service(service_id) if isinstance(service_id, str) else None


def chosen_service(turn: Turn, submit: Submit, *actions: Action) -> str | None:
    """The service a button names, when the button is one of `actions` and the service exists."""
    if submit.action not in actions or not submit.value or turn.kb.service(submit.value) is None:
        return None
    return submit.value


def pick_service_step(title_key: str, prompt_key: str, then: str, **reset: Any) -> Step:
    """The step that asks which service, one button each, and on a valid choice stores it in
    `data["service"]` (with `reset` applied) and goes to `then`. Back leaves the dialog."""

    def show(turn: Turn) -> Screen | Outcome:
        ui = turn.ui
        return Screen(pick_service_card(turn.kb, ui, turn.origin, title=ui(title_key), prompt=ui(prompt_key)))

    def act(turn: Turn, submit: Submit) -> Outcome:
        service = chosen_service(turn, submit, Action.PICK)
        if service is None:
            return Stay(turn.ui("common.unknown_service"))
        turn.data.update(service=service, **reset)
        return Goto(then)

    return Step(show=show, act=act, back=lambda turn: End())


def named_service(kb: KnowledgeBase, words: str) -> str | None:
    """The one service `words` name: by its Finnish, Swedish or English name or a keyword,
    exactly or nearly; None when they name none or several."""
    return _named(words, ((s.id, (*_names(s.name), *s.keywords, s.id.replace("-", " "))) for s in kb.services))


def named_process(kb: KnowledgeBase, words: str) -> str | None:
    """The one process `words` name: by its name in any language, its id or its track
    ('lastensuojelu'); None when they name none or several."""
    return _named(words, ((p.id, (*_names(p.name), p.id.replace("-", " "), p.track)) for p in kb.processes))


def _names(name: Localized) -> tuple[str, ...]:
    return tuple(n for n in (name.fi, name.sv, name.en) if n)


def _named(words: str, candidates: Iterable[tuple[str, tuple[str, ...]]]) -> str | None:
    wanted = normalize(words)
    if not wanted:
        return None
    named = [(record_id, [normalize(n) for n in names]) for record_id, names in candidates]
    exact = {record_id for record_id, names in named if wanted in names}
    if exact:
        return exact.pop() if len(exact) == 1 else None
    scored = sorted(((max(fuzz.WRatio(wanted, n) for n in names), record_id) for record_id, names in named), reverse=True)
    if not scored or scored[0][0] < NAME_THRESHOLD:
        return None
    if len(scored) > 1 and scored[0][0] - scored[1][0] < FUZZY_MARGIN:
        return None
    return scored[0][1]
