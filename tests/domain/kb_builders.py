"""Small knowledge bases for the domain unit tests, built directly from the model.

Unit tests must not depend on the real content (it changes under them); each builds just
the cards and questions its behaviour needs.
"""

from __future__ import annotations

from collections.abc import Sequence

from knowledge.model import (
    ContraIndication,
    Criterion,
    Duration,
    Finder,
    FinderOption,
    FinderQuestion,
    Glossary,
    GlossaryTerm,
    ImpliedBy,
    KnowledgeBase,
    Localized,
    Prerequisite,
    ServiceCard,
    Source,
    TargetGroup,
)

SOURCE = Source(document="000_54da9fa281a6a95f", section="Periaatekortti")


def question(question_id: str, *option_ids: str) -> FinderQuestion:
    return FinderQuestion(
        id=question_id,
        text=Localized(fi=f"Kysymys {question_id}?"),
        options=tuple(FinderOption(id=o, label=Localized(fi=o)) for o in option_ids),
    )


def link(
    question_id: str,
    yes: Sequence[str] = (),
    no: Sequence[str] = (),
    consider: Sequence[str] = (),
) -> ImpliedBy:
    return ImpliedBy(question=question_id, yes=tuple(yes), no=tuple(no), consider=tuple(consider))


def criterion(criterion_id: str, implied_by: ImpliedBy | None = None, question_text: str | None = None) -> Criterion:
    return Criterion(
        id=criterion_id,
        question=question_text or f"Täyttyykö ehto {criterion_id}?",
        explanation=f"Selitys ehdolle {criterion_id}.",
        implied_by=implied_by,
    )


def contra(
    contra_id: str,
    implied_by: ImpliedBy | None = None,
    alternatives: Sequence[str] = (),
    question_text: str | None = None,
) -> ContraIndication:
    return ContraIndication(
        id=contra_id,
        question=question_text or f"Koskeeko este {contra_id} tilannetta?",
        explanation=f"Selitys esteelle {contra_id}.",
        alternatives=tuple(alternatives),
        implied_by=implied_by,
    )


def card(
    card_id: str,
    criteria: Sequence[Criterion] = (),
    contras: Sequence[ContraIndication] = (),
    *,
    name: str | None = None,
    complete: bool = True,
    prerequisites: Sequence[Prerequisite] = (),
    duration: Duration | None = None,
) -> ServiceCard:
    return ServiceCard(
        id=card_id,
        name=Localized(fi=name or f"Palvelu {card_id}"),
        summary="Tiivistelmä.",
        description="Kuvaus.",
        target_group=TargetGroup(description="Kohderyhmä."),
        criteria=tuple(criteria),
        contraindications=tuple(contras),
        prerequisites=tuple(prerequisites),
        duration=duration,
        sources=(SOURCE,),
        complete=complete,
        incomplete_note=None if complete else "Lähteet eivät kerro soveltuvuusperusteita.",
    )


def knowledge_base(services: Sequence[ServiceCard], questions: Sequence[FinderQuestion]) -> KnowledgeBase:
    return KnowledgeBase(
        services=tuple(services),
        processes=(),
        faq=(),
        glossary=Glossary(terms=(GlossaryTerm(id="termi", term="Termi", definition="Määritelmä."),)),
        finder=Finder(questions=tuple(questions)),
    )
