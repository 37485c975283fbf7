"""Service finder cards: one question a card, then the ranked result."""

from __future__ import annotations

from collections.abc import Mapping, Sequence

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
    hidden,
    nav_actions,
    notice,
    source_block,
    subheading,
    text,
    toggle,
)
from bot.ui.cards.guided_service import service_names, sorted_by_name
from bot.ui.protocol import Action
from domain.criteria import statement_of
from domain.finder import RankedService, Recommendation, RuledOut, is_age_question, presenting_need
from domain.justification import consider_text
from knowledge.model import ContraIndication, Criterion, FinderQuestion, KnowledgeBase, ServiceCard


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
    answers = [origin.button(option.label.get(ui.lang), Action.ANSWER, option.id) for option in question.options]
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
    """Taken in at a glance: each suggestion's name, summary and buttons; the answers, why
    each suggestion fits and why the others do not, behind toggles (text renderings show
    all of it)."""
    body: list[Element] = [heading(ui("finder.results_title"))]
    answered = answers_facts(kb, ui, result.answers)
    if answered:
        body += [
            {"type": "ActionSet", "spacing": "None", "actions": [toggle(ui("finder.show_answers"), "answers")]},
            hidden("answers", text(ui("finder.based_on"), subtle=True), answered),
        ]
    if result.with_evidence:
        body.append(subheading(ui("finder.fits_title")))
        body += [_fit(kb, ui, n, ranked, result.answers, origin) for n, ranked in enumerate(result.with_evidence, start=1)]
    else:
        body.append(notice(ui("finder.no_evidence" if result.without_evidence else "finder.no_fits")))
    if result.without_evidence:
        body.append(_not_assessable(ui, [ranked.service for ranked in result.without_evidence], origin))
    if result.other_needs:
        body.append(_other_needs(kb, ui, result, origin))
    if result.ruled_out:
        body.append(
            container(
                subheading(ui("finder.ruled_out_title")),
                text(", ".join(item.service.name.get(ui.lang) for item in result.ruled_out), spacing="None"),
                {"type": "ActionSet", "actions": [toggle(ui("finder.ruled_out_why"), "ruled-out")]},
                hidden("ruled-out", *(_ruled_out(kb, ui, item, result.answers, origin) for item in result.ruled_out)),
                separator=True,
            )
        )
    body.append(text(ui("common.decision_note"), subtle=True, spacing="Medium"))
    actions = [origin.button(ui("finder.restart"), Action.RESTART), *nav_actions(ui, origin)]
    return card(body, actions)


def _not_assessable(ui: Ui, services: Sequence[ServiceCard], origin: Origin) -> Element:
    """Services the answers neither speak for nor rule out: one line, and behind one folded
    button what it means, their names and their cards, so they do not crowd out the
    suggestions."""
    return _folded_group(
        ui,
        services,
        origin,
        line=ui.count("finder.not_assessable_line", len(services)),
        note=ui("finder.not_assessable_note"),
        show=ui("finder.not_assessable_show"),
    )


def _other_needs(kb: KnowledgeBase, ui: Ui, result: Recommendation, origin: Origin) -> Element:
    """Services the sources describe for another need than the one answered: one line, the
    rest folded away."""
    need = presenting_need(kb, result.answers)
    question = next((q for q in kb.finder.questions if q.presenting_need), None)
    option = next((o for o in question.options if o.id == need), None) if question else None
    label = option.label.get(ui.lang) if option else ""
    line = ui.count("finder.other_needs_line", len(result.other_needs), need=label)
    return _folded_group(ui, result.other_needs, origin, line=line, note=ui("finder.other_needs_note"), show=ui("finder.other_needs_show"))


def _folded_group(ui: Ui, services: Sequence[ServiceCard], origin: Origin, *, line: str, note: str, show: str) -> Element:
    ordered = sorted_by_name(services, ui.lang)
    fold: Button = {
        "type": "Action.ShowCard",
        "title": show,
        "card": {
            "type": "AdaptiveCard",
            "body": [
                text(note, subtle=True),
                text(", ".join(s.name.get(ui.lang) for s in ordered)),
                *(choice(origin.button(ui("common.open_card", service=s.name.get(ui.lang)), Action.CARD, s.id)) for s in ordered),
            ],
        },
    }
    return container(text(f"**{line}**"), {"type": "ActionSet", "actions": [fold]}, separator=True)


