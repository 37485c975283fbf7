"""Each way a knowledge base can be wrong is reported with its code, line and path."""

from __future__ import annotations

import argparse
from dataclasses import dataclass
from pathlib import Path

import pytest

from knowledge import cli
from knowledge.loader import ValidationResult, validate
from knowledge.problems import CODES, Problem, Severity

from .conftest import KbTree

CARD = "services/tukihenkilo.yaml"
OTHER_CARD = "services/perhekuntoutus.yaml"
PROCESS = "processes/perhesosiaalityo.yaml"
FAQ = "faq/yleiset.yaml"


def only(result: ValidationResult, code: str) -> Problem:
    found = [p for p in result.problems if p.code == code]
    assert len(found) == 1, f"expected one {code}, got: {[str(p) for p in result.problems]}"
    return found[0]


def codes(result: ValidationResult) -> list[str]:
    return [p.code for p in result.problems]


def test_the_fixture_knowledge_base_has_no_problems(kb_tree: KbTree) -> None:
    result = validate(kb_tree.root)

    assert [str(p) for p in result.problems] == []
    assert result.kb is not None


# --- Files and YAML -----------------------------------------------------------------------


def test_broken_yaml_syntax_is_reported_at_the_line_where_it_breaks(kb_tree: KbTree) -> None:
    kb_tree.replace(CARD, "process_steps: [perhesosiaalityo.esitys.laava]", "process_steps: [a, b")

    problem = only(validate(kb_tree.root), "KB004")

    assert problem.file == kb_tree.file(CARD)
    assert problem.line == kb_tree.line_of(CARD, "sources:")
    assert "YAML syntax" in problem.message


def test_duplicate_key_in_a_mapping_is_an_error_at_the_second_key(kb_tree: KbTree) -> None:
    kb_tree.replace(CARD, "summary: {fi: Aikuinen", "summary: Ensin.\nsummary: {fi: Aikuinen")

    result = validate(kb_tree.root)
    problem = only(result, "KB005")

    assert (problem.line, problem.path) == (kb_tree.line_of(CARD, "summary: {fi: Aikuinen"), "summary")
    assert "first at line" in problem.message
    assert result.kb is None


def test_file_that_is_a_list_is_not_a_mapping(kb_tree: KbTree) -> None:
    kb_tree.write("glossary.yaml", "- id: shl\n")

    problem = only(validate(kb_tree.root), "KB006")

    assert (problem.file, problem.line) == (kb_tree.file("glossary.yaml"), 1)
    assert "Glossary" in problem.message


def test_empty_file_is_not_a_mapping(kb_tree: KbTree) -> None:
    kb_tree.write("finder.yaml", "# nothing yet\n")

    problem = only(validate(kb_tree.root), "KB006")

    assert "empty" in problem.message


def test_missing_file_is_an_error_without_a_line(kb_tree: KbTree) -> None:
    kb_tree.path("finder.yaml").unlink()

    problem = only(validate(kb_tree.root), "KB001")

    assert (problem.file, problem.line) == (kb_tree.file("finder.yaml"), None)


def test_missing_folder_is_an_error_and_references_into_it_are_not_reported(
    kb_tree: KbTree,
) -> None:
    for card in (CARD, OTHER_CARD):
        kb_tree.path(card).unlink()
    kb_tree.path("services").rmdir()

    result = validate(kb_tree.root)

    assert only(result, "KB001").file == kb_tree.file("services")
    assert not {"KB210", "KB212", "KB215"} & set(codes(result))


def test_empty_folder_is_an_error(kb_tree: KbTree) -> None:
    kb_tree.path(FAQ).unlink()

    problem = only(validate(kb_tree.root), "KB002")

    assert problem.file == kb_tree.file("faq")


def test_missing_knowledge_folder_is_one_error(tmp_path: Path) -> None:
    result = validate(tmp_path / "nowhere")

    assert codes(result) == ["KB001"]


def test_file_that_is_not_utf8_is_unreadable_at_the_line_of_the_bad_byte(kb_tree: KbTree) -> None:
    kb_tree.path("glossary.yaml").write_bytes(b"terms:\n  - id: shl\n    term: S\xe4\xe4nt\xf6\n")

    problem = only(validate(kb_tree.root), "KB003")

    assert problem.line == 3


