"""Faults and load (marker `fault`, run by `.ci/run`): a stopped, a frozen and a locked
database, and 200 conversations at once.

PostgreSQL faults run on a throwaway cluster each test starts itself (never the machine's
server); SQLite's on a database file another connection holds locked.
"""

from __future__ import annotations

import asyncio
import os
import re
import sqlite3
import time
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import pytest
from aiohttp.test_utils import TestClient
from sqlalchemy import func, make_url, select

from bot.service.app import create_app
from bot.service.context import KnowledgeProvider
from bot.service.settings import Settings
from bot.store.db import create_engine, create_sessionmaker
from bot.store.feedback import FeedbackReport
from bot.store.migrations import upgrade
from bot.store.people import User
from tests.support.connector import LoopbackConnector
from tests.support.http import MESSAGES_PATH, activity, send
from tests.support.pgcluster import ThrowawayCluster, throwaway_cluster
from tests.support.replies import buttons, shown_text, texts
from tests.support.teams import TeamsUser

pytestmark = pytest.mark.fault
CONVERSATIONS = int(os.environ.get("PV_LOAD_CONVERSATIONS", "200"))

FRIENDLY = "Palvelu on hetken poissa käytöstä."
AGE_QUESTION = "Minkä ikäinen lapsi on?"
FINDER_RESULT = "Palveluehdotukset"
"""What answering the (test knowledge base's only) finder question shows: proof that the
finder's state survived; after a reset the same button would get the stale-button notice."""


@pytest.fixture
async def cluster(tmp_path: Path) -> AsyncIterator[ThrowawayCluster]:
    cluster = await asyncio.to_thread(throwaway_cluster, tmp_path)
    try:
        await upgrade(cluster.url)
        yield cluster
    finally:
        await asyncio.to_thread(cluster.remove)


async def _start_finder(client: TestClient) -> dict[str, Any]:
    """Begins the service finder; returns the first age button's value (a guided step's submit)."""
    replies = await send(client, text="valitse palvelu")
    assert AGE_QUESTION in shown_text(replies)
    return dict(buttons(replies)[0].data)


async def _timed_send(client: TestClient, **kwargs: Any) -> tuple[float, list[dict[str, Any]]]:
    started = time.monotonic()
    replies = await send(client, **kwargs)
    return time.monotonic() - started, replies


async def _ready_again(client: TestClient, within: float) -> None:
    deadline = time.monotonic() + within
    while time.monotonic() < deadline:
        if (await client.get("/readyz")).status == 200:
            return
        await asyncio.sleep(0.2)
    raise AssertionError(f"/readyz not 200 within {within} s")


async def test_a_frozen_postgresql_gets_the_friendly_reply_within_5_s_and_the_bot_recovers_by_itself(
    aiohttp_client: Any, cluster: ThrowawayCluster, kb_root: Path, knowledge: KnowledgeProvider
) -> None:
    client = await aiohttp_client(create_app(Settings(database_url=cluster.url, knowledge_root=kb_root), knowledge=knowledge))
    age = await _start_finder(client)
    cluster.freeze()
    try:
        elapsed, replies = await _timed_send(client, value=age)
        assert elapsed < 5, f"the friendly reply took {elapsed:.1f} s"
        assert texts(replies)[0].startswith(FRIENDLY)

        started = time.monotonic()
        ready = await client.get("/readyz")
        assert ready.status == 503 and time.monotonic() - started < 3.5
        elapsed, replies = await _timed_send(client, text="hei")
        assert elapsed < 5 and texts(replies)[0].startswith(FRIENDLY)
    finally:
        cluster.thaw()

    await _ready_again(client, within=10)
    assert FINDER_RESULT in shown_text(await send(client, value=age))


