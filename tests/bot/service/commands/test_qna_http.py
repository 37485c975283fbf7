"""What `qna eval` reads off the bot's replies: the band a worker saw, from the cards' buttons."""

from __future__ import annotations

from typing import Any

import pytest

from bot.service.commands.qna_http import read_replies
from bot.ui.cards.qna import QnaUi, did_you_mean_card, no_match_card
from bot.ui.i18n import Strings
from domain.qna.index import RecordRef

UI = QnaUi(Strings.load(), "sv")
OFFERS = [(RecordRef("faq", "faq.a"), "A?"), (RecordRef("service", "b"), "B")]


def _reply(card: dict[str, Any]) -> list[dict[str, Any]]:
    return [{"type": "message", "attachments": [{"contentType": "application/vnd.microsoft.card.adaptive", "content": card}]}]


@pytest.mark.parametrize(
    ("card", "band", "offers"),
    [
        (did_you_mean_card(UI, OFFERS, "qna:2"), "unsure", ["faq:faq.a", "service:b"]),
        (no_match_card(UI, OFFERS, "qna:2"), "nearest", ["faq:faq.a", "service:b"]),
        (no_match_card(UI), "none", []),
    ],
)
def test_a_choice_the_nearest_topics_and_a_bare_no_answer_are_told_apart(card: dict[str, Any], band: str, offers: list[str]) -> None:
    seen = read_replies(_reply(card))
    assert seen.band == band
    assert seen.offers == offers and seen.shown is None
