"""Every card the guided dialogs can send is valid Adaptive Card 1.5 and keeps our conventions.

The cards are generated from the real knowledge base: every service (its card, each of its
criteria questions, summaries of each verdict), every finder question and result, every
process step with and without each service. So a content change that breaks a card (an
over-long list, a missing field) fails here, not in Teams.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from functools import cache
from pathlib import Path
from typing import Any

import jsonschema
import pytest

from bot.ui.cards.guided_common import MAX_ACTIONS_PER_SET, MAX_BUTTON_TITLE, Card, Origin, Ui
from bot.ui.cards.guided_criteria import ASKED_ANSWERS, summary_card
from bot.ui.cards.guided_criteria import question_card as criteria_question_card
from bot.ui.cards.guided_finder import question_card as finder_question_card
from bot.ui.cards.guided_finder import result_card
from bot.ui.cards.guided_process import pick_process_card, step_card
from bot.ui.cards.guided_service import pick_service_card, service_card
from bot.ui.cards.payload import parse_submit
from bot.ui.cards.text import render_card_text, submit_actions
from bot.ui.i18n import LANGUAGES, Strings
from dialogs.process import route, step_view
from domain.criteria import CheckAnswer, check_items, evaluate, statement_of
from domain.finder import next_question, recommend
from domain.justification import justification_text
from knowledge.loader import load_knowledge_base
from knowledge.model import KnowledgeBase
from tests.support.cards import assert_button_titles_fit, button_titles

SCHEMA_PATH = Path(__file__).resolve().parents[3] / "schemas" / "adaptive-cards-1.5" / "adaptive-card.json"
ORIGIN = Origin("test", "test:step:1")
TEAMS_MAX_ACTIONS = 6
"""Teams shows at most six buttons in a card's action bar."""


@cache
def validator() -> jsonschema.protocols.Validator:
    schema = json.loads(SCHEMA_PATH.read_text(encoding="utf-8"))
    return jsonschema.validators.validator_for(schema)(schema)


KB_ROOTS = {
    "real": None,  # knowledge/: what workers get
    "dialog-tests": Path(__file__).resolve().parents[3] / "dialogs" / "kb",  # incomplete steps, thin cards, alternatives
}


@cache
def load(name: str) -> KnowledgeBase:
    return load_knowledge_base(KB_ROOTS[name])


@cache
def strings() -> Strings:
    return Strings.load()


def all_cards(base: KnowledgeBase, ui: Ui) -> Iterator[tuple[str, Card]]:
    yield "pick-service", pick_service_card(base, ui, ORIGIN, title="t", prompt="p")
    yield "pick-process", pick_process_card(base, ui, ORIGIN, None)
    for service in base.services:
        yield f"card:{service.id}", service_card(base, ui, service, ORIGIN)
        yield f"pick-process:{service.id}", pick_process_card(base, ui, ORIGIN, service)
        items = check_items(service, {})
        for n, item in enumerate(items, start=1):
            yield f"criteria:{item.id}", criteria_question_card(ui, service, item, n, len(items), 2, ORIGIN)
        for answer in (*ASKED_ANSWERS, CheckAnswer.CONSIDER):
            result = evaluate(base, service, {item.id: answer for item in items})
            yield f"summary:{service.id}:{answer.value}", summary_card(ui, result, justification_text(result), ORIGIN)
    yield "result:none", result_card(base, ui, recommend(base, {}), ORIGIN)
    for n, question in enumerate(base.finder.questions, start=1):
        yield f"finder:{question.id}", finder_question_card(ui, question, n, ORIGIN)
        for option in question.options:
            yield f"result:{question.id}={option.id}", result_card(base, ui, recommend(base, {question.id: option.id}), ORIGIN)
    for process in base.processes:
        for service in (None, *base.services):
            walk = route(process, service)
            for _phase, steps in walk:
                for step in steps:
                    view = step_view(process, walk, step.id, service)
                    yield f"step:{process.id}:{step.id}:{service.id if service else '-'}", step_card(ui, view, ORIGIN)


