"""Feedback records: providers, feedback reports and reactive supervision cases.

* A **provider** is kept once, under its own name; other spellings are its aliases (a merge
  of two providers makes the merged one's names aliases of the kept one and moves its
  reports and cases).
* A **report** is written once, when the worker confirms: its `submit_token` is unique, so
  a double click on "Lähetä" writes one row. Free text and answers are stored redacted
  (`domain.privacy.redact_and_cap`) by the caller's domain rules and again here.
* Every change of a report or case is an **event** with who and when; the current state is
  on the row, with a `version` that each change bumps in the same statement
  (compare-and-set), so two clicks on "take into handling" make one change.
* A **supervision case** gathers one or more reports of one provider and service line.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any, cast

from sqlalchemy import CursorResult, Date, ForeignKey, Integer, String, Text, func, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker
from sqlalchemy.orm import Mapped, mapped_column

from bot.store.columns import UtcDateTime
from bot.store.db import Base
from domain.feedback import (
    ANSWER_MAX,
    FREE_TEXT_MAX,
    OPEN_CASE_STATUSES,
    KnownName,
    case_transition,
    clean_provider_name,
    opens_supervision,
    provider_key,
    report_transition,
    utc_now,
)
from domain.feedback_records import CaseView, EventView, ReportView
from domain.privacy import redact_and_cap


class Provider(Base):
    __tablename__ = "providers"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    name: Mapped[str] = mapped_column(String(200))
    key: Mapped[str] = mapped_column(String(200), unique=True)
    """`domain.feedback.provider_key(name)`: one provider per comparable name."""
    merged_into: Mapped[int | None] = mapped_column(ForeignKey("providers.id", ondelete="SET NULL"))
    created_by: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(UtcDateTime())


class ProviderAlias(Base):
    __tablename__ = "provider_aliases"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    provider_id: Mapped[int] = mapped_column(ForeignKey("providers.id", ondelete="CASCADE"), index=True)
    name: Mapped[str] = mapped_column(String(200))
    key: Mapped[str] = mapped_column(String(200), unique=True)
    created_at: Mapped[datetime] = mapped_column(UtcDateTime())


class FeedbackReport(Base):
    __tablename__ = "feedback_reports"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    submit_token: Mapped[str] = mapped_column(String(64), unique=True)
    """Idempotency key of the confirm button: the same token never writes a second report."""
    reporter_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    reporter_locale: Mapped[str] = mapped_column(String(16))
    """The reporter's language, for telling them about their report later."""
    service_id: Mapped[str] = mapped_column(String(200))
    service_name: Mapped[str] = mapped_column(String(200))
    """The service's Finnish name when reported: the card still reads if the service is removed."""
    provider_id: Mapped[int] = mapped_column(ForeignKey("providers.id"), index=True)
    service_line: Mapped[str] = mapped_column(String(32), index=True)
    period_start: Mapped[date] = mapped_column(Date)
    period_end: Mapped[date] = mapped_column(Date)
    concern_area: Mapped[str | None] = mapped_column(String(16))
    concern_kind: Mapped[str | None] = mapped_column(String(32))
    free_text: Mapped[str] = mapped_column(Text, default="")
    status: Mapped[str] = mapped_column(String(16), index=True)
    outcome: Mapped[str | None] = mapped_column(String(32))
    handler_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    version: Mapped[int] = mapped_column(Integer, default=1)
    card_conversation_id: Mapped[str | None] = mapped_column(String(400))
    card_activity_id: Mapped[str | None] = mapped_column(String(200))
    """The card posted in the team channel, updated in place when the report changes."""
    created_at: Mapped[datetime] = mapped_column(UtcDateTime())
    updated_at: Mapped[datetime] = mapped_column(UtcDateTime())


class FeedbackRating(Base):
    __tablename__ = "feedback_ratings"

    report_id: Mapped[int] = mapped_column(ForeignKey("feedback_reports.id", ondelete="CASCADE"), primary_key=True)
    aspect: Mapped[str] = mapped_column(String(32), primary_key=True)
    score: Mapped[int] = mapped_column(Integer)


