"""Process guide: one process phase by phase, step by step.

Flow (the step table in `__init__`):

1. `pick`: family social work, child protection or the feedback loop (skipped when the
   dialog is begun with a process).
2. `step`: one card a step saying what to do, who, in which system and by when (and, for
   an incomplete step, that the source does not say, with the note). Next, previous, jump to
   a phase, main menu.

Begun from a service (its card or criteria check), the route also holds that service's own
steps: those whose `services` name it and those its card lists in `process_steps`. Without
a service only the steps common to every service are shown.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from bot.ui.cards.guided_process import StepView, pick_process_card, step_card
from bot.ui.cards.payload import Submit
from bot.ui.protocol import Action, DialogId, Result
from dialogs.engine import Call, Dialog, End, Goto, Outcome, Screen, Stay, Step, Turn
from dialogs.records import current_service, option_service
from knowledge.model import Process, ProcessPhase, ProcessStep, ServiceCard

Route = list[tuple[ProcessPhase, list[ProcessStep]]]


def route(process: Process, service: ServiceCard | None) -> Route:
    """The phases and steps the guide walks, phases without a visible step left out."""
    listed = set(service.process_steps) if service else set()

    def visible(step: ProcessStep) -> bool:
        if step.id in listed:
            return True
        if not step.services:
            return True
        return service is not None and service.id in step.services

    phases: Route = []
    for phase in process.phases:
        steps = [step for step in phase.steps if visible(step)]
        if steps:
            phases.append((phase, steps))
    return phases


def step_view(process: Process, walk: Route, step_id: str | None, service: ServiceCard | None) -> StepView:
    """Where `step_id` stands in the route; the first step when it is not on it."""
    flat = [(p, s) for p, (_, steps) in enumerate(walk) for s in range(len(steps))]
    position = next(((p, s) for p, s in flat if walk[p][1][s].id == step_id), flat[0])
    phase_index, step_index = position
    phase, steps = walk[phase_index]
    return StepView(
        process=process,
        phase=phase,
        step=steps[step_index],
        phase_number=phase_index + 1,
        phase_count=len(walk),
        step_number=step_index + 1,
        step_count=len(steps),
        is_first=position == flat[0],
        is_last=position == flat[-1],
        phases=[p for p, _ in walk],
        service=service,
    )


class ProcessDialog(Dialog):
    ID = DialogId.PROCESS
    help_keys = ("dialogs.help.process", "dialogs.help.general", "dialogs.help.commands")

    def __init__(self) -> None:
        self.steps = {
            "pick": Step(show=self.show_pick, act=self.pick, back=lambda turn: End()),
            "step": Step(show=self.show_step, act=self.move, back=self.step_back, display=True),
        }

    def start(self, turn: Turn, options: Mapping[str, Any]) -> tuple[str, dict[str, Any]]:
        kb = turn.kb
        process = options.get("process")
        if not (isinstance(process, str) and kb.process(process) is not None):
            process = None
        service = option_service(kb, options)
        at = options.get("step")
        found = kb.step(at) if isinstance(at, str) else None
        if found is not None and found[0].id == (process or found[0].id):
            # A link straight to a step (from a Q&A answer): its process, and for a step of
            # one service only, that service, so the step is on the route shown.
            process = found[0].id
            step = found[2]
            if step.services and service not in step.services:
                service = next((s for s in step.services if kb.service(s) is not None), service)
        else:
            at = None
        data = {"process": process, "service": service, "given": process is not None, "at": at}
        return ("step" if process else "pick"), data

    def _walk(self, turn: Turn) -> tuple[Process, Route] | None:
        process_id = turn.data.get("process")
        process = turn.kb.process(process_id) if isinstance(process_id, str) else None
        return (process, route(process, current_service(turn))) if process else None

    # 1. pick -------------------------------------------------------------------------------

    def show_pick(self, turn: Turn) -> Screen | Outcome:
        return Screen(pick_process_card(turn.kb, turn.ui, turn.origin, current_service(turn)))

    def pick(self, turn: Turn, submit: Submit) -> Outcome:
        if submit.action != Action.PICK or not submit.value or turn.kb.process(submit.value) is None:
            return Stay(turn.ui("common.stale"))
        turn.data.update(process=submit.value, at=None)
        return Goto("step")

    # 2. step -------------------------------------------------------------------------------

    def show_step(self, turn: Turn) -> Screen | Outcome:
        walked = self._walk(turn)
        if walked is None:
            turn.data.update(process=None, given=False, at=None)
            return Goto("pick")
        process, walk = walked
        view = step_view(process, walk, turn.data.get("at"), current_service(turn))
        turn.data["at"] = view.step.id
        return Screen(step_card(turn.ui, view, turn.origin))

    def move(self, turn: Turn, submit: Submit) -> Outcome:
        if submit.action == Action.MENU:
            return End(Result.TO_MENU)
        if submit.action == Action.FEEDBACK:
            service = current_service(turn)
            if service is None or submit.value != service.id:
                return Stay(turn.ui("common.stale"))
            return Call(DialogId.FEEDBACK, {"service": service.id})
        walked = self._walk(turn)
        if walked is None:
            return Stay()
        _, walk = walked
        flat = [step.id for _, steps in walk for step in steps]
        at = turn.data.get("at")
        index = flat.index(at) if at in flat else 0
        if submit.action == Action.NEXT and index + 1 < len(flat):
            turn.data["at"] = flat[index + 1]
            return Goto("step")
        if submit.action == Action.PHASE:
            target = next((steps[0].id for phase, steps in walk if phase.id == submit.value), None)
            if target is None:
                return Stay(turn.ui("common.stale"))
            turn.data["at"] = target
            return Goto("step")
        return Stay()

    def step_back(self, turn: Turn) -> Outcome:
        walked = self._walk(turn)
        flat = [step.id for _, steps in walked[1] for step in steps] if walked else []
        at = turn.data.get("at")
        index = flat.index(at) if at in flat else 0
        if index > 0:
            turn.data["at"] = flat[index - 1]
            return Goto("step")
        if turn.data.get("given"):
            return End()
        turn.data.update(process=None, at=None)
        return Goto("pick")