def cases() -> list[Any]:
    return [pytest.param(name, lang, id=f"{name}-{lang}") for name in KB_ROOTS for lang in LANGUAGES]


def _walk(node: Any) -> Iterator[dict[str, Any]]:
    if isinstance(node, dict):
        yield node
        for value in node.values():
            yield from _walk(value)
    elif isinstance(node, list):
        for value in node:
            yield from _walk(value)


FREE_TEXT = frozenset({"text", "title", "value", "label", "fallbackText", "data"})
"""Fields whose content the schema does not constrain beyond 'a string' (or any object)."""


def skeleton(node: Any) -> Any:
    """The card's structure: free text blanked and repeated list items kept once. The schema
    constrains no string's content and no list's length, so a card is valid exactly when its
    skeleton is, and the (slow) check runs on a few small skeletons instead of every card."""
    if isinstance(node, dict):
        return {key: ("" if key in FREE_TEXT and isinstance(value, str | dict) else skeleton(value)) for key, value in node.items()}
    if isinstance(node, list):
        unique = {json.dumps(item, sort_keys=True): item for item in map(skeleton, node)}
        return list(unique.values())
    return node


@pytest.mark.parametrize(("kb_name", "lang"), cases())
def test_every_guided_card_validates_against_the_adaptive_card_1_5_schema(kb_name: str, lang: str) -> None:
    kb = load(kb_name)
    generated = list(all_cards(kb, Ui(strings(), lang)))
    # Every service, question and step produced cards: a generator that silently yields
    # nothing would make the test pass vacuously.
    assert len(generated) > len(kb.services) + len(kb.finder.questions)
    checked: dict[str, str] = {}
    for name, card in generated:
        assert card["version"] == "1.5", name
        shape = skeleton(card)
        key = json.dumps(shape, sort_keys=True)
        if key not in checked:
            checked[key] = name
            error = jsonschema.exceptions.best_match(validator().iter_errors(shape))
            assert error is None, f"{name}: {error.message[:300] if error else ''} at {list(error.absolute_path) if error else ''}"


@pytest.mark.parametrize(("kb_name", "lang"), cases())
def test_every_button_carries_a_valid_submit_payload_and_rows_fit_teams(kb_name: str, lang: str) -> None:
    for name, card in all_cards(load(kb_name), Ui(strings(), lang)):
        assert len(card.get("actions", [])) <= TEAMS_MAX_ACTIONS, name
        for node in _walk(card):
            if node.get("type") == "ActionSet":
                assert len(node["actions"]) <= MAX_ACTIONS_PER_SET, name
            if node.get("type") == "Action.Submit":
                submit = parse_submit(node["data"])
                assert submit is not None and submit.dialog == ORIGIN.dialog and submit.step == ORIGIN.step, name
                assert node["title"].strip(), name


@pytest.mark.parametrize(("kb_name", "lang"), cases())
def test_every_button_title_is_short_enough_to_show_whole_in_teams(kb_name: str, lang: str) -> None:
    generated = list(all_cards(load(kb_name), Ui(strings(), lang)))
    titles = [title for _name, card in generated for title in button_titles(card)]
    assert len(titles) > len(generated)  # the walk finds the buttons
    for name, card in generated:
        assert_button_titles_fit(card, name)


def test_the_title_check_catches_a_long_button_and_ignores_a_wrapping_tile() -> None:
    ui = Ui(strings(), "fi")
    question = max(load("real").finder.questions, key=lambda q: max(len(o.label.get("fi")) for o in q.options))
    tiles = finder_question_card(ui, question, 2, ORIGIN)
    long_label = max((option.label.get("fi") for option in question.options), key=len)
    as_button = {**tiles, "actions": [{"type": "Action.Submit", "title": long_label, "data": {}}]}

    assert len(long_label) > MAX_BUTTON_TITLE
    assert_button_titles_fit(tiles)
    with pytest.raises(AssertionError):
        assert_button_titles_fit(as_button)


