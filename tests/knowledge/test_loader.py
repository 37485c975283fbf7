"""The loaded knowledge base: built once, immutable, versioned by content, quick to query."""

from __future__ import annotations

import pytest
from pydantic import ValidationError

from knowledge.loader import KnowledgeBaseError, load_knowledge_base, validate
from knowledge.model import KnowledgeBase, Localized

from .conftest import KbTree


@pytest.fixture
def kb(kb_tree: KbTree) -> KnowledgeBase:
    return load_knowledge_base(kb_tree.root)


def test_assigning_to_the_knowledge_base_raises(kb: KnowledgeBase) -> None:
    with pytest.raises(ValidationError, match="frozen"):
        kb.version = "other"  # type: ignore[misc]


def test_assigning_to_a_nested_record_raises(kb: KnowledgeBase) -> None:
    card = kb.services[0]

    with pytest.raises(ValidationError, match="frozen"):
        card.criteria[0].question = "muu"  # type: ignore[misc]


def test_collections_are_tuples_and_indices_read_only(kb: KnowledgeBase) -> None:
    assert isinstance(kb.services, tuple) and isinstance(kb.faq, tuple)
    with pytest.raises(TypeError):
        kb._index["x"] = None  # type: ignore[index]


def test_version_is_a_short_hash_stable_for_the_same_content(kb_tree: KbTree, kb: KnowledgeBase) -> None:
    again = load_knowledge_base(kb_tree.root)

    assert len(kb.version) == 12 and int(kb.version, 16) >= 0
    assert again.version == kb.version


def test_version_changes_when_any_file_changes(kb_tree: KbTree, kb: KnowledgeBase) -> None:
    kb_tree.replace("glossary.yaml", "Laki sosiaalihuollosta.", "Sosiaalihuoltoa koskeva laki.")

    assert load_knowledge_base(kb_tree.root).version != kb.version


def test_version_changes_when_a_file_is_renamed(kb_tree: KbTree, kb: KnowledgeBase) -> None:
    kb_tree.path("faq/yleiset.yaml").rename(kb_tree.path("faq/perusteet.yaml"))

    assert load_knowledge_base(kb_tree.root).version != kb.version


def test_services_load_in_file_name_order_and_faq_entries_in_file_order(kb: KnowledgeBase) -> None:
    assert [s.id for s in kb.services] == ["perhekuntoutus", "tukihenkilo"]
    assert [f.id for f in kb.faq] == ["faq.mika-tukihenkilo", "faq.esitys-laavaan"]


def test_lookups_find_each_kind_of_record(kb: KnowledgeBase) -> None:
    service = kb.service("tukihenkilo")
    process = kb.process("perhesosiaalityo")
    step = kb.step("perhesosiaalityo.esitys.laava")
    phase = kb.phase("perhesosiaalityo.esitys")
    entry = kb.faq_entry("faq.esitys-laavaan")
    term = kb.term("shl")
    question = kb.finder_question("tuen-maara")

    assert service is not None and service.name.fi == "Tukihenkilö"
    assert process is not None and step is not None and phase is not None
    assert step[0] is process and step[1] is phase and step[2].title.fi == "Tee esitys Laavassa"
    assert entry is not None and entry.answer.fi == "Esitys kirjataan Laavaan."
    assert term is not None and term.expansion == "sosiaalihuoltolaki"
    assert question is not None and len(question.options) == 2


def test_lookups_of_unknown_ids_return_none(kb: KnowledgeBase) -> None:
    assert kb.service("perhesosiaalityo") is None  # a process, not a service
    assert kb.step("tukihenkilo") is None
    assert kb.faq_entry("nope") is None
    assert kb.record("nope") is None


def test_any_record_is_found_with_its_kind_and_owner(kb: KnowledgeBase) -> None:
    found = kb.record("tukihenkilo.ymparivuorokautinen-tarve")

    assert found is not None
    assert found.kind == "contraindication"
    assert found.owner is kb.service("tukihenkilo")
    assert found.record.alternatives == ("perhekuntoutus",)  # type: ignore[union-attr]


def test_errors_raise_with_the_problems_attached(kb_tree: KbTree) -> None:
    kb_tree.replace("faq/yleiset.yaml", "follow_ups: [faq.esitys-laavaan]", "follow_ups: [faq.x]")

    with pytest.raises(KnowledgeBaseError) as raised:
        load_knowledge_base(kb_tree.root)

    assert [p.code for p in raised.value.errors] == ["KB213"]
    assert "[KB213]" in str(raised.value)


def test_warnings_do_not_prevent_loading_and_ride_along(kb_tree: KbTree) -> None:
    kb_tree.write("faq/notes.txt", "luonnos")

    kb = load_knowledge_base(kb_tree.root)

    assert [p.code for p in kb.kb_warnings] == ["KB007"]
    assert [p.code for p in validate(kb_tree.root).warnings] == ["KB007"]


def test_hand_built_knowledge_base_keeps_first_definition_on_duplicate_ids(
    kb: KnowledgeBase,
) -> None:
    twice = KnowledgeBase(
        services=(kb.services[0], kb.services[0].model_copy(update={"summary": Localized(fi="Toinen.")})),
        processes=kb.processes,
        faq=kb.faq,
        glossary=kb.glossary,
        finder=kb.finder,
    )

    found = twice.service(kb.services[0].id)
    assert found is not None and found.summary == kb.services[0].summary
    assert twice.kb_warnings == ()


def test_locations_point_to_where_each_id_is_defined(kb_tree: KbTree) -> None:
    locations = validate(kb_tree.root).locations

    line = kb_tree.line_of("processes/perhesosiaalityo.yaml", "- id: perhesosiaalityo.esitys.laava")
    assert locations["perhesosiaalityo.esitys.laava"] == (f"{kb_tree.file('processes/perhesosiaalityo.yaml')}:{line}")
