"""The process guides and FAQ answers carry the facts of the five source documents.

Each row of `FACTS` names a source document, the record that must carry a fact from it, the
field, and the expected value: a substring for text (a tuple field passes when one of its
items holds the substring) or an exact value for true/false. The rows are loaded through the
real loader, so a fact counts only if the bot would actually serve it. A second check makes
sure the record attributes the fact to the right document.

The structural tests below pin what the process guide and the Q&A rely on: five phases in the
documented order, honest `complete: false` notes where document 000 only names a topic, and
enough distinct phrasings per FAQ entry for the matcher.
"""

from __future__ import annotations

import re
from collections import Counter
from typing import Any, get_args

import pytest

from knowledge.model import DocumentId, KnowledgeBase, Localized, Process, ProcessStep
from tests.knowledge.real_kb import field_value, load_real_kb

D000, D001, D002, D003, D004 = get_args(DocumentId)

Fact = tuple[str, str, str, str | bool]
"""(document id, record id, dotted field path, expected substring or exact bool)."""

FACTS: tuple[Fact, ...] = (
    # --- 000: principles, process phases, feedback loop --------------------------------
    (D000, "faq.periaatteiden-kolme-tavoitetta", "answer.fi", "yhdenvertaiset palvelut"),
    (D000, "faq.periaatteiden-kolme-tavoitetta", "answer.fi", "valvonta ja hankinnat"),
    (D000, "faq.periaatteiden-rajaus", "answer.fi", "sijaishuollon palvelut"),
    (D000, "faq.palveluvalikon-ryhmat", "answer.fi", "kotiin vietävät"),
    (D000, "faq.palveluvalikon-ryhmat", "answer.fi", "sijaishuollossa"),
    (D000, "faq.periaatteiden-tausta", "answer.fi", "vuodelta 2023"),
    (D000, "faq.tukihenkilo-ika", "answer.fi", "10–17"),
    (D000, "faq.tukihenkilo-ika", "answer.fi", "7–9"),
    (D000, "faq.perhekuntoutus-kesto", "answer.fi", "kolmen kuukauden jaksolla"),
    (D000, "faq.perhekuntoutus-kesto", "answer.fi", "kuukauden mittaisina"),
    (D000, "faq.perhekuntoutus-ei-sovellu", "answer.fi", "akuutti päihdeongelma"),
    (D000, "faq.erot-perhesosiaalityo-lastensuojelu", "answer.fi", "palveluvalikko on"),
    (D000, "faq.kuka-jarjestaa-perhesosiaalityossa", "answer.fi", "avaimet käteen"),
    (D000, "perhesosiaalityo", "roles", "Palvelulinjauskokoukset"),
    (D000, "perhesosiaalityo", "roles", "Sosiaalihuoltolaki (SHL)"),
    (D000, "lastensuojelu", "roles", "Kahden sosiaalityöntekijän tiimi"),
    (D000, "lastensuojelu", "roles", "palveluvalikko on"),
    (D000, "perhesosiaalityo.esitys.laava", "system", "Laava"),
    (D000, "lastensuojelu.esitys.laava", "system", "Laava"),
    (D000, "perhesosiaalityo.kaynnistaminen.maksusitoumus", "title", "maksusitoumus"),
    (D000, "lastensuojelu.valvonta.peruutusehdot", "complete", False),
    (D000, "perhesosiaalityo.paattaminen.tekninen-osuus", "complete", False),
    (D000, "lastensuojelu.valvonta.perhekuntoutus-valineuvottelut", "deadline", "Kuukauden välein"),
    (D000, "lastensuojelu.paattaminen.perhekuntoutus-jatko", "deadline", "Ensimmäinen jakso 3 kuukautta"),
    (D000, "lastensuojelu.paattaminen.perhekuntoutus-jatko", "deadline", "3–6 kuukautta"),
    (D000, "lastensuojelu.kaynnistaminen.perhekuntoutus-tutustumiskaynti", "services", "perhekuntoutus"),
    (D000, "perhesosiaalityo.kaynnistaminen.tukihenkilo-tavoitteet", "what", "palveluntuottajan"),
    (D000, "perhesosiaalityo.valvonta.tukihenkilo-seuranta", "what", "palveluprosessista"),
    (D000, "palaute.antaminen.palautelomake", "system", "Webropol"),
    (D000, "palaute.kasittely.ohjautuminen", "who", "palveluja järjestävät"),
    (D000, "palaute.kasittely.arviointi-tiimissa", "who", "vastuutyöntekijä"),
    (D000, "palaute.hyodyntaminen.kertynyt-tieto", "what", "suunnitelmallisessa valvonnassa"),
    (D000, "palaute.reaktiivinen-valvonta.kaynnistys", "what", "Hankintojen"),
    # --- 001: assessment deadlines, figures, support family, target state ---------------
    (D001, "faq.ilmoitusten-kasittelyaika", "answer.fi", "seitsemän arkipäivän"),
    (D001, "faq.palvelutarpeen-arvioinnin-maaraaika", "answer.fi", "36 §"),
    (D001, "faq.palvelutarpeen-arvioinnin-maaraaika", "answer.fi", "kolmen kuukauden"),
    (D001, "faq.eriytetty-vai-yhdennetty-arviointi", "answer.fi", "Jyväskylän, Muuramen ja Laukaan"),
    (D001, "faq.eriytetty-vai-yhdennetty-arviointi", "answer.fi", "yhdennettynä"),
    (D001, "faq.palvelutarpeen-arviointien-maara", "answer.fi", "2 400"),
    (D001, "faq.lapsiperheiden-sosiaalityon-asiakasmaara", "answer.fi", "1 100"),
    (D001, "faq.tukiperhe-asiakasmaara", "answer.fi", "noin 420"),
    (D001, "faq.henkilostomaara", "answer.fi", "7 johtavaa sosiaalityöntekijää"),
    (D001, "faq.henkilostomaara", "answer.fi", "38"),
    (D001, "faq.henkilostomaara", "answer.fi", "25 sosiaaliohjaajaa"),
    (D001, "faq.sahkoisten-ilmoitusten-osuus", "answer.fi", "lähes 90 %"),
    (D001, "faq.omapalvelu-ilmoitukset", "answer.fi", "Effica"),
    (D001, "faq.pyyda-apua-nappi", "answer.fi", "Pyydä apua"),
    (D001, "faq.tukiperhe-mika", "answer.fi", "28 §"),
    (D001, "faq.tukiperhe-kuinka-usein", "answer.fi", "yhden viikonlopun kuukaudessa"),
    (D001, "faq.tukiperhe-kuinka-usein", "answer.fi", "loma-aikoina"),
    (D001, "faq.tukiperhe-oma-ja-osto", "answer.fi", "noin 60 %"),
    (D001, "faq.tukiperhe-oma-ja-osto", "answer.fi", "kilpailutettu"),
    (D001, "faq.tukiperhe-jonot", "answer.fi", "pitkät jonot"),
    (D001, "faq.asiakassuunnitelma-shl39", "answer.fi", "39 §"),
    (D001, "faq.tavoitetila", "answer.fi", "Tavoitteita on neljä"),
    (D001, "faq.palvelukanavat", "answer.fi", "kivijalka"),
    # --- 002: adult social work intake, Helsinki multi-agency assessment ----------------
    (D002, "faq.helsinki-monitoimijainen-arviointi", "answer.fi", "lokakuusta 2017"),
    (D002, "faq.helsinki-monitoimijainen-arviointi", "answer.fi", "6 perhekeskusalueella"),
    (D002, "faq.helsinki-monitoimijainen-arviointi", "answer.fi", "työryhmiä on 7"),
    (D002, "faq.monitoimijaisen-tiimin-kokoonpano", "answer.fi", "62 lastensuojelun sosiaalityöntekijää"),
    (D002, "faq.monitoimijaisen-tiimin-kokoonpano", "answer.fi", "14 lastensuojelun sosiaaliohjaajaa"),
    (D002, "faq.monitoimijaisen-tiimin-kokoonpano", "answer.fi", "7 aikuissosiaalityön sosiaaliohjaajaa"),
    (D002, "faq.monitoimijaisen-tiimin-kokoonpano", "answer.fi", "50 %"),
    (D002, "faq.monitoimijaisen-tiimin-kokoonpano", "answer.fi", "7 sairaanhoitajaa"),
    (D002, "faq.alkukartoitus-2021", "answer.fi", "13 ryhmähaastattelua"),
    (D002, "faq.alkukartoitus-2021", "answer.fi", "57"),
    (D002, "faq.aikuissosiaalityo-vanhemmille", "answer.fi", "7"),
    (D002, "faq.asiakkaaksi-aikuissosiaalityohon", "answer.fi", "nimetään omatyöntekijä"),
    (D002, "faq.monitoimijaisen-tiimin-asiakashyoty", "answer.fi", "juurisyyn"),
    # --- 003: multi-agency family work pilot ---------------------------------------------
    (D003, "faq.pilotin-kolme-osiota", "answer.fi", "Osioita on kolme"),
    (D003, "faq.vastuutiimin-tapaamiset", "answer.fi", "vähintään kolme kertaa"),
    (D003, "faq.pilottiperheiden-valinta", "answer.fi", "avohuollon asiakkuus"),
    (D003, "faq.pilotin-vetovastuu-ja-ohjausryhma", "answer.fi", "noin kerran kuukaudessa"),
    (D003, "faq.pilotin-vetovastuu-ja-ohjausryhma", "answer.fi", "perhetyöntekijän työpari"),
    (D003, "faq.pilottikunnat", "answer.fi", "Joroisista"),
    (D003, "faq.pilottikunnat", "answer.fi", "Ylä-Savosta"),
    (D003, "faq.monitoimijainen-perhetyo-pilotti", "answer.fi", "21/2017"),
    (D003, "faq.lapsen-hyvinvoinnin-viitekehys", "answer.fi", "26/2017"),
    (D003, "faq.yhteinen-suunnitelma-rakenne", "answer.fi", "2017:36"),
    (D003, "faq.yhteistyoneuvottelun-pohja", "answer.fi", "seuraava tapaaminen"),
    # --- 004: aftercare --------------------------------------------------------------------
    (D004, "faq.jalkihuolto-mitoitus-varha", "answer.fi", "noin 900"),
    (D004, "faq.jalkihuolto-mitoitus-varha", "answer.fi", "ohjaajalla on 25 ja sosiaalityöntekijällä 50"),
    (D004, "faq.jalkihuolto-mitoitus-pohjois-pohjanmaa", "answer.fi", "50 asiakasta sosiaalityöntekijää kohden ja 40"),
    (D004, "faq.jalkihuolto-mitoitus-pohjois-pohjanmaa", "answer.fi", "olisi 25"),
    (D004, "faq.jalkihuolto-mitoitus-pohjois-pohjanmaa", "answer.fi", "noin 800"),
    (D004, "faq.jalkihuolto-kaksi-aluetta", "answer.fi", "oma työntekijä"),
    (D004, "faq.jalkihuolto-sosiaalityontekijan-tehtavat", "answer.fi", "18–25"),
    (D004, "faq.jalkihuolto-vammaispalvelut", "answer.fi", "pysyvä tukitoimi"),
    (D004, "faq.jalkihuolto-mielenterveys-ja-paihde", "answer.fi", "Pohjois-Pohjanmaalla"),
    (D004, "faq.jalkihuolto-kilpailutus", "answer.fi", "kiinteähintaisia"),
    (D004, "faq.jalkihuolto-organisointi", "answer.fi", "Pirkanmaalla"),
    (D004, "faq.jalkihuolto-ohjaajan-tehtavat", "answer.fi", "toimeentulotuki"),
)

