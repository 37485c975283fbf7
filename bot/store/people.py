"""People and places the bot knows: users with roles, arranging teams' channels, and the
Teams conversation reference of every user and channel the bot has talked to.

Privacy: a user is kept by ids (Entra object id, the Teams channel account id). A display
name is stored only for a worker who sent a feedback report, because the arranging team's
card mentions them; client names are never stored anywhere.

Roles: `admin` comes from configuration (`PALVELUOPAS_ADMINS`, not stored as a grant);
`member` (of a service line's arranging team) and `supervisor` are granted by an admin in
chat or follow from registering a channel. `user_roles` is the current set, `role_events`
every grant and revocation with who and when.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import datetime
from typing import Any, cast

from sqlalchemy import CursorResult, ForeignKey, Integer, String, UniqueConstraint, delete, or_, select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker
from sqlalchemy.orm import Mapped, mapped_column

from bot.store.columns import UtcDateTime
from bot.store.db import Base, dialect_insert
from bot.store.turn_rows import Visit, rows_for
from domain.feedback import utc_now

AAD_PLACEHOLDER = "aad:"
"""Prefix of the channel account id of a user known only by an Entra object id so far."""
NO_LINE = ""
"""`service_line` of a role that is not bound to a service line (supervisor)."""


class User(Base):
    __tablename__ = "users"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    aad_object_id: Mapped[str | None] = mapped_column(String(64), unique=True)
    """Entra ID object id: stable across chats and what configuration and grants name."""
    channel_user_id: Mapped[str | None] = mapped_column(String(200), unique=True)
    """The Teams channel account id (`29:...`): what mentions carry and 1:1 chats are made with."""
    display_name: Mapped[str | None] = mapped_column(String(200))
    """Only for a worker who reported (the card mentions them)."""
    first_seen: Mapped[datetime] = mapped_column(UtcDateTime())
    last_seen: Mapped[datetime] = mapped_column(UtcDateTime())
    language: Mapped[str | None] = mapped_column(String(8))
    """The language of the user's last turn (`fi`, `sv`, `en`): what a prompt they did not ask for is written in."""


