"""The card a campaign's recipient gets: the prompt, or a reminder of it.

Its one button starts the feedback dialog with the service and provider filled in and the
campaign id attached, so the report the worker sends is linked to the campaign (and the
worker counts as answered). The supervisor's preview in `palautepyyntö` is this same card.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any, Final
from zoneinfo import ZoneInfo

from bot.ui.cards.message import ADAPTIVE_CARD_CONTENT_TYPE, adaptive_card
from bot.ui.cards.payload import Submit
from bot.ui.i18n import Strings
from bot.ui.protocol import Action, DialogId
from domain.campaign import MessageKind

FINNISH_TIME: Final = ZoneInfo("Europe/Helsinki")


@dataclass(frozen=True)
class PromptContent:
    campaign_id: int
    kind: MessageKind
    service_id: str | None
    service_name: str
    provider_name: str | None
    provider_id: int | None
    service_line: str | None
    note: str | None
    due_at: datetime


def finnish_date(value: datetime) -> str:
    local = value.astimezone(FINNISH_TIME)
    return f"{local.day}.{local.month}.{local.year}"


def prompt_card(strings: Strings, lang: str, content: PromptContent) -> dict[str, Any]:
    provider = strings.get("campaigns.prompt.provider", lang, provider=content.provider_name) if content.provider_name else ""
    fields = {"service": content.service_name, "provider": provider, "due": finnish_date(content.due_at)}
    prefix = "campaigns.reminder" if content.kind is not MessageKind.PROMPT else "campaigns.prompt"
    body_key = f"{prefix}.body"
    if not content.service_id and content.service_line:  # every service of a line: the worker picks one
        body_key, fields["line"] = f"{prefix}.body_line", strings.get(f"campaigns.service_line.{content.service_line}", lang)
    body: list[dict[str, Any]] = [
        {"type": "TextBlock", "text": strings.get(f"{prefix}.title", lang, service=content.service_name), "weight": "Bolder", "size": "Medium", "wrap": True},
        {"type": "TextBlock", "text": strings.get(body_key, lang, **fields), "wrap": True},
    ]
    if content.note:
        body.append({"type": "TextBlock", "text": strings.get("campaigns.prompt.note", lang, note=content.note), "wrap": True, "isSubtle": True})
    body.append({"type": "TextBlock", "text": strings.get("campaigns.prompt.privacy", lang), "wrap": True, "size": "Small", "isSubtle": True})
    button = {"type": "Action.Submit", "title": strings.get("campaigns.prompt.button", lang), "data": prompt_button_data(content)}
    return adaptive_card(body, [button])


def prompt_button_data(content: PromptContent) -> dict[str, Any]:
    """A menu start of the feedback dialog with its start options (all short strings, as
    the root passes on only those): the service, provider, line and the campaign."""
    options = {
        "service": content.service_id,
        "provider": str(content.provider_id) if content.provider_id is not None else None,
        "provider_name": content.provider_name,
        "line": content.service_line,
        "campaign": str(content.campaign_id),
    }
    return Submit(DialogId.MENU, DialogId.MENU, Action.START, DialogId.FEEDBACK).data(**{k: v for k, v in options.items() if v})


def prompt_activity(strings: Strings, lang: str, content: PromptContent) -> dict[str, Any]:
    card = prompt_card(strings, lang, content)
    summary_key = "campaigns.reminder.title" if content.kind is not MessageKind.PROMPT else "campaigns.prompt.title"
    return {
        "type": "message",
        "summary": strings.get(summary_key, lang, service=content.service_name),
        "attachments": [{"contentType": ADAPTIVE_CARD_CONTENT_TYPE, "content": card}],
    }
