"""What an answer offers next: related cards and process steps as buttons with clear labels."""

from __future__ import annotations

import pytest

from domain.qna import QnaIndex, build_index
from domain.qna.answer import compose
from domain.qna.index import RecordRef
from knowledge.loader import load_knowledge_base
from knowledge.model import KnowledgeBase


@pytest.fixture(scope="module")
def kb() -> KnowledgeBase:
    return load_knowledge_base()


def test_related_steps_of_the_two_tracks_get_different_labels(kb: KnowledgeBase) -> None:
    # Both tracks have a payment-commitment step of the same title.
    answer = compose(kb, RecordRef("faq", "faq.maksusitoumus"), "fi")
    assert answer is not None

    step_titles = [link.title for link in answer.related if link.kind == "step"]

    assert len(step_titles) == 2
    assert len(set(step_titles)) == 2, step_titles
    assert any("perhesosiaalityö" in title.lower() for title in step_titles)
    assert any("lastensuojelu" in title.lower() for title in step_titles)


def test_related_cards_are_named_in_the_readers_language_where_the_card_has_it(kb: KnowledgeBase) -> None:
    entry = next(e for e in kb.faq if any(kb.service(rid) is not None for rid in e.related))
    service = next(s for rid in entry.related if (s := kb.service(rid)) is not None)
    assert service.name.sv and service.name.sv != service.name.fi

    answer = compose(kb, RecordRef("faq", entry.id), "sv")
    assert answer is not None

    titles = [link.title for link in answer.related if link.kind == "service"]
    assert service.name.sv in titles
    assert service.name.fi not in titles


def test_related_steps_are_named_in_the_readers_language(kb: KnowledgeBase) -> None:
    answer = compose(kb, RecordRef("faq", "faq.maksusitoumus"), "sv")
    assert answer is not None

    steps = [link for link in answer.related if link.kind == "step"]

    assert steps
    for link in steps:
        found = kb.step(link.id)
        assert found is not None and found[2].title.sv
        assert link.title.endswith(f": {found[2].title.sv}"), link.title


@pytest.fixture(scope="module")
def index(kb: KnowledgeBase) -> QnaIndex:
    return build_index(kb)


@pytest.mark.parametrize(
    ("question", "term"),
    [
        ("SHL", "termi.shl"),
        ("mitä tarkoittaa SHL", "termi.shl"),
        ("vad betyder SHL", "termi.shl"),
        ("LSL", "termi.lsl"),
        ("mitä tarkoittaa LSL", "termi.lsl"),
        ("what is LSL", "termi.lsl"),
    ],
)
def test_an_abbreviation_asked_about_brings_its_glossary_term_first(index: QnaIndex, question: str, term: str) -> None:
    # Abbreviations like SHL occur in so many records that their rarity alone would leave
    # the glossary term itself out of the candidates.
    result = index.ask(question, "fi")

    assert result.band != "none"
    assert result.candidates[0].ref.id == term, [c.ref.id for c in result.candidates]
