"""Feedback reports as a table for export: one row per report, no people, free text on request.

The CSV is written for Finnish Excel, which opens a double-clicked `.csv` with the Windows
locale's conventions: UTF-8 is recognised only with a byte order mark, the list separator is
`;` and the decimal separator `,`. Dates are written `d.m.yyyy`, which Finnish Excel reads as
dates. Cells that start with `= + - @` are prefixed with `'` so that a value can never run as
a formula (CSV injection); there is no such risk in the workbook, whose cells are typed.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from typing import Final
from zoneinfo import ZoneInfo

FINNISH_TIME: Final = ZoneInfo("Europe/Helsinki")
BOM: Final = "\ufeff"
FORMULA_STARTS: Final = ("=", "+", "-", "@", "\t", "\r")

Cell = str | int | float | date | None


@dataclass(frozen=True)
class ExportRow:
    report_id: int
    submitted_at: datetime
    service_line: str
    service: str
    provider: str
    period_start: date | None
    period_end: date | None
    ratings: Mapping[str, int | None]
    concern: bool
    concern_kind: str | None
    campaign_id: int | None
    free_text: str | None = None
    """Already redacted when stored; exported only when asked for."""


@dataclass(frozen=True)
class Labels:
    """Column names and yes/no in the export's language (Finnish by default)."""

    columns: Mapping[str, str]
    aspects: Sequence[tuple[str, str]]
    """(aspect key, column name), in column order."""
    yes: str
    no: str
    mean: str


FIXED_COLUMNS: Final = ("report_id", "submitted", "service_line", "service", "provider", "period_start", "period_end")
TAIL_COLUMNS: Final = ("concern", "concern_kind", "campaign")


def table(rows: Iterable[ExportRow], labels: Labels, include_text: bool = False) -> tuple[list[str], list[list[Cell]]]:
    """The header and the typed cells: numbers as numbers, dates as dates, missing as None."""
    header = [labels.columns[c] for c in FIXED_COLUMNS] + [name for _, name in labels.aspects] + [labels.mean] + [labels.columns[c] for c in TAIL_COLUMNS]
    if include_text:
        header.append(labels.columns["free_text"])
    body: list[list[Cell]] = []
    for row in rows:
        given = [v for v in row.ratings.values() if v is not None]
        cells: list[Cell] = [
            row.report_id,
            row.submitted_at.astimezone(FINNISH_TIME).date(),
            row.service_line,
            row.service,
            row.provider,
            row.period_start,
            row.period_end,
            *[row.ratings.get(key) for key, _ in labels.aspects],
            round(sum(given) / len(given), 2) if given else None,
            labels.yes if row.concern else labels.no,
            row.concern_kind,
            row.campaign_id,
        ]
        if include_text:
            cells.append(row.free_text)
        body.append(cells)
    return header, body


def csv_bytes(header: Sequence[str], body: Iterable[Sequence[Cell]]) -> bytes:
    """UTF-8 with BOM, `;` between cells, decimal comma, CRLF line ends (Excel's own)."""
    out = io.StringIO()
    writer = csv.writer(out, delimiter=";", lineterminator="\r\n", quoting=csv.QUOTE_MINIMAL)
    writer.writerow([_safe(h) for h in header])
    for cells in body:
        writer.writerow([_csv_cell(cell) for cell in cells])
    return (BOM + out.getvalue()).encode("utf-8")


def _csv_cell(cell: Cell) -> str:
    if cell is None:
        return ""
    if isinstance(cell, bool):
        return str(cell)
    if isinstance(cell, float):
        return f"{cell:.2f}".rstrip("0").rstrip(".").replace(".", ",")
    if isinstance(cell, int):
        return str(cell)
    if isinstance(cell, date):
        return f"{cell.day}.{cell.month}.{cell.year}"
    return _safe(cell)


def _safe(text: str) -> str:
    return "'" + text if text.startswith(FORMULA_STARTS) else text