def answer_label(kb: KnowledgeBase, ui: Ui, item: Criterion | ContraIndication, answers: Mapping[str, str]) -> str:
    """The finder answer (its option's label) an item was settled by; empty when none."""
    link = item.implied_by
    question = kb.finder_question(link.question) if link else None
    option_id = answers.get(link.question) if link else None
    option = next((o for o in question.options if o.id == option_id), None) if question else None
    return option.label.get(ui.lang) if option else ""


def evidence_line(kb: KnowledgeBase, ui: Ui, criterion: Criterion, answers: Mapping[str, str], statement: str) -> str:
    """A met criterion with the answer it was inferred from, so the worker sees it was not
    asked as such but read from an answer they gave."""
    answer = answer_label(kb, ui, criterion, answers)
    return f"{statement} ({ui('finder.from_answer', answer=answer)})" if answer else statement


def _fit(kb: KnowledgeBase, ui: Ui, number: int, ranked: RankedService, answers: Mapping[str, str], origin: Origin) -> Element:
    """A suggestion: name, summary and its buttons (criteria check, card, why) with short
    titles under the name they belong to (their tooltips name the service, for a screen
    reader and text renderings); why it fits behind the toggle."""
    service = ranked.service
    why_id = f"why-{number}"
    why: list[Element | None] = []
    if ranked.met:
        # The conditions themselves (statements, else questions), not their explanations:
        # the card and the criteria check give those.
        why += [text(ui("finder.fits_because"), spacing="Small"), bullets(evidence_line(kb, ui, c, answers, statement_of(c, ui.lang)) for c in ranked.met)]
    if ranked.consider:
        why += [text(ui("finder.consider"), spacing="Small"), bullets(evidence_line(kb, ui, c, answers, consider_text(c, ui.lang)) for c in ranked.consider)]
    if ranked.unknown:
        why.append(text(ui.count("finder.still_to_check", ranked.unknown), subtle=True))
    why.append(source_block(ui, service.sources, sections=False))
    name = service.name.get(ui.lang)
    parts: list[Element | None] = [
        text(f"**{number}. {name}**"),
        text(ui.loc(service.summary), spacing="None"),
    ]
    if not service.complete:
        parts.append(notice(ui("finder.thin_card"), color="Warning"))
    buttons: list[Button] = [
        origin.button(ui("finder.check"), Action.CRITERIA, service.id, named=ui("finder.check_criteria", service=name)),
        origin.button(ui("finder.open_card"), Action.CARD, service.id, named=ui("common.open_card", service=name)),
    ]
    # Two buttons a row: Teams lays a row's buttons side by side in equal widths, and three
    # would cut "Kontrollera kriterier" at 480 px.
    parts += [
        {"type": "ActionSet", "actions": buttons},
        {"type": "ActionSet", "spacing": "Small", "actions": [toggle(ui("finder.why"), why_id)]},
        hidden(why_id, *why),
    ]
    return container(*parts, separator=True)


def _ruled_out(kb: KnowledgeBase, ui: Ui, item: RuledOut, answers: Mapping[str, str], origin: Origin) -> Element:
    instead = service_names(kb, ui, (s.id for s in item.alternatives))
    # The worker answered a finder question, not this item: the reason names that answer and
    # says the item was inferred from it (a criterion unmet, a contra-indication holding).
    answer = answer_label(kb, ui, item.reason, answers)
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
        text(
            ui("finder.ruled_out_applies" if contra else "finder.ruled_out_unmet", answer=answer, condition=statement_of(item.reason, ui.lang)), spacing="None"
        ),
        {**text(ui.loc(item.reason.explanation), subtle=True, spacing="None"), "size": "Small"},
        instead_line,
    ]
    parts += [choice(origin.button(ui("common.open_card", service=name), Action.CARD, alt.id)) for alt, name in zip(item.alternatives, instead, strict=True)]
    # Its own card only: the card offers the criteria check (with these answers) for a
    # worker who doubts an answer; a check button on every ruled-out service crowded the card.
    own = ui("common.open_card", service=item.service.name.get(ui.lang))
    parts.append({"type": "ActionSet", "actions": [origin.button(ui("finder.open_card"), Action.CARD, item.service.id, named=own)]})
    parts.append(source_block(ui, item.service.sources, sections=False))
    return container(*parts, separator=True)
