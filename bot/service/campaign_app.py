"""Campaigns in the aiohttp app: the outbox worker's lifecycle and the export download route.

`install(app, services_key, clock)` adds a `cleanup_ctx` that starts the worker after the bot
is assembled and stops it (claims given back, sends in progress finished) before the database
engine is disposed of, and the `GET /exports/{token}` route.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Callable, Mapping
from typing import Any

from aiohttp import web

from bot.service.campaign_desk import CampaignDesk
from bot.service.campaign_keys import CLOCK, OUTBOX, SERVICES
from bot.service.connector import BotConnector
from bot.service.context import BotServices
from bot.service.exports import download
from bot.service.metrics import Metrics
from bot.service.outbox import Clock, OutboxConfig, OutboxWorker, SystemClock
from bot.store.feedback import FeedbackStore
from bot.store.outbox import Delivery
from bot.store.people import PeopleStore
from bot.ui.cards.campaign import PromptContent, prompt_activity
from bot.ui.i18n import language_of


def install(
    app: web.Application,
    services_key: web.AppKey[BotServices],
    connector_key: web.AppKey[BotConnector],
    clock: Clock | None = None,
    metrics: Metrics | None = None,
) -> None:
    """Call after the app's own cleanup contexts are added: the worker needs the bot's
    services and the connector, and must stop before they go. `metrics` counts its sends."""
    app[CLOCK] = clock or SystemClock()
    app.cleanup_ctx.append(_outbox(services_key, connector_key, metrics))
    app.router.add_get("/exports/{token}", download)


def campaign_desk(app: web.Application, services: BotServices, people: PeopleStore, feedback: FeedbackStore, connector: BotConnector) -> CampaignDesk:
    """The supervisors' desk; it wakes the worker (started after it) when a campaign changes."""

    def wake() -> None:
        worker = app.get(OUTBOX)
        if worker is not None:
            worker.wake()

    return CampaignDesk(services.sessionmaker, services.settings, services.strings, people, feedback, app[CLOCK], wake, connector)


def renderer(services: BotServices) -> Callable[[Delivery], Mapping[str, Any]]:
    def render(delivery: Delivery) -> Mapping[str, Any]:
        lang = language_of(delivery.locale)
        return prompt_activity(services.strings, lang, prompt_content(services, delivery, lang))

    return render


def prompt_content(services: BotServices, delivery: Delivery, lang: str) -> PromptContent:
    return PromptContent(
        campaign_id=delivery.campaign_id,
        kind=delivery.kind,
        service_id=delivery.service_id,
        service_name=service_name(services, delivery.service_id, delivery.service_line, lang),
        provider_name=delivery.provider_name,
        provider_id=delivery.provider_id,
        service_line=delivery.service_line,
        note=delivery.note,
        due_at=delivery.due_at,
    )


def service_name(services: BotServices, service_id: str | None, service_line: str | None, lang: str) -> str:
    """The service's name in `lang`; a campaign over a whole service line names the line."""
    if service_id:
        card = services.knowledge.snapshot.kb.service(service_id)
        return card.name.get(lang) if card is not None else service_id
    line = services.strings.get(f"campaigns.service_line.{service_line}", lang) if service_line else ""
    return services.strings.get("campaigns.any_service", lang, line=line)


def _outbox(
    services_key: web.AppKey[BotServices], connector_key: web.AppKey[BotConnector], metrics: Metrics | None
) -> Callable[[web.Application], AsyncIterator[None]]:
    async def run(app: web.Application) -> AsyncIterator[None]:
        services = app[services_key]
        app[SERVICES] = services
        settings = services.settings
        config = OutboxConfig(rate=settings.campaign_rate, max_in_flight=settings.campaign_in_flight)
        worker = OutboxWorker(services.sessionmaker, app[connector_key], renderer(services), clock=app[CLOCK], config=config, metrics=metrics)
        app[OUTBOX] = worker
        worker.start()
        try:
            yield
        finally:
            await worker.stop()

    return run
