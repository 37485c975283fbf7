"""Users, roles with their history, channels of arranging teams, conversation references."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime, timedelta

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot.store.people import AAD_PLACEHOLDER, ConversationAddress, ConversationRef, Grant, Identity, PeopleStore, User

CHANNEL = ConversationAddress(
    "19:channel@thread.tacv2;messageid=1", "channel", "msteams", "https://smba.example/emea/", "28:bot", "tenant-1", "19:team@thread.tacv2"
)
PERSONAL = ConversationAddress("a:personal-1", "personal", "msteams", "https://smba.example/emea/", "28:bot", "tenant-1")


async def test_a_user_is_one_row_by_either_id(sessionmaker: async_sessionmaker[AsyncSession]) -> None:
    people = PeopleStore(sessionmaker)

    first = await people.remember(Identity("29:worker"))
    second = await people.remember(Identity("29:worker", "aad-worker"), PERSONAL)
    third = await people.remember(Identity("29:worker", "aad-worker"))

    assert first == second == third
    user = await people.find_user("aad-worker")
    assert user is not None and user.channel_user_id == "29:worker" and user.display_name is None
    assert await people.personal_address(first) == PERSONAL


async def test_admins_come_from_configuration(sessionmaker: async_sessionmaker[AsyncSession]) -> None:
    people = PeopleStore(sessionmaker, admins=["AAD-ADMIN"])

    assert people.is_admin(Identity("29:x", "aad-admin"))
    assert not people.is_admin(Identity("29:y", "aad-other"))


async def test_grants_are_recorded_once_and_revocations_too(sessionmaker: async_sessionmaker[AsyncSession]) -> None:
    people = PeopleStore(sessionmaker)
    admin = await people.ensure_user(Identity("29:admin", "aad-admin"))
    worker = await people.ensure_user(Identity("29:worker", "aad-worker"))

    assert await people.grant(worker, "member", "lastensuojelu", by=admin, source="command")
    assert not await people.grant(worker, "member", "lastensuojelu", by=admin, source="command")
    assert await people.grant(worker, "supervisor", "", by=admin, source="command")
    assert await people.revoke(worker, "supervisor", "", by=admin)

    assert await people.grants(worker) == {Grant("member", "lastensuojelu")}
    assert [(change, role, by) for change, role, _, _, by, _ in await people.role_events(worker)] == [
        ("grant", "member", admin),
        ("grant", "supervisor", admin),
        ("revoke", "supervisor", admin),
    ]


async def test_registering_a_channel_routes_the_line_and_makes_the_admin_a_member(sessionmaker: async_sessionmaker[AsyncSession]) -> None:
    people = PeopleStore(sessionmaker)
    admin = await people.ensure_user(Identity("29:admin", "aad-admin"))

    await people.register_team("lastensuojelu", CHANNEL, by=admin)

    assert await people.team_conversation("lastensuojelu") == CHANNEL
    assert await people.team_conversation("perhesosiaalityo") is None
    assert await people.lines_of_channel(CHANNEL.conversation_id) == {"lastensuojelu"}
    assert await people.is_member(admin, "lastensuojelu")


async def test_a_worker_granted_a_role_by_entra_id_gets_their_teams_id_when_they_first_write(sessionmaker: async_sessionmaker[AsyncSession]) -> None:
    people = PeopleStore(sessionmaker)
    granted = await people.ensure_user(Identity(AAD_PLACEHOLDER + "aad-new", "aad-new"))

    wrote = await people.remember(Identity("29:new", "aad-new"), PERSONAL, "sv")

    assert wrote == granted
    user = await people.user(granted)
    assert user is not None and (user.channel_user_id, user.aad_object_id) == ("29:new", "aad-new")


async def test_a_users_row_keeps_when_they_came_and_takes_their_latest_language(sessionmaker: async_sessionmaker[AsyncSession]) -> None:
    moments = iter(datetime(2026, 12, 7, 8, 0, tzinfo=UTC) + timedelta(minutes=n) for n in range(3))
    people = PeopleStore(sessionmaker, now=lambda: next(moments))

    user_id = await people.remember(Identity("29:worker"), CHANNEL, "sv")
    await people.remember(Identity("29:worker"), CHANNEL, None)
    await people.remember(Identity("29:worker", "aad-worker"), CHANNEL, "fi")

    async with sessionmaker() as session:
        user = await session.get(User, user_id)
    assert user is not None
    assert (user.first_seen, user.last_seen) == (datetime(2026, 12, 7, 8, 0, tzinfo=UTC), datetime(2026, 12, 7, 8, 2, tzinfo=UTC))
    assert (user.language, user.aad_object_id) == ("fi", "aad-worker")


async def test_only_a_personal_conversation_points_to_its_user(sessionmaker: async_sessionmaker[AsyncSession]) -> None:
    people = PeopleStore(sessionmaker)

    user_id = await people.remember(Identity("29:worker"), CHANNEL)
    await people.remember(Identity("29:worker"), PERSONAL)

    async with sessionmaker() as session:
        refs = dict((await session.execute(select(ConversationRef.conversation_id, ConversationRef.user_id))).all())
    assert refs == {CHANNEL.conversation_id: None, PERSONAL.conversation_id: user_id}


async def test_a_new_users_turns_at_the_same_moment_make_one_user(sessionmaker: async_sessionmaker[AsyncSession]) -> None:
    people = PeopleStore(sessionmaker)

    ids = await asyncio.gather(*(people.remember(Identity("29:twice"), PERSONAL) for _ in range(4)))

    async with sessionmaker() as session:
        users = (await session.execute(select(func.count()).select_from(User))).scalar_one()
    assert len(set(ids)) == 1 and users == 1
