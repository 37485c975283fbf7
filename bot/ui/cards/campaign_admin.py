"""Cards of the supervisor dialogs: asking for a campaign's parts, its preview, the list of a
supervisor's campaigns with their counts, and the results summary as a table."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from bot.ui.cards.campaign import finnish_date
from bot.ui.cards.guided_common import Card, Element, Origin, Ui, action_sets, card, facts, heading, nav_actions, text
from bot.ui.i18n import Strings
from bot.ui.protocol import Action
from domain.campaign import CANCELLABLE_STATES, CampaignView, SummaryRow


@dataclass(frozen=True)
class CampaignUi:
    """UI strings of the `campaigns` namespace in one language."""

    strings: Strings
    lang: str

    def __call__(self, key: str, **params: object) -> str:
        return self.strings.get(f"campaigns.{key}", self.lang, **params)


def ask_card(ui: Ui, origin: Origin, title: str, prompt: str | None, buttons: Sequence[dict[str, Any]] = ()) -> Card:
    body: list[Element] = [heading(title, size="Medium")]
    if prompt:
        body.append(text(prompt, subtle=True))
    body.extend(action_sets(list(buttons)))
    return card(body, nav_actions(ui, origin))


def preview_card(ui: Ui, cui: CampaignUi, origin: Origin, prompt: Card, details: Sequence[tuple[str, str]]) -> Card:
    """The recipient's card as it will look, then what the supervisor chose, then confirm."""
    framed: Element = {"type": "Container", "style": "emphasis", "items": prompt["body"], "bleed": False}
    body: list[Element] = [heading(cui("dialog.preview"), size="Medium"), text(cui("dialog.preview_note"), subtle=True), framed]
    table = facts(details)
    if table:
        body.append(table)
    buttons = [origin.button(cui("dialog.confirm"), Action.CONFIRM, primary=True), origin.button(cui("dialog.discard"), Action.CANCEL)]
    return card([*body, *action_sets(buttons)], nav_actions(ui, origin))


def campaigns_card(cui: CampaignUi, origin: Origin, views: Sequence[CampaignView], names: dict[str, str]) -> Card:
    """Each campaign with its counts; cancel while sending, one extra reminder, export."""
    body: list[Element] = [heading(cui("status.title"), size="Medium")]
    if not views:
        body.append(text(cui("status.none")))
    for view in views:
        counts = view.counts
        service = names.get(view.service_id, view.service_id) if view.service_id else cui("any_service", line=cui(f"service_line.{view.service_line}"))
        title = service[:1].upper() + service[1:] + (f" · {view.provider_name}" if view.provider_name else "")
        line = cui(
            "status.counts",
            sent=counts.sent,
            failed=counts.failed,
            unknown=counts.unknown,
            answered=counts.answered,
            pending=counts.pending,
            total=counts.recipients,
        )
        items: list[Element] = [
            text(f"**{title}**"),
            text(cui("status.state", state=cui(f"state.{view.state.value}"), due=finnish_date(view.due_at)), subtle=True),
            text(line),
        ]
        items.extend(text(f"{cui('status.failure')}: {failure_text(cui, reason)} ({n})", subtle=True) for reason, n in sorted(counts.failure_reasons.items()))
        buttons = []
        if view.state in CANCELLABLE_STATES:
            buttons.append(origin.button(cui("status.cancel"), Action.CANCEL_CAMPAIGN, str(view.id)))
        if not view.extra_reminder_sent and counts.not_answered and view.state.value in ("sending", "sent"):
            buttons.append(origin.button(cui("status.remind"), Action.REMIND, str(view.id)))
        buttons.append(origin.button(cui("status.export"), Action.EXPORT, str(view.id)))
        body.append({"type": "Container", "separator": True, "items": [*items, *action_sets([universal(b) for b in buttons])]})
    refresh = universal(origin.button(cui("status.refresh"), Action.REFRESH))
    return card(body, [refresh])


def universal(action: dict[str, Any]) -> dict[str, Any]:
    """A Universal Action (`Action.Execute`: the bot answers with the updated card, which
    replaces this one in place) with the same button as `Action.Submit` for old clients."""
    return {
        "type": "Action.Execute",
        "title": action["title"],
        "verb": f"campaigns.{action['data']['pv']['action']}",
        "data": action["data"],
        "fallback": action,
    }


def failure_text(cui: CampaignUi, reason: str) -> str:
    """A delivery failure as the supervisor reads it."""
    key = {
        "BotNotInConversationRoster": "not_installed",
        "Forbidden": "not_installed",
        "ConversationBlockedByUser": "blocked",
        "ConversationNotFound": "not_found",
        "NotFound": "not_found",
    }.get(reason)
    if key is None and reason.startswith("RetriesExhausted"):
        key = "exhausted"
    return cui(f"failure.{key}") if key else cui("failure.other", code=reason)


def summary_card(
    ui: Ui, cui: CampaignUi, origin: Origin, title: str, rows: Sequence[SummaryRow], aspects: Sequence[tuple[str, str]], names: dict[str, str]
) -> Card:
    """Per provider and service: reports, each aspect's mean, concerns, open cases, as an
    Adaptive Card table (Teams renders `Table` from schema 1.5)."""
    body: list[Element] = [heading(title, size="Medium")]
    if not rows:
        body.append(text(cui("summary.none")))
    else:
        header = [
            cui("summary.provider"),
            cui("summary.service"),
            cui("summary.reports"),
            *[name for _, name in aspects],
            cui("summary.concerns"),
            cui("summary.open_cases"),
        ]
        table_rows = [_row(header, bold=True)]
        for row in rows:
            means = [_decimal(row.averages.get(key)) for key, _ in aspects]
            table_rows.append(_row([row.provider, names.get(row.service_id, row.service_id), str(row.reports), *means, str(row.concerns), str(row.open_cases)]))
        body.append(
            {
                "type": "Table",
                "columns": [{"width": 2}, {"width": 2}, *[{"width": 1}] * (len(header) - 2)],
                "rows": table_rows,
                "firstRowAsHeader": True,
                "gridStyle": "accent",
            }
        )
        body.append(text(cui("summary.scale"), subtle=True))
    buttons = [origin.button(cui("summary.export_csv"), Action.EXPORT, "csv"), origin.button(cui("summary.export_xlsx"), Action.EXPORT, "xlsx")]
    return card([*body, *action_sets(buttons)], nav_actions(ui, origin))


def _row(cells: Sequence[str], *, bold: bool = False) -> Element:
    return {
        "type": "TableRow",
        "cells": [
            {"type": "TableCell", "items": [{"type": "TextBlock", "text": c, "wrap": True, "size": "Small", **({"weight": "Bolder"} if bold else {})}]}
            for c in cells
        ],
    }


def _decimal(value: float | None) -> str:
    return "–" if value is None else f"{value:.1f}".replace(".", ",")