@pytest.mark.parametrize("kb_name", list(KB_ROOTS))
def test_ui_strings_are_never_shown_as_raw_keys(kb_name: str) -> None:
    for lang in LANGUAGES:
        for name, card in all_cards(load(kb_name), Ui(strings(), lang)):
            rendered = render_card_text(card)
            assert "dialogs." not in rendered, f"{lang} {name}: a missing UI string shows its key"


@pytest.mark.parametrize("kb_name", list(KB_ROOTS))
def test_every_card_renders_as_text_with_its_buttons_numbered(kb_name: str) -> None:
    for name, card in all_cards(load(kb_name), Ui(strings(), "fi")):
        rendered = render_card_text(card)
        actions = submit_actions(card)
        assert actions, name
        for action in actions:
            # The age question reads a typed number as the age: its buttons are listed unnumbered.
            shown = f"- {action.title}" if action.number is None else f"[{action.number}] {action.title}"
            assert shown in rendered, name
        assert all(a.number is None for a in actions) == name.startswith("finder:ika"), name


def test_ui_strings_of_the_dialogs_exist_in_finnish_swedish_and_english() -> None:
    table = strings()
    keys = {lang: {k for k in table.keys(lang) if k.startswith("dialogs.")} for lang in LANGUAGES}
    assert keys["fi"], "no dialogs.* strings loaded"
    assert keys["sv"] == keys["fi"], f"sv differs: {sorted(keys['sv'] ^ keys['fi'])}"
    assert keys["en"] == keys["fi"], f"en differs: {sorted(keys['en'] ^ keys['fi'])}"


def test_the_skeleton_shortcut_still_catches_an_invalid_card() -> None:
    card = service_card(load("dialog-tests"), Ui(strings(), "fi"), load("dialog-tests").services[0], ORIGIN)
    card["body"][1]["size"] = "Enormous"  # not a FontSize
    card["actions"][0]["bogus"] = True  # Action.Submit allows no other properties

    errors = list(validator().iter_errors(skeleton(card)))

    assert errors


def test_every_card_message_fits_the_teams_message_size_limit() -> None:
    from bot.service.replies import MAX_ACTIVITY_BYTES, card_message
    from dialogs.engine import Screen

    for name, card in all_cards(load("real"), Ui(strings(), "fi")):
        activity = card_message(Screen(card, extra_text="x" * 3000))
        size = len(json.dumps(activity.serialize(), ensure_ascii=False).encode())
        assert size <= MAX_ACTIVITY_BYTES, f"{name}: {size} bytes"
        assert activity.summary, name


@pytest.mark.parametrize(
    ("lang", "one", "two"), [("fi", "vielä 1 kohta.", "vielä 2 kohtaa."), ("sv", "1 punkt att", "2 punkter att"), ("en", "1 point still", "2 points still")]
)
def test_counts_read_right_for_one_and_for_many(lang: str, one: str, two: str) -> None:
    ui = Ui(strings(), lang)

    assert one in ui.count("finder.still_to_check", 1)
    assert two in ui.count("finder.still_to_check", 2)


@pytest.mark.parametrize("lang", LANGUAGES)
def test_a_service_card_shows_every_criterion_and_contraindication_once_as_its_condition(lang: str) -> None:
    kb = load("real")
    for service in kb.services:
        rendered = render_card_text(service_card(kb, Ui(strings(), lang), service, ORIGIN))
        lines = rendered.splitlines()
        for item in (*service.criteria, *service.contraindications):
            # The condition (its statement, else its question) is the bullet; never the
            # explanation alone.
            assert lines.count(f"- {statement_of(item, lang)}") == 1, f"{service.id}: {item.id}"
        bulleted = {line for line in lines if line.startswith("- ")}
        for item in (*service.criteria, *service.contraindications):
            explanation = item.explanation.get(lang)
            assert f"- {explanation}" not in bulleted, f"{service.id}: {item.id} shown by its explanation"
            assert explanation in rendered, f"{service.id}: {item.id} explanation missing"