class FeedbackEvent(Base):
    __tablename__ = "feedback_events"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    report_id: Mapped[int] = mapped_column(ForeignKey("feedback_reports.id", ondelete="CASCADE"), index=True)
    action: Mapped[str] = mapped_column(String(16))
    """`submit`, `take`, `ask`, `answer`, `supervise`, `close`."""
    actor_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    from_status: Mapped[str | None] = mapped_column(String(16))
    to_status: Mapped[str] = mapped_column(String(16))
    text: Mapped[str] = mapped_column(Text, default="")
    """A question to the reporter or their answer, redacted; the outcome code on close."""
    at: Mapped[datetime] = mapped_column(UtcDateTime())


class SupervisionCase(Base):
    __tablename__ = "supervision_cases"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    service_line: Mapped[str] = mapped_column(String(32), index=True)
    provider_id: Mapped[int] = mapped_column(ForeignKey("providers.id"), index=True)
    service_id: Mapped[str] = mapped_column(String(200))
    status: Mapped[str] = mapped_column(String(16), index=True)
    outcome: Mapped[str | None] = mapped_column(String(32))
    version: Mapped[int] = mapped_column(Integer, default=1)
    opened_by: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    opened_at: Mapped[datetime] = mapped_column(UtcDateTime())
    updated_at: Mapped[datetime] = mapped_column(UtcDateTime())
    closed_at: Mapped[datetime | None] = mapped_column(UtcDateTime())


class SupervisionCaseReport(Base):
    __tablename__ = "supervision_case_reports"

    case_id: Mapped[int] = mapped_column(ForeignKey("supervision_cases.id", ondelete="CASCADE"), primary_key=True)
    report_id: Mapped[int] = mapped_column(ForeignKey("feedback_reports.id", ondelete="CASCADE"), primary_key=True, index=True)


class SupervisionEvent(Base):
    """The case's status history and log: a status change has from/to, a note only text."""

    __tablename__ = "supervision_events"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("supervision_cases.id", ondelete="CASCADE"), index=True)
    kind: Mapped[str] = mapped_column(String(8))
    """`status` or `note`."""
    actor_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    from_status: Mapped[str | None] = mapped_column(String(16))
    to_status: Mapped[str | None] = mapped_column(String(16))
    text: Mapped[str] = mapped_column(Text, default="")
    at: Mapped[datetime] = mapped_column(UtcDateTime())


# --- What callers hand in and get back ----------------------------------------------------------


@dataclass(frozen=True)
class NewReport:
    """A confirmed report, validated by `domain.feedback.validate_report`."""

    submit_token: str
    reporter_id: int
    reporter_locale: str
    service_id: str
    service_name: str
    provider_id: int
    service_line: str
    period_start: date
    period_end: date
    ratings: Mapping[str, int] = field(default_factory=dict)
    concern_area: str | None = None
    concern_kind: str | None = None
    free_text: str = ""


@dataclass(frozen=True)
class Submitted:
    report: ReportView
    created: bool
    """False when this token had already written the report (a second click)."""
    case_id: int | None = None
    """The supervision case a concern opened, if any."""


@dataclass(frozen=True)
class Acted:
    report: ReportView
    done: bool
    refusal: str = ""
    case_id: int | None = None


class ReportNotFound(LookupError):
    pass