async def test_a_stopped_postgresql_gets_the_friendly_reply_and_the_bot_recovers_when_it_is_back(
    aiohttp_client: Any, cluster: ThrowawayCluster, kb_root: Path, knowledge: KnowledgeProvider
) -> None:
    client = await aiohttp_client(create_app(Settings(database_url=cluster.url, knowledge_root=kb_root), knowledge=knowledge))
    age = await _start_finder(client)
    await asyncio.to_thread(cluster.stop)

    elapsed, replies = await _timed_send(client, value=age)
    assert elapsed < 5 and texts(replies)[0].startswith(FRIENDLY)
    assert (await client.get("/readyz")).status == 503

    await asyncio.to_thread(cluster.start)
    await _ready_again(client, within=10)
    assert FINDER_RESULT in shown_text(await send(client, value=age))


@pytest.fixture
def sqlite_path(database_url: str) -> Path:
    if make_url(database_url).get_backend_name() != "sqlite":
        pytest.skip("SQLite lock test: the suite runs on PostgreSQL")
    return Path(str(make_url(database_url).database))


async def test_a_locked_sqlite_database_gets_the_friendly_reply_within_5_s_and_recovers(
    aiohttp_client: Any, settings: Settings, knowledge: KnowledgeProvider, sqlite_path: Path
) -> None:
    client = await aiohttp_client(create_app(settings, knowledge=knowledge))
    age = await _start_finder(client)
    holder = sqlite3.connect(sqlite_path, timeout=10, check_same_thread=False)
    # Taken in a thread, as another process would: taken on the loop, it would freeze the bot
    # while it waits, and a write the bot had begun (such as the retention job's, which starts
    # with the app) could then never finish and let it in.
    await asyncio.to_thread(holder.execute, "BEGIN EXCLUSIVE")
    try:
        elapsed, replies = await _timed_send(client, value=age)
        assert elapsed < 5, f"the friendly reply took {elapsed:.1f} s"
        assert texts(replies)[0].startswith(FRIENDLY)
    finally:
        holder.rollback()
        holder.close()

    assert FINDER_RESULT in shown_text(await send(client, value=age))


async def _conversation(client: TestClient, number: int, turns: int, statuses: list[int]) -> None:
    conversation_id = f"load-{number}"
    say = ["Mikä on testipalvelu?", "apu", "valitse palvelu", "mitä kuuluu?", "peruuta"]
    for turn in range(turns):
        if number % 2 and turn % 5 == 3:
            # A guided step: the button the finder's first question offers.
            replies = await send(client, text="valitse palvelu", conversation_id=conversation_id)
            # Under this load a set-up turn may get the friendly "briefly away" reply instead.
            offered = buttons(replies)
            body = activity(value=offered[0].data, conversation_id=conversation_id) if offered else activity(text="apu", conversation_id=conversation_id)
        else:
            body = activity(text=say[(number + turn) % len(say)], conversation_id=conversation_id)
        response = await client.post(MESSAGES_PATH, json=body)
        statuses.append(response.status)
        if response.status == 200:
            assert (await response.json())["activities"], f"no reply in {conversation_id} turn {turn}"


class _Interrupted(Exception):
    """Under load a turn got the friendly "briefly away" reply: this report is abandoned."""


async def _turn(client: TestClient, user: TeamsUser, connector: LoopbackConnector, statuses: list[int], **fields: Any) -> list[dict[str, Any]]:
    response = await client.post(MESSAGES_PATH, json=user.activity(connector, **fields))
    statuses.append(response.status)
    if response.status != 200:
        raise _Interrupted
    replies = list((await response.json())["activities"])
    assert replies, f"no reply for {user.id}"
    if any(text.startswith(FRIENDLY) for text in texts(replies)):
        raise _Interrupted
    return replies


async def _press(
    client: TestClient, user: TeamsUser, connector: LoopbackConnector, statuses: list[int], replies: list[dict[str, Any]], title: str, **inputs: str
) -> list[dict[str, Any]]:
    data = next((action.data for action in buttons(replies) if action.title == title), None)
    if data is None:
        raise _Interrupted
    return await _turn(client, user, connector, statuses, value={**data, **inputs})


