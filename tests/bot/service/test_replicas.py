"""Two replicas on one PostgreSQL database, no sticky sessions: one conversation's turns go
alternately to two app instances and the worker sees exactly what one instance shows.

Each app has its own engine, adapter, dialogs and metrics, as two containers would; they
share only the database. Extend `SCRIPTS` as features land (feedback reports, the campaign
send queue): a script that behaves the same on one and on two instances needs nothing else.
"""

from __future__ import annotations

import itertools
from pathlib import Path
from typing import Any

import pytest
from aiohttp.test_utils import TestClient

from bot.service.app import create_app
from bot.service.context import KnowledgeProvider
from bot.service.settings import Settings
from tests.dialogs.conversation import Conversation
from tests.support.http import send

DIALOG_KB_ROOT = Path(__file__).resolve().parents[2] / "dialogs" / "kb"

Step = tuple[str, str]
"""("say", text) types; ("press", title) taps that button on the last card."""

SCRIPTS: dict[str, list[Step]] = {
    "finder, criteria check and process guide": [
        ("say", "valitse palvelu"),
        ("press", "10–17-vuotias"),
        ("press", "Lapsen tai nuoren oma työskentely"),
        ("press", "Tarkista kriteerit: Testitukihenkilö"),
        ("press", "Kyllä"),
        ("press", "Ei"),
        ("press", "Avaa prosessi"),
    ],
    "back and cancel mid-flow": [
        ("say", "tarkista kriteerit"),
        ("press", "Testiperhekuntoutus"),
        ("press", "Kyllä"),
        ("press", "Takaisin"),
        ("press", "Peruuta"),
        ("say", "apu"),
    ],
    # A feedback report across two replicas: tests/dialogs/test_feedback_over_http.py
    # (..._across_two_replicas_...); the campaign send queue from two instances:
    # tests/bot/service/test_outbox.py (test_two_app_instances_on_one_postgresql_database_...).
}


class ReplicaConversation(Conversation):
    """Sends each turn to the next app in turn, like a load balancer without affinity."""

    def __init__(self, clients: list[TestClient], conversation_id: str) -> None:
        super().__init__()
        self._clients = itertools.cycle(clients)
        self._conversation_id = conversation_id

    async def _send(self, text: str | None, value: Any) -> list[dict[str, Any]]:
        return await send(next(self._clients), text=text, value=value, locale=self.locale, conversation_id=self._conversation_id)


async def _run(conversation: Conversation, script: list[Step]) -> list[str]:
    shown: list[str] = []
    for kind, argument in script:
        shown.append(await (conversation.say(argument) if kind == "say" else conversation.press(argument)))
    return shown


@pytest.fixture(scope="module")
def dialog_knowledge() -> KnowledgeProvider:
    return KnowledgeProvider(DIALOG_KB_ROOT)


@pytest.mark.postgres
@pytest.mark.parametrize("name", list(SCRIPTS))
async def test_turns_alternating_between_two_instances_show_what_one_instance_shows(
    name: str, aiohttp_client: Any, postgres_url: str, dialog_knowledge: KnowledgeProvider
) -> None:
    settings = Settings(database_url=postgres_url, knowledge_root=DIALOG_KB_ROOT)
    first, second = [await aiohttp_client(create_app(settings, knowledge=dialog_knowledge)) for _ in range(2)]

    on_one = await _run(ReplicaConversation([first], f"one-{name}"), SCRIPTS[name])
    on_two = await _run(ReplicaConversation([first, second], f"two-{name}"), SCRIPTS[name])

    assert on_two == on_one
    assert not any("Virhetunnus" in shown for shown in on_two), "no turn failed"


@pytest.mark.postgres
async def test_the_guided_flow_reaches_its_result_across_instances(aiohttp_client: Any, postgres_url: str, dialog_knowledge: KnowledgeProvider) -> None:
    settings = Settings(database_url=postgres_url, knowledge_root=DIALOG_KB_ROOT)
    clients = [await aiohttp_client(create_app(settings, knowledge=dialog_knowledge)) for _ in range(2)]

    shown = await _run(ReplicaConversation(clients, "across"), SCRIPTS["finder, criteria check and process guide"])

    assert "1. Testitukihenkilö" in shown[2]
    assert "Palvelu sopii" in shown[5]
    assert "Minkä prosessin ohjeen haluat?" in shown[6]
