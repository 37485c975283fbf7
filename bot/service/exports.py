"""`GET /exports/{token}`: a one-time download of feedback reports as CSV or an Excel workbook.

The link is made in the supervisor's 1:1 chat with the bot (`ExportLinks.create`) and works
once, for 15 minutes; the token is random (256 bits) and only its hash is stored. The file is
built when the link is used, from the reports as they are then, with the supervisor's role
checked again at that moment.

Workbook library: openpyxl, because one dependency both writes the workbook (write-only mode
streams rows, so a big export stays small in memory) and reads it back, which the tests use
to check the sheet; XlsxWriter only writes.
"""

from __future__ import annotations

import io
import logging
from collections.abc import Awaitable, Callable, Sequence
from http import HTTPStatus

from aiohttp import web
from openpyxl import Workbook

from bot.service.campaign_keys import CLOCK, SERVICES
from bot.service.context import BotServices
from bot.store.export_links import ExportLinks, ExportQuery
from bot.ui.i18n import Strings
from domain.export import Cell, ExportRow, Labels, csv_bytes, table
from domain.logs import log_event

log = logging.getLogger(__name__)

ReportSource = Callable[[BotServices, ExportQuery], Awaitable[tuple[list[ExportRow], Sequence[tuple[str, str]]]]]
"""The reports an export holds and the rating aspects (key, column name) in its language."""

CONTENT_TYPES = {"csv": "text/csv; charset=utf-8", "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"}


async def no_reports(services: BotServices, query: ExportQuery) -> tuple[list[ExportRow], Sequence[tuple[str, str]]]:
    return [], ()


RoleCheck = Callable[[BotServices, str], Awaitable[bool]]
"""Whether a user (Teams id) may still export: checked again when the link is used."""

REPORT_SOURCE: web.AppKey[ReportSource] = web.AppKey("report_source")
ROLE_CHECK: web.AppKey[RoleCheck] = web.AppKey("export_role_check")


async def download(request: web.Request) -> web.Response:
    services, now = request.app[SERVICES], request.app[CLOCK].now()
    query = await ExportLinks(services.sessionmaker).redeem(request.match_info["token"], now)
    if query is None:
        log_event(log, "export", outcome="refused")
        return _gone(services.strings)
    role_check = request.app.get(ROLE_CHECK)
    if role_check is not None and not await role_check(services, query.user_id):
        log_event(log, "export", outcome="no_role")
        return _gone(services.strings)
    source = request.app.get(REPORT_SOURCE, no_reports)
    rows, aspects = await source(services, query)
    labels = export_labels(services.strings, query.lang, aspects)
    header, body = table(rows, labels, query.include_text)
    content = csv_bytes(header, body) if query.format == "csv" else workbook_bytes(services.strings.get("campaigns.export.sheet", query.lang), header, body)
    log_event(log, "export", outcome="ok", format=query.format, rows=len(body))
    filename = f"palautteet-{now.strftime('%Y%m%d-%H%M')}.{query.format}"
    return web.Response(
        body=content,
        headers={
            "Content-Type": CONTENT_TYPES[query.format],
            "Content-Disposition": f'attachment; filename="{filename}"',
            "Cache-Control": "no-store",
            "Referrer-Policy": "no-referrer",
            "X-Content-Type-Options": "nosniff",
        },
    )


def export_labels(strings: Strings, lang: str, aspects: Sequence[tuple[str, str]]) -> Labels:
    keys = (
        "report_id",
        "submitted",
        "service_line",
        "service",
        "provider",
        "period_start",
        "period_end",
        "concern",
        "concern_kind",
        "campaign",
        "free_text",
        "mean",
    )
    return Labels(
        columns={key: strings.get(f"campaigns.export.columns.{key}", lang) for key in keys},
        aspects=list(aspects),
        yes=strings.get("campaigns.export.yes_value", lang),
        no=strings.get("campaigns.export.no_value", lang),
        mean=strings.get("campaigns.export.columns.mean", lang),
    )


def workbook_bytes(sheet_title: str, header: Sequence[str], body: Sequence[Sequence[Cell]]) -> bytes:
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet(title=sheet_title[:31])
    sheet.append(list(header))
    for cells in body:
        sheet.append(list(cells))
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()


def _gone(strings: Strings) -> web.Response:
    return web.Response(
        status=HTTPStatus.GONE,
        text=strings.get("campaigns.export.expired", "fi"),
        content_type="text/plain",
        charset="utf-8",
        headers={"Cache-Control": "no-store"},
    )
