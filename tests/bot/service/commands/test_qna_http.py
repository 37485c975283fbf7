"""What `qna eval` reads off the bot's replies: the band a worker saw, from the cards' buttons."""

from __future__ import annotations

from typing import Any

import pytest

from bot.service.commands.qna_http import HttpOutcome, Seen, read_replies
from bot.ui.cards.qna import QnaUi, did_you_mean_card, no_match_card
from bot.ui.i18n import Strings
from domain.qna.evaluate import EvalQuestion
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


@pytest.mark.parametrize(
    ("listed", "prefilled", "right"),
    [
        (("ika.alle-7", "ika.7-9"), {"ika": "alle-7"}, True),  # two children, "6v ja 8v": either band
        (("ika.alle-7", "ika.7-9"), {"ika": "7-9"}, True),
        (("ika.alle-7", "ika.7-9"), {"ika": "10-12"}, False),
        (("ika.10-12", "tarve.perhe"), {"ika": "10-12"}, True),
        (("ika.10-12",), {"ika": "7-9"}, False),
        (("ika.10-12",), {}, False),
        (("ika.10-12",), None, False),  # no prefilled finder offered at all
    ],
)
def test_a_case_description_counts_when_the_finder_holds_one_of_the_bands_its_item_lists(
    listed: tuple[str, ...], prefilled: dict[str, str] | None, right: bool
) -> None:
    question = EvalQuestion(text="...", lang="fi", expected=frozenset(), kind="case", finder=listed)

    outcome = HttpOutcome(question, Seen(finder=prefilled))

    assert outcome.top1 is right and outcome.top3 is right
