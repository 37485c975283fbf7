"""Layer 2, the situations of a card's conditions: siblings the matcher could not tell apart.

A criterion's or contra-indication's `situations` are how the matcher finds it from a worker's
description of a family. Two conditions of one card with (nearly) the same situation would
be a coin toss between them, and the answer says opposite things ("sopii" / "ei yleensä
sovellu"), so the check compares each situation with the other conditions' situations on the
same card, in the same language, with the FAQ phrasings' measure (`similarity.py`). Cards are
compared one at a time: another card's condition is told apart by the card's name.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from dataclasses import dataclass

from knowledge.files import LoadedFile
from knowledge.model import CONTENT_LANGUAGES, ContraIndication, Criterion, ServiceCard
from knowledge.problems import Problem
from knowledge.similarity import close_pairs
from knowledge.text import normalise
from knowledge.yaml_lines import YamlPath


@dataclass(frozen=True)
class _Situation:
    condition_id: str
    lang: str
    text: str
    normalised: str
    path: YamlPath


def situation_problems(services: Sequence[LoadedFile[ServiceCard]]) -> list[Problem]:
    problems: list[Problem] = []
    for loaded in services:
        situations = list(_situations(loaded.model))
        problems += _repeated(loaded, situations)
        problems += _close_to_a_sibling(loaded, situations)
    return problems


def _situations(card: ServiceCard) -> Iterator[_Situation]:
    groups: tuple[tuple[str, tuple[Criterion | ContraIndication, ...]], ...] = (("criteria", card.criteria), ("contraindications", card.contraindications))
    for key, conditions in groups:
        for i, condition in enumerate(conditions):
            if condition.situations is None:
                continue
            for lang in CONTENT_LANGUAGES:
                for j, text in enumerate(getattr(condition.situations, lang)):
                    yield _Situation(condition.id, lang, text, normalise(text), (key, i, "situations", lang, j))


def _repeated(loaded: LoadedFile[ServiceCard], situations: list[_Situation]) -> Iterator[Problem]:
    seen: dict[tuple[str, str], _Situation] = {}
    for situation in situations:
        first = seen.setdefault((situation.condition_id, situation.normalised), situation)
        if first is not situation:
            yield loaded.problem("KB234", situation.path, f"situation {situation.text!r} repeats {first.text!r} of the same condition")


def _close_to_a_sibling(loaded: LoadedFile[ServiceCard], situations: list[_Situation]) -> Iterator[Problem]:
    for first_at, second_at, score in close_pairs([(s.lang, s.normalised) for s in situations]):
        first, second = situations[first_at], situations[second_at]
        if second.condition_id != first.condition_id:
            yield loaded.problem(
                "KB234",
                second.path,
                f"situation {second.text!r} scores {score:.0f} against {first.text!r} of '{first.condition_id}' "
                f"({loaded.location(first.path)}); the matcher may confuse the two conditions",
            )
