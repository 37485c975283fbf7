"""Export downloads over HTTP: a one-time link for one supervisor, 15 minutes, CSV for Finnish
Excel and a workbook, one row per report, no people, free text only when asked."""

from __future__ import annotations

import io
from datetime import date
from typing import Any

import pytest
from aiohttp.test_utils import TestClient
from openpyxl import load_workbook
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot.service.context import KnowledgeProvider
from bot.service.settings import Settings
from bot.store.campaign_store import CampaignStore
from bot.store.export_links import ExportLinks, ExportQuery
from bot.store.feedback import FeedbackStore, NewReport
from bot.store.people import NO_LINE, Identity, PeopleStore
from tests.support.campaigns import create_campaign, recipients, start_app
from tests.support.clock import ManualClock

SUPERVISOR = "29:supervisor"
WORKER = "29:worker-1"


@pytest.fixture
def clock() -> ManualClock:
    return ManualClock()


@pytest.fixture
async def client(aiohttp_client: Any, settings: Settings, knowledge: KnowledgeProvider, clock: ManualClock) -> TestClient:
    return await start_app(aiohttp_client, settings, knowledge, clock)


@pytest.fixture
async def reports(sessionmaker: async_sessionmaker[AsyncSession], clock: ManualClock) -> list[int]:
    """Two reports by a worker named in Teams 'Maija Meikäläinen', one answering a campaign."""
    people = PeopleStore(sessionmaker)
    supervisor = await people.ensure_user(Identity(SUPERVISOR, "aad-supervisor"))
    await people.grant(supervisor, "supervisor", NO_LINE, by=None, source="command")
    worker = await people.ensure_user(Identity(WORKER, "aad-worker"))
    await people.set_display_name(worker, "Maija Meikäläinen")
    store = FeedbackStore(sessionmaker, now=clock.now)
    provider = await store.add_provider("Perhepalvelu Oy", by=worker)
    common = {"reporter_id": worker, "reporter_locale": "fi-FI", "service_id": "testipalvelu", "service_name": "Testipalvelu", "provider_id": provider}
    first = await store.submit(
        NewReport(
            submit_token="a",
            service_line="perhesosiaalityo",
            period_start=date(2026, 1, 5),
            period_end=date(2026, 2, 20),
            ratings={"goals": 4, "reporting": 3},
            free_text="Soita 040 1234567",
            **common,
        )  # type: ignore[arg-type]
    )
    second = await store.submit(
        NewReport(
            submit_token="b",
            service_line="perhesosiaalityo",
            period_start=date(2026, 1, 1),
            period_end=date(2026, 1, 31),
            concern_area="quality",
            concern_kind="staff",
            **common,
        )  # type: ignore[arg-type]
    )
    campaign_id = await create_campaign(sessionmaker, clock, "http://127.0.0.1:9/unused", recipients(1))
    await CampaignStore(sessionmaker).mark_answered(campaign_id, WORKER, second.report.id, clock.now())
    return [first.report.id, second.report.id]


async def _link(sessionmaker: async_sessionmaker[AsyncSession], clock: ManualClock, fmt: str, user: str = SUPERVISOR, **options: Any) -> str:
    return await ExportLinks(sessionmaker).create(ExportQuery(user_id=user, format=fmt, **options), clock.now())


async def test_the_csv_opens_in_finnish_excel_one_row_per_report_without_names_or_free_text(
    client: TestClient, sessionmaker: async_sessionmaker[AsyncSession], clock: ManualClock, reports: list[int]
) -> None:
    token = await _link(sessionmaker, clock, "csv", service_line="perhesosiaalityo")

    response = await client.get(f"/exports/{token}")
    raw = await response.read()

    assert response.status == 200
    assert response.headers["Content-Type"] == "text/csv; charset=utf-8"
    assert response.headers["Cache-Control"] == "no-store"
    assert raw.startswith(b"\xef\xbb\xbf")
    lines = raw.decode("utf-8-sig").split("\r\n")
    header = lines[0].split(";")
    assert header[:7] == ["Palaute-ID", "Annettu", "Palvelulinja", "Palvelu", "Palveluntuottaja", "Jakso alkaa", "Jakso päättyy"]
    assert "Sovitut tavoitteet" in header and "Keskiarvo" in header and "Huoli" in header and "Palautepyyntö" in header
    assert "Vapaa teksti" not in header
    first = dict(zip(header, lines[1].split(";"), strict=True))
    second = dict(zip(header, lines[2].split(";"), strict=True))
    assert first["Palaute-ID"] == str(reports[0]) and first["Jakso alkaa"] == "5.1.2026"
    assert first["Keskiarvo"] == "3,5" and first["Huoli"] == "ei" and first["Palautepyyntö"] == ""
    assert second["Huoli"] == "kyllä" and second["Huolen laji"] == "Henkilöstö (vaihtuvuus, osaaminen)" and second["Palautepyyntö"] != ""
    assert lines[3:] == [""]
    text = raw.decode("utf-8-sig")
    assert "Maija" not in text and "040" not in text and WORKER not in text


async def test_the_link_works_once_and_not_after_fifteen_minutes(
    client: TestClient, sessionmaker: async_sessionmaker[AsyncSession], clock: ManualClock, reports: list[int]
) -> None:
    used = await _link(sessionmaker, clock, "csv")
    late = await _link(sessionmaker, clock, "csv")

    first = await client.get(f"/exports/{used}")
    again = await client.get(f"/exports/{used}")
    clock.advance(minutes=15, seconds=1)
    expired = await client.get(f"/exports/{late}")
    guessed = await client.get("/exports/not-a-token")

    assert first.status == 200
    assert [again.status, expired.status, guessed.status] == [410, 410, 410]
    assert "vanhentunut tai jo käytetty" in await again.text()


async def test_a_link_of_someone_without_the_supervisor_role_gives_nothing(
    client: TestClient, sessionmaker: async_sessionmaker[AsyncSession], clock: ManualClock, reports: list[int]
) -> None:
    token = await _link(sessionmaker, clock, "csv", user=WORKER)

    response = await client.get(f"/exports/{token}")

    assert response.status == 410


async def test_the_workbook_has_one_sheet_of_typed_cells_and_free_text_only_when_asked(
    client: TestClient, sessionmaker: async_sessionmaker[AsyncSession], clock: ManualClock, reports: list[int]
) -> None:
    token = await _link(sessionmaker, clock, "xlsx", include_text=True)

    response = await client.get(f"/exports/{token}")
    workbook = load_workbook(io.BytesIO(await response.read()))

    assert response.headers["Content-Type"].startswith("application/vnd.openxmlformats-officedocument.spreadsheetml")
    assert workbook.sheetnames == ["Palautteet"]
    rows = list(workbook["Palautteet"].iter_rows(values_only=True))
    header = list(rows[0])
    assert len(rows) == 3 and header[-1] == "Vapaa teksti"
    first = dict(zip(header, rows[1], strict=True))
    assert first["Palaute-ID"] == reports[0] and first["Keskiarvo"] == 3.5 and first["Sovitut tavoitteet"] == 4
    assert first["Jakso alkaa"].date() == date(2026, 1, 5)
    assert first["Vapaa teksti"] == "Soita [puhelinnumero]"
