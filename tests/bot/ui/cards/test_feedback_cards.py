"""The feedback cards: valid Adaptive Cards 1.5, Universal Actions with Submit fallbacks,
the state and history a team reads, nothing of a client."""

from __future__ import annotations

import json
from datetime import UTC, date, datetime, timedelta
from typing import Any

import pytest

from bot.ui.cards.feedback import (
    ACTION_KEY,
    ANSWER_INPUT,
    OUTCOME_INPUT,
    QUESTION_INPUT,
    ask_card,
    card_invoke_response,
    cases_card,
    channel_post,
    parse_card_action,
    report_card,
)
from bot.ui.cards.feedback_dialog import FeedbackUi, period_card, ratings_card
from bot.ui.cards.guided_common import Origin
from bot.ui.cards.text import render_card_text, submit_actions
from bot.ui.i18n import Strings
from domain.feedback_records import CaseView, EventView, ReportView
from tests.support.cards import assert_valid_card

STRINGS = Strings.load()
AT = datetime(2026, 12, 6, 3, 46, tzinfo=UTC)


def _report(**changes: object) -> ReportView:
    values: dict[str, object] = {
        "id": 7,
        "reporter_id": 1,
        "reporter_locale": "fi-FI",
        "service_id": "perhetyo",
        "service_name": "Perhetyö",
        "provider_id": 3,
        "provider_name": "Perhekoti Kataja Oy",
        "service_line": "lastensuojelu",
        "period_start": date(2026, 9, 1),
        "period_end": date(2026, 11, 30),
        "ratings": {"goals": 4, "reporting": 2},
        "concern_area": "quality",
        "concern_kind": "reporting",
        "free_text": "Raportit tulivat myöhässä.",
        "status": "new",
        "outcome": None,
        "handler_id": None,
        "version": 1,
        "card_conversation_id": None,
        "card_activity_id": None,
        "created_at": AT,
        "updated_at": AT,
        "events": (EventView("submit", 1, None, "new", "", AT),),
    }
    values.update(changes)
    return ReportView(**values)  # type: ignore[arg-type]


@pytest.mark.parametrize("lang", ["fi", "sv", "en"])
def test_a_new_report_card_is_valid_and_offers_every_action(lang: str) -> None:
    card = report_card(_report(), STRINGS, lang, reporter_name="Maija", handler_name=None, refresh_user_ids=["29:a"])

    assert_valid_card(card)
    assert [a["verb"] for a in card["actions"]] == ["feedback.take", "feedback.ask", "feedback.supervise", "feedback.close"]
    assert all(a["fallback"]["type"] == "Action.Submit" and a["fallback"]["data"] == a["data"] for a in card["actions"])
    assert card["refresh"]["userIds"] == ["29:a"]


def test_the_card_shows_what_the_team_needs_in_finnish_time() -> None:
    text = render_card_text(report_card(_report(), STRINGS, "fi", reporter_name="Maija", handler_name=None))

    for expected in (
        "Perhetyö",
        "Perhekoti Kataja Oy",
        "Lastensuojelu",
        "1.9.2026–30.11.2026",
        "Maija",
        "6.12.2026 05:46",
        "Uusi",
        "Sovitut tavoitteet: 4/5",
        "Raportointi: 2/5",
        "Laatu: Raportit myöhässä tai puuttuvat",
    ):
        assert expected in text


def test_a_closed_card_has_no_actions_and_shows_the_outcome_questions_and_answers() -> None:
    events = (
        EventView("submit", 1, None, "new", "", AT),
        EventView("ask", 2, "new", "in_handling", "Mikä viikko?", AT),
        EventView("answer", 1, "in_handling", "in_handling", "Viikko 48.", AT),
        EventView("close", 2, "in_handling", "closed", "noted", AT),
    )
    card = report_card(_report(status="closed", outcome="noted", handler_id=2, events=events), STRINGS, "fi", reporter_name="Maija", handler_name="Tiina")

    assert_valid_card(card)
    assert "actions" not in card and "refresh" not in card
    text = render_card_text(card)
    assert "Kirjattu tiedoksi" in text and "Mikä viikko?" in text and "Viikko 48." in text and "Käsittelijä: Tiina" in text


def test_buttons_read_as_their_submit_fallback_in_text() -> None:
    card = report_card(_report(status="in_handling"), STRINGS, "fi", reporter_name="Maija", handler_name=None)

    assert [a.title for a in submit_actions(card)] == ["Pyydä lisätietoja", "Käynnistä reaktiivinen valvonta", "Sulje"]