def test_yml_file_in_a_folder_is_a_warning_that_it_is_not_loaded(kb_tree: KbTree) -> None:
    kb_tree.write("services/extra.yml", "id: extra\n")

    result = validate(kb_tree.root)
    problem = only(result, "KB007")

    assert problem.severity is Severity.WARNING
    assert problem.file == kb_tree.file("services/extra.yml")
    assert result.kb is not None


def test_yes_no_and_on_are_words_not_booleans(kb_tree: KbTree) -> None:
    kb_tree.replace(
        CARD,
        "summary: {fi: Aikuinen tukee nuorta arjessa., sv: En vuxen stöder den unga i vardagen., en: An adult supports the young person day to day.}",
        "summary: on",
    )

    result = validate(kb_tree.root)

    assert result.kb is not None
    card = result.kb.service("tukihenkilo")
    assert card is not None and card.summary.fi == "on"
    assert card.criteria[0].implied_by is not None
    assert card.criteria[0].implied_by.yes == ("kouluikainen",)


# --- Schema (layer 1) ---------------------------------------------------------------------


def test_unknown_key_is_reported_with_its_line_and_a_suggestion(kb_tree: KbTree) -> None:
    kb_tree.replace(CARD, "    explanation: {fi: Palvelu on", "    explanaton: {fi: Palvelu on")

    problem = only(validate(kb_tree.root), "KB101")

    assert problem.line == kb_tree.line_of(CARD, "explanaton:")
    assert problem.path == "criteria[0].explanaton"
    assert "did you mean 'explanation'" in problem.message


def test_wrong_type_names_what_was_expected_and_given(kb_tree: KbTree) -> None:
    kb_tree.replace(CARD, "yes: [kouluikainen]", "yes: kouluikainen")

    problem = only(validate(kb_tree.root), "KB103")

    assert problem.line == kb_tree.line_of(CARD, "yes: kouluikainen")
    assert problem.path == "criteria[0].implied_by.yes"
    assert problem.message == "expected a list, got text 'kouluikainen'"


def test_missing_required_field_points_at_the_record_that_lacks_it(kb_tree: KbTree) -> None:
    kb_tree.replace(
        CARD,
        "    explanation: {fi: Palvelu on tarkoitettu kouluikäisille., sv: Tjänsten är avsedd för barn i skolåldern., en: The service is meant for school-age children.}\n",
        "",
    )

    problem = only(validate(kb_tree.root), "KB102")

    assert problem.line == kb_tree.line_of(CARD, "- id: tukihenkilo.ika")
    assert problem.path == "criteria[0].explanation"
    assert problem.message == "missing required key 'explanation'"


def test_schema_error_in_a_card_does_not_also_report_references_to_it(kb_tree: KbTree) -> None:
    kb_tree.replace(OTHER_CARD, "summary: {fi: Perhe", "summry: {fi: Perhe")

    result = validate(kb_tree.root)

    assert sorted(codes(result)) == ["KB101", "KB102"]


# --- Cross-references (layer 2) -----------------------------------------------------------


def test_duplicate_id_across_files_points_to_the_first_definition(kb_tree: KbTree) -> None:
    # Files load in name order: perhekuntoutus.yaml defines the id first.
    kb_tree.replace(CARD, "- id: tukihenkilo.ika", "- id: perhekuntoutus.tuen-tarve")

    problem = only(validate(kb_tree.root), "KB201")

    assert problem.file == kb_tree.file(CARD)
    assert problem.line == kb_tree.line_of(CARD, "- id: perhekuntoutus.tuen-tarve")
    assert problem.path == "criteria[0].id"
    first = kb_tree.line_of(OTHER_CARD, "- id: perhekuntoutus.tuen-tarve")
    assert f"criterion at {kb_tree.file(OTHER_CARD)}:{first}" in problem.message


def test_service_file_name_must_equal_its_id(kb_tree: KbTree) -> None:
    kb_tree.path(OTHER_CARD).rename(kb_tree.path("services/kuntoutus.yaml"))

    problem = only(validate(kb_tree.root), "KB202")

    assert (problem.path, problem.line) == ("id", 1)
    assert "kuntoutus.yaml" in problem.message


