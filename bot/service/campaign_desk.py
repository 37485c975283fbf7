"""The supervisors' side of campaigns: the role gate in front of their commands and buttons,
and the `CampaignPort` the supervisor dialogs use.

Gate: a typed `palautepyyntö` / `palautepyynnöt` / `palauteyhteenveto` (any language) or a
press on one of their cards, by someone who is neither a supervisor nor an admin, is answered
with a polite refusal before any dialog runs; nothing changes, and the attempt is logged with
ids only. The port checks again (cards can be forwarded, roles revoked).
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from datetime import datetime, timedelta
from typing import Final

from botbuilder.core import TurnContext
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot.service.connector import BotConnector
from bot.service.exports import may_supervise
from bot.service.outbox import Clock
from bot.service.settings import Settings
from bot.store.campaign_store import CampaignStore, NewCampaign, NewRecipient
from bot.store.export_links import ExportLinks, ExportQuery
from bot.store.feedback import FeedbackReport, FeedbackStore
from bot.store.people import ConversationRef, PeopleStore, User, UserRole
from bot.store.report_export import ReportFilter, ReportReader
from bot.ui.i18n import Strings, language_of
from bot.ui.protocol import Action, DialogId
from dialogs.campaign_port import CampaignRequest
from dialogs.engine import Input, Person, Press, Typed
from domain.campaign import CampaignView, MessageKind, SummaryRow, reminder_time, summarize
from domain.feedback import RATING_ASPECTS, KnownName
from domain.logs import log_event

log = logging.getLogger(__name__)

SUPERVISOR_DIALOGS: Final = frozenset({DialogId.CAMPAIGN, DialogId.CAMPAIGNS, DialogId.CAMPAIGN_SUMMARY})
SUPERVISOR_COMMANDS: Final = frozenset({"campaign", "campaigns", "campaign_summary"})


class CampaignDesk:
    def __init__(
        self,
        sessionmaker: async_sessionmaker[AsyncSession],
        settings: Settings,
        strings: Strings,
        people: PeopleStore,
        feedback: FeedbackStore,
        clock: Clock,
        wake: Callable[[], None],
        connector: BotConnector | None = None,
    ) -> None:
        self._connector = connector
        self._sessionmaker = sessionmaker
        self._settings = settings
        self._strings = strings
        self._people = people
        self._feedback = feedback
        self.clock = clock
        self._wake = wake
        self._campaigns = CampaignStore(sessionmaker)

    # the gate ----------------------------------------------------------------------------

    async def on_message(self, context: TurnContext, given: Input) -> bool:
        """True when the turn was a supervisor action by someone without the role (refused)."""
        if not _is_supervisor_action(given):
            return False
        sender = context.activity.from_property
        if sender is not None and sender.id and await may_supervise(self._people, sender.id):
            return False
        lang = language_of(context.activity.locale)
        log_event(
            log,
            "campaign_refused",
            conversation_id=context.activity.conversation.id if context.activity.conversation else None,
            user_id=sender.id if sender else None,
        )
        await context.send_activity(self._strings.get("campaigns.refused", lang))
        return True

    # the port ----------------------------------------------------------------------------

    async def may_supervise(self, person: Person) -> bool:
        return await may_supervise(self._people, person.id)

    async def known_providers(self) -> list[KnownName]:
        return await self._feedback.known_names()

    async def count_recipients(self, service_line: str) -> int:
        return len(await self._line_workers(service_line))

    async def create(self, request: CampaignRequest) -> tuple[int, int]:
        if not await self.may_supervise(request.supervisor):
            return 0, 0
        if request.recipients == "team":
            people = await self._team_members(request.service_line)
        elif request.recipients == "line":
            people = await self._line_workers(request.service_line)
        else:
            people = await self._named(request.named)
        people = [p for p in people if p.user_id != request.supervisor.id]
        address = await self._people.address(request.conversation_id)
        if not people or address is None:
            return 0, 0
        spec = NewCampaign(
            created_by=request.supervisor.id,
            tenant_id=address.tenant_id or request.tenant_id,
            service_url=address.service_url,
            bot_id=address.bot_id,
            locale=request.locale,
            send_at=request.send_at,
            due_at=request.due_at,
            reminder_at=reminder_time(request.send_at, request.due_at, timedelta(hours=self._settings.reminder_hours_before)),
            service_id=request.service_id,
            provider_id=request.provider_id,
            provider_name=request.provider_name,
            service_line=request.service_line,
            note=request.note,
        )
        campaign_id = await self._campaigns.create(spec, people, self.clock.now())
        log_event(log, "campaign_created", campaign_id=campaign_id, recipients=len(people), scheduled=request.send_at > self.clock.now())
        self._wake()
        return campaign_id, len(people)

    async def answered(self, campaign_id: int, user_id: str, report_id: int) -> bool:
        """A report sent from a campaign's prompt: its author counts as answered."""
        linked = await self._campaigns.mark_answered(campaign_id, user_id, report_id, self.clock.now())
        log_event(log, "campaign_answered", campaign_id=campaign_id, report_id=report_id, linked=linked)
        return linked

    async def campaigns_of(self, person: Person) -> list[CampaignView]:
        return await self._campaigns.campaigns_of(person.id)

    async def cancel(self, person: Person, campaign_id: int) -> bool:
        if await self._campaigns.owner(campaign_id) != person.id:
            return False
        cancelled = await self._campaigns.cancel(campaign_id, self.clock.now())
        self._wake()
        return cancelled

    async def remind(self, person: Person, campaign_id: int) -> int | None:
        if await self._campaigns.owner(campaign_id) != person.id:
            return None
        queued = await self._campaigns.queue_reminder(campaign_id, MessageKind.EXTRA_REMINDER, self.clock.now())
        self._wake()
        return queued

    async def summary(self, service_line: str, start: datetime, end: datetime) -> list[SummaryRow]:
        facts, open_cases = await ReportReader(self._sessionmaker).summary_facts(ReportFilter(service_line=service_line, start=start, end=end))
        return summarize(facts, RATING_ASPECTS, open_cases)

    async def export_link(
        self, person: Person, fmt: str, lang: str, *, service_line: str | None = None, campaign_id: int | None = None, start: datetime | None = None
    ) -> str:
        query = ExportQuery(user_id=person.id, format=fmt, lang=lang, service_line=service_line, campaign_id=campaign_id, period_start=start)
        token = await ExportLinks(self._sessionmaker).create(query, self.clock.now())
        base = self._settings.public_url or f"http://{self._settings.host}:{self._settings.port}"
        return f"{base}/exports/{token}"

    # recipients --------------------------------------------------------------------------

    async def _line_workers(self, service_line: str) -> list[NewRecipient]:
        """Workers known to the bot in a service line: who reported in it, and its team's members."""
        async with self._sessionmaker() as session:
            reporters = select(FeedbackReport.reporter_id).where(FeedbackReport.service_line == service_line)
            members = select(UserRole.user_id).where(UserRole.role == "member", UserRole.service_line == service_line)
            users = (await session.execute(select(User.id, User.channel_user_id).where(User.id.in_(reporters.union(members).scalar_subquery())))).all()
            return await _with_chats(session, [(uid, channel_id) for uid, channel_id in users if channel_id])

    async def has_team(self, service_line: str) -> bool:
        return await self._people.team_conversation(service_line) is not None

    async def _team_members(self, service_line: str) -> list[NewRecipient]:
        """The members of the line's registered team channel, from Teams' roster; those the
        bot knows get their 1:1 chat, the rest get one made when the prompt is sent."""
        address = await self._people.team_conversation(service_line)
        if address is None or self._connector is None:
            return []
        roster = await self._connector.team_members(address.service_url, address.team_id or address.conversation_id)
        if not isinstance(roster, list):
            log_event(log, "campaign_roster_failed", service_line=service_line, outcome=type(roster).__name__)
            return []
        return await self._named(tuple(str(m["id"]) for m in roster))

    async def _named(self, ids: tuple[str, ...]) -> list[NewRecipient]:
        """Named users: known ones by either id; an unknown Teams id (`29:`) as it is."""
        known: list[tuple[int, str]] = []
        unknown: list[NewRecipient] = []
        for any_id in ids:
            user = await self._people.find_user(any_id)
            if user is not None and user.channel_user_id:
                known.append((user.id, user.channel_user_id))
            elif any_id.startswith("29:"):
                unknown.append(NewRecipient(user_id=any_id))
        async with self._sessionmaker() as session:
            return [*await _with_chats(session, known), *unknown]


