"""The Q&A learning loop's tables, on a database migrated with the real revisions."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot.store.qna_store import QnaFeedback, QnaStore, QnaUnanswered


async def rows(sessionmaker: async_sessionmaker[AsyncSession]) -> list[QnaUnanswered]:
    async with sessionmaker() as session:
        return list((await session.execute(select(QnaUnanswered).order_by(QnaUnanswered.id))).scalars())


async def test_the_same_question_is_counted_not_duplicated(sessionmaker: async_sessionmaker[AsyncSession]) -> None:
    store = QnaStore(sessionmaker)
    await store.record_unanswered("Mikä on kissan nimi?", "no_match", "fi")
    await store.record_unanswered("mikä on KISSAN nimi", "no_match", "fi")
    await store.record_unanswered("Mikä on koiran nimi?", "no_match", "fi")
    stored = await rows(sessionmaker)
    assert [(r.question, r.count) for r in stored] == [("Mikä on kissan nimi?", 2), ("Mikä on koiran nimi?", 1)]
    listing = await store.most_frequent(1)
    assert [(r.question, r.count) for r in listing] == [("Mikä on kissan nimi?", 2)]


async def test_identity_codes_phones_and_emails_never_reach_the_table(sessionmaker: async_sessionmaker[AsyncSession]) -> None:
    store = QnaStore(sessionmaker)
    await store.record_unanswered("Asiakas 010190-123A (p. 040 123 4567, a@b.fi) tarvitsee mitä?", "no_match", "fi")
    (row,) = await rows(sessionmaker)
    assert row.question == "Asiakas [henkilötunnus] (p. [puhelinnumero], [sähköposti]) tarvitsee mitä?"
    assert "010190" not in row.question and "4567" not in row.question


async def test_long_questions_are_capped(sessionmaker: async_sessionmaker[AsyncSession]) -> None:
    await QnaStore(sessionmaker).record_unanswered("sana " * 400, "no_match", "fi")
    (row,) = await rows(sessionmaker)
    assert len(row.question) <= 500


async def test_not_helpful_rows_keep_the_answer_apart(sessionmaker: async_sessionmaker[AsyncSession]) -> None:
    store = QnaStore(sessionmaker)
    await store.record_unanswered("kysymys", "not_helpful", "fi", answer_id="faq:faq.a")
    await store.record_unanswered("kysymys", "not_helpful", "fi", answer_id="faq:faq.b")
    await store.record_unanswered("kysymys", "no_match", "fi")
    assert sorted((r.reason, r.answer_id, r.count) for r in await rows(sessionmaker)) == [
        ("no_match", "", 1),
        ("not_helpful", "faq:faq.a", 1),
        ("not_helpful", "faq:faq.b", 1),
    ]


async def test_feedback_is_counted_per_answer(sessionmaker: async_sessionmaker[AsyncSession]) -> None:
    store = QnaStore(sessionmaker)
    await store.record_feedback("faq:faq.a", "helpful")
    await store.record_feedback("faq:faq.a", "helpful")
    await store.record_feedback("faq:faq.a", "not_helpful")
    await store.record_feedback("term:shl", "not_helpful")
    assert await store.feedback() == {"faq:faq.a": (2, 1), "term:shl": (0, 1)}
    async with sessionmaker() as session:
        assert len(list((await session.execute(select(QnaFeedback))).scalars())) == 2


async def test_blank_questions_are_not_stored(sessionmaker: async_sessionmaker[AsyncSession]) -> None:
    await QnaStore(sessionmaker).record_unanswered("   ", "no_match", "fi")
    assert await rows(sessionmaker) == []
