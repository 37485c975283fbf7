"""Tables of feedback prompt campaigns: campaigns, recipients, the outbox, the shared send
rate and one-time export links. Created by revision `0004_campaigns`.

The outbox has one row per message (a recipient's prompt, their automatic reminder, their
one extra reminder), unique per recipient and kind: that constraint is what makes "never two
prompts to one recipient for one campaign" hold whatever the workers do. Timestamps are UTC.
"""

from __future__ import annotations

from datetime import UTC, datetime

from sqlalchemy import Boolean, Float, ForeignKey, Index, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from bot.store.columns import UtcDateTime
from bot.store.db import Base

RATE_ROW: str = "connector"


class Campaign(Base):
    __tablename__ = "campaigns"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    created_by: Mapped[str] = mapped_column(String(200), index=True)
    """The supervisor's Teams user id."""
    tenant_id: Mapped[str] = mapped_column(String(100))
    service_url: Mapped[str] = mapped_column(String(500))
    """The Bot Connector of the tenant, from the supervisor's turn: new 1:1 chats are made there."""
    bot_id: Mapped[str] = mapped_column(String(200))
    service_id: Mapped[str | None] = mapped_column(String(200))
    provider_id: Mapped[int | None] = mapped_column(Integer)
    provider_name: Mapped[str | None] = mapped_column(String(300))
    """The provider as the prompt names it (a provider's name, never a person's)."""
    service_line: Mapped[str | None] = mapped_column(String(40))
    note: Mapped[str | None] = mapped_column(Text)
    """The supervisor's note, redacted before it is stored."""
    locale: Mapped[str] = mapped_column(String(10))
    state: Mapped[str] = mapped_column(String(16), index=True)
    send_at: Mapped[datetime] = mapped_column(UtcDateTime())
    due_at: Mapped[datetime] = mapped_column(UtcDateTime())
    reminder_at: Mapped[datetime | None] = mapped_column(UtcDateTime())
    reminder_queued_at: Mapped[datetime | None] = mapped_column(UtcDateTime())
    extra_reminder_queued_at: Mapped[datetime | None] = mapped_column(UtcDateTime())
    created_at: Mapped[datetime] = mapped_column(UtcDateTime(), default=lambda: datetime.now(UTC))
    finished_at: Mapped[datetime | None] = mapped_column(UtcDateTime())
    cancelled_at: Mapped[datetime | None] = mapped_column(UtcDateTime())


class CampaignRecipient(Base):
    __tablename__ = "campaign_recipients"
    __table_args__ = (UniqueConstraint("campaign_id", "user_id", name="uq_campaign_recipients_user"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    campaign_id: Mapped[int] = mapped_column(ForeignKey("campaigns.id", ondelete="CASCADE"), index=True)
    user_id: Mapped[str] = mapped_column(String(200))
    """Teams user id (`29:...`): what the connector needs to open a 1:1 chat."""
    aad_object_id: Mapped[str | None] = mapped_column(String(100))
    conversation_id: Mapped[str | None] = mapped_column(String(300))
    """The 1:1 chat, known from an earlier turn or made by the first send."""
    locale: Mapped[str | None] = mapped_column(String(10))
    answered_report_id: Mapped[int | None] = mapped_column(Integer)
    answered_at: Mapped[datetime | None] = mapped_column(UtcDateTime())


class OutboxMessage(Base):
    __tablename__ = "campaign_outbox"
    __table_args__ = (
        UniqueConstraint("recipient_id", "kind", name="uq_campaign_outbox_recipient_kind"),
        Index("ix_campaign_outbox_due", "state", "not_before"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    campaign_id: Mapped[int] = mapped_column(ForeignKey("campaigns.id", ondelete="CASCADE"), index=True)
    recipient_id: Mapped[int] = mapped_column(ForeignKey("campaign_recipients.id", ondelete="CASCADE"))
    kind: Mapped[str] = mapped_column(String(16))
    state: Mapped[str] = mapped_column(String(16))
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    not_before: Mapped[datetime] = mapped_column(UtcDateTime())
    claimed_by: Mapped[str | None] = mapped_column(String(64))
    lease_until: Mapped[datetime | None] = mapped_column(UtcDateTime())
    reason: Mapped[str | None] = mapped_column(String(120))
    status_code: Mapped[int | None] = mapped_column(Integer)
    activity_id: Mapped[str | None] = mapped_column(String(200))
    sent_at: Mapped[datetime | None] = mapped_column(UtcDateTime())
    updated_at: Mapped[datetime] = mapped_column(UtcDateTime())


class SendRate(Base):
    """One row per shared limit: the next free send slot, in epoch seconds (see outbox)."""

    __tablename__ = "outbox_rate"

    name: Mapped[str] = mapped_column(String(32), primary_key=True)
    next_free: Mapped[float] = mapped_column(Float)
    ceiling_next_free: Mapped[float] = mapped_column(Float)


class ExportLink(Base):
    """A one-time download link: only the token's sha256 is stored."""

    __tablename__ = "export_links"

    token_hash: Mapped[str] = mapped_column(String(64), primary_key=True)
    user_id: Mapped[str] = mapped_column(String(200))
    format: Mapped[str] = mapped_column(String(8))
    service_line: Mapped[str | None] = mapped_column(String(40))
    campaign_id: Mapped[int | None] = mapped_column(Integer)
    period_start: Mapped[datetime | None] = mapped_column(UtcDateTime())
    period_end: Mapped[datetime | None] = mapped_column(UtcDateTime())
    include_text: Mapped[bool] = mapped_column(Boolean, default=False)
    lang: Mapped[str] = mapped_column(String(2), default="fi")
    created_at: Mapped[datetime] = mapped_column(UtcDateTime())
    expires_at: Mapped[datetime] = mapped_column(UtcDateTime())
    used_at: Mapped[datetime | None] = mapped_column(UtcDateTime())
