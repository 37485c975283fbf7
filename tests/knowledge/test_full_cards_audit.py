"""The audit of document 000's two full principle cards holds, sentence by sentence.

`knowledge/audit/full_cards.yaml` lists every sentence of the two card sections (from the first
"Palvelukuvaus" to "Palvelujen järjestämisen prosessi"; a bullet line counts as one sentence)
with the records that carry it, or why it sets no condition. This test splits the source the
same way and checks the map is complete, unambiguous and points at records that exist; so a
condition added to the source, or a record renamed, fails here.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest
import yaml
from pydantic import BaseModel, ConfigDict, Field, model_validator

from knowledge.loader import load_knowledge_base
from knowledge.model import KnowledgeBase
from tests.knowledge.test_own_words import _document_text

AUDIT_FILE = Path(__file__).resolve().parents[2] / "knowledge" / "audit" / "full_cards.yaml"
HEADINGS = frozenset({"Palvelukuvaus", "Milloin tämä on oikea palvelu?", "Milloin palvelu ei sovellu?", "Ympäri vuorokautinen perhekuntoutus"})
FIRST_LINE = "Palvelukuvaus"
END_LINE = "Palvelujen järjestämisen prosessi"
MAX_ANCHOR_WORDS = 6


class Entry(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    anchor: str
    says: str | None = None
    records: tuple[str, ...] = ()
    not_a_condition: str | None = None

    @model_validator(mode="after")
    def _records_or_reason(self) -> Entry:
        if bool(self.records) == bool(self.not_a_condition):
            raise ValueError(f"{self.anchor!r}: give records or not_a_condition, not both or neither")
        if self.records and not self.says:
            raise ValueError(f"{self.anchor!r}: say what the sentence says")
        return self


class Audit(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    document: str
    sentences: tuple[Entry, ...] = Field(min_length=1)


def card_sentences(document: str) -> list[str]:
    """The sentences of the two full cards: bullets one each, headings left out."""
    lines = [line.strip() for line in document.splitlines()]
    section = lines[lines.index(FIRST_LINE) : lines.index(END_LINE)]
    sentences: list[str] = []
    for line in section:
        if not line or line in HEADINGS:
            continue
        line = re.sub(r"^-\s+", "", line)
        sentences += re.split(r"(?<=[.!?])\s+(?=[A-ZÄÖÅ])", line)
    return sentences


def _audit() -> Audit:
    return Audit.model_validate(yaml.safe_load(AUDIT_FILE.read_text(encoding="utf-8")))


@pytest.fixture(scope="module")
def kb() -> KnowledgeBase:
    return load_knowledge_base()


@pytest.fixture(scope="module")
def sentences() -> list[str]:
    return card_sentences(_document_text(_audit().document))


def test_every_sentence_of_both_full_cards_is_mapped_exactly_once(sentences: list[str]) -> None:
    entries = _audit().sentences
    matched = {i: [e.anchor for e in entries if e.anchor in sentence] for i, sentence in enumerate(sentences)}

    unmapped = [sentences[i] for i, anchors in matched.items() if not anchors]
    doubly = [(sentences[i], anchors) for i, anchors in matched.items() if len(anchors) > 1]
    assert not unmapped, f"sentences no audit entry maps: {unmapped}"
    assert not doubly, f"sentences more than one entry maps: {doubly}"
    assert len(entries) == len(sentences), "an entry whose anchor finds no sentence, or two entries for one"


def test_each_anchor_is_short_and_finds_one_sentence(sentences: list[str]) -> None:
    for entry in _audit().sentences:
        assert len(entry.anchor.split()) <= MAX_ANCHOR_WORDS, entry.anchor
        hits = [s for s in sentences if entry.anchor in s]
        assert len(hits) == 1, f"{entry.anchor!r} finds {len(hits)} sentences"


def test_every_record_the_audit_names_exists(kb: KnowledgeBase) -> None:
    missing = {r for entry in _audit().sentences for r in entry.records if kb.record(r) is None}

    assert not missing, f"the audit names records the knowledge base lacks: {sorted(missing)}"


def test_every_condition_of_the_full_cards_is_carried_by_a_record_of_its_card(kb: KnowledgeBase) -> None:
    # Each criterion and contra-indication of the two full cards is named by some sentence:
    # the check asks nothing the source does not say.
    named = {r for entry in _audit().sentences for r in entry.records}
    for service_id in ("ammatillinen-tukihenkilo", "perhekuntoutus"):
        card = kb.service(service_id)
        assert card is not None
        for item in (*card.criteria, *card.contraindications):
            assert item.id in named, f"{item.id} carries no sentence of the source"


def test_acute_danger_is_a_contra_indication_that_names_no_alternative(kb: KnowledgeBase) -> None:
    entry = next(e for e in _audit().sentences if "perhekuntoutus.lapsi-akuutissa-vaarassa" in e.records)
    card = kb.service("perhekuntoutus")
    assert card is not None
    contra = next(c for c in card.contraindications if c.id == "perhekuntoutus.lapsi-akuutissa-vaarassa")

    assert "akuutissa vaarassa" in entry.anchor or "sijoituksesta" in entry.anchor
    # The empty alternatives say the source names none; every view words that from them.
    assert contra.alternatives == ()


def test_the_splitter_keeps_bullets_apart_and_splits_sentences() -> None:
    text = f"{FIRST_LINE}\n\nEka lause. Toka lause.\n- luettelo\nMilloin palvelu ei sovellu?\n{END_LINE}\n"

    assert card_sentences(text) == ["Eka lause.", "Toka lause.", "luettelo"]