def test_family_rehabilitation_lists_its_five_contraindications_and_says_the_shared_explanation_once() -> None:
    kb = load("real")
    service = kb.service("perhekuntoutus")
    assert service is not None
    rendered = render_card_text(service_card(kb, Ui(strings(), "fi"), service, ORIGIN))
    section = rendered.split("Milloin palvelu ei sovellu\n", 1)[1].split("Edellytykset", 1)[0]

    assert section.startswith("Palvelu ei sovellu, jos jokin näistä pitää paikkansa:\n")
    assert sorted(line for line in section.splitlines() if line.startswith("- ")) == sorted(f"- {statement_of(c)}" for c in service.contraindications)
    assert section.count("Lähteen mukaan palvelu ei silloin sovellu.") == 1
    assert "\n- Silloin" not in rendered


@pytest.mark.parametrize("lang", LANGUAGES)
def test_a_card_says_once_per_explanation_that_the_source_names_no_alternative(lang: str) -> None:
    kb = load("real")
    none_named = Ui(strings(), lang)("common.no_alternative")
    for service in kb.services:
        rendered = render_card_text(service_card(kb, Ui(strings(), lang), service, ORIGIN))
        groups = {c.explanation.get(lang) for c in service.contraindications if not c.alternatives}
        assert rendered.count(none_named) == len(groups), service.id


def test_a_ruled_out_check_says_the_source_names_no_alternative_only_for_a_contraindication() -> None:
    kb = load("real")
    service = kb.service("perhekuntoutus")
    assert service is not None
    ui = Ui(strings(), "fi")
    homeless = evaluate(kb, service, {"perhekuntoutus.ei-kotia": CheckAnswer.YES})
    assert render_card_text(summary_card(ui, homeless, None, ORIGIN)).count("Lähde ei nimeä tähän vaihtoehtoista palvelua.") == 1
    unmet = next(c for c in service.criteria)
    not_met = evaluate(kb, service, {unmet.id: CheckAnswer.NO})
    assert "Lähde ei nimeä" not in render_card_text(summary_card(ui, not_met, None, ORIGIN))


def test_an_unmet_criterion_naming_an_alternative_is_not_followed_by_no_alternative() -> None:
    kb = load("real")
    rendered = render_card_text(result_card(kb, Ui(strings(), "fi"), recommend(kb, {"muutoksen-kohde": "lapsi"}), ORIGIN))
    entry = rendered.split("**Vapaaehtoinen tukihenkilö**\n", 1)[1].split("Lähde:", 1)[0]

    # The worker answered the finder's question, not this criterion: the line says it was
    # inferred from that answer, and quotes the condition, not a question never asked.
    assert entry.startswith(
        "Ei sovellu, koska vastauksesta ”Lapsen tai nuoren oma tilanne (yksilötyö)” päätellen tämä ei täyty: Lapsi tai nuori tarvitsee ennen kaikkea luotettavan aikuisen"
    )
    assert "harkitse ammatillista tukihenkilöä" in entry
    assert "Lähde ei nimeä tähän vaihtoehtoista palvelua." not in entry


def test_a_contraindication_without_alternatives_says_the_source_names_none() -> None:
    kb = load("real")
    for question in kb.finder.questions:
        for option in question.options:
            result = recommend(kb, {question.id: option.id})
            rendered = render_card_text(result_card(kb, Ui(strings(), "fi"), result, ORIGIN))
            said = rendered.count("Lähde ei nimeä tähän vaihtoehtoista palvelua.")
            expected = sum(1 for item in result.ruled_out if not item.alternatives and item.reason in item.service.contraindications)
            assert said == expected, f"{question.id}={option.id}"