def test_unknown_alternative_suggests_a_close_service_id(kb_tree: KbTree) -> None:
    kb_tree.replace(CARD, "alternatives: [perhekuntoutus]", "alternatives: [perhekuntoutis]")

    problem = only(validate(kb_tree.root), "KB210")

    assert problem.path == "contraindications[0].alternatives[0]"
    assert problem.line == kb_tree.line_of(CARD, "alternatives:")
    assert "did you mean 'perhekuntoutus'" in problem.message


def test_related_naming_a_faq_entry_says_what_it_is(kb_tree: KbTree) -> None:
    kb_tree.replace(FAQ, "related: [tukihenkilo]", "related: [faq.esitys-laavaan]")

    problem = only(validate(kb_tree.root), "KB212")

    assert "it is a FAQ entry" in problem.message


def test_unknown_process_step_of_a_card_is_an_error(kb_tree: KbTree) -> None:
    kb_tree.replace(CARD, "[perhesosiaalityo.esitys.laava]", "[perhesosiaalityo.esitys]")

    problem = only(validate(kb_tree.root), "KB214")

    assert problem.path == "process_steps[0]"
    assert "it is a phase" in problem.message


def test_unknown_finder_question_prints_in_home_assistant_style(kb_tree: KbTree) -> None:
    kb_tree.replace(CARD, "question: ika", "question: ikaa")

    result = validate(kb_tree.root)
    problem = only(result, "KB203")

    line = kb_tree.line_of(CARD, "question: ikaa")
    assert str(problem) == (f"{kb_tree.file(CARD)}:{line}: criteria[0].implied_by.question: unknown finder question 'ikaa' (did you mean 'ika'?) [KB203]")


def test_unknown_finder_option_lists_the_known_ones(kb_tree: KbTree) -> None:
    kb_tree.replace(CARD, "no: [alle-7]", "no: [alle-6]")

    problem = only(validate(kb_tree.root), "KB204")

    assert problem.path == "criteria[0].implied_by.no[0]"
    assert "alle-7, kouluikainen" in problem.message


def test_finder_question_no_record_uses_is_a_warning(kb_tree: KbTree) -> None:
    kb_tree.replace(
        "finder.yaml",
        "questions:\n",
        "questions:\n  - id: kieli\n    text: {fi: Millä kielellä, sv: På vilket språk, en: In which language}\n"
        "    options:\n      - {id: fi, label: {fi: suomi, sv: finska, en: Finnish}}\n"
        "      - {id: sv, label: {fi: ruotsi, sv: svenska, en: Swedish}}\n",
    )

    result = validate(kb_tree.root)
    problem = only(result, "KB206")

    assert problem.severity is Severity.WARNING
    assert problem.path == "questions[0].id"
    assert result.kb is not None
    assert result.kb.kb_warnings == (problem,)


def test_card_without_criteria_is_a_warning_unless_marked_incomplete(kb_tree: KbTree) -> None:
    criteria = (
        "criteria:\n  - id: perhekuntoutus.tuen-tarve\n"
        '    question: {fi: "Tarvitseeko perhe tukea ympäri vuorokauden?", sv: "Behöver familjen stöd dygnet runt?", en: "Does the family need support round the clock?"}\n'
        "    explanation: {fi: Kuntoutus on ympärivuorokautista., sv: Rehabiliteringen pågår dygnet runt., en: The rehabilitation is round the clock.}\n"
        "    statement: {fi: Perhe tarvitsee tukea ympäri vuorokauden., sv: Familjen behöver stöd dygnet runt., en: The family needs support round the clock.}\n"
        "    implied_by:\n      question: tuen-maara\n"
        "      yes: [ymparivuorokautinen]\n      no: [viikoittainen]\n"
    )
    kb_tree.replace(OTHER_CARD, criteria, "")
    warned = only(validate(kb_tree.root), "KB222")
    kb_tree.replace(OTHER_CARD, "summary:", "complete: false\nincomplete_note: {fi: Ei kriteerejä., sv: Inga kriterier., en: No criteria.}\nsummary:")

    assert warned.severity is Severity.WARNING
    assert "KB222" not in codes(validate(kb_tree.root))


# --- One edit, one problem: code, severity, file, line and path -----------------------------


@dataclass(frozen=True)
class Edit:
    file: str
    old: str
    new: str
    code: str
    path: str
    at: str
    """Text on the line the problem must be reported at (after the edit)..."""
    says: str = ""
    occurrence: int = 1
    """...the how-manieth line with that text."""


