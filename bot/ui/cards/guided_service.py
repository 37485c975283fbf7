"""A principle card in full, and the card to pick a service (criteria check, show card)."""

from __future__ import annotations

from collections.abc import Iterable, Sequence

from bot.ui.cards.guided_common import (
    Button,
    Card,
    Element,
    Origin,
    Ui,
    bullets,
    card,
    choice,
    container,
    facts,
    heading,
    hidden,
    nav_actions,
    notice,
    section,
    source_block,
    text,
    toggle,
)
from bot.ui.protocol import Action
from domain.criteria import statement_of
from knowledge.model import AgeRange, ContraIndication, Criterion, Duration, KnowledgeBase, ServiceCard


def service_card(kb: KnowledgeBase, ui: Ui, service: ServiceCard, origin: Origin, *, back: bool = True) -> Card:
    """What the service is, for whom, and when it fits or does not, at first sight; the
    explanations, prerequisites, duration, legal basis, who arranges it and the sources
    behind one toggle (text renderings show all of it)."""
    body: list[Element] = [heading(service.name.get(ui.lang))]
    if service.category:
        body.append(text(ui(f"card.category.{service.category}"), subtle=True, spacing="None"))
    if not service.complete:
        body.append(notice(ui("card.incomplete", note=ui.loc(service.incomplete_note, ui("common.not_specified")))))
    # The first paragraph says what the service is; the rest waits behind the toggle.
    first, *rest = [part.strip() for part in ui.loc(service.description).split("\n\n") if part.strip()] or [""]
    body.append(text(first))
    explained: list[str] = []
    if rest:
        body.append({**text("\n\n".join(rest)), "id": "description", "isVisible": False})
        explained.append("description")
    body += section(ui("card.target_group"), text(ui.loc(service.target_group.description)), _age_facts(ui, service.target_group.age))
    body += section(ui("card.criteria"), *conditions(kb, ui, service.criteria, lead=ui("card.criteria_lead"), hide_as=explained))
    body += section(ui("card.contraindications"), *conditions(kb, ui, service.contraindications, lead=ui("card.contraindications_lead"), hide_as=explained))
    details: list[Element] = []
    details += section(ui("card.prerequisites"), bullets(ui.loc(p.text) for p in service.prerequisites))
    if service.duration:
        details += section(ui("card.duration"), text(ui.loc(service.duration.description)), duration_facts(ui, service.duration))
    details += section(ui("card.legal_basis"), bullets(ui.loc(law) for law in service.legal_basis))
    if service.arranged_by:
        details += section(
            ui("card.arranged_by"),
            facts(
                [
                    (ui("card.family_social_work"), ui.loc(service.arranged_by.family_social_work)),
                    (ui("card.child_protection"), ui.loc(service.arranged_by.child_protection)),
                ]
            ),
        )
    details += [choice(action) for action in _alternative_buttons(kb, ui, service, origin)]
    details.append(source_block(ui, service.sources))
    body += [
        {"type": "ActionSet", "spacing": "Medium", "actions": [toggle(ui("card.more"), *explained, "details")]},
        hidden("details", *details),
    ]
    actions: list[Button] = []
    if service.criteria or service.contraindications:
        actions.append(origin.button(ui("card.check_criteria"), Action.CRITERIA, service.id, primary=True))
    actions.append(origin.button(ui("card.start_process"), Action.PROCESS, service.id))
    body.append({"type": "ActionSet", "spacing": "Small", "actions": [origin.button(ui("card.give_feedback"), Action.FEEDBACK, service.id)]})
    actions += nav_actions(ui, origin, back=back)
    return card(body, actions)


def pick_service_card(kb: KnowledgeBase, ui: Ui, origin: Origin, *, title: str, prompt: str, back: bool = True, first: Sequence[Element] = ()) -> Card:
    """One tile a service, alphabetically by the name the reader sees, with its summary;
    `first` (a choice that is not one service) above them."""
    services = sorted_by_name(kb.services, ui.lang)
    tiles = [choice(origin.button(s.name.get(ui.lang), Action.PICK, s.id), ui.loc(s.summary)) for s in services]
    return card([heading(title), text(prompt), *first, *tiles], nav_actions(ui, origin, back=back))