def _finder_leaves(kb: KnowledgeBase, answers: dict[str, str]) -> Iterator[dict[str, str]]:
    """Every set of answers a worker can reach the finder's result with."""
    question = next_question(kb, answers)
    if question is None:
        yield answers
        return
    for option in question.options:
        yield from _finder_leaves(kb, {**answers, question.id: option.id})


def _visible_submits(node: Any) -> int:
    """Submit buttons shown without opening a fold (Action.ShowCard) or a toggle."""
    if isinstance(node, dict):
        if node.get("type") == "Action.ShowCard" or node.get("isVisible") is False:
            return 0
        return int(node.get("type") == "Action.Submit") + sum(_visible_submits(v) for v in node.values())
    if isinstance(node, list):
        return sum(_visible_submits(v) for v in node)
    return 0


@pytest.mark.parametrize("lang", LANGUAGES)
def test_every_reachable_finder_result_is_well_under_the_teams_size_limit(lang: str) -> None:
    kb = load("real")
    leaves = list(_finder_leaves(kb, {}))
    assert len(leaves) > 100
    for answers in leaves:
        result = recommend(kb, answers)
        built = result_card(kb, Ui(strings(), lang), result, ORIGIN)
        size = len(json.dumps(built, ensure_ascii=False).encode())
        assert size <= 20_000, f"{answers}: {size} bytes"
        # At first sight: two buttons a suggestion, restart and back/cancel/help; the
        # ruled-out services' buttons and the cards of those the answers cannot assess
        # are behind a toggle and a fold.
        most = 2 * len(result.with_evidence) + 4
        assert _visible_submits(built) <= most, answers


def test_a_service_without_evidence_is_never_a_suggestion() -> None:
    kb = load("real")
    ui = Ui(strings(), "fi")
    # Aftercare for a 14-year-old; a support family for a family needing round-the-clock care.
    for answers, service_id in (({"ika": "10-17"}, "jalkihuolto"), ({"tuen-tarve": "ymparivuorokautinen"}, "tukiperhetoiminta")):
        service = kb.service(service_id)
        assert service is not None
        rendered = render_card_text(result_card(kb, ui, recommend(kb, answers), ORIGIN))
        name = service.name.get("fi")
        suggestions, rest = rendered.split("Ei arvioitavissa vastausten perusteella:", 1)
        assert name not in suggestions, answers
        assert name in rest.split("Eivät sovellu", 1)[0], answers
        assert f"Tarkista kriteerit: {name}" not in rendered, answers
        checks = [parse_submit(a.data) for a in submit_actions(result_card(kb, ui, recommend(kb, answers), ORIGIN))]
        assert all(not (s and s.action == "criteria" and s.value == service_id) for s in checks), answers


@pytest.mark.parametrize("lang", LANGUAGES)
def test_the_service_picker_lists_the_real_services_alphabetically_in_the_readers_language(lang: str) -> None:
    kb = load("real")
    picker = pick_service_card(kb, Ui(strings(), lang), ORIGIN, title="t", prompt="p")
    names = [action.title for action in submit_actions(picker) if (submit := parse_submit(action.data)) and submit.action == "pick"]

    nordic = str.maketrans({"å": "z1", "ä": "z2", "ö": "z3"})
    assert names == sorted(names, key=lambda name: name.casefold().translate(nordic))
    assert len(names) == len(kb.services)


def test_the_card_and_the_finder_state_conditions_as_sentences_where_the_card_has_them() -> None:
    kb = load("real")
    ui = Ui(strings(), "fi")
    service = kb.service("ammatillinen-tukihenkilo")
    assert service is not None
    card_text = render_card_text(service_card(kb, ui, service, ORIGIN))
    result_text = render_card_text(result_card(kb, ui, recommend(kb, {"ika": "10-17"}), ORIGIN))

    assert "- Lapsi tai nuori on noin 10–17-vuotias." in card_text
    assert "Sopii, koska vastausten mukaan:\n- Lapsi tai nuori on noin 10–17-vuotias." in result_text
