"""Feedback reports and reactive supervision: users with roles, conversation references,
arranging teams' channels, providers with aliases, reports with ratings and events,
supervision cases with linked reports and a log.

Revision ID: 0003_feedback
Revises: 0002_qna
Create Date: 2026-12-06
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0003_feedback"
down_revision: str | Sequence[str] | None = "0002_qna"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def _at(name: str, nullable: bool = False) -> sa.Column[sa.DateTime]:
    return sa.Column(name, sa.DateTime(timezone=True), nullable=nullable)


def _user_fk(name: str, table: str, ondelete: str | None = "SET NULL", nullable: bool = True) -> tuple[sa.Column[int], sa.ForeignKeyConstraint]:
    column = sa.Column(name, sa.Integer(), nullable=nullable)
    return column, sa.ForeignKeyConstraint([name], ["users.id"], name=op.f(f"fk_{table}_{name}_users"), ondelete=ondelete)


def upgrade() -> None:
    op.create_table(
        "users",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("aad_object_id", sa.String(length=64), nullable=True),
        sa.Column("channel_user_id", sa.String(length=200), nullable=True),
        sa.Column("display_name", sa.String(length=200), nullable=True),
        _at("first_seen"),
        _at("last_seen"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_users")),
        sa.UniqueConstraint("aad_object_id", name=op.f("uq_users_aad_object_id")),
        sa.UniqueConstraint("channel_user_id", name=op.f("uq_users_channel_user_id")),
    )
    op.create_table(
        "user_roles",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        *_user_fk("user_id", "user_roles", "CASCADE", nullable=False),
        sa.Column("role", sa.String(length=16), nullable=False),
        sa.Column("service_line", sa.String(length=32), nullable=False),
        _at("granted_at"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_user_roles")),
        sa.UniqueConstraint("user_id", "role", "service_line", name="uq_user_roles_grant"),
    )
    op.create_index("ix_user_roles_user_id", "user_roles", ["user_id"])
    by_column, by_fk = _user_fk("by_user_id", "role_events")
    op.create_table(
        "role_events",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        *_user_fk("user_id", "role_events", "CASCADE", nullable=False),
        sa.Column("role", sa.String(length=16), nullable=False),
        sa.Column("service_line", sa.String(length=32), nullable=False),
        sa.Column("change", sa.String(length=8), nullable=False),
        sa.Column("source", sa.String(length=16), nullable=False),
        by_column,
        by_fk,
        _at("at"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_role_events")),
    )
    op.create_index("ix_role_events_user_id", "role_events", ["user_id"])
    op.create_table(
        "conversation_refs",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("conversation_id", sa.String(length=400), nullable=False),
        sa.Column("conversation_type", sa.String(length=16), nullable=False),
        sa.Column("channel_id", sa.String(length=32), nullable=False),
        sa.Column("service_url", sa.String(length=500), nullable=False),
        sa.Column("tenant_id", sa.String(length=64), nullable=True),
        sa.Column("bot_id", sa.String(length=200), nullable=False),
        sa.Column("team_id", sa.String(length=200), nullable=True),
        *_user_fk("user_id", "conversation_refs"),
        _at("updated_at"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_conversation_refs")),
        sa.UniqueConstraint("conversation_id", name=op.f("uq_conversation_refs_conversation_id")),
    )
    op.create_index("ix_conversation_refs_user_id", "conversation_refs", ["user_id"])
    op.create_table(
        "arranging_teams",
        sa.Column("service_line", sa.String(length=32), nullable=False),
        sa.Column("conversation_id", sa.String(length=400), nullable=False),
        sa.Column("team_id", sa.String(length=200), nullable=True),
        sa.Column("locale", sa.String(length=16), nullable=False),
        *_user_fk("registered_by", "arranging_teams"),
        _at("registered_at"),
        sa.PrimaryKeyConstraint("service_line", name=op.f("pk_arranging_teams")),
    )
    created_by, created_by_fk = _user_fk("created_by", "providers")
    op.create_table(
        "providers",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("key", sa.String(length=200), nullable=False),
        sa.Column("merged_into", sa.Integer(), nullable=True),
        created_by,
        _at("created_at"),
        sa.ForeignKeyConstraint(["merged_into"], ["providers.id"], name=op.f("fk_providers_merged_into_providers"), ondelete="SET NULL"),
        created_by_fk,
        sa.PrimaryKeyConstraint("id", name=op.f("pk_providers")),
        sa.UniqueConstraint("key", name=op.f("uq_providers_key")),
    )
    op.create_table(
        "provider_aliases",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("provider_id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("key", sa.String(length=200), nullable=False),
        _at("created_at"),
        sa.ForeignKeyConstraint(["provider_id"], ["providers.id"], name=op.f("fk_provider_aliases_provider_id_providers"), ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_provider_aliases")),
        sa.UniqueConstraint("key", name=op.f("uq_provider_aliases_key")),
    )
    op.create_index("ix_provider_aliases_provider_id", "provider_aliases", ["provider_id"])
    handler, handler_fk = _user_fk("handler_id", "feedback_reports")
    op.create_table(
        "feedback_reports",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("submit_token", sa.String(length=64), nullable=False),
        *_user_fk("reporter_id", "feedback_reports", None, nullable=False),
        sa.Column("reporter_locale", sa.String(length=16), nullable=False),
        sa.Column("service_id", sa.String(length=200), nullable=False),
        sa.Column("service_name", sa.String(length=200), nullable=False),
        sa.Column("provider_id", sa.Integer(), nullable=False),
        sa.Column("service_line", sa.String(length=32), nullable=False),
        sa.Column("period_start", sa.Date(), nullable=False),
        sa.Column("period_end", sa.Date(), nullable=False),
        sa.Column("concern_area", sa.String(length=16), nullable=True),
        sa.Column("concern_kind", sa.String(length=32), nullable=True),
        sa.Column("free_text", sa.Text(), nullable=False),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("outcome", sa.String(length=32), nullable=True),
        handler,
        handler_fk,
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("card_conversation_id", sa.String(length=400), nullable=True),
        sa.Column("card_activity_id", sa.String(length=200), nullable=True),
        _at("created_at"),
        _at("updated_at"),
        sa.ForeignKeyConstraint(["provider_id"], ["providers.id"], name=op.f("fk_feedback_reports_provider_id_providers")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_feedback_reports")),
        sa.UniqueConstraint("submit_token", name=op.f("uq_feedback_reports_submit_token")),
    )
    for column in ("reporter_id", "provider_id", "service_line", "status"):
        op.create_index(f"ix_feedback_reports_{column}", "feedback_reports", [column])
    op.create_table(
        "feedback_ratings",
        sa.Column("report_id", sa.Integer(), nullable=False),
        sa.Column("aspect", sa.String(length=32), nullable=False),
        sa.Column("score", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(["report_id"], ["feedback_reports.id"], name=op.f("fk_feedback_ratings_report_id_feedback_reports"), ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("report_id", "aspect", name=op.f("pk_feedback_ratings")),
    )
    op.create_table(
        "feedback_events",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("report_id", sa.Integer(), nullable=False),
        sa.Column("action", sa.String(length=16), nullable=False),
        *_user_fk("actor_id", "feedback_events"),
        sa.Column("from_status", sa.String(length=16), nullable=True),
        sa.Column("to_status", sa.String(length=16), nullable=False),
        sa.Column("text", sa.Text(), nullable=False),
        _at("at"),
        sa.ForeignKeyConstraint(["report_id"], ["feedback_reports.id"], name=op.f("fk_feedback_events_report_id_feedback_reports"), ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_feedback_events")),
    )
    op.create_index("ix_feedback_events_report_id", "feedback_events", ["report_id"])
    op.create_table(
        "supervision_cases",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("service_line", sa.String(length=32), nullable=False),
        sa.Column("provider_id", sa.Integer(), nullable=False),
        sa.Column("service_id", sa.String(length=200), nullable=False),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("outcome", sa.String(length=32), nullable=True),
        sa.Column("version", sa.Integer(), nullable=False),
        *_user_fk("opened_by", "supervision_cases"),
        _at("opened_at"),
        _at("updated_at"),
        _at("closed_at", nullable=True),
        sa.ForeignKeyConstraint(["provider_id"], ["providers.id"], name=op.f("fk_supervision_cases_provider_id_providers")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_supervision_cases")),
    )
    for column in ("service_line", "provider_id", "status"):
        op.create_index(f"ix_supervision_cases_{column}", "supervision_cases", [column])
    op.create_table(
        "supervision_case_reports",
        sa.Column("case_id", sa.Integer(), nullable=False),
        sa.Column("report_id", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(["case_id"], ["supervision_cases.id"], name=op.f("fk_supervision_case_reports_case_id_supervision_cases"), ondelete="CASCADE"),
        sa.ForeignKeyConstraint(
            ["report_id"], ["feedback_reports.id"], name=op.f("fk_supervision_case_reports_report_id_feedback_reports"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("case_id", "report_id", name=op.f("pk_supervision_case_reports")),
    )
    op.create_index("ix_supervision_case_reports_report_id", "supervision_case_reports", ["report_id"])
    op.create_table(
        "supervision_events",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("case_id", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(length=8), nullable=False),
        *_user_fk("actor_id", "supervision_events"),
        sa.Column("from_status", sa.String(length=16), nullable=True),
        sa.Column("to_status", sa.String(length=16), nullable=True),
        sa.Column("text", sa.Text(), nullable=False),
        _at("at"),
        sa.ForeignKeyConstraint(["case_id"], ["supervision_cases.id"], name=op.f("fk_supervision_events_case_id_supervision_cases"), ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_supervision_events")),
    )
    op.create_index("ix_supervision_events_case_id", "supervision_events", ["case_id"])


def downgrade() -> None:
    for table in (
        "supervision_events",
        "supervision_case_reports",
        "supervision_cases",
        "feedback_events",
        "feedback_ratings",
        "feedback_reports",
        "provider_aliases",
        "providers",
        "arranging_teams",
        "conversation_refs",
        "role_events",
        "user_roles",
        "users",
    ):
        op.drop_table(table)
