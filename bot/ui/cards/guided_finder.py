"""Service finder cards: one question a card, then the ranked result."""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from bot.ui.cards.guided_common import (
    Action,
    Card,
    Element,
    Origin,
    Ui,
    action_sets,
    bullets,
    card,
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
from bot.ui.cards.guided_service import service_names, sorted_by_name
from domain.criteria import statement_of
from domain.finder import RankedService, Recommendation, RuledOut, is_age_question
from knowledge.model import ContraIndication, FinderQuestion, KnowledgeBase, ServiceCard


def question_card(ui: Ui, question: FinderQuestion, number: int, origin: Origin, most: int | None = None) -> Card:
    """`most`: how many questions there are at most, this one included (an honest bound)."""
    if most is not None and most == number:
        progress = ui("finder.progress_last", n=number, total=most)
    elif most is not None and most > number:
        progress = ui("finder.progress_of", n=number, total=most)
    else:
        progress = ui("finder.progress", n=number)
    body: list[Element] = [
        heading(ui("finder.title"), size="Medium"),
        text(progress, subtle=True, spacing="None"),
        text(f"**{question.text.get(ui.lang)}**"),
    ]
    if question.help:
        body.append(text(question.help.get(ui.lang), subtle=True))
    if is_age_question(question):
        body.append(text(ui("finder.age_hint"), subtle=True))
    answers = [origin.button(option.label.get(ui.lang), "answer", option.id) for option in question.options]
    body += choice_buttons(answers, typed_numbers_are_values=is_age_question(question))
    if number == 1:
        # At the age question a typed number is an age: the footer must not promise otherwise.
        intro = "finder.intro_age" if is_age_question(question) else "finder.intro"
        body.append(text(ui(intro), subtle=True, spacing="Medium"))
    return card(body, nav_actions(ui, origin))


def answers_facts(kb: KnowledgeBase, ui: Ui, answers: Mapping[str, str]) -> Element | None:
    """The answers the result rests on, question by question, so the worker can check them."""
    pairs = []
    for question_id, option_id in answers.items():
        question = kb.finder_question(question_id)
        option = next((o for o in question.options if o.id == option_id), None) if question else None
        if question and option:
            pairs.append((question.text.get(ui.lang), option.label.get(ui.lang)))
    return facts(pairs)


def result_card(kb: KnowledgeBase, ui: Ui, result: Recommendation, origin: Origin) -> Card:
    body: list[Element] = [heading(ui("finder.results_title"))]
    answered = answers_facts(kb, ui, result.answers)
    if answered:
        body += [text(ui("finder.based_on"), subtle=True), answered]
    if result.with_evidence:
        body.append(subheading(ui("finder.fits_title")))
        body += [_fit(ui, n, ranked, origin) for n, ranked in enumerate(result.with_evidence, start=1)]
    else:
        body.append(notice(ui("finder.no_evidence" if result.without_evidence else "finder.no_fits")))
    if result.without_evidence:
        body.append(_not_assessable(ui, [ranked.service for ranked in result.without_evidence], origin))
    if result.ruled_out:
        body.append(subheading(ui("finder.ruled_out_title")))
        body += [_ruled_out(kb, ui, item, origin) for item in result.ruled_out]
    body.append(text(ui("common.decision_note"), subtle=True, spacing="Medium"))
    actions = [origin.button(ui("finder.restart"), "restart"), *nav_actions(ui, origin)]
    return card(body, actions)


def _not_assessable(ui: Ui, services: Sequence[ServiceCard], origin: Origin) -> Element:
    """Services the answers neither speak for nor rule out: names only, and their cards
    behind one folded button, so they do not crowd out the suggestions (nor the card past
    what Teams accepts)."""
    ordered = sorted_by_name(services, ui.lang)
    fold: Action = {
        "type": "Action.ShowCard",
        "title": ui("finder.not_assessable_open"),
        "card": {
            "type": "AdaptiveCard",
            "body": action_sets([origin.button(ui("common.open_card", service=s.name.get(ui.lang)), "card", s.id) for s in ordered]),
        },
    }
    return container(
        subheading(ui("finder.not_assessable_title")),
        text(ui("finder.not_assessable_note"), subtle=True, spacing="None"),
        text(", ".join(s.name.get(ui.lang) for s in ordered)),
        {"type": "ActionSet", "actions": [fold]},
        separator=True,
    )


def _service_buttons(ui: Ui, service: ServiceCard, origin: Origin) -> list[Element]:
    """Every service in the result offers its criteria check and its card. The titles name
    the service: in a text channel (and to a screen reader) the buttons stand without the
    card's grouping, and two alike titles could not be told apart by typing."""
    name = service.name.get(ui.lang)
    return action_sets(
        [
            origin.button(ui("finder.check_criteria", service=name), "criteria", service.id, primary=True),
            origin.button(ui("common.open_card", service=name), "card", service.id),
        ]
    )


def _fit(ui: Ui, number: int, ranked: RankedService, origin: Origin) -> Element:
    service = ranked.service
    parts: list[Element | None] = [
        text(f"**{number}. {service.name.get(ui.lang)}**"),
        text(service.summary, spacing="None"),
    ]
    if ranked.met:
        # The conditions themselves (statements, else questions), not their explanations:
        # the card and the criteria check give those.
        parts += [text(ui("finder.fits_because"), spacing="Small"), bullets(statement_of(c) for c in ranked.met)]
    if ranked.consider:
        parts += [text(ui("finder.consider"), spacing="Small"), bullets(statement_of(c) for c in ranked.consider)]
    if ranked.unknown:
        parts.append(text(ui.count("finder.still_to_check", ranked.unknown), subtle=True))
    if not service.complete:
        parts.append(notice(ui("finder.thin_card"), color="Warning"))
    parts += _service_buttons(ui, service, origin)
    parts.append(source_block(ui, service.sources, sections=False))
    return container(*parts, separator=True)


def _ruled_out(kb: KnowledgeBase, ui: Ui, item: RuledOut, origin: Origin) -> Element:
    instead = service_names(kb, ui, (s.id for s in item.alternatives))
    contra = isinstance(item.reason, ContraIndication)
    # What to consider instead is the contra-indication's to say. The model gives a criterion
    # no alternatives, so "the source names none" would contradict an unmet criterion whose
    # explanation names some: nothing is said there.
    if instead:
        instead_line: Element | None = text(ui("common.instead", services=", ".join(instead)), subtle=True)
    elif contra:
        instead_line = text(ui("common.no_alternative"), subtle=True)
    else:
        instead_line = None
    parts: list[Element | None] = [
        text(f"**{item.service.name.get(ui.lang)}**"),
        # A contra-indication rules out when it holds (its statement), a criterion when the
        # answer to it is no (its question: a statement would need negating).
        text(ui("finder.ruled_out_applies", condition=statement_of(item.reason)) if contra else ui("finder.ruled_out_unmet", question=item.reason.question), spacing="None"),
        {**text(item.reason.explanation, subtle=True, spacing="None"), "size": "Small"},
        instead_line,
    ]
    parts += action_sets(
        [origin.button(ui("common.open_card", service=name), "card", alt.id) for alt, name in zip(item.alternatives, instead, strict=True)]
    )
    # Its own card only: the card offers the criteria check (with these answers) for a
    # worker who doubts an answer; a check button on every ruled-out service crowded the card.
    parts += action_sets([origin.button(ui("common.open_card", service=item.service.name.get(ui.lang)), "card", item.service.id)])
    parts.append(source_block(ui, item.service.sources, sections=False))
    return container(*parts, separator=True)
