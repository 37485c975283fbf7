"""Users, roles with their history, channels of arranging teams, conversation references."""

from __future__ import annotations

from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot.store.people import ConversationAddress, Grant, Identity, PeopleStore

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
