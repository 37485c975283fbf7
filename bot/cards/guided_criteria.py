"""Criteria check cards: one yes / no / don't know question a card, then the summary."""

from __future__ import annotations

from typing import Final

from bot.cards.guided_common import (
    Card,
    Element,
    Origin,
    Ui,
    action_sets,
    bullets,
    card,
    copyable,
    heading,
    nav_actions,
    section,
    source_block,
    text,
)
from bot.cards.guided_service import duration_facts
from domain.criteria import CheckAnswer, CheckItem, CheckResult, Verdict
from knowledge.model import ServiceCard

ASKED_ANSWERS: Final = (CheckAnswer.YES, CheckAnswer.NO, CheckAnswer.UNKNOWN)
"""The worker's own answers; 'consider' comes only from the finder."""

JUSTIFICATION_INPUT_ID: Final = "perustelut"

_VERDICT_COLOR: Final = {Verdict.FITS: "Good", Verdict.CONSIDER: "Warning", Verdict.DOES_NOT_FIT: "Attention"}


def question_card(ui: Ui, service: ServiceCard, item: CheckItem, number: int, total: int, implied: int, origin: Origin) -> Card:
    body: list[Element] = [
        heading(service.name.get(ui.lang), size="Medium"),
        text(ui("criteria.progress", n=number, total=total), subtle=True, spacing="None"),
        text(ui(f"criteria.kind.{item.kind}"), color="Accent", spacing="Small"),
        text(f"**{item.question}**"),
        text(item.explanation, subtle=True),
    ]
    body += action_sets([origin.button(ui(f"criteria.answer.{answer.value}"), "answer", answer.value) for answer in ASKED_ANSWERS])
    if number == 1 and implied:
        body.append(text(ui.count("criteria.implied", implied), subtle=True, spacing="Medium"))
    body.append(source_block(ui, service.sources))
    return card(body, nav_actions(ui, origin))


def summary_card(ui: Ui, result: CheckResult, justification: str, origin: Origin) -> Card:
    service = result.service
    body: list[Element] = [
        heading(ui("criteria.summary_title", service=service.name.get(ui.lang))),
        {**text(ui(f"criteria.verdict.{result.verdict.value}"), color=_VERDICT_COLOR[result.verdict]), "size": "Large", "weight": "Bolder"},
    ]
    body += section(ui("criteria.reasons"), bullets(result.reasons))
    body += section(ui("criteria.unmet"), bullets(c.explanation for c in (*result.unmet, *result.applying)))
    body += section(ui("criteria.consider"), bullets(c.explanation for c in result.consider))
    body += section(ui("criteria.unknown"), bullets(c.question for c in result.unknown))
    if result.alternatives:
        body += section(
            ui("criteria.alternatives"),
            *action_sets([origin.button(ui("common.open_card", service=s.name.get(ui.lang)), "card", s.id) for s in result.alternatives]),
        )
    body += section(ui("criteria.prerequisites"), bullets(f"☐ {p.text}" for p in result.prerequisites))
    if result.duration:
        body += section(ui("criteria.duration"), text(result.duration.description), duration_facts(ui, result.duration))
    body += [
        copyable(JUSTIFICATION_INPUT_ID, ui("criteria.justification"), justification),
        text(ui("criteria.justification_hint"), subtle=True, spacing="None"),
        # The same text once more, folded away: text renderings (the terminal chat, channels
        # without cards) show no input's value, and a reader may prefer it unboxed.
        {
            "type": "ActionSet",
            "actions": [{"type": "Action.ShowCard", "title": ui("criteria.justification_as_text"), "card": {"type": "AdaptiveCard", "body": [text(justification)]}}],
        },
        source_block(ui, service.sources),
    ]
    actions = [
        origin.button(ui("criteria.show_card"), "card", service.id),
        origin.button(ui("criteria.start_process"), "process", service.id),
        origin.button(ui("criteria.check_another"), "restart"),
        *nav_actions(ui, origin),
    ]
    return card(body, actions)
