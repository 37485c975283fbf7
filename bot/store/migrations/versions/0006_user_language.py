"""The language of each user's last turn, so that a feedback request reaches a
Swedish-speaking worker in Swedish whatever the supervisor's language.

Revision ID: 0006_user_language
Revises: 0005_dedup_retention
Create Date: 2026-12-06
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0006_user_language"
down_revision: str | Sequence[str] | None = "0005_dedup_retention"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("users") as batch:
        batch.add_column(sa.Column("language", sa.String(length=8), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("users") as batch:
        batch.drop_column("language")