SERVICE_PROCESSES = ("perhesosiaalityo", "lastensuojelu")
PHASES = ("valmistelu", "esitys", "kaynnistaminen", "valvonta", "paattaminen")
FAMILY_REHABILITATION_TASKS = (
    "esitys.perhekuntoutus-lahete",
    "kaynnistaminen.perhekuntoutus-paatos",
    "kaynnistaminen.perhekuntoutus-tutustumiskaynti",
    "kaynnistaminen.perhekuntoutus-aloitusneuvottelu",
    "valvonta.perhekuntoutus-valineuvottelut",
)


@pytest.fixture(scope="module")
def kb() -> KnowledgeBase:
    return load_real_kb()


def holds(value: Any, expected: str | bool) -> bool:
    """Whether a field value carries the expected fact (see the module docstring)."""
    if isinstance(expected, bool):
        return value is expected
    if isinstance(value, tuple):
        return any(expected in _fi(item) for item in value)
    return expected in _fi(value)


def _fi(value: Any) -> str:
    """The Finnish text of a field: facts are checked against the Finnish content."""
    if isinstance(value, Localized):
        return value.fi
    return value if isinstance(value, str) else ""


def documents_of(record: Any) -> set[str]:
    if hasattr(record, "source"):
        return {record.source.document}
    return {source.document for source in record.sources}


