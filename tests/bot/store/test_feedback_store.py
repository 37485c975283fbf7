"""Feedback records in the real database: one report per submit token, one change per click,
redacted text, supervision cases, providers with aliases; they survive a new engine."""

from __future__ import annotations

import asyncio
from datetime import UTC, date, datetime

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot.store.db import create_engine, create_sessionmaker
from bot.store.feedback import FeedbackEvent, FeedbackReport, FeedbackStore, NewReport, SupervisionCase
from bot.store.people import Identity, PeopleStore


async def _reporter(sessionmaker: async_sessionmaker[AsyncSession], name: str = "reporter") -> int:
    return await PeopleStore(sessionmaker).ensure_user(Identity(f"29:{name}", f"aad-{name}"))


def _new(token: str, reporter: int, provider: int, **changes: object) -> NewReport:
    values: dict[str, object] = {
        "submit_token": token,
        "reporter_id": reporter,
        "reporter_locale": "fi-FI",
        "service_id": "perhetyo",
        "service_name": "Perhetyö",
        "provider_id": provider,
        "service_line": "lastensuojelu",
        "period_start": date(2026, 9, 1),
        "period_end": date(2026, 11, 30),
        "ratings": {"goals": 4, "reporting": 2},
    }
    values.update(changes)
    return NewReport(**values)  # type: ignore[arg-type]


async def _count(sessionmaker: async_sessionmaker[AsyncSession], table: type) -> int:
    async with sessionmaker() as session:
        return int((await session.execute(select(func.count()).select_from(table))).scalar_one())


async def test_one_submit_token_writes_one_report_even_when_clicked_twice_at_once(sessionmaker: async_sessionmaker[AsyncSession]) -> None:
    store = FeedbackStore(sessionmaker)
    reporter = await _reporter(sessionmaker)
    provider = await store.add_provider("Perhekoti Kataja Oy", by=reporter)

    first, second = await asyncio.gather(store.submit(_new("token-1", reporter, provider)), store.submit(_new("token-1", reporter, provider)))

    assert sorted([first.created, second.created]) == [False, True]
    assert first.report.id == second.report.id
    assert await _count(sessionmaker, FeedbackReport) == 1
    assert await _count(sessionmaker, FeedbackEvent) == 1


async def test_free_text_is_stored_redacted(sessionmaker: async_sessionmaker[AsyncSession]) -> None:
    store = FeedbackStore(sessionmaker)
    reporter = await _reporter(sessionmaker)
    provider = await store.add_provider("Kataja", by=reporter)

    submitted = await store.submit(_new("t", reporter, provider, free_text="Lapsi 010203A123B, soita 040 123 4567."))

    assert submitted.report.free_text == "Lapsi [henkilötunnus], soita [puhelinnumero]."
    async with sessionmaker() as session:
        stored = (await session.execute(select(FeedbackReport.free_text))).scalar_one()
    assert "010203A123B" not in stored and "4567" not in stored


async def test_two_concurrent_takes_make_one_change(sessionmaker: async_sessionmaker[AsyncSession]) -> None:
    store = FeedbackStore(sessionmaker)
    reporter = await _reporter(sessionmaker)
    a, b = await _reporter(sessionmaker, "a"), await _reporter(sessionmaker, "b")
    provider = await store.add_provider("Kataja", by=reporter)
    report = (await store.submit(_new("t", reporter, provider))).report

    results = await asyncio.gather(store.act(report.id, "take", a), store.act(report.id, "take", b))

    assert sorted(r.done for r in results) == [False, True]
    refused = next(r for r in results if not r.done)
    assert refused.refusal == "already_taken"
    final = await store.report(report.id)
    assert final.status == "in_handling" and final.version == 2
    assert [e.action for e in final.events] == ["submit", "take"]


async def test_a_closed_report_refuses_every_action_and_keeps_its_outcome(sessionmaker: async_sessionmaker[AsyncSession]) -> None:
    store = FeedbackStore(sessionmaker)
    reporter = await _reporter(sessionmaker)
    provider = await store.add_provider("Kataja", by=reporter)
    report = (await store.submit(_new("t", reporter, provider))).report
    closed = await store.act(report.id, "close", reporter, outcome="noted")

    again = await store.act(report.id, "take", reporter)

    assert closed.done and closed.report.outcome == "noted"
    assert (again.done, again.refusal, again.report.status) == (False, "closed", "closed")


