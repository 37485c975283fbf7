"""De-duplication of incoming activities; indexes for the retention job's deletes.

Revision ID: 0005_dedup_retention
Revises: 0004_campaigns
Create Date: 2026-12-06
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0005_dedup_retention"
down_revision: str | Sequence[str] | None = "0004_campaigns"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "activity_seen",
        sa.Column("key", sa.String(length=64), nullable=False),
        sa.Column("seen_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("key", name=op.f("pk_activity_seen")),
    )
    op.create_index("ix_activity_seen_seen_at", "activity_seen", ["seen_at"])
    # The retention job deletes by age.
    op.create_index("ix_bot_state_updated_at", "bot_state", ["updated_at"])
    op.create_index("ix_qna_unanswered_last_seen", "qna_unanswered", ["last_seen"])


def downgrade() -> None:
    op.drop_index("ix_qna_unanswered_last_seen", table_name="qna_unanswered")
    op.drop_index("ix_bot_state_updated_at", table_name="bot_state")
    op.drop_index("ix_activity_seen_seen_at", table_name="activity_seen")
    op.drop_table("activity_seen")