def _fact_id(fact: Fact) -> str:
    document, record_id, path, expected = fact
    return f"{document[:3]}-{record_id}-{path}-{expected}"


@pytest.mark.parametrize("fact", FACTS, ids=_fact_id)
def test_record_carries_the_fact_from_its_source_document(kb: KnowledgeBase, fact: Fact) -> None:
    document, record_id, path, expected = fact
    found = kb.record(record_id)
    assert found is not None, f"{record_id} is not in the knowledge base"

    value = field_value(found.record, path)

    assert holds(value, expected), f"{record_id}.{path} = {value!r} lacks {expected!r}"
    assert document in documents_of(found.record), f"{record_id} names {sorted(documents_of(found.record))}, not {document}"


def test_every_source_document_contributes_facts() -> None:
    per_document = Counter(document for document, *_ in FACTS)

    assert set(per_document) == set(get_args(DocumentId))
    assert min(per_document.values()) >= 8, per_document


def test_a_fact_missing_from_its_field_is_not_taken_as_present() -> None:
    step = ProcessStep.model_validate(
        {
            "id": "x.y.z",
            "title": "Esitys",
            "what": "Esitys tehdään Laavaan.",
            "services": ["perhekuntoutus"],
            "source": {"document": D000, "section": "Esitys"},
            "complete": False,
            "incomplete_note": "Sisältö puuttuu.",
        }
    )

    assert holds(field_value(step, "what"), "Laavaan")
    assert not holds(field_value(step, "what"), "Webropol")
    assert not holds(field_value(step, "services"), "perhetyo")
    assert not holds(field_value(step, "complete"), True)
    assert not holds(field_value(step, "deadline"), "kuukausi")