EDITS: dict[str, Edit] = {
    "bad id format": Edit(
        CARD,
        "- id: tukihenkilo.suunnitelma",
        "- id: Tukihenkilö_Suunnitelma",
        "KB104",
        "prerequisites[0].id",
        "Tukihenkilö_Suunnitelma",
        "lower-case ASCII",
    ),
    "value not among the allowed ones": Edit(
        CARD,
        "category: kotiin-vietava",
        "category: kotipalvelu",
        "KB105",
        "category",
        "category:",
        "'ymparivuorokautinen'",
    ),
    "empty list where an item is required": Edit(
        CARD,
        "sources:\n  - document: 000_54da9fa281a6a95f\n    section: Ammatillinen tukihenkilö\n",
        "sources: []\n",
        "KB106",
        "sources",
        "sources: []",
        "at least 1 item",
    ),
    "glossary term reusing a service id": Edit(
        "glossary.yaml",
        "- id: lsl",
        "- id: perhekuntoutus",
        "KB201",
        "terms[1].id",
        "- id: perhekuntoutus",
        "service at",
    ),
    "alternative naming the service itself": Edit(
        CARD,
        "alternatives: [perhekuntoutus]",
        "alternatives: [perhekuntoutus, tukihenkilo]",
        "KB211",
        "contraindications[0].alternatives[1]",
        "alternatives:",
    ),
    "unknown related id": Edit(
        FAQ,
        "related: [tukihenkilo]",
        "related: [tukihenkilo, laava]",
        "KB212",
        "entries[0].related[1]",
        "related: [tukihenkilo, laava]",
        "'laava'",
    ),
    "related naming a FAQ entry": Edit(
        FAQ,
        "related: [tukihenkilo]",
        "related: [faq.esitys-laavaan]",
        "KB212",
        "entries[0].related[0]",
        "related: [faq",
        "it is a FAQ entry",
    ),
    "unknown follow-up": Edit(
        FAQ,
        "follow_ups: [faq.esitys-laavaan]",
        "follow_ups: [faq.esitys]",
        "KB213",
        "entries[0].follow_ups[0]",
        "follow_ups:",
    ),
    "follow-up to the entry itself": Edit(
        FAQ,
        "follow_ups: [faq.esitys-laavaan]",
        "follow_ups: [faq.mika-tukihenkilo]",
        "KB216",
        "entries[0].follow_ups[0]",
        "follow_ups:",
    ),
    "unknown service of a step": Edit(
        PROCESS,
        "services: [tukihenkilo]",
        "services: [tukihenkilot]",
        "KB215",
        "phases[0].steps[0].services[0]",
        "services: [tukihenkilot]",
    ),
    "option in both yes and no": Edit(
        CARD,
        "no: [alle-7]",
        "no: [alle-7, kouluikainen]",
        "KB205",
        "criteria[0].implied_by.no[1]",
        "no: [alle-7, kouluikainen]",
        "listed in yes",
    ),
    "duplicate option of a finder question": Edit(
        "finder.yaml",
        "- id: viikoittainen",
        "- id: ymparivuorokautinen",
        "KB207",
        "questions[1].options[1].id",
        "- id: ymparivuorokautinen",
        occurrence=2,
    ),
    "incomplete step without a note": Edit(
        PROCESS,
        "        system: Laava\n",
        "        system: Laava\n        complete: false\n",
        "KB220",
        "phases[0].steps[0].complete",
        "complete: false",
    ),
    "note on a complete card": Edit(
        OTHER_CARD,
        "summary: {fi: Perhe",
        "incomplete_note: {fi: Kesto puuttuu., sv: Längd saknas., en: No duration.}\nsummary: {fi: Perhe",
        "KB221",
        "incomplete_note",
        "incomplete_note:",
    ),
    "criterion without a statement": Edit(
        CARD,
        "    statement: {fi: Lapsi on 7–17-vuotias., sv: Barnet är 7–17 år., en: The child is 7–17.}\n",
        "",
        "KB223",
        "criteria[0].id",
        "- id: tukihenkilo.ika",
        "no statement",
    ),
    "contra-indication without a statement": Edit(
        CARD,
        "    statement: {fi: Perhe tarvitsee tukea ympäri vuorokauden., sv: Familjen behöver stöd dygnet runt., en: The family needs support round the clock.}\n",
        "",
        "KB223",
        "contraindications[0].id",
        "- id: tukihenkilo.ymparivuorokautinen",
        "no statement",
    ),
    "translation that leaves out a number": Edit(
        CARD,
        "sv: Barnet är 7–17 år.,",
        "sv: Barnet är ett skolbarn.,",
        "KB241",
        "criteria[0].statement.sv",
        "sv: Barnet är ett skolbarn.",
        "the sv text leaves out 7, 17",
    ),
    "FAQ answer opening with a bare yes": Edit(
        FAQ,
        "fi: Aikuinen, joka tukee nuorta arjessa.",
        "fi: Kyllä. Aikuinen, joka tukee nuorta arjessa.",
        "KB250",
        "entries[0].answer.fi",
        "fi: Kyllä.",
        "bare 'Kyllä'",
    ),
    "glossary synonym shared by two terms": Edit(
        "glossary.yaml",
        "lasu-laki]",
        "lasu-laki, Sosiaalihuoltolaki]",
        "KB233",
        "terms[1].synonyms[2]",
        "lasu-laki, Sosiaalihuoltolaki]",
        "'shl'",
    ),
}


