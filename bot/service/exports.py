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
from collections.abc import Sequence
from http import HTTPStatus

from aiohttp import web

from bot.service.campaign_keys import CLOCK, SERVICES
from bot.store.export_links import ExportLinks
from bot.store.people import Identity, PeopleStore
from bot.store.report_export import ReportFilter, ReportReader
from bot.ui.i18n import Strings
from domain.export import Cell, Labels, csv_bytes, table
from domain.feedback import CONCERN_KINDS, RATING_ASPECTS
from domain.logs import log_event

log = logging.getLogger(__name__)

CONTENT_TYPES = {"csv": "text/csv; charset=utf-8", "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"}


async def may_supervise(people: PeopleStore, user_id: str) -> bool:
    """A supervisor (granted) or an admin (configured): who may run campaigns and read results."""
    user = await people.find_user(user_id)
    if user is None:
        return False
    if people.is_admin(Identity(channel_user_id=user.channel_user_id or user_id, aad_object_id=user.aad_object_id)):
        return True
    return await people.is_supervisor(user.id)


async def download(request: web.Request) -> web.Response:
    services, now = request.app[SERVICES], request.app[CLOCK].now()
    query = await ExportLinks(services.sessionmaker).redeem(request.match_info["token"], now)
    if query is None:
        log_event(log, "export", outcome="refused")
        return _gone(services.strings)
    if not await may_supervise(PeopleStore(services.sessionmaker, services.settings.admins), query.user_id):
        log_event(log, "export", outcome="no_role")
        return _gone(services.strings)
    strings, lang = services.strings, query.lang
    where = ReportFilter(service_line=query.service_line, start=query.period_start, end=query.period_end, campaign_id=query.campaign_id)
    kinds = {f"{area}.{kind}": strings.get(f"feedback.kind.{area}.{kind}", lang) for area, kinds in CONCERN_KINDS.items() for kind in kinds}
    rows = await ReportReader(services.sessionmaker).export_rows(where, include_text=query.include_text, concern_label=kinds)
    aspects = [(aspect, strings.get(f"feedback.aspect.{aspect}", lang)) for aspect in RATING_ASPECTS]
    labels = export_labels(strings, lang, aspects)
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
    # Imported here: openpyxl takes a tenth of a second to import, at every start, for a
    # download a supervisor asks for now and then.
    from openpyxl import Workbook

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