class FeedbackStore:
    def __init__(self, sessionmaker: async_sessionmaker[AsyncSession], now: Callable[[], datetime] = utc_now) -> None:
        self._sessionmaker = sessionmaker
        self._now = now

    # providers --------------------------------------------------------------------------------

    async def known_names(self) -> list[KnownName]:
        """Every live provider's name and alias, for `domain.feedback.match_provider`."""
        async with self._sessionmaker() as session:
            providers = (await session.execute(select(Provider.id, Provider.name).where(Provider.merged_into.is_(None)))).all()
            display = dict(providers)
            aliases = (await session.execute(select(ProviderAlias.provider_id, ProviderAlias.name))).all()
        names = [KnownName(pid, name, name) for pid, name in providers]
        names += [KnownName(pid, alias, display[pid]) for pid, alias in aliases if pid in display]
        return names

    async def provider_name(self, provider_id: int) -> str | None:
        async with self._sessionmaker() as session:
            provider = await session.get(Provider, provider_id)
            return None if provider is None else provider.name

    async def add_provider(self, name: str, *, by: int | None) -> int:
        """A new provider; the existing one when one with the same comparable name exists."""
        cleaned = clean_provider_name(name)[:200]
        key = provider_key(cleaned)
        if not key:
            raise ValueError("empty provider name")
        existing = await self._provider_by_key(key)
        if existing is not None:
            return existing
        try:
            async with self._sessionmaker() as session, session.begin():
                provider = Provider(name=cleaned, key=key, created_by=by, created_at=self._now())
                session.add(provider)
                await session.flush()
                return provider.id
        except IntegrityError:
            # Added by someone else between the look-up and the insert.
            found = await self._provider_by_key(key)
            assert found is not None
            return found

    async def add_alias(self, provider_id: int, name: str) -> bool:
        cleaned = clean_provider_name(name)[:200]
        key = provider_key(cleaned)
        if not key or await self._provider_by_key(key) is not None:
            return False
        try:
            async with self._sessionmaker() as session, session.begin():
                session.add(ProviderAlias(provider_id=provider_id, name=cleaned, key=key, created_at=self._now()))
        except IntegrityError:
            return False
        return True

    async def merge_providers(self, keep: int, merged: int) -> None:
        """Make `merged` a spelling of `keep`: its names become aliases, its reports and cases move."""
        if keep == merged:
            return
        async with self._sessionmaker() as session, session.begin():
            gone = await session.get(Provider, merged)
            if gone is None or await session.get(Provider, keep) is None:
                raise LookupError("no such provider")
            await session.execute(update(ProviderAlias).where(ProviderAlias.provider_id == merged).values(provider_id=keep))
            await session.execute(update(FeedbackReport).where(FeedbackReport.provider_id == merged).values(provider_id=keep))
            await session.execute(update(SupervisionCase).where(SupervisionCase.provider_id == merged).values(provider_id=keep))
            session.add(ProviderAlias(provider_id=keep, name=gone.name, key=f"{gone.key}#merged{gone.id}", created_at=self._now()))
            gone.merged_into = keep

    async def _provider_by_key(self, key: str) -> int | None:
        async with self._sessionmaker() as session:
            found = (await session.execute(select(Provider.id, Provider.merged_into).where(Provider.key == key))).first()
            if found is not None:
                return found[1] or found[0]
            alias = (await session.execute(select(ProviderAlias.provider_id).where(ProviderAlias.key == key))).scalar()
            return alias

    # reports ----------------------------------------------------------------------------------

    async def submit(self, new: NewReport) -> Submitted:
        """Write a confirmed report once per submit token; a safety concern opens a case."""
        now = self._now()
        try:
            async with self._sessionmaker() as session, session.begin():
                report = FeedbackReport(
                    submit_token=new.submit_token,
                    reporter_id=new.reporter_id,
                    reporter_locale=new.reporter_locale[:16],
                    service_id=new.service_id,
                    service_name=new.service_name[:200],
                    provider_id=new.provider_id,
                    service_line=new.service_line,
                    period_start=new.period_start,
                    period_end=new.period_end,
                    concern_area=new.concern_area,
                    concern_kind=new.concern_kind,
                    free_text=_stored_text(new.free_text, FREE_TEXT_MAX),
                    status="new",
                    version=1,
                    created_at=now,
                    updated_at=now,
                )
                session.add(report)
                await session.flush()
                for aspect, score in new.ratings.items():
                    session.add(FeedbackRating(report_id=report.id, aspect=aspect, score=score))
                session.add(FeedbackEvent(report_id=report.id, action="submit", actor_id=new.reporter_id, from_status=None, to_status="new", at=now))
                case_id = None
                if opens_supervision(new.concern_area):
                    case_id = await _open_or_join_case(session, report, new.reporter_id, now)
                report_id = report.id
        except IntegrityError:
            existing = await self._report_id_by_token(new.submit_token)
            if existing is None:
                raise
            return Submitted(await self.report(existing), created=False)
        return Submitted(await self.report(report_id), created=True, case_id=case_id)

    async def _report_id_by_token(self, token: str) -> int | None:
        async with self._sessionmaker() as session:
            return (await session.execute(select(FeedbackReport.id).where(FeedbackReport.submit_token == token))).scalar()

    async def report(self, report_id: int) -> ReportView:
        async with self._sessionmaker() as session:
            row = await session.get(FeedbackReport, report_id)
            if row is None:
                raise ReportNotFound(report_id)
            return await _report_view(session, row)

    async def set_card(self, report_id: int, conversation_id: str, activity_id: str) -> None:
        async with self._sessionmaker() as session, session.begin():
            await session.execute(
                update(FeedbackReport).where(FeedbackReport.id == report_id).values(card_conversation_id=conversation_id, card_activity_id=activity_id)
            )

    async def act(self, report_id: int, action: str, actor_id: int, *, outcome: str | None = None, text: str = "") -> Acted:
        """Apply a card action. Refused (nothing written) when the state does not allow it,
        also when another click changed the report between our read and our write."""
        now = self._now()
        try:
            async with self._sessionmaker() as session, session.begin():
                row = await session.get(FeedbackReport, report_id)
                if row is None:
                    raise ReportNotFound(report_id)
                move = report_transition(row.status, action, outcome)
                if not move.allowed:
                    return Acted(await _report_view(session, row), done=False, refusal=move.refusal)
                if action == "supervise" and await _open_case_of_report(session, report_id) is not None:
                    return Acted(await _report_view(session, row), done=False, refusal="already_supervised")
                values: dict[str, Any] = {"status": move.to_status, "version": row.version + 1, "updated_at": now}
                if action == "take" or row.handler_id is None:
                    values["handler_id"] = actor_id
                if action == "close":
                    values["outcome"] = outcome
                await _compare_and_set(session, FeedbackReport, report_id, row.version, values)
                event_text = (outcome or "") if action == "close" else _stored_text(text, ANSWER_MAX)
                session.add(
                    FeedbackEvent(
                        report_id=report_id, action=action, actor_id=actor_id, from_status=row.status, to_status=move.to_status, text=event_text, at=now
                    )
                )
                case_id = await _open_or_join_case(session, row, actor_id, now) if action == "supervise" else None
        except _Lost:
            # Another click committed first: its change stands, this one is refused.
            return Acted(await self.report(report_id), done=False, refusal="already_taken" if action == "take" else "changed")
        return Acted(await self.report(report_id), done=True, case_id=case_id)

    async def attach_answer(self, report_id: int, reporter_id: int, text: str) -> Acted:
        """The reporter's answer to "ask for more", redacted; refused on a closed report or
        from anyone but the reporter."""
        stored = _stored_text(text, ANSWER_MAX)
        async with self._sessionmaker() as session, session.begin():
            row = await session.get(FeedbackReport, report_id)
            if row is None:
                raise ReportNotFound(report_id)
            if row.reporter_id != reporter_id:
                return Acted(await _report_view(session, row), done=False, refusal="not_reporter")
            if row.status == "closed":
                return Acted(await _report_view(session, row), done=False, refusal="closed")
            if not stored:
                return Acted(await _report_view(session, row), done=False, refusal="empty")
            row.version += 1
            row.updated_at = self._now()
            session.add(
                FeedbackEvent(
                    report_id=report_id, action="answer", actor_id=reporter_id, from_status=row.status, to_status=row.status, text=stored, at=row.updated_at
                )
            )
        return Acted(await self.report(report_id), done=True)

    async def reports_of(self, reporter_id: int) -> list[ReportView]:
        async with self._sessionmaker() as session:
            rows = (await session.execute(select(FeedbackReport).where(FeedbackReport.reporter_id == reporter_id).order_by(FeedbackReport.id))).scalars().all()
            return [await _report_view(session, row) for row in rows]

    async def report_count(self) -> int:
        async with self._sessionmaker() as session:
            return int((await session.execute(select(func.count()).select_from(FeedbackReport))).scalar_one())

    # supervision cases ----------------------------------------------------------------------

    async def open_case(self, service_line: str, provider_id: int, service_id: str, *, by: int, report_ids: Sequence[int] = (), note: str = "") -> int:
        """A case opened by the team directly (or from reports)."""
        now = self._now()
        async with self._sessionmaker() as session, session.begin():
            case = SupervisionCase(
                service_line=service_line, provider_id=provider_id, service_id=service_id, status="new", version=1, opened_by=by, opened_at=now, updated_at=now
            )
            session.add(case)
            await session.flush()
            for report_id in report_ids:
                session.add(SupervisionCaseReport(case_id=case.id, report_id=report_id))
            session.add(
                SupervisionEvent(case_id=case.id, kind="status", actor_id=by, from_status=None, to_status="new", text=_stored_text(note, ANSWER_MAX), at=now)
            )
            return case.id

    async def move_case(self, case_id: int, to_status: str, *, by: int, outcome: str | None = None, note: str = "") -> tuple[bool, str, CaseView]:
        """Change a case's status (recorded in its history); (done, refusal, the case now)."""
        now = self._now()
        try:
            async with self._sessionmaker() as session, session.begin():
                case = await session.get(SupervisionCase, case_id)
                if case is None:
                    raise LookupError(case_id)
                move = case_transition(case.status, to_status, outcome)
                if not move.allowed:
                    return False, move.refusal, await _case_view(session, case)
                closing = to_status == "closed"
                values = {
                    "status": to_status,
                    "outcome": outcome if closing else None,
                    "version": case.version + 1,
                    "updated_at": now,
                    "closed_at": now if closing else None,
                }
                await _compare_and_set(session, SupervisionCase, case_id, case.version, values)
                session.add(
                    SupervisionEvent(
                        case_id=case_id,
                        kind="status",
                        actor_id=by,
                        from_status=case.status,
                        to_status=to_status,
                        text=outcome or _stored_text(note, ANSWER_MAX),
                        at=now,
                    )
                )
        except _Lost:
            return False, "changed", await self.case(case_id)
        return True, "", await self.case(case_id)

    async def note_case(self, case_id: int, note: str, *, by: int) -> None:
        async with self._sessionmaker() as session, session.begin():
            session.add(SupervisionEvent(case_id=case_id, kind="note", actor_id=by, text=_stored_text(note, ANSWER_MAX), at=self._now()))

    async def case(self, case_id: int) -> CaseView:
        async with self._sessionmaker() as session:
            case = await session.get(SupervisionCase, case_id)
            if case is None:
                raise LookupError(case_id)
            return await _case_view(session, case)

    async def open_cases(self, service_lines: Iterable[str]) -> list[CaseView]:
        """Open cases of these service lines, oldest first."""
        lines = list(service_lines)
        if not lines:
            return []
        async with self._sessionmaker() as session:
            rows = (
                (
                    await session.execute(
                        select(SupervisionCase)
                        .where(SupervisionCase.service_line.in_(lines), SupervisionCase.status.in_(OPEN_CASE_STATUSES))
                        .order_by(SupervisionCase.opened_at, SupervisionCase.id)
                    )
                )
                .scalars()
                .all()
            )
            return [await _case_view(session, row) for row in rows]