@pytest.mark.parametrize("edit", EDITS.values(), ids=EDITS.keys())
def test_each_broken_edit_is_reported_with_its_code_line_and_path(kb_tree: KbTree, edit: Edit) -> None:
    kb_tree.replace(edit.file, edit.old, edit.new)

    result = validate(kb_tree.root)
    problem = only(result, edit.code)

    assert (problem.file, problem.line, problem.path) == (kb_tree.file(edit.file), kb_tree.line_of(edit.file, edit.at, edit.occurrence), edit.path)
    assert problem.severity is CODES[edit.code][0]
    assert edit.says in problem.message
    assert (result.kb is None) == problem.is_error


# --- FAQ phrasings ------------------------------------------------------------------------


def test_phrasings_identical_after_normalisation_across_entries_are_an_error(
    kb_tree: KbTree,
) -> None:
    kb_tree.replace(FAQ, "- Mihin järjestelmään esitys kirjataan?", "- MIKÄ on tukihenkilö")

    problem = only(validate(kb_tree.root), "KB230")

    assert problem.path == "entries[1].phrasings.fi[1]"
    assert problem.line == kb_tree.line_of(FAQ, "MIKÄ on tukihenkilö")
    assert "is the same as 'Mikä on tukihenkilö?'" in problem.message
    assert "faq.mika-tukihenkilo" in problem.message


def test_near_identical_phrasings_across_entries_are_an_error(kb_tree: KbTree) -> None:
    kb_tree.replace(FAQ, "- Mihin järjestelmään esitys kirjataan?", "- Mitä tukihenkilö tekee perheessä?")

    problem = only(validate(kb_tree.root), "KB230")

    assert problem.severity is Severity.ERROR
    assert "scores 100" in problem.message


def test_similar_phrasings_across_entries_are_a_warning(kb_tree: KbTree) -> None:
    # token_set_ratio 93 against "Mikä on tukihenkilö?": close, but not a coin toss.
    kb_tree.replace(FAQ, "- Mihin järjestelmään esitys kirjataan?", "- Mikä on tukihenkilöitä")

    problem = only(validate(kb_tree.root), "KB231")

    assert problem.severity is Severity.WARNING


def test_the_same_phrasing_in_another_language_of_another_entry_is_an_error(kb_tree: KbTree) -> None:
    # Only a name or an abbreviation reads the same in two languages; the matcher still
    # cannot tell the entries apart.
    kb_tree.replace(FAQ, "- Mihin järjestelmään esitys kirjataan?", "- What does a support person do?")

    problem = only(validate(kb_tree.root), "KB230")

    assert problem.path == "entries[1].phrasings.fi[1]"
    assert "faq.mika-tukihenkilo" in problem.message


def test_same_phrasing_twice_in_one_entry_is_a_warning(kb_tree: KbTree) -> None:
    kb_tree.replace(FAQ, "- Mitä tukihenkilö tekee?", "- mikä on  tukihenkilö")

    result = validate(kb_tree.root)
    problem = only(result, "KB232")

    assert problem.path == "entries[0].phrasings.fi[1]"
    assert "KB230" not in codes(result)


# --- Situations of a card's conditions ---------------------------------------------------