async def _feedback_report(client: TestClient, connector: LoopbackConnector, number: int, statuses: list[int], confirmed: dict[str, int]) -> None:
    """One worker's whole feedback report (11 turns); a report whose last click shows
    "Kiitos!" with the report's number is confirmed. Every other one double-clicks Lähetä."""
    user = TeamsUser(f"29:load-{number}", f"aad-load-{number}", f"Kuormitus {number}")
    try:
        replies = await _turn(client, user, connector, statuses, text="palaute")
        replies = await _press(client, user, connector, statuses, replies, "Testipalvelu")
        replies = await _turn(client, user, connector, statuses, text="Perhekoti Kataja Oy")
        if "Lisää uutena" in shown_text(replies):
            replies = await _press(client, user, connector, statuses, replies, "Lisää uutena: Perhekoti Kataja Oy")
        replies = await _press(client, user, connector, statuses, replies, "Lastensuojelu")
        replies = await _press(client, user, connector, statuses, replies, "Jatka", period_start="2026-09-01", period_end="2026-11-30")
        replies = await _press(client, user, connector, statuses, replies, "Jatka", rating_goals="4", rating_reporting="3")
        replies = await _press(client, user, connector, statuses, replies, "Ei huolta")
        replies = await _press(client, user, connector, statuses, replies, "Ei lisätietoja")
        assert "Tarkista palaute ennen lähettämistä" in shown_text(replies)
        clicks = 2 if number % 2 else 1
        sent = await asyncio.gather(*(_press(client, user, connector, statuses, replies, "Lähetä") for _ in range(clicks)), return_exceptions=True)
    except _Interrupted:
        return
    for outcome in sent:
        if isinstance(outcome, BaseException) and not isinstance(outcome, _Interrupted):
            raise outcome
        if isinstance(outcome, list) and re.search(r"Kiitos! Palaut\w* #\d+", shown_text(outcome)):
            confirmed[user.aad_object_id] = confirmed.get(user.aad_object_id, 0) + 1


async def _reports_by_reporter(database_url: str) -> dict[str, int]:
    engine = create_engine(database_url)
    try:
        async with create_sessionmaker(engine)() as session:
            rows = await session.execute(
                select(User.aad_object_id, func.count(FeedbackReport.id))
                .join(FeedbackReport, FeedbackReport.reporter_id == User.id)
                .group_by(User.aad_object_id)
            )
            return {str(aad): int(count) for aad, count in rows}
    finally:
        await engine.dispose()


async def test_200_conversations_of_10_turns_at_once_get_no_server_error_and_store_each_confirmed_report_once(
    aiohttp_client: Any, settings: Settings, knowledge: KnowledgeProvider, connector: LoopbackConnector
) -> None:
    client = await aiohttp_client(create_app(settings, knowledge=knowledge))
    statuses: list[int] = []
    confirmed: dict[str, int] = {}
    # Every tenth conversation is a worker's feedback report instead of Q&A and the finder.
    reporting = range(0, CONVERSATIONS, 10)

    await asyncio.gather(
        *(
            _feedback_report(client, connector, number, statuses, confirmed) if number in reporting else _conversation(client, number, 10, statuses)
            for number in range(CONVERSATIONS)
        )
    )

    assert len(statuses) >= (CONVERSATIONS - len(reporting)) * 10
    assert not [status for status in statuses if status >= 500]
    assert set(statuses) == {200}
    stored = await _reports_by_reporter(settings.database_url)
    assert confirmed, "no report was confirmed under load"
    assert all(stored.get(reporter) == 1 for reporter in confirmed), f"confirmed {confirmed}, stored {stored}"
    assert all(count == 1 for count in stored.values()) and set(stored) <= {f"aad-load-{number}" for number in reporting}
