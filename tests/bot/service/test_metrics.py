"""`GET /metrics`: Prometheus text after turns of each kind; one registry per app."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path
from typing import Any

from aiohttp.test_utils import TestClient
from prometheus_client.parser import text_string_to_metric_families

from bot.service.app import create_app
from bot.service.context import KnowledgeProvider
from bot.service.metrics import Metrics, activity_kind
from bot.service.settings import Settings
from tests.dialogs.conversation import HttpConversation
from tests.support.http import activity, post_activity, send

DIALOG_KB_ROOT = Path(__file__).resolve().parents[2] / "dialogs" / "kb"


async def _scrape(client: TestClient) -> dict[tuple[str, tuple[tuple[str, str], ...]], float]:
    response = await client.get("/metrics")
    assert response.status == 200
    assert response.headers["Content-Type"].startswith("text/plain; version=")
    samples: dict[tuple[str, tuple[tuple[str, str], ...]], float] = {}
    for family in text_string_to_metric_families(await response.text()):
        for sample in family.samples:
            samples[(sample.name, tuple(sorted(sample.labels.items())))] = sample.value
    return samples


def _value(samples: dict[tuple[str, tuple[tuple[str, str], ...]], float], name: str, **labels: str) -> float:
    return samples.get((name, tuple(sorted(labels.items()))), 0.0)


async def test_metrics_count_turns_by_kind_latency_dialogs_and_qna_bands(aiohttp_client: Any, settings: Settings) -> None:
    client = await aiohttp_client(create_app(replace(settings, knowledge_root=DIALOG_KB_ROOT)))
    chat = HttpConversation(client)
    await post_activity(client, activity("conversationUpdate", membersAdded=[{"id": "palveluopas"}, {"id": "user-1"}]))
    await chat.say("valitse palvelu")
    await chat.press("10–17-vuotias")
    assert "1. Testitukihenkilö" in await chat.press("Lapsen tai nuoren oma työskentely")
    await chat.say("peruuta")
    await chat.say("Mikä on testipalvelu?")

    samples = await _scrape(client)

    assert _value(samples, "palveluopas_turns_total", outcome="ok", kind="conversation_update") == 1
    assert _value(samples, "palveluopas_turns_total", outcome="ok", kind="message") == 3
    assert _value(samples, "palveluopas_turns_total", outcome="ok", kind="card_submit") == 2
    assert _value(samples, "palveluopas_turn_duration_seconds_count", kind="message") == 3
    assert _value(samples, "palveluopas_turn_duration_seconds_bucket", kind="message", le="+Inf") == 3
    assert _value(samples, "palveluopas_dialog_starts_total", dialog="finder") == 1
    assert _value(samples, "palveluopas_dialog_completions_total", dialog="finder") == 1
    assert sum(v for (name, _), v in samples.items() if name == "palveluopas_qna_answers_total") == 1


async def test_every_metric_is_declared_before_anything_is_counted(bot_client: TestClient) -> None:
    text = await (await bot_client.get("/metrics")).text()

    for name in (
        "palveluopas_turns_total",
        "palveluopas_turn_duration_seconds",
        "palveluopas_dialog_starts_total",
        "palveluopas_dialog_completions_total",
        "palveluopas_qna_answers_total",
        "palveluopas_feedback_reports_total",
        "palveluopas_campaign_sends_total",
        "palveluopas_campaign_queue_depth",
    ):
        assert f"# TYPE {name} " in text, name


async def test_two_apps_in_one_process_count_apart(aiohttp_client: Any, settings: Settings, knowledge: KnowledgeProvider) -> None:
    first = await aiohttp_client(create_app(settings, knowledge=knowledge))
    second = await aiohttp_client(create_app(settings, knowledge=knowledge))

    await send(first, text="apu")

    assert _value(await _scrape(first), "palveluopas_turns_total", outcome="ok", kind="message") == 1
    assert _value(await _scrape(second), "palveluopas_turns_total", outcome="ok", kind="message") == 0


def test_the_api_for_feedback_and_campaigns_shows_in_the_exposition() -> None:
    metrics = Metrics()

    metrics.feedback_reported()
    metrics.campaign_sent("sent")
    metrics.campaign_sent("failed")
    metrics.set_campaign_queue_depth(7)

    text = metrics.render().decode()
    assert 'palveluopas_feedback_reports_total{outcome="saved"} 1.0' in text
    assert 'palveluopas_campaign_sends_total{outcome="failed"} 1.0' in text
    assert "palveluopas_campaign_queue_depth 7.0" in text


def test_activity_kinds_are_bounded() -> None:
    assert activity_kind("message", has_value=True, has_text=False) == "card_submit"
    assert activity_kind("message", has_value=True, has_text=True) == "message"
    assert activity_kind("conversationUpdate", has_value=False, has_text=False) == "conversation_update"
    assert activity_kind("someNewType", has_value=False, has_text=False) == "other"
