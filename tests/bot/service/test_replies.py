"""What a card message carries besides the card: its text rendering as the summary."""

from __future__ import annotations

from bot.service.replies import card_message
from bot.ui.cards.guided_common import card, heading
from bot.ui.cards.text import render_card_text
from dialogs.engine import Screen


def _card(title: str) -> dict[str, object]:
    return card([heading(title)], [{"type": "Action.Submit", "title": "Ohje", "data": {"a": "help"}}])


def test_the_summary_is_the_cards_text_each_time_it_is_sent() -> None:
    first = card_message(Screen(_card("Perhetyö")))
    again = card_message(Screen(_card("Perhetyö")))

    assert first.summary == again.summary == render_card_text(_card("Perhetyö"))


def test_a_card_that_changed_gets_the_summary_of_what_it_now_says() -> None:
    card_message(Screen(_card("Perhetyö")))

    changed = card_message(Screen(_card("Tukiperhe")))

    assert "Tukiperhe" in (changed.summary or "")
    assert "Perhetyö" not in (changed.summary or "")


def test_the_line_above_the_card_and_the_text_below_frame_the_summary() -> None:
    message = card_message(Screen(_card("Perhetyö"), text="Ylhäällä", extra_text="Alhaalla"))

    assert message.summary == f"Ylhäällä\n\n{render_card_text(_card('Perhetyö'))}\n\nAlhaalla"


def test_only_a_card_with_an_input_keeps_its_buttons_from_sending_fields() -> None:
    plain = card([{"type": "TextBlock", "text": 'kirjoita "type":"Input.Text" tähän'}], [{"type": "Action.Submit", "title": "OK"}])
    form = card([{"type": "Input.Text", "id": "x"}], [{"type": "Action.Submit", "title": "OK"}])

    assert "associatedInputs" not in plain["actions"][0]
    assert form["actions"][0]["associatedInputs"] == "none"
