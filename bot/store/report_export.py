"""Feedback reports read for supervisors: export rows and summary facts, never a person.

The reporter is not selected at all (no id, no name); free text only when asked for. A
report's campaign is the campaign whose recipient it answered (`campaign_recipients`).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import Select, func, select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot.store.campaigns import CampaignRecipient
from bot.store.feedback import FeedbackRating, FeedbackReport, Provider, SupervisionCase
from domain.campaign import ReportFacts
from domain.export import ExportRow
from domain.feedback import OPEN_CASE_STATUSES


@dataclass(frozen=True)
class ReportFilter:
    service_line: str | None = None
    start: datetime | None = None
    end: datetime | None = None
    campaign_id: int | None = None


class ReportReader:
    def __init__(self, sessionmaker: async_sessionmaker[AsyncSession]) -> None:
        self._sessionmaker = sessionmaker

    async def export_rows(self, where: ReportFilter, *, include_text: bool, concern_label: Mapping[str, str] | None = None) -> list[ExportRow]:
        async with self._sessionmaker() as session:
            rows = (await session.execute(_reports(where))).all()
            ratings = await _ratings(session, [report.id for report, _, _ in rows])
        labels = concern_label or {}
        return [
            ExportRow(
                report_id=report.id,
                submitted_at=report.created_at,
                service_line=report.service_line,
                service=report.service_name,
                provider=provider,
                period_start=report.period_start,
                period_end=report.period_end,
                ratings=ratings.get(report.id, {}),
                concern=report.concern_area is not None,
                concern_kind=labels.get(f"{report.concern_area}.{report.concern_kind}", report.concern_kind) if report.concern_area else None,
                campaign_id=campaign_id,
                free_text=report.free_text if include_text else None,
            )
            for report, provider, campaign_id in rows
        ]

    async def summary_facts(self, where: ReportFilter) -> tuple[list[ReportFacts], dict[tuple[int | None, str], int]]:
        """The reports as summary facts, and the open supervision cases per (provider, service)."""
        async with self._sessionmaker() as session:
            rows = (await session.execute(_reports(where))).all()
            ratings = await _ratings(session, [report.id for report, _, _ in rows])
            cases = select(SupervisionCase.provider_id, SupervisionCase.service_id, func.count()).where(SupervisionCase.status.in_(OPEN_CASE_STATUSES))
            if where.service_line:
                cases = cases.where(SupervisionCase.service_line == where.service_line)
            open_cases: dict[tuple[int | None, str], int] = {
                (pid, sid): n for pid, sid, n in (await session.execute(cases.group_by(SupervisionCase.provider_id, SupervisionCase.service_id))).all()
            }
        facts = [
            ReportFacts(
                provider_id=report.provider_id,
                provider=provider,
                service_id=report.service_id,
                ratings=ratings.get(report.id, {}),
                concern=report.concern_area is not None,
            )
            for report, provider, _ in rows
        ]
        return facts, open_cases


def _reports(where: ReportFilter) -> Select[FeedbackReport, str, int]:
    query = (
        select(FeedbackReport, Provider.name, CampaignRecipient.campaign_id)
        .join(Provider, Provider.id == FeedbackReport.provider_id)
        .outerjoin(CampaignRecipient, CampaignRecipient.answered_report_id == FeedbackReport.id)
        .order_by(FeedbackReport.created_at, FeedbackReport.id)
    )
    if where.service_line:
        query = query.where(FeedbackReport.service_line == where.service_line)
    if where.start is not None:
        query = query.where(FeedbackReport.created_at >= where.start)
    if where.end is not None:
        query = query.where(FeedbackReport.created_at < where.end)
    if where.campaign_id is not None:
        query = query.where(CampaignRecipient.campaign_id == where.campaign_id)
    return query


async def _ratings(session: AsyncSession, report_ids: list[int]) -> dict[int, dict[str, int | None]]:
    found: dict[int, dict[str, int | None]] = {}
    for start in range(0, len(report_ids), 500):  # bounded IN lists
        chunk = report_ids[start : start + 500]
        rows = (
            await session.execute(select(FeedbackRating.report_id, FeedbackRating.aspect, FeedbackRating.score).where(FeedbackRating.report_id.in_(chunk)))
        ).all()
        for report_id, aspect, score in rows:
            found.setdefault(report_id, {})[aspect] = score
    return found