_NORDIC_ORDER = str.maketrans({"å": "z\u0001", "ä": "z\u0002", "ö": "z\u0003", "æ": "z\u0002", "ø": "z\u0003", "w": "v"})
"""Finnish and Swedish alphabetical order: å, ä, ö after z (code points put ä before å)."""


def sorted_by_name(services: Iterable[ServiceCard], lang: str) -> list[ServiceCard]:
    """Services alphabetically by their name in `lang`, as a reader looks for them."""
    return sorted(services, key=lambda s: (s.name.get(lang).casefold().translate(_NORDIC_ORDER), s.id))


def service_names(kb: KnowledgeBase, ui: Ui, ids: Iterable[str]) -> list[str]:
    """Names of the services the ids refer to; an id the knowledge base lacks is shown as is."""
    names = []
    for service_id in ids:
        found = kb.service(service_id)
        names.append(found.name.get(ui.lang) if found else service_id)
    return names


def conditions(kb: KnowledgeBase, ui: Ui, items: Sequence[Criterion | ContraIndication], *, lead: str, hide_as: list[str] | None = None) -> list[Element]:
    """Criteria or contra-indications as what they are: conditions, each shown once as its
    statement (the question where the card has none) under a lead saying what it means,
    the explanation beneath as secondary text. Items sharing one explanation (and the same
    alternatives) are listed together with it once, so a generic explanation ("according to
    the source the service does not suit then") is not repeated. A contra-indication's group
    says what to consider instead, or that the source names nothing (the card's data says so,
    not the explanation's prose). With `hide_as`, the explanations start hidden and their ids
    are added to it (for the card's toggle)."""
    groups: dict[tuple[str, tuple[str, ...]], list[Criterion | ContraIndication]] = {}
    for item in items:
        alternatives = item.alternatives if isinstance(item, ContraIndication) else ()
        groups.setdefault((ui.loc(item.explanation), alternatives), []).append(item)
    if not groups:
        return []
    elements: list[Element] = [text(lead, subtle=True, spacing="None")]
    for (explanation, alternatives), grouped in groups.items():
        instead = service_names(kb, ui, alternatives)
        explained: Element = {**text(explanation, subtle=True, spacing="None"), "size": "Small"}
        if instead:
            instead_line: Element | None = text(ui("common.instead", services=", ".join(instead)), subtle=True, spacing="None")
        elif all(isinstance(item, ContraIndication) for item in grouped):
            instead_line = text(ui("common.no_alternative"), subtle=True, spacing="None")
        else:
            instead_line = None
        if hide_as is not None:
            for block in filter(None, (explained, instead_line)):
                block |= {"id": f"why-{len(hide_as) + 1}", "isVisible": False}
                hide_as.append(block["id"])
        elements.append(container(bullets(statement_of(item, ui.lang) for item in grouped), explained, instead_line))
    return elements


def _alternative_buttons(kb: KnowledgeBase, ui: Ui, service: ServiceCard, origin: Origin) -> list[Button]:
    """Each alternative once, as a button to its own card (only those the knowledge base has)."""
    seen: dict[str, str] = {}
    for contra in service.contraindications:
        for alt in contra.alternatives:
            found = kb.service(alt)
            if found and alt != service.id and alt not in seen:
                seen[alt] = found.name.get(ui.lang)
    return [origin.button(ui("common.open_card", service=name), Action.CARD, alt) for alt, name in seen.items()]


def _age_facts(ui: Ui, age: AgeRange | None) -> Element | None:
    if age is None:
        return None
    span = ""
    if age.min is not None or age.max is not None:
        span = ui("card.age_span", min="" if age.min is None else age.min, max="" if age.max is None else age.max)
    return facts(
        [
            (ui("card.age"), span),
            (ui("card.age_special"), ui("card.age_from", min=age.special_min) if age.special_min is not None else ""),
            (ui("card.age_note"), ui.loc(age.note)),
        ]
    )


def duration_facts(ui: Ui, duration: Duration) -> Element | None:
    """First period, shortest and longest duration and how it continues, where the card says."""

    def months(value: int | None) -> str:
        return ui("card.months", n=value) if value is not None else ""

    return facts(
        [
            (ui("card.first_period"), months(duration.first_period_months)),
            (ui("card.min_duration"), months(duration.min_months)),
            (ui("card.max_duration"), months(duration.max_months)),
            (ui("card.continuation"), ui.loc(duration.continuation)),
        ]
    )