class _Lost(Exception):
    """A compare-and-set matched no row: another change committed first."""


async def _compare_and_set(
    session: AsyncSession, table: type[FeedbackReport] | type[SupervisionCase], row_id: int, version: int, values: Mapping[str, Any]
) -> None:
    """Update the row only if it is still at `version`; the row lock (PostgreSQL) or write lock
    (SQLite) makes a concurrent writer of the same version match nothing."""
    result = cast(CursorResult[Any], await session.execute(update(table).where(table.id == row_id, table.version == version).values(**values)))
    if result.rowcount != 1:
        raise _Lost


def _stored_text(text: str, limit: int) -> str:
    return redact_and_cap(text.strip(), limit) if text.strip() else ""


async def _report_view(session: AsyncSession, row: FeedbackReport) -> ReportView:
    ratings = dict((await session.execute(select(FeedbackRating.aspect, FeedbackRating.score).where(FeedbackRating.report_id == row.id))).all())
    events = (await session.execute(select(FeedbackEvent).where(FeedbackEvent.report_id == row.id).order_by(FeedbackEvent.id))).scalars().all()
    case_ids = (
        (await session.execute(select(SupervisionCaseReport.case_id).where(SupervisionCaseReport.report_id == row.id).order_by(SupervisionCaseReport.case_id)))
        .scalars()
        .all()
    )
    provider = await session.get(Provider, row.provider_id)
    return ReportView(
        id=row.id,
        reporter_id=row.reporter_id,
        reporter_locale=row.reporter_locale,
        service_id=row.service_id,
        service_name=row.service_name,
        provider_id=row.provider_id,
        provider_name=provider.name if provider else "",
        service_line=row.service_line,
        period_start=row.period_start,
        period_end=row.period_end,
        ratings=ratings,
        concern_area=row.concern_area,
        concern_kind=row.concern_kind,
        free_text=row.free_text,
        status=row.status,
        outcome=row.outcome,
        handler_id=row.handler_id,
        version=row.version,
        card_conversation_id=row.card_conversation_id,
        card_activity_id=row.card_activity_id,
        created_at=row.created_at,
        updated_at=row.updated_at,
        events=tuple(EventView(e.action, e.actor_id, e.from_status, e.to_status, e.text, e.at) for e in events),
        case_ids=tuple(case_ids),
    )