async def _with_chats(session: AsyncSession, users: list[tuple[int, str]]) -> list[NewRecipient]:
    """Recipients with their 1:1 chat with the bot where one is known (else it is made), each
    in the language of their own last turn (else the supervisor's)."""
    if not users:
        return []
    ids = [uid for uid, _ in users]
    spoken = select(User.id, User.language).where(User.id.in_(ids), User.language.is_not(None))
    languages: dict[int, str | None] = dict((await session.execute(spoken)).all())
    rows = (
        await session.execute(
            select(ConversationRef.user_id, ConversationRef.conversation_id)
            .where(ConversationRef.user_id.in_([uid for uid, _ in users]), ConversationRef.conversation_type == "personal")
            .order_by(ConversationRef.updated_at)
        )
    ).all()
    chats = dict(rows)  # the most recently used last, so it wins
    return [NewRecipient(user_id=channel_id, conversation_id=chats.get(uid), locale=languages.get(uid)) for uid, channel_id in users]


def _is_supervisor_action(given: object) -> bool:
    if isinstance(given, Typed):
        return given.command in SUPERVISOR_COMMANDS
    if isinstance(given, Press):
        submit = given.submit
        return submit.dialog in SUPERVISOR_DIALOGS or (submit.dialog == DialogId.MENU and submit.action == Action.START and submit.value in SUPERVISOR_DIALOGS)
    return False
