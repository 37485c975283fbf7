"""App keys shared by the campaign parts of the aiohttp app (worker, export route)."""

from __future__ import annotations

from typing import Final

from aiohttp import web

from bot.service.context import BotServices
from bot.service.outbox import Clock, OutboxWorker

OUTBOX: Final = web.AppKey("outbox", OutboxWorker)
CLOCK: Final = web.AppKey("clock", Clock)
SERVICES: Final = web.AppKey("campaign_services", BotServices)