class UserRole(Base):
    __tablename__ = "user_roles"
    __table_args__ = (UniqueConstraint("user_id", "role", "service_line", name="uq_user_roles_grant"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    role: Mapped[str] = mapped_column(String(16))
    service_line: Mapped[str] = mapped_column(String(32), default=NO_LINE)
    granted_at: Mapped[datetime] = mapped_column(UtcDateTime())


class RoleEvent(Base):
    __tablename__ = "role_events"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    role: Mapped[str] = mapped_column(String(16))
    service_line: Mapped[str] = mapped_column(String(32), default=NO_LINE)
    change: Mapped[str] = mapped_column(String(8))
    """`grant` or `revoke`."""
    source: Mapped[str] = mapped_column(String(16))
    """`command` (an admin in chat) or `channel` (registering a team channel)."""
    by_user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    at: Mapped[datetime] = mapped_column(UtcDateTime())


class ConversationRef(Base):
    """What is needed to message a conversation later (proactively): never names."""

    __tablename__ = "conversation_refs"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    conversation_id: Mapped[str] = mapped_column(String(400), unique=True)
    conversation_type: Mapped[str] = mapped_column(String(16))
    """`personal`, `channel` or `groupChat` (Teams); `personal` where the channel does not say."""
    channel_id: Mapped[str] = mapped_column(String(32))
    """The Bot Framework channel: `msteams`, `emulator`, ..."""
    service_url: Mapped[str] = mapped_column(String(500))
    tenant_id: Mapped[str | None] = mapped_column(String(64))
    bot_id: Mapped[str] = mapped_column(String(200))
    team_id: Mapped[str | None] = mapped_column(String(200))
    """For a channel: the team it belongs to."""
    user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"), index=True)
    """For a 1:1 chat: whose it is."""
    updated_at: Mapped[datetime] = mapped_column(UtcDateTime())


class ArrangingTeam(Base):
    """The Teams channel of the team that arranges one service line's services."""

    __tablename__ = "arranging_teams"

    service_line: Mapped[str] = mapped_column(String(32), primary_key=True)
    conversation_id: Mapped[str] = mapped_column(String(400))
    """The channel's conversation (`conversation_refs.conversation_id`): where cards go."""
    team_id: Mapped[str | None] = mapped_column(String(200))
    locale: Mapped[str] = mapped_column(String(16), default="fi")
    """The language the channel's cards are written in (the registering admin's)."""
    registered_by: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    registered_at: Mapped[datetime] = mapped_column(UtcDateTime())


# --- The store API ------------------------------------------------------------------------------


@dataclass(frozen=True)
class Identity:
    """Who is acting, as the activity says: ids only."""

    channel_user_id: str
    aad_object_id: str | None = None

    @property
    def ids(self) -> frozenset[str]:
        return frozenset(i for i in (self.aad_object_id, self.channel_user_id) if i)


@dataclass(frozen=True)
class ConversationAddress:
    conversation_id: str
    conversation_type: str
    channel_id: str
    service_url: str
    bot_id: str
    tenant_id: str | None = None
    team_id: str | None = None


@dataclass(frozen=True)
class UserInfo:
    id: int
    aad_object_id: str | None
    channel_user_id: str | None
    display_name: str | None


@dataclass(frozen=True)
class Grant:
    role: str
    service_line: str


class PeopleStore:
    """Users, roles, channels and conversation references, over the app's sessionmaker."""

    def __init__(self, sessionmaker: async_sessionmaker[AsyncSession], admins: Iterable[str] = (), now: Callable[[], datetime] = utc_now) -> None:
        self._sessionmaker = sessionmaker
        self._admins = frozenset(a.strip().lower() for a in admins if a.strip())
        self._now = now

    # users ------------------------------------------------------------------------------------

    async def remember(self, who: Identity, address: ConversationAddress | None = None, language: str | None = None) -> int:
        """Record the user (their language, and the conversation they wrote in): the user's id.

        Every conversation's first turn runs this, so it goes to the driver in one transaction
        (`turn_rows`): through the ORM it cost a first turn more than the rest of it."""
        now = self._now()
        reference, update = _reference_values(address, now) if address is not None else (None, ())
        visit = Visit(
            channel_user_id=who.channel_user_id,
            aad_object_id=who.aad_object_id or None,
            new_user={
                "aad_object_id": who.aad_object_id or None,
                "channel_user_id": who.channel_user_id,
                "first_seen": now,
                "last_seen": now,
                "language": language,
            },
            changes=lambda aad, channel: _user_changes(who, now, language, aad, channel),
            reference=reference,
            reference_update=update,
            personal=address is not None and address.conversation_type == "personal",
        )
        return await rows_for(self._sessionmaker.kw["bind"]).remember(visit)

    async def set_display_name(self, user_id: int, name: str) -> None:
        async with self._sessionmaker() as session, session.begin():
            user = await session.get(User, user_id)
            if user is not None:
                user.display_name = name[:200]

    async def user(self, user_id: int) -> UserInfo | None:
        async with self._sessionmaker() as session:
            user = await session.get(User, user_id)
            return None if user is None else _info(user)

    async def find_user(self, any_id: str) -> UserInfo | None:
        """A user known by an Entra object id or a Teams channel account id."""
        async with self._sessionmaker() as session:
            user = (await session.execute(select(User).where(or_(User.aad_object_id == any_id, User.channel_user_id == any_id)))).scalars().first()
            return None if user is None else _info(user)

    async def ensure_user(self, who: Identity) -> int:
        """The user's id, added if new: `remember` without a conversation or a language."""
        return await self.remember(who)

    # roles ------------------------------------------------------------------------------------

    def is_admin(self, who: Identity) -> bool:
        return any(i.lower() in self._admins for i in who.ids)

    async def grants(self, user_id: int) -> frozenset[Grant]:
        async with self._sessionmaker() as session:
            rows = (await session.execute(select(UserRole.role, UserRole.service_line).where(UserRole.user_id == user_id))).all()
        return frozenset(Grant(role, line) for role, line in rows)

    async def member_lines(self, user_id: int) -> frozenset[str]:
        return frozenset(g.service_line for g in await self.grants(user_id) if g.role == "member")

    async def is_member(self, user_id: int, service_line: str) -> bool:
        return Grant("member", service_line) in await self.grants(user_id)

    async def is_supervisor(self, user_id: int) -> bool:
        return Grant("supervisor", NO_LINE) in await self.grants(user_id)

    async def grant(self, user_id: int, role: str, service_line: str, *, by: int | None, source: str) -> bool:
        """Grant a role; False when the user had it already (nothing recorded twice)."""
        async with self._sessionmaker() as session, session.begin():
            insert = dialect_insert(session)
            now = self._now()
            statement = insert(UserRole).values(user_id=user_id, role=role, service_line=service_line, granted_at=now).on_conflict_do_nothing()
            result = cast(CursorResult[Any], await session.execute(statement))
            if not result.rowcount:
                return False
            session.add(RoleEvent(user_id=user_id, role=role, service_line=service_line, change="grant", source=source, by_user_id=by, at=now))
            return True

    async def revoke(self, user_id: int, role: str, service_line: str, *, by: int | None) -> bool:
        async with self._sessionmaker() as session, session.begin():
            result = cast(
                CursorResult[Any],
                await session.execute(delete(UserRole).where(UserRole.user_id == user_id, UserRole.role == role, UserRole.service_line == service_line)),
            )
            if not result.rowcount:
                return False
            session.add(RoleEvent(user_id=user_id, role=role, service_line=service_line, change="revoke", source="command", by_user_id=by, at=self._now()))
            return True

    async def role_events(self, user_id: int) -> list[tuple[str, str, str, str, int | None, datetime]]:
        """(change, role, service line, source, by, at), oldest first."""
        async with self._sessionmaker() as session:
            rows = (await session.execute(select(RoleEvent).where(RoleEvent.user_id == user_id).order_by(RoleEvent.id))).scalars()
            return [(e.change, e.role, e.service_line, e.source, e.by_user_id, e.at) for e in rows]

    # channels and references ----------------------------------------------------------------

    async def register_team(self, service_line: str, address: ConversationAddress, *, by: int, locale: str = "fi") -> None:
        """Make the channel of `address` the arranging team of `service_line` (replacing an
        earlier one); the registering admin becomes a member of that line's team."""
        now = self._now()
        async with self._sessionmaker() as session, session.begin():
            await _upsert_reference(session, address, None, now)
            insert = dialect_insert(session)
            values = {"conversation_id": address.conversation_id, "team_id": address.team_id, "locale": locale[:16], "registered_by": by, "registered_at": now}
            await session.execute(
                insert(ArrangingTeam).values(service_line=service_line, **values).on_conflict_do_update(index_elements=["service_line"], set_=values)
            )
        await self.grant(by, "member", service_line, by=by, source="channel")

    async def team_conversation(self, service_line: str) -> ConversationAddress | None:
        team = await self.team(service_line)
        return None if team is None else team[0]

    async def team(self, service_line: str) -> tuple[ConversationAddress, str] | None:
        """The arranging team's channel and the language of its cards."""
        async with self._sessionmaker() as session:
            team = await session.get(ArrangingTeam, service_line)
            if team is None:
                return None
            address = await _address(session, team.conversation_id)
            return None if address is None else (address, team.locale)

    async def member_channel_ids(self, service_line: str, limit: int = 60) -> list[str]:
        """Teams ids of the line's team members (for the card's automatic refresh)."""
        async with self._sessionmaker() as session:
            rows = (
                await session.execute(
                    select(User.channel_user_id)
                    .join(UserRole, UserRole.user_id == User.id)
                    .where(UserRole.role == "member", UserRole.service_line == service_line, User.channel_user_id.is_not(None))
                    .order_by(User.id)
                    .limit(limit)
                )
            ).scalars()
            return [r for r in rows if r]

    async def lines_of_channel(self, conversation_id: str) -> frozenset[str]:
        """The service lines whose arranging team is this channel."""
        async with self._sessionmaker() as session:
            rows = (await session.execute(select(ArrangingTeam.service_line).where(ArrangingTeam.conversation_id == conversation_id))).scalars()
            return frozenset(rows)

    async def address(self, conversation_id: str) -> ConversationAddress | None:
        async with self._sessionmaker() as session:
            return await _address(session, conversation_id)

    async def personal_address(self, user_id: int) -> ConversationAddress | None:
        """The user's 1:1 chat with the bot, the most recently used one."""
        async with self._sessionmaker() as session:
            ref = (
                (
                    await session.execute(
                        select(ConversationRef)
                        .where(ConversationRef.user_id == user_id, ConversationRef.conversation_type == "personal")
                        .order_by(ConversationRef.updated_at.desc())
                    )
                )
                .scalars()
                .first()
            )
            return None if ref is None else _address_of(ref)


def _user_changes(who: Identity, now: datetime, language: str | None, aad_object_id: str | None, channel_user_id: str | None) -> dict[str, Any]:
    """What a known user's row takes from their turn, given what it holds."""
    changes: dict[str, Any] = {"last_seen": now}
    if language:
        changes["language"] = language
    if who.aad_object_id and aad_object_id is None:
        changes["aad_object_id"] = who.aad_object_id
    if channel_user_id is None or (channel_user_id.startswith(AAD_PLACEHOLDER) and not who.channel_user_id.startswith(AAD_PLACEHOLDER)):
        # Granted a role by Entra id before they ever wrote: now their Teams id is known.
        changes["channel_user_id"] = who.channel_user_id
    return changes


def _reference_values(address: ConversationAddress, now: datetime) -> tuple[dict[str, Any], tuple[str, ...]]:
    """(the reference's columns, conversation id first; the columns an existing one takes)."""
    values: dict[str, Any] = {
        "conversation_id": address.conversation_id,
        "conversation_type": address.conversation_type,
        "channel_id": address.channel_id,
        "service_url": address.service_url,
        "tenant_id": address.tenant_id,
        "bot_id": address.bot_id,
        "team_id": address.team_id,
        "updated_at": now,
    }
    # A turn that does not say the tenant or team (a card invoke from some clients) keeps
    # what an earlier turn said.
    update = tuple(k for k, v in values.items() if k != "conversation_id" and (v is not None or k not in ("tenant_id", "team_id")))
    return values, update


async def _upsert_reference(session: AsyncSession, address: ConversationAddress, user_id: int | None, now: datetime) -> None:
    insert = dialect_insert(session)
    values, columns = _reference_values(address, now)
    update = {k: values[k] for k in columns}
    if user_id is not None:
        values["user_id"] = update["user_id"] = user_id
    statement = insert(ConversationRef).values(**values)
    await session.execute(statement.on_conflict_do_update(index_elements=["conversation_id"], set_=update))


async def _address(session: AsyncSession, conversation_id: str) -> ConversationAddress | None:
    ref = (await session.execute(select(ConversationRef).where(ConversationRef.conversation_id == conversation_id))).scalars().first()
    return None if ref is None else _address_of(ref)


def _address_of(ref: ConversationRef) -> ConversationAddress:
    return ConversationAddress(ref.conversation_id, ref.conversation_type, ref.channel_id, ref.service_url, ref.bot_id, ref.tenant_id, ref.team_id)


def _info(user: User) -> UserInfo:
    return UserInfo(user.id, user.aad_object_id, user.channel_user_id, user.display_name)
