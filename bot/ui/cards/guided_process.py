"""Process guide cards: pick a process, then one card per step."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import get_args

from bot.ui.cards.guided_common import (
    Button,
    Card,
    Element,
    Origin,
    Ui,
    bullets,
    card,
    choice,
    choice_buttons,
    container,
    facts,
    heading,
    nav_actions,
    source_block,
    subheading,
    text,
)
from bot.ui.protocol import Action
from knowledge.model import KnowledgeBase, Process, ProcessPhase, ProcessStep, ServiceCard, Track


@dataclass(frozen=True)
class StepView:
    """Where a step stands in the route the guide walks (phases with their visible steps)."""

    process: Process
    phase: ProcessPhase
    step: ProcessStep
    phase_number: int
    phase_count: int
    step_number: int
    step_count: int
    is_first: bool
    is_last: bool
    phases: Sequence[ProcessPhase]
    """The phases of the route, for the jump buttons."""
    service: ServiceCard | None = None


def processes_in_track_order(kb: KnowledgeBase) -> list[Process]:
    """Family social work, child protection, then the feedback loop (the order of `Track`),
    whatever order the files load in."""
    order = get_args(Track)
    return sorted(kb.processes, key=lambda p: order.index(p.track))


def pick_process_card(kb: KnowledgeBase, ui: Ui, origin: Origin, service: ServiceCard | None, *, back: bool = True) -> Card:
    body: list[Element] = [heading(ui("process.title")), text(ui("process.pick"))]
    if service:
        body.append(text(ui("process.for_service", service=service.name.get(ui.lang)), subtle=True))
    processes = processes_in_track_order(kb)
    body += [choice(origin.button(p.name.get(ui.lang), Action.PICK, p.id), ui.loc(p.summary)) for p in processes]
    return card(body, nav_actions(ui, origin, back=back))


def step_card(ui: Ui, view: StepView, origin: Origin) -> Card:
    step = view.step
    body: list[Element] = [heading(view.process.name.get(ui.lang), size="Medium")]
    if view.is_first:
        body += _process_intro(ui, view.process)
    phase_label = ui("process.phase_label", n=view.phase_number, total=view.phase_count, phase=ui.loc(view.phase.title))
    body.append(text(phase_label, subtle=True, spacing=None if view.is_first else "None"))
    if view.step_number == 1 and view.phase.summary:
        body.append(text(ui.loc(view.phase.summary), subtle=True))
    body.append(subheading(ui("process.step_label", n=view.step_number, total=view.step_count, step=ui.loc(step.title))))
    if step.services:
        body.append(text(ui("process.service_specific"), color="Accent"))
    body.append(text(ui.loc(step.what)))
    # Who always (the source's silence said, never filled in); system and deadline where the
    # sources give them.
    body += filter(
        None,
        [
            facts(
                [
                    (ui("process.who"), ui.loc(step.who, ui("process.not_specified"))),
                    (ui("process.system"), step.system or ""),
                    (ui("process.deadline"), ui.loc(step.deadline)),
                ]
            )
        ],
    )
    if step.source_gap is not None:
        body.append(_quiet(ui.loc(step.source_gap)))
    if view.is_last:
        body.append(text(ui("process.last_step"), color="Good"))
    body.append(source_block(ui, [step.source]))
    if view.service is not None:
        body.append({"type": "ActionSet", "spacing": "Small", "actions": [origin.button(ui("process.give_feedback"), Action.FEEDBACK, view.service.id)]})
    actions: list[Button] = []
    if not view.is_last:
        actions.append(origin.button(ui("process.next"), Action.NEXT, primary=True))
    # On the first step "back" leaves the route (to the process choice); elsewhere it is a step back.
    actions.append(origin.button(ui("common.back") if view.is_first else ui("process.previous"), Action.BACK))
    actions.append(_jump_action(ui, view, origin))
    actions.append(origin.button(ui("common.menu"), Action.MENU))
    actions += nav_actions(ui, origin, back=False)
    return card(body, actions)


def _process_intro(ui: Ui, process: Process) -> list[Element]:
    """The first screen says what the process is, who does what and, where the sources are
    thin, what they do not say (e.g. that the phases come from another track's heading),
    before any step is read as fact."""
    intro: list[Element] = [text(ui.loc(process.summary))]
    if process.roles:
        intro.append(container(subheading(ui("process.roles")), bullets(ui.loc(role) for role in process.roles)))
    if process.source_gap is not None:
        intro.append(_quiet(ui.loc(process.source_gap)))
    return intro


def _quiet(value: str) -> Element:
    return {**text(value, subtle=True, spacing="Small"), "size": "Small"}


def _jump_action(ui: Ui, view: StepView, origin: Origin) -> Button:
    """'Jump to phase' folds the phase buttons away, so the step card stays short."""
    buttons = [
        origin.button(ui("process.phase_button", n=n, phase=ui.loc(phase.title)), Action.PHASE, phase.id) for n, phase in enumerate(view.phases, start=1)
    ]
    return {"type": "Action.ShowCard", "title": ui("process.jump"), "card": {"type": "AdaptiveCard", "body": choice_buttons(buttons)}}
