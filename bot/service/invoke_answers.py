"""Answers to Universal Actions (`adaptiveCard/action` invokes), as botbuilder will send them."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, ClassVar, Final

from botbuilder.schema import AdaptiveCardInvokeResponse

CARD: Final = "application/vnd.microsoft.card.adaptive"
MESSAGE: Final = "application/vnd.microsoft.activity.message"


class InvokeAnswer(AdaptiveCardInvokeResponse):
    """botbuilder's model, but with any JSON as `value`: its own serializer takes only an
    object, and a message answer's value is a string."""

    _attribute_map: ClassVar[dict[str, dict[str, str]]] = {**AdaptiveCardInvokeResponse._attribute_map, "value": {"key": "value", "type": "object"}}


def card_answer(card: Mapping[str, Any]) -> AdaptiveCardInvokeResponse:
    """The card that replaces the one whose button was pressed, for everyone who sees it."""
    return InvokeAnswer(status_code=200, type=CARD, value=dict(card))


def message_answer(text: str = "") -> AdaptiveCardInvokeResponse:
    """No card to replace: the client keeps the card; `text` is shown briefly where supported."""
    return InvokeAnswer(status_code=200, type=MESSAGE, value=text)


def answer_of(body: Mapping[str, Any]) -> AdaptiveCardInvokeResponse:
    return InvokeAnswer(status_code=body["statusCode"], type=body["type"], value=body["value"])
