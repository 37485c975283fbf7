"""Faults and load (marker `fault`, run by `.ci/run`): a stopped, a frozen and a locked
database, and 200 conversations at once.

PostgreSQL faults run on a throwaway cluster each test starts itself (never the machine's
server); SQLite's on a database file another connection holds locked.
"""

from __future__ import annotations

import asyncio
import os
import sqlite3
import time
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import pytest
from aiohttp.test_utils import TestClient
from sqlalchemy import make_url

from bot.service.app import create_app
from bot.service.context import KnowledgeProvider
from bot.service.settings import Settings
from bot.store.migrations import upgrade
from tests.support.http import MESSAGES_PATH, activity, send
from tests.support.pgcluster import ThrowawayCluster, throwaway_cluster
from tests.support.replies import buttons, shown_text, texts

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
    holder.execute("BEGIN EXCLUSIVE")
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
            body = activity(value=buttons(replies)[0].data, conversation_id=conversation_id)
        else:
            body = activity(text=say[(number + turn) % len(say)], conversation_id=conversation_id)
        response = await client.post(MESSAGES_PATH, json=body)
        statuses.append(response.status)
        if response.status == 200:
            assert (await response.json())["activities"], f"no reply in {conversation_id} turn {turn}"


async def test_200_conversations_of_10_turns_at_once_get_no_server_error(aiohttp_client: Any, settings: Settings, knowledge: KnowledgeProvider) -> None:
    client = await aiohttp_client(create_app(settings, knowledge=knowledge))
    statuses: list[int] = []

    await asyncio.gather(*(_conversation(client, number, 10, statuses) for number in range(CONVERSATIONS)))

    assert len(statuses) == CONVERSATIONS * 10
    assert not [status for status in statuses if status >= 500]
    assert set(statuses) == {200}
