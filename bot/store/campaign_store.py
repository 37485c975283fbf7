"""Campaigns in the database: create one with its recipients and queued prompts, cancel it,
count it, link answers, queue reminders.

Creating a campaign writes the campaign, its recipients and one queued prompt per recipient
(`not_before` = the send time) in one transaction: a scheduled campaign needs nothing else to
go out at its time, and a crash between "campaign saved" and "prompts queued" cannot happen.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any, cast

from sqlalchemy import CursorResult, select, update
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot.store.campaigns import Campaign, CampaignRecipient, OutboxMessage
from bot.store.db import dialect_insert
from domain.campaign import (
    CANCELLABLE_STATES,
    CampaignState,
    CampaignView,
    Counts,
    DeliveryState,
    MessageKind,
    RecipientFacts,
    count_recipients,
    reminder_recipients,
)
from domain.privacy import redact_and_cap


@dataclass(frozen=True)
class NewCampaign:
    created_by: str
    tenant_id: str
    service_url: str
    bot_id: str
    locale: str
    send_at: datetime
    due_at: datetime
    reminder_at: datetime | None
    service_id: str | None = None
    provider_id: int | None = None
    provider_name: str | None = None
    service_line: str | None = None
    note: str | None = None


@dataclass(frozen=True)
class NewRecipient:
    user_id: str
    aad_object_id: str | None = None
    conversation_id: str | None = None
    locale: str | None = None


class CampaignStore:
    def __init__(self, sessionmaker: async_sessionmaker[AsyncSession]) -> None:
        self._sessionmaker = sessionmaker

    async def create(self, spec: NewCampaign, recipients: Sequence[NewRecipient], now: datetime) -> int:
        unique = list({r.user_id: r for r in recipients}.values())
        note = redact_and_cap(spec.note.strip()) if spec.note and spec.note.strip() else None
        async with self._sessionmaker() as session, session.begin():
            campaign = Campaign(
                created_by=spec.created_by,
                tenant_id=spec.tenant_id,
                service_url=spec.service_url,
                bot_id=spec.bot_id,
                service_id=spec.service_id,
                provider_id=spec.provider_id,
                provider_name=spec.provider_name,
                service_line=spec.service_line,
                note=note,
                locale=spec.locale,
                state=CampaignState.SENDING if spec.send_at <= now else CampaignState.SCHEDULED,
                send_at=spec.send_at,
                due_at=spec.due_at,
                reminder_at=spec.reminder_at,
                created_at=now,
            )
            session.add(campaign)
            await session.flush()
            rows = [
                CampaignRecipient(campaign_id=campaign.id, user_id=r.user_id, aad_object_id=r.aad_object_id, conversation_id=r.conversation_id, locale=r.locale)
                for r in unique
            ]
            session.add_all(rows)
            await session.flush()
            session.add_all(
                OutboxMessage(
                    campaign_id=campaign.id,
                    recipient_id=row.id,
                    kind=MessageKind.PROMPT,
                    state=DeliveryState.QUEUED,
                    attempts=0,
                    not_before=spec.send_at,
                    updated_at=now,
                )
                for row in rows
            )
            return campaign.id

    async def owner(self, campaign_id: int) -> str | None:
        async with self._sessionmaker() as session:
            return (await session.execute(select(Campaign.created_by).where(Campaign.id == campaign_id))).scalar()

    async def cancel(self, campaign_id: int, now: datetime) -> bool:
        """Cancel a campaign that has not finished sending; messages already sent stay sent,
        queued and claimed ones are never sent. False when it is finished (or unknown)."""
        async with self._sessionmaker() as session, session.begin():
            result = await session.execute(
                update(Campaign)
                .where(Campaign.id == campaign_id, Campaign.state.in_([s.value for s in CANCELLABLE_STATES]))
                .values(state=CampaignState.CANCELLED, cancelled_at=now)
            )
            if cast(CursorResult[Any], result).rowcount != 1:
                return False
            await session.execute(
                update(OutboxMessage)
                .where(OutboxMessage.campaign_id == campaign_id, OutboxMessage.state.in_([DeliveryState.QUEUED, DeliveryState.CLAIMED]))
                .values(state=DeliveryState.CANCELLED, claimed_by=None, lease_until=None, updated_at=now)
            )
            return True

    async def mark_answered(self, campaign_id: int, user_id: str, report_id: int, now: datetime) -> bool:
        """Link a report to the campaign: its author counts as answered and gets no reminder.
        False when that user is not a recipient of the campaign (the link is not made)."""
        async with self._sessionmaker() as session, session.begin():
            result = await session.execute(
                update(CampaignRecipient)
                .where(CampaignRecipient.campaign_id == campaign_id, CampaignRecipient.user_id == user_id, CampaignRecipient.answered_at.is_(None))
                .values(answered_report_id=report_id, answered_at=now)
            )
            return cast(CursorResult[Any], result).rowcount == 1

    async def queue_due_reminders(self, now: datetime) -> list[int]:
        """Queue the automatic reminder of every campaign whose reminder time has come; the
        campaigns whose reminders were queued."""
        async with self._sessionmaker() as session:
            due = (
                (
                    await session.execute(
                        select(Campaign.id).where(
                            Campaign.reminder_at.is_not(None),
                            Campaign.reminder_at <= now,
                            Campaign.reminder_queued_at.is_(None),
                            Campaign.state.in_([CampaignState.SENDING, CampaignState.SENT]),
                            Campaign.due_at > now,
                        )
                    )
                )
                .scalars()
                .all()
            )
        return [campaign_id for campaign_id in due if await self.queue_reminder(campaign_id, MessageKind.REMINDER, now) is not None]

    async def queue_reminder(self, campaign_id: int, kind: MessageKind, now: datetime) -> int | None:
        """Queue one reminder of `kind` to everyone the prompt reached who has not answered.

        Each kind goes once per campaign: the campaign's `*_queued_at` is set by a conditional
        UPDATE first, so two instances (or two clicks) queue it once. The number of reminders
        queued, or None when this kind was already queued or the campaign is not running.
        """
        column = {MessageKind.REMINDER: Campaign.reminder_queued_at, MessageKind.EXTRA_REMINDER: Campaign.extra_reminder_queued_at}[kind]
        async with self._sessionmaker() as session, session.begin():
            result = await session.execute(
                update(Campaign)
                .where(Campaign.id == campaign_id, column.is_(None), Campaign.state.in_([CampaignState.SENDING, CampaignState.SENT]))
                .values({column.key: now})
            )
            if cast(CursorResult[Any], result).rowcount != 1:
                return None
            facts = await _recipient_facts(session, campaign_id)
            targets = reminder_recipients({str(rid): f for rid, f in facts.items()})
            if targets:
                insert = dialect_insert(session)
                await session.execute(
                    insert(OutboxMessage)
                    .values(
                        [
                            {
                                "campaign_id": campaign_id,
                                "recipient_id": int(rid),
                                "kind": kind.value,
                                "state": DeliveryState.QUEUED.value,
                                "attempts": 0,
                                "not_before": now,
                                "updated_at": now,
                            }
                            for rid in targets
                        ]
                    )
                    .on_conflict_do_nothing(index_elements=["recipient_id", "kind"])
                )
            return len(targets)

    async def view(self, campaign_id: int) -> CampaignView | None:
        async with self._sessionmaker() as session:
            campaign = await session.get(Campaign, campaign_id)
            if campaign is None:
                return None
            facts = await _recipient_facts(session, campaign_id)
        return _view(campaign, count_recipients(facts.values()))

    async def campaigns_of(self, created_by: str, limit: int = 10) -> list[CampaignView]:
        """A supervisor's newest campaigns with their counts."""
        async with self._sessionmaker() as session:
            campaigns = (
                (
                    await session.execute(
                        select(Campaign).where(Campaign.created_by == created_by).order_by(Campaign.created_at.desc(), Campaign.id.desc()).limit(limit)
                    )
                )
                .scalars()
                .all()
            )
            views = []
            for campaign in campaigns:
                facts = await _recipient_facts(session, campaign.id)
                views.append(_view(campaign, count_recipients(facts.values())))
        return views

    async def prompt_states(self, campaign_id: int) -> dict[str, RecipientFacts]:
        """Each recipient's (Teams user id) prompt state, answered flag and failure reason."""
        async with self._sessionmaker() as session:
            rows = (
                await session.execute(
                    select(CampaignRecipient.user_id, OutboxMessage.state, OutboxMessage.reason, CampaignRecipient.answered_at)
                    .join(OutboxMessage, OutboxMessage.recipient_id == CampaignRecipient.id)
                    .where(CampaignRecipient.campaign_id == campaign_id, OutboxMessage.kind == MessageKind.PROMPT)
                )
            ).all()
        return {user_id: RecipientFacts(DeliveryState(state), answered_at is not None, reason) for user_id, state, reason, answered_at in rows}


async def _recipient_facts(session: AsyncSession, campaign_id: int) -> dict[int, RecipientFacts]:
    rows = (
        await session.execute(
            select(CampaignRecipient.id, OutboxMessage.state, OutboxMessage.reason, CampaignRecipient.answered_at)
            .join(OutboxMessage, OutboxMessage.recipient_id == CampaignRecipient.id)
            .where(CampaignRecipient.campaign_id == campaign_id, OutboxMessage.kind == MessageKind.PROMPT)
        )
    ).all()
    return {rid: RecipientFacts(DeliveryState(state), answered_at is not None, reason) for rid, state, reason, answered_at in rows}


def _view(campaign: Campaign, counts: Counts) -> CampaignView:
    return CampaignView(
        id=campaign.id,
        state=CampaignState(campaign.state),
        service_id=campaign.service_id,
        provider_name=campaign.provider_name,
        service_line=campaign.service_line,
        send_at=campaign.send_at,
        due_at=campaign.due_at,
        reminder_at=campaign.reminder_at,
        extra_reminder_sent=campaign.extra_reminder_queued_at is not None,
        counts=counts,
    )
