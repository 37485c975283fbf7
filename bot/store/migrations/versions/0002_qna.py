"""Q&A learning loop: unanswered questions (redacted) and feedback counters per answer.

Revision ID: 0002_qna
Revises: 0001_initial
Create Date: 2025-11-22
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0002_qna"
down_revision: str | Sequence[str] | None = "0001_initial"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "qna_unanswered",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("question_hash", sa.String(length=64), nullable=False),
        sa.Column("question", sa.Text(), nullable=False),
        sa.Column("reason", sa.String(length=16), nullable=False),
        sa.Column("answer_id", sa.String(length=200), nullable=False),
        sa.Column("lang", sa.String(length=2), nullable=False),
        sa.Column("count", sa.Integer(), nullable=False),
        sa.Column("first_seen", sa.DateTime(timezone=True), nullable=False),
        sa.Column("last_seen", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_qna_unanswered")),
        sa.UniqueConstraint("question_hash", "reason", "answer_id", name="uq_qna_unanswered_question"),
    )
    # The curators' list sorts by count.
    op.create_index("ix_qna_unanswered_count", "qna_unanswered", ["count"])
    op.create_table(
        "qna_feedback",
        sa.Column("answer_id", sa.String(length=200), nullable=False),
        sa.Column("helpful", sa.Integer(), nullable=False),
        sa.Column("not_helpful", sa.Integer(), nullable=False),
        sa.Column("last_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("answer_id", name=op.f("pk_qna_feedback")),
    )


def downgrade() -> None:
    op.drop_table("qna_feedback")
    op.drop_index("ix_qna_unanswered_count", table_name="qna_unanswered")
    op.drop_table("qna_unanswered")