async def test_a_safety_concern_opens_a_case_and_another_report_joins_it(sessionmaker: async_sessionmaker[AsyncSession]) -> None:
    store = FeedbackStore(sessionmaker)
    reporter = await _reporter(sessionmaker)
    provider = await store.add_provider("Kataja", by=reporter)

    one = await store.submit(_new("t1", reporter, provider, concern_area="safety", concern_kind="child_safety"))
    two = await store.submit(_new("t2", reporter, provider))
    joined = await store.act(two.report.id, "supervise", reporter)
    twice = await store.act(two.report.id, "supervise", reporter)

    assert one.case_id is not None and joined.case_id == one.case_id
    assert twice.refusal == "already_supervised"
    [case] = await store.open_cases(["lastensuojelu"])
    assert case.report_ids == (one.report.id, two.report.id) and case.status == "new"
    assert await store.open_cases(["perhesosiaalityo"]) == []


async def test_a_case_moves_through_procurement_to_closed_with_history(sessionmaker: async_sessionmaker[AsyncSession]) -> None:
    store = FeedbackStore(sessionmaker)
    actor = await _reporter(sessionmaker)
    provider = await store.add_provider("Kataja", by=actor)
    case_id = await store.open_case("perhesosiaalityo", provider, "perhetyo", by=actor, note="Soitto 040 123 4567")

    assert (await store.move_case(case_id, "procurement", by=actor))[0]
    refused = await store.move_case(case_id, "closed", by=actor)
    done, _, case = await store.move_case(case_id, "closed", by=actor, outcome="corrective_plan")

    assert refused[:2] == (False, "outcome")
    assert done and case.status == "closed" and case.closed_at is not None
    assert [(kind, to) for kind, _, to, _, _, _ in case.events] == [("status", "new"), ("status", "procurement"), ("status", "closed")]
    assert case.events[0][3] == "Soitto [puhelinnumero]"
    assert await store.open_cases(["perhesosiaalityo"]) == []


async def test_a_provider_is_kept_once_and_a_merge_moves_reports_and_names(sessionmaker: async_sessionmaker[AsyncSession]) -> None:
    store = FeedbackStore(sessionmaker)
    reporter = await _reporter(sessionmaker)
    kept = await store.add_provider("Perhekoti Kataja Oy", by=reporter)
    same = await store.add_provider("perhekoti kataja", by=reporter)
    other = await store.add_provider("Kataja-koti", by=reporter)
    report = (await store.submit(_new("t", reporter, other))).report

    await store.merge_providers(kept, other)

    assert same == kept
    assert (await store.report(report.id)).provider_name == "Perhekoti Kataja Oy"
    names = await store.known_names()
    assert {(n.provider_id, n.name) for n in names} == {(kept, "Perhekoti Kataja Oy"), (kept, "Kataja-koti")}
    assert await store.add_provider("Kataja-koti", by=reporter) == kept


async def test_reports_and_cases_survive_a_new_engine(database_url: str) -> None:
    engine = create_engine(database_url)
    sessionmaker = create_sessionmaker(engine)
    store = FeedbackStore(sessionmaker, now=lambda: datetime(2026, 12, 6, 3, 0, tzinfo=UTC))
    reporter = await _reporter(sessionmaker)
    provider = await store.add_provider("Kataja", by=reporter)
    submitted = await store.submit(_new("t", reporter, provider, concern_area="safety", concern_kind="conduct"))
    await engine.dispose()

    engine = create_engine(database_url)
    try:
        again = FeedbackStore(create_sessionmaker(engine))
        report = await again.report(submitted.report.id)
        [case] = await again.open_cases(["lastensuojelu"])
        async with create_sessionmaker(engine)() as session:
            cases = (await session.execute(select(func.count()).select_from(SupervisionCase))).scalar_one()
    finally:
        await engine.dispose()

    assert report.ratings == {"goals": 4, "reporting": 2}
    assert report.created_at == datetime(2026, 12, 6, 3, 0, tzinfo=UTC)
    assert case.report_ids == (report.id,) and cases == 1