# --- Process guides ----------------------------------------------------------------------


def _process(kb: KnowledgeBase, process_id: str) -> Process:
    process = kb.process(process_id)
    assert process is not None, f"process {process_id} is missing"
    return process


@pytest.mark.parametrize("process_id", SERVICE_PROCESSES)
def test_service_arranging_process_has_the_five_documented_phases_in_order(kb: KnowledgeBase, process_id: str) -> None:
    process = _process(kb, process_id)

    assert [phase.id for phase in process.phases] == [f"{process_id}.{p}" for p in PHASES]
    assert process.track == process_id


@pytest.mark.parametrize("process_id", SERVICE_PROCESSES)
def test_family_rehabilitation_tasks_appear_in_both_service_processes(kb: KnowledgeBase, process_id: str) -> None:
    for task in FAMILY_REHABILITATION_TASKS:
        found = kb.step(f"{process_id}.{task}")
        assert found is not None, f"{process_id}.{task} is missing"
        assert found[2].services == ("perhekuntoutus",)


def test_feedback_loop_runs_from_webropol_form_to_reactive_supervision(kb: KnowledgeBase) -> None:
    process = _process(kb, "palaute")

    steps = [step.id for phase in process.phases for step in phase.steps]

    assert steps[0] == "palaute.antaminen.palautelomake"
    assert steps[-1] == "palaute.reaktiivinen-valvonta.kaynnistys"
    assert steps.index("palaute.kasittely.arviointi-tiimissa") < steps.index("palaute.hyodyntaminen.kertynyt-tieto")


