"""The welcome and menu cards: every capability a tile, valid 1.5, no button cut short."""

from __future__ import annotations

import pytest

from bot.ui.cards.payload import Submit, parse_submit
from bot.ui.cards.text import render_card_text, submit_actions
from bot.ui.cards.welcome import MenuItem, menu_card, welcome_card
from bot.ui.i18n import LANGUAGES, Strings
from tests.support.cards import assert_button_titles_fit, assert_valid_card

STRINGS = Strings.load()
KEYS = ("core.capability.finder", "core.capability.criteria", "core.capability.process", "dialogs.capability.card", "core.capability.qna")


def items(lang: str) -> list[MenuItem]:
    return [MenuItem(STRINGS.get(f"{key}.title", lang), STRINGS.get(f"{key}.description", lang), Submit("menu", "menu", "start", key).data()) for key in KEYS]


@pytest.mark.parametrize("lang", LANGUAGES)
def test_welcome_and_menu_offer_each_capability_once_as_a_tile_with_its_description(lang: str) -> None:
    menu = items(lang)
    assert not any(item.title.startswith(KEYS) for item in menu)  # real strings, not keys
    welcome = welcome_card("Tervetuloa", "Intro", menu, "Vinkki")
    short_menu = menu_card("Valikko", menu)

    for card in (welcome, short_menu):
        assert_valid_card(card)
        assert_button_titles_fit(card)
        pressed = [(a.title, parse_submit(a.data)) for a in submit_actions(card)]
        assert [title for title, _ in pressed] == [item.title for item in menu]
        assert all(submit is not None and submit.action == "start" for _, submit in pressed)
    shown = render_card_text(welcome)
    for item in menu:
        assert shown.count(item.title) == 1
        assert item.description in shown