async def _case_view(session: AsyncSession, case: SupervisionCase) -> CaseView:
    report_ids = (
        (
            await session.execute(
                select(SupervisionCaseReport.report_id).where(SupervisionCaseReport.case_id == case.id).order_by(SupervisionCaseReport.report_id)
            )
        )
        .scalars()
        .all()
    )
    events = (await session.execute(select(SupervisionEvent).where(SupervisionEvent.case_id == case.id).order_by(SupervisionEvent.id))).scalars().all()
    provider = await session.get(Provider, case.provider_id)
    return CaseView(
        id=case.id,
        service_line=case.service_line,
        provider_id=case.provider_id,
        provider_name=provider.name if provider else "",
        service_id=case.service_id,
        status=case.status,
        outcome=case.outcome,
        version=case.version,
        opened_by=case.opened_by,
        opened_at=case.opened_at,
        updated_at=case.updated_at,
        closed_at=case.closed_at,
        report_ids=tuple(report_ids),
        events=tuple((e.kind, e.from_status, e.to_status, e.text, e.actor_id, e.at) for e in events),
    )


async def _open_case_of_report(session: AsyncSession, report_id: int) -> int | None:
    return (
        await session.execute(
            select(SupervisionCase.id)
            .join(SupervisionCaseReport, SupervisionCaseReport.case_id == SupervisionCase.id)
            .where(SupervisionCaseReport.report_id == report_id, SupervisionCase.status.in_(OPEN_CASE_STATUSES))
        )
    ).scalar()


