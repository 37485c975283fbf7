"""Process guide cards: pick a process, then one card per step."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import get_args

from bot.ui.cards.guided_common import (
    Action,
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
    notice,
    source_block,
    subheading,
    text,
)
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
    body += [choice(origin.button(p.name.get(ui.lang), "pick", p.id), p.summary) for p in processes]
    return card(body, nav_actions(ui, origin, back=back))


def step_card(ui: Ui, view: StepView, origin: Origin) -> Card:
    step = view.step
    body: list[Element] = [heading(view.process.name.get(ui.lang), size="Medium")]
    if view.is_first:
        body += _process_intro(ui, view.process)
    phase_label = ui("process.phase_label", n=view.phase_number, total=view.phase_count, phase=view.phase.title)
    body.append(text(phase_label, subtle=True, spacing=None if view.is_first else "None"))
    if view.step_number == 1 and view.phase.summary:
        body.append(text(view.phase.summary, subtle=True))
    body.append(subheading(ui("process.step_label", n=view.step_number, total=view.step_count, step=step.title)))
    if step.services:
        body.append(text(ui("process.service_specific"), color="Accent"))
    body.append(text(step.what))
    unknown = ui("process.not_specified")
    # Every step answers who, where and by when; a gap in the source is said, never hidden.
    body.append(
        facts(
            [
                (ui("process.who"), step.who or unknown),
                (ui("process.system"), step.system or unknown),
                (ui("process.deadline"), step.deadline or unknown),
            ]
        )
    )
    if not step.complete:
        body.append(notice(ui("process.incomplete", note=step.incomplete_note or unknown)))
    if view.is_last:
        body.append(text(ui("process.last_step"), color="Good"))
    body.append(source_block(ui, [step.source]))
    actions: list[Action] = []
    if not view.is_last:
        actions.append(origin.button(ui("process.next"), "next", primary=True))
    # On the first step "back" leaves the route (to the process choice); elsewhere it is a step back.
    actions.append(origin.button(ui("common.back") if view.is_first else ui("process.previous"), "back"))
    actions.append(_jump_action(ui, view, origin))
    actions.append(origin.button(ui("common.menu"), "menu"))
    actions += nav_actions(ui, origin, back=False)
    return card(body, actions)


def _process_intro(ui: Ui, process: Process) -> list[Element]:
    """The first screen says what the process is, who does what and, where the sources are
    thin, what they do not say (e.g. that the phases come from another track's heading),
    before any step is read as fact."""
    intro: list[Element] = [text(process.summary)]
    if not process.complete:
        intro.append(notice(ui("process.process_incomplete", note=process.incomplete_note or ui("process.not_specified"))))
    if process.roles:
        intro.append(container(subheading(ui("process.roles")), bullets(process.roles)))
    return intro


def _jump_action(ui: Ui, view: StepView, origin: Origin) -> Action:
    """'Jump to phase' folds the phase buttons away, so the step card stays short."""
    buttons = [
        origin.button(ui("process.phase_button", n=n, phase=phase.title), "phase", phase.id)
        for n, phase in enumerate(view.phases, start=1)
    ]
    return {"type": "Action.ShowCard", "title": ui("process.jump"), "card": {"type": "AdaptiveCard", "body": choice_buttons(buttons)}}