def test_the_channel_post_mentions_the_reporter_and_carries_the_card() -> None:
    card = report_card(_report(), STRINGS, "fi", reporter_name="Maija", handler_name=None)

    post = channel_post(card, STRINGS, "fi", service_name="Perhetyö", reporter_id="29:maija", reporter_name="Maija").serialize()

    assert "<at>Maija</at>" in post["text"]
    assert post["entities"] == [{"mentioned": {"id": "29:maija", "name": "Maija"}, "text": "<at>Maija</at>", "type": "mention"}]
    assert post["attachments"][0]["content"] == card


def test_the_ask_card_and_cases_card_are_valid() -> None:
    assert_valid_card(ask_card(_report(), "Mikä viikko?", STRINGS, "sv"))
    case = CaseView(1, "lastensuojelu", 3, "Perhekoti Kataja Oy", "perhetyo", "procurement", None, 2, 1, datetime(2026, 12, 1, tzinfo=UTC), AT, None, (7, 8))
    card = cases_card([case], STRINGS, "fi", AT, {"perhetyo": "Perhetyö"})
    assert_valid_card(card)
    assert "Hankinnat mukana" in render_card_text(card) and "5 pv sitten" in render_card_text(card) and "palautteita 2" in render_card_text(card)
    assert_valid_card(card_invoke_response(card)["value"])


@pytest.mark.parametrize(
    ("lang", "days", "shown"),
    [
        ("fi", 0, "(tänään)"),
        ("fi", 1, "(1 pv sitten)"),
        ("sv", 0, "(i dag)"),
        ("sv", 1, "(för 1 dag sedan)"),
        ("sv", 3, "(för 3 dagar sedan)"),
        ("en", 0, "(today)"),
    ],
)
def test_a_case_opened_today_or_yesterday_says_so_in_words(lang: str, days: int, shown: str) -> None:
    opened = AT - timedelta(days=days, minutes=1)
    case = CaseView(1, "lastensuojelu", 3, "Perhekoti Kataja Oy", "perhetyo", "new", None, 2, 1, opened, AT, None, (7,))

    assert shown in render_card_text(cases_card([case], STRINGS, lang, AT, {"perhetyo": "Perhetyö"}))


@pytest.mark.parametrize(
    "value",
    [
        None,
        "take",
        {ACTION_KEY: "take"},
        {ACTION_KEY: {"verb": "take"}},
        {ACTION_KEY: {"verb": "take", "report": "7"}},
        {ACTION_KEY: {"verb": "take", "report": True}},
        {ACTION_KEY: {"verb": "take", "report": -1}},
        {ACTION_KEY: {"verb": "delete", "report": 7}},
        {ACTION_KEY: {"verb": "close", "report": 7}, OUTCOME_INPUT: "burn"},
        {ACTION_KEY: {"verb": "ask", "report": 7}, QUESTION_INPUT: 42},
        {ACTION_KEY: {"verb": "answer", "report": 7}, ANSWER_INPUT: "x" * 10_000},
    ],
)
def test_malformed_actions_are_rejected(value: object) -> None:
    assert parse_card_action(value) is None


def test_a_well_formed_action_is_read_with_its_inputs() -> None:
    action = parse_card_action({ACTION_KEY: {"verb": "close", "report": 7}, OUTCOME_INPUT: "noted", QUESTION_INPUT: " "})

    assert action is not None and (action.verb, action.report_id, action.outcome, action.question) == ("close", 7, "noted", "")


def _submits(node: object) -> list[dict[str, object]]:
    if isinstance(node, dict):
        own = [node] if node.get("type") == "Action.Submit" else []
        return own + [found for value in node.values() for found in _submits(value)]
    if isinstance(node, list):
        return [found for value in node for found in _submits(value)]
    return []


@pytest.mark.parametrize("build", [lambda ui, origin: period_card(ui, origin, None, None), lambda ui, origin: ratings_card(ui, origin, {})])
def test_a_form_step_sends_its_fields_with_next_and_navigation_sends_none(build: Any) -> None:
    """A client sends the fields only with a button whose `associatedInputs` is not "none":
    without them, Next on the period card could never get past it in Teams."""
    card = build(FeedbackUi(STRINGS, "fi"), Origin("feedback", "step-1"))
    sends = {str(action["title"]): action.get("associatedInputs", "auto") for action in _submits(card)}

    assert sends["Jatka"] == "auto"
    # Web Chat 4.18 (the renderer of Teams' web client) shows a card with a required input as
    # an empty bubble; the dialog checks the fields itself.
    assert '"isRequired"' not in json.dumps(card)
    assert {title: how for title, how in sends.items() if title != "Jatka"} == dict.fromkeys(["Takaisin", "Peruuta", "Ohje"], "none")
