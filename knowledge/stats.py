"""Counts of what the knowledge base holds, for `palveluopas kb stats` and logs."""

from __future__ import annotations

from dataclasses import dataclass

from knowledge.model import KnowledgeBase


@dataclass(frozen=True)
class Stats:
    version: str
    services: int
    services_complete: int
    criteria: int
    contraindications: int
    prerequisites: int
    processes: int
    phases: int
    steps: int
    steps_incomplete: int
    faq_entries: int
    phrasings: dict[str, int]
    glossary_terms: int
    finder_questions: int

    @property
    def services_incomplete(self) -> int:
        return self.services - self.services_complete

    def lines(self) -> list[str]:
        rows = [
            ("service cards", f"{self.services} ({self.services_complete} complete, {self.services_incomplete} incomplete)"),
            ("criteria", str(self.criteria)),
            ("contra-indications", str(self.contraindications)),
            ("prerequisites", str(self.prerequisites)),
            ("processes", str(self.processes)),
            ("phases", str(self.phases)),
            ("steps", f"{self.steps} ({self.steps_incomplete} incomplete)"),
            ("FAQ entries", str(self.faq_entries)),
            ("FAQ phrasings", ", ".join(f"{lang} {n}" for lang, n in self.phrasings.items())),
            ("glossary terms", str(self.glossary_terms)),
            ("finder questions", str(self.finder_questions)),
        ]
        width = max(len(label) for label, _ in rows)
        return [f"knowledge base {self.version}"] + [f"  {k:<{width}}  {v}" for k, v in rows]


def collect(kb: KnowledgeBase) -> Stats:
    steps = [step for p in kb.processes for phase in p.phases for step in phase.steps]
    return Stats(
        version=kb.version,
        services=len(kb.services),
        services_complete=sum(s.complete for s in kb.services),
        criteria=sum(len(s.criteria) for s in kb.services),
        contraindications=sum(len(s.contraindications) for s in kb.services),
        prerequisites=sum(len(s.prerequisites) for s in kb.services),
        processes=len(kb.processes),
        phases=sum(len(p.phases) for p in kb.processes),
        steps=len(steps),
        steps_incomplete=sum(not step.complete for step in steps),
        faq_entries=len(kb.faq),
        phrasings={lang: sum(len(getattr(entry.phrasings, lang)) for entry in kb.faq) for lang in ("fi", "sv", "en")},
        glossary_terms=len(kb.glossary.terms),
        finder_questions=len(kb.finder.questions),
    )