async def _open_or_join_case(session: AsyncSession, report: FeedbackReport, actor_id: int, now: datetime) -> int:
    """Link the report to the open case of its provider and service line, or open one: one
    problem with one provider is one case, however many workers report it."""
    case_id = (
        await session.execute(
            select(SupervisionCase.id)
            .where(
                SupervisionCase.provider_id == report.provider_id,
                SupervisionCase.service_line == report.service_line,
                SupervisionCase.status.in_(OPEN_CASE_STATUSES),
            )
            .order_by(SupervisionCase.id)
        )
    ).scalar()
    if case_id is None:
        case = SupervisionCase(
            service_line=report.service_line,
            provider_id=report.provider_id,
            service_id=report.service_id,
            status="new",
            version=1,
            opened_by=actor_id,
            opened_at=now,
            updated_at=now,
        )
        session.add(case)
        await session.flush()
        case_id = case.id
        session.add(SupervisionEvent(case_id=case_id, kind="status", actor_id=actor_id, from_status=None, to_status="new", text=f"report:{report.id}", at=now))
    else:
        session.add(SupervisionEvent(case_id=case_id, kind="note", actor_id=actor_id, text=f"report:{report.id}", at=now))
    session.add(SupervisionCaseReport(case_id=case_id, report_id=report.id))
    return case_id
