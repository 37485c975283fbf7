"""Cards as text: what the terminal chat shows and channels without cards receive."""

from __future__ import annotations

from bot.ui.cards.message import card_activity
from bot.ui.cards.text import render_card_text, submit_actions

CARD = {
    "type": "AdaptiveCard",
    "version": "1.5",
    "body": [
        {"type": "TextBlock", "text": "Tukihenkilö", "size": "Large"},
        {"type": "FactSet", "facts": [{"title": "Ikä", "value": "7–17"}, {"title": "Kesto", "value": "6 kk"}]},
        {"type": "Container", "items": [{"type": "TextBlock", "text": "Kaksi riviä\ntekstiä"}]},
        {"type": "ColumnSet", "columns": [{"type": "Column", "items": [{"type": "TextBlock", "text": "Sarake"}]}]},
        {"type": "TextBlock", "text": "Piilotettu", "isVisible": False},
        {"type": "ActionSet", "actions": [{"type": "Action.Submit", "title": "Kyllä", "data": {"v": "yes"}}]},
    ],
    "actions": [
        {"type": "Action.Submit", "title": "Ei", "data": {"v": "no"}},
        {"type": "Action.OpenUrl", "title": "Lähde", "url": "https://example.com/ohje"},
    ],
}


def test_a_card_reads_as_title_facts_text_and_numbered_buttons() -> None:
    assert render_card_text(CARD).splitlines() == [
        "Tukihenkilö",
        "Ikä: 7–17",
        "Kesto: 6 kk",
        "Kaksi riviä",
        "tekstiä",
        "Sarake",
        "[1] Kyllä",
        "[2] Ei",
        "Lähde: https://example.com/ohje",
    ]


def test_the_submit_actions_are_numbered_as_shown_and_carry_their_data() -> None:
    assert [(a.number, a.title, a.data) for a in submit_actions(CARD)] == [(1, "Kyllä", {"v": "yes"}), (2, "Ei", {"v": "no"})]


def test_numbering_can_continue_from_an_earlier_card() -> None:
    assert "[3] Kyllä" in render_card_text(CARD, first_number=3)
    assert [a.number for a in submit_actions(CARD, first_number=3)] == [3, 4]


def test_a_card_activity_carries_the_text_rendering_as_its_fallback() -> None:
    activity = card_activity(CARD, text="Tässä:")

    assert activity.text == "Tässä:"
    assert activity.summary == render_card_text(CARD)
    assert activity.attachments[0].content == CARD


TILES_AND_TOGGLES = {
    "type": "AdaptiveCard",
    "version": "1.5",
    "body": [
        {
            "type": "Container",
            "selectAction": {"type": "Action.Submit", "title": "Koko perhe tai vanhemmuus", "data": {"v": "family"}},
            "items": [{"type": "TextBlock", "text": "Koko perhe tai vanhemmuus"}, {"type": "TextBlock", "text": "Vanhemmat tarvitsevat tukea"}],
        },
        {"type": "ActionSet", "actions": [{"type": "Action.ToggleVisibility", "title": "Miksi?", "targetElements": ["why"]}]},
        {"type": "Container", "id": "why", "isVisible": False, "items": [{"type": "TextBlock", "text": "Koska vastasit niin"}]},
        {"type": "TextBlock", "text": "Ei kenellekään", "id": "never", "isVisible": False},
        {"type": "ActionSet", "actions": [{"type": "Action.Submit", "title": "Näytä kortti", "tooltip": "Näytä kortti: Perhetyö", "data": {"v": "card"}}]},
    ],
}


def test_a_tile_reads_as_one_numbered_button_with_its_detail_beneath() -> None:
    lines = render_card_text(TILES_AND_TOGGLES).splitlines()

    assert lines[:2] == ["[1] Koko perhe tai vanhemmuus", "    Vanhemmat tarvitsevat tukea"]
    assert submit_actions(TILES_AND_TOGGLES)[0].data == {"v": "family"}


def test_what_a_toggle_reveals_is_shown_in_text_and_what_nothing_reveals_is_not() -> None:
    shown = render_card_text(TILES_AND_TOGGLES)

    assert "Koska vastasit niin" in shown
    assert "Ei kenellekään" not in shown
    assert "Miksi?" not in shown  # a toggle does nothing in text


def test_a_short_button_with_a_standalone_name_is_read_by_that_name() -> None:
    assert [a.title for a in submit_actions(TILES_AND_TOGGLES)] == ["Koko perhe tai vanhemmuus", "Näytä kortti: Perhetyö"]
