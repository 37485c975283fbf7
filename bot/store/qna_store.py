"""The Q&A learning loop's tables: questions the bot could not answer, and answer feedback.

What is stored is chosen for privacy: a question's text only after `domain.privacy` has
redacted identity codes, phone numbers and e-mail addresses and capped it at 500 characters
(names cannot be detected, which is why nothing else about the asker is kept: no user,
conversation or tenant id, no time of day beyond the first and last occurrence). Feedback is
counters per answer, not events.

Repeated questions are counted, not duplicated: a question is keyed by a hash of its
normalised, redacted form, so "Mikä on SHL?" and "mikä on shl" are one row with count 2.
Counting is an atomic upsert (`INSERT ... ON CONFLICT DO UPDATE`), safe under concurrent turns
on SQLite and PostgreSQL alike.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Final, Literal

from sqlalchemy import DateTime, Integer, String, Text, UniqueConstraint, select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker
from sqlalchemy.orm import Mapped, mapped_column

from bot.store.db import Base, dialect_insert
from domain.privacy import redact_and_cap
from domain.qna.nonsense import is_nonsense
from domain.qna.normalize import comparable

Reason = Literal["no_match", "not_helpful", "none_of_these"]
REASONS: Final = ("no_match", "not_helpful", "none_of_these")
"""Why a question is in the list: nothing matched; an answer was given but marked not
helpful; a "Did you mean" offer was declined."""

FeedbackValue = Literal["helpful", "not_helpful"]


class QnaUnanswered(Base):
    __tablename__ = "qna_unanswered"
    __table_args__ = (UniqueConstraint("question_hash", "reason", "answer_id", name="uq_qna_unanswered_question"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    question_hash: Mapped[str] = mapped_column(String(64))
    """sha256 of the normalised redacted question: the identity of "the same question"."""
    question: Mapped[str] = mapped_column(Text)
    """The redacted, capped question as first asked (for the curator to read)."""
    reason: Mapped[str] = mapped_column(String(16))
    answer_id: Mapped[str] = mapped_column(String(200), default="")
    """For `not_helpful`: the record that was answered (`kind:id`); empty otherwise."""
    lang: Mapped[str] = mapped_column(String(2))
    count: Mapped[int] = mapped_column(Integer, default=1, index=True)
    first_seen: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    last_seen: Mapped[datetime] = mapped_column(DateTime(timezone=True), index=True)


class QnaFeedback(Base):
    __tablename__ = "qna_feedback"

    answer_id: Mapped[str] = mapped_column(String(200), primary_key=True)
    """`kind:id` of the answered record, e.g. `faq:faq.tukiperhe-kesto`."""
    helpful: Mapped[int] = mapped_column(Integer, default=0)
    not_helpful: Mapped[int] = mapped_column(Integer, default=0)
    last_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))


@dataclass(frozen=True)
class UnansweredRow:
    question: str
    reason: str
    answer_id: str
    lang: str
    count: int
    last_seen: datetime


def question_key(redacted: str) -> str:
    return hashlib.sha256(comparable(redacted).encode("utf-8")).hexdigest()


class QnaStore:
    def __init__(self, sessionmaker: async_sessionmaker[AsyncSession], now: Callable[[], datetime] = lambda: datetime.now(UTC)) -> None:
        self._sessionmaker = sessionmaker
        self._now = now

    async def record_unanswered(self, question: str, reason: Reason, lang: str, answer_id: str = "") -> None:
        """Count a question the bot could not answer well; its text is redacted first."""
        if reason not in REASONS:
            raise ValueError(f"unknown reason {reason!r}")
        text = redact_and_cap(question.strip())
        if not text or is_nonsense(text):
            # Noise ("asdf", digits, emoji only) tells a curator nothing and hides real questions.
            return
        now = self._now()
        async with self._sessionmaker() as session, session.begin():
            insert = dialect_insert(session)
            statement = insert(QnaUnanswered).values(
                question_hash=question_key(text), question=text, reason=reason, answer_id=answer_id, lang=lang[:2], count=1, first_seen=now, last_seen=now
            )
            statement = statement.on_conflict_do_update(
                index_elements=["question_hash", "reason", "answer_id"],
                set_={"count": QnaUnanswered.count + 1, "last_seen": now},
            )
            await session.execute(statement)

    async def record_feedback(self, answer_id: str, value: FeedbackValue) -> None:
        column = {"helpful": "helpful", "not_helpful": "not_helpful"}[value]
        now = self._now()
        async with self._sessionmaker() as session, session.begin():
            insert = dialect_insert(session)
            statement = insert(QnaFeedback).values(answer_id=answer_id, helpful=int(value == "helpful"), not_helpful=int(value == "not_helpful"), last_at=now)
            statement = statement.on_conflict_do_update(
                index_elements=["answer_id"],
                set_={column: getattr(QnaFeedback, column) + 1, "last_at": now},
            )
            await session.execute(statement)

    async def most_frequent(self, limit: int = 20) -> list[UnansweredRow]:
        """The curators' list: most asked first, then most recent."""
        async with self._sessionmaker() as session:
            rows = (
                await session.execute(select(QnaUnanswered).order_by(QnaUnanswered.count.desc(), QnaUnanswered.last_seen.desc(), QnaUnanswered.id).limit(limit))
            ).scalars()
            return [UnansweredRow(r.question, r.reason, r.answer_id, r.lang, r.count, r.last_seen) for r in rows]

    async def feedback(self) -> dict[str, tuple[int, int]]:
        """answer id -> (helpful, not helpful)."""
        async with self._sessionmaker() as session:
            rows = (await session.execute(select(QnaFeedback.answer_id, QnaFeedback.helpful, QnaFeedback.not_helpful))).all()
        return {answer_id: (helpful, not_helpful) for answer_id, helpful, not_helpful in rows}
