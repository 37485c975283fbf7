"""The export table and its CSV for Finnish Excel."""

from __future__ import annotations

from datetime import UTC, date, datetime

from domain.export import ExportRow, Labels, csv_bytes, table

LABELS = Labels(
    columns={
        "report_id": "Palaute-ID", "submitted": "Annettu", "service_line": "Palvelulinja", "service": "Palvelu", "provider": "Palveluntuottaja",
        "period_start": "Jakso alkaa", "period_end": "Jakso päättyy", "concern": "Huoli", "concern_kind": "Huolen laji", "campaign": "Palautepyyntö", "free_text": "Vapaa teksti",
    },
    aspects=[("goals", "Tavoitteet")],
    yes="kyllä",
    no="ei",
    mean="Keskiarvo",
)  # fmt: skip
ROW = ExportRow(
    7,
    datetime(2026, 1, 31, 23, 30, tzinfo=UTC),
    "lastensuojelu",
    "Perhetyö",
    "=HYPERLINK(1)",
    date(2026, 1, 1),
    None,
    {"goals": 3, "x": 4},
    True,
    "Henkilöstö; vaihtuvuus",
    None,
    "teksti",
)


def test_the_csv_has_a_bom_semicolons_decimal_commas_and_finnish_dates() -> None:
    header, body = table([ROW], LABELS)

    raw = csv_bytes(header, body)

    assert raw.startswith("\ufeff".encode())
    lines = raw.decode("utf-8-sig").split("\r\n")
    assert lines[0] == "Palaute-ID;Annettu;Palvelulinja;Palvelu;Palveluntuottaja;Jakso alkaa;Jakso päättyy;Tavoitteet;Keskiarvo;Huoli;Huolen laji;Palautepyyntö"
    # Submitted 23.30 UTC is already 1 February in Finland; a cell with ';' is quoted;
    # a cell that would run as a formula is defused.
    assert lines[1] == '7;1.2.2026;lastensuojelu;Perhetyö;\'=HYPERLINK(1);1.1.2026;;3;3,5;kyllä;"Henkilöstö; vaihtuvuus";'


def test_free_text_is_a_column_only_when_asked() -> None:
    header, body = table([ROW], LABELS, include_text=True)

    assert header[-1] == "Vapaa teksti" and body[0][-1] == "teksti"
    assert "Vapaa teksti" not in table([ROW], LABELS)[0]