@pytest.mark.parametrize("process_id", [*SERVICE_PROCESSES, "palaute"])
def test_steps_are_namespaced_by_their_phase_and_cite_a_source(kb: KnowledgeBase, process_id: str) -> None:
    process = _process(kb, process_id)

    for phase in process.phases:
        assert phase.id.startswith(f"{process_id}.")
        for step in phase.steps:
            assert step.id.startswith(f"{phase.id}.")
            assert step.source.section.strip()


@pytest.mark.parametrize("process_id", [*SERVICE_PROCESSES, "palaute"])
def test_steps_whose_content_the_source_leaves_open_tell_where_to_check(kb: KnowledgeBase, process_id: str) -> None:
    process = _process(kb, process_id)
    steps = [step for phase in process.phases for step in phase.steps]

    incomplete = [step for step in steps if not step.complete]

    assert incomplete, "document 000 leaves most step contents open"
    for record in (*incomplete, process):
        note = record.incomplete_note or ""
        assert re.search(r"\b(Tarkista|Varmista)\b", note), f"{record.id}: {note!r}"
    assert not process.complete


@pytest.mark.parametrize("process_id", SERVICE_PROCESSES)
def test_systems_named_in_steps_are_only_those_document_000_names(kb: KnowledgeBase, process_id: str) -> None:
    process = _process(kb, process_id)

    systems = {step.system for phase in process.phases for step in phase.steps} - {None}

    assert systems, "the Laava proposal step must name its system"
    assert all(system.startswith(("Laava", "Webropol")) for system in systems), systems


# --- FAQ ---------------------------------------------------------------------------------


def test_faq_covers_the_onboarding_questions_of_all_five_documents(kb: KnowledgeBase) -> None:
    per_document = Counter(entry.source.document for entry in kb.faq)

    assert len(kb.faq) >= 90
    assert set(per_document) == set(get_args(DocumentId)), per_document


def test_each_faq_entry_can_be_asked_at_least_three_ways_in_finnish(kb: KnowledgeBase) -> None:
    too_few = [entry.id for entry in kb.faq if len(set(entry.phrasings.fi)) < 3]

    assert not too_few


def test_common_questions_can_be_asked_in_swedish_and_english(kb: KnowledgeBase) -> None:
    bilingual = [entry for entry in kb.faq if entry.phrasings.sv and entry.phrasings.en]

    assert len(bilingual) >= 30
    for entry_id in (
        "faq.ilmoitusten-kasittelyaika",
        "faq.palvelutarpeen-arvioinnin-maaraaika",
        "faq.tukiperhe-mika",
        "faq.laava-esitys",
        "faq.palaute-webropol",
        "faq.jalkihuolto-mitoitus-varha",
    ):
        entry = kb.faq_entry(entry_id)
        assert entry is not None and entry.phrasings.sv and entry.phrasings.en, entry_id


def test_faq_answers_are_short_and_name_their_section(kb: KnowledgeBase) -> None:
    for entry in kb.faq:
        assert entry.id.startswith("faq."), entry.id
        assert entry.source.section.strip(), entry.id
        assert 40 <= len(entry.answer.fi) <= 900, (entry.id, len(entry.answer.fi))