SERVICE = "services/tukihenkilo.yaml"
CRITERION_END = "      no: [alle-7]\ncontraindications:"
CONTRA_END = "      no: [viikoittainen]\nprerequisites:"


def _with_situations(kb_tree: KbTree, criterion: list[str], contra: list[str]) -> None:
    def block(texts: list[str]) -> str:
        return "    situations:\n      fi:\n" + "".join(f"        - {t}\n" for t in texts)

    kb_tree.replace(SERVICE, CRITERION_END, "      no: [alle-7]\n" + block(criterion) + "contraindications:")
    kb_tree.replace(SERVICE, CONTRA_END, "      no: [viikoittainen]\n" + block(contra) + "prerequisites:")


def test_a_situation_close_to_a_sibling_conditions_is_a_warning_at_its_line(kb_tree: KbTree) -> None:
    _with_situations(kb_tree, ["Poika on kahdeksan ja tarvitsee aikuisen tukea arkeen"], ["Poika on kahdeksan ja tarvitsee aikuisen tukea arkeen joka päivä"])

    result = validate(kb_tree.root)
    problem = only(result, "KB234")

    assert problem.path == "contraindications[0].situations.fi[0]"
    assert problem.line == kb_tree.line_of(SERVICE, "arkeen joka päivä")
    assert "tukihenkilo.ika" in problem.message and not problem.is_error
    assert result.kb is not None


def test_a_situation_twice_in_one_condition_is_a_warning(kb_tree: KbTree) -> None:
    _with_situations(kb_tree, ["Tyttö on 9 ja koulu jännittää", "tyttö on 9, ja koulu jännittää!"], ["Perhe tarvitsee apua yölläkin"])

    problem = only(validate(kb_tree.root), "KB234")

    assert problem.path == "criteria[0].situations.fi[1]"
    assert "repeats" in problem.message


def test_distinct_situations_of_siblings_pass(kb_tree: KbTree) -> None:
    _with_situations(kb_tree, ["Tyttö on 9 ja koulu jännittää"], ["Perhe tarvitsee apua yölläkin"])

    assert "KB234" not in codes(validate(kb_tree.root))


# --- Errors, warnings and the command line ------------------------------------------------


def run_validate(root: Path, *flags: str) -> int:
    parser = argparse.ArgumentParser()
    cli.register(parser.add_subparsers(required=True))
    args = parser.parse_args(["kb", "validate", "--root", str(root), *flags])
    return args.handler(args)


def test_warnings_do_not_fail_validate_but_fail_it_with_strict(kb_tree: KbTree, capsys: pytest.CaptureFixture[str]) -> None:
    kb_tree.write("services/extra.yml", "id: extra\n")

    plain, strict = run_validate(kb_tree.root), run_validate(kb_tree.root, "--strict")

    assert (plain, strict) == (0, 1)
    assert "0 errors, 1 warning" in capsys.readouterr().out


def test_errors_fail_validate_and_every_problem_is_printed(kb_tree: KbTree, capsys: pytest.CaptureFixture[str]) -> None:
    kb_tree.replace(CARD, "no: [alle-7]", "no: [alle-6]")
    kb_tree.write("services/extra.yml", "id: extra\n")

    status = run_validate(kb_tree.root)

    out = capsys.readouterr().out.splitlines()
    assert status == 1
    assert [line[-7:] for line in out[:2]] == ["[KB204]", "[KB007]"]
    assert out[-1] == "knowledge base: 1 error, 1 warning"


def test_a_clean_knowledge_base_passes_strict(kb_tree: KbTree, capsys: pytest.CaptureFixture[str]) -> None:
    assert run_validate(kb_tree.root, "--strict") == 0
    assert capsys.readouterr().out.startswith("knowledge base: 0 errors, 0 warnings (version ")


def test_every_code_has_a_severity_and_a_meaning() -> None:
    assert all(isinstance(sev, Severity) and meaning for sev, meaning in CODES.values())
    assert all(code.startswith("KB") and len(code) == 5 for code in CODES)


def test_every_code_is_documented_for_authors_with_its_severity() -> None:
    readme = (Path(__file__).resolve().parents[2] / "knowledge" / "README.md").read_text("utf-8")

    for code, (severity, meaning) in CODES.items():
        assert f"| {code} | {severity.value} | {meaning} |" in readme, code
