"""Every turn records where the bot can reach the user and the conversation later; no names."""

from __future__ import annotations

from aiohttp.test_utils import TestClient
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot.store.people import ConversationRef, User
from tests.support.http import send

TEAMS_CHANNEL_DATA = {"tenant": {"id": "tenant-1"}, "team": {"id": "19:team@thread.tacv2"}, "channel": {"id": "19:channel@thread.tacv2"}}


async def test_a_turn_records_the_conversation_and_the_user_by_ids_only(bot_client: TestClient, sessionmaker: async_sessionmaker[AsyncSession]) -> None:
    await send(
        bot_client,
        "apu",
        conversation_id="19:channel@thread.tacv2;messageid=7",
        user_id="29:worker",
        channel_id="msteams",
        channelData=TEAMS_CHANNEL_DATA,
        **{"from": {"id": "29:worker", "name": "Maija Meikäläinen", "aadObjectId": "aad-worker"}},
    )
    # A later turn that does not repeat the tenant and team keeps them.
    await send(bot_client, "apu", conversation_id="19:channel@thread.tacv2;messageid=7", user_id="29:worker", channel_id="msteams")

    async with sessionmaker() as session:
        [ref] = (await session.execute(select(ConversationRef))).scalars().all()
        [user] = (await session.execute(select(User))).scalars().all()
    assert (ref.conversation_id, ref.tenant_id, ref.team_id, ref.channel_id, ref.bot_id) == (
        "19:channel@thread.tacv2;messageid=7",
        "tenant-1",
        "19:team@thread.tacv2",
        "msteams",
        "palveluopas",
    )
    assert (user.aad_object_id, user.channel_user_id, user.display_name) == ("aad-worker", "29:worker", None)
