"""Configuration, read once from the environment.

The Bot Framework names (`MicrosoftAppId`, `MicrosoftAppPassword`, `MicrosoftAppType`,
`MicrosoftAppTenantId`) are the ones Azure Bot Service and the Bot Framework samples use, so
an App Service configured for any Bot Framework bot works unchanged. The README's
configuration table lists every variable; keep the two in step.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass, fields
from pathlib import Path
from typing import Final

from sqlalchemy import make_url
from sqlalchemy.exc import ArgumentError

DEFAULT_PORT: Final = 3978
DEFAULT_HOST: Final = "127.0.0.1"
DEFAULT_DATABASE_URL: Final = "sqlite+aiosqlite:///./data/palveluopas.db"
DEFAULT_KNOWLEDGE_CACHE: Final = "./data/cache"
DEFAULT_KNOWLEDGE_ROOT: Final = Path(__file__).resolve().parents[2] / "knowledge"
DEFAULT_MAX_BODY_BYTES: Final = 256 * 1024
"""Teams caps a message at about 28 KB; a quarter megabyte leaves room for card submits and
channel data while keeping a hostile body from being parsed."""
DEFAULT_RETENTION_DAYS: Final = 90
"""How long conversation state and unanswered Q&A questions are kept (`RETENTION_DAYS`)."""
APP_TYPES: Final = ("MultiTenant", "SingleTenant", "UserAssignedMSI")
DEFAULT_TURN_TIMEOUT: Final = 4.0
"""Teams resends a message after 15 s; a turn gives up well before, with a friendly reply."""
DEFAULT_TURNS_IN_FLIGHT: Final = 16
DEFAULT_DATABASE_TIMEOUT: Final = 2.0
DEFAULT_CONNECTOR_TIMEOUT: Final = 3.0


class SettingsError(ValueError):
    """A configuration value is malformed; the message names the variable."""


SECRET_FIELDS: Final = frozenset({"app_password", "admin_token"})
"""Never shown by `repr` (which lands in tracebacks, debuggers and log lines)."""


@dataclass(frozen=True, repr=False)
class Settings:
    app_id: str = ""
    app_password: str = ""
    app_type: str = "MultiTenant"
    tenant_id: str = ""
    host: str = DEFAULT_HOST
    port: int = DEFAULT_PORT
    database_url: str = DEFAULT_DATABASE_URL
    knowledge_root: Path = DEFAULT_KNOWLEDGE_ROOT
    knowledge_cache: Path | None = None
    """`KNOWLEDGE_CACHE_DIR` (`./data/cache`; `off` for none): where the indexed knowledge
    base is kept between starts (`bot/store/snapshot_cache.py`)."""
    log_level: str = "INFO"
    max_body_bytes: int = DEFAULT_MAX_BODY_BYTES
    admin_token: str = ""
    """Bearer token for `POST /admin/reload`; without one the endpoint exists only in local mode."""
    admins: tuple[str, ...] = ()
    """`PALVELUOPAS_ADMINS`: Entra object ids of the users who may register channels and grant roles."""
    turn_timeout: float = DEFAULT_TURN_TIMEOUT
    turns_in_flight: int = DEFAULT_TURNS_IN_FLIGHT
    """`TURNS_IN_FLIGHT`: turns an instance runs at once; more wait their turn in arrival order."""
    database_timeout: float = DEFAULT_DATABASE_TIMEOUT
    """Seconds for one statement, for a pooled connection, for connecting (and SQLite's busy wait)."""
    connector_timeout: float = DEFAULT_CONNECTOR_TIMEOUT
    """Seconds for one call to the Bot Connector (a reply, the typing indicator)."""
    public_url: str = ""
    """The bot's own address as users' browsers reach it (export download links)."""
    campaign_rate: float = 20.0
    """Proactive messages per second, shared by all instances (Teams allows 50/s per app per tenant)."""
    campaign_in_flight: int = 32
    reminder_hours_before: int = 48
    """The automatic reminder goes this long before a campaign's due date."""

    retention_days: int = DEFAULT_RETENTION_DAYS
    """Conversation state and unanswered questions older than this are deleted."""

    def __repr__(self) -> str:
        shown = []
        for field in fields(self):
            value = getattr(self, field.name)
            if field.name in SECRET_FIELDS:
                shown.append(f"{field.name}={'***' if value else ''!r}")
            elif field.name == "database_url":
                shown.append(f"{field.name}={_without_password(value)!r}")
            else:
                shown.append(f"{field.name}={value!r}")
        return f"Settings({', '.join(shown)})"

    @property
    def local_mode(self) -> bool:
        """No app id: the Emulator, the terminal chat and tests talk to the bot unauthenticated."""
        return not self.app_id

    @classmethod
    def from_env(cls, environ: Mapping[str, str] = os.environ) -> Settings:
        def text(name: str, default: str = "") -> str:
            return environ.get(name, "").strip() or default

        app_type = text("MicrosoftAppType", "MultiTenant")
        if app_type not in APP_TYPES:
            raise SettingsError(f"MicrosoftAppType must be one of {', '.join(APP_TYPES)}, not {app_type!r}")
        if text("MicrosoftAppId"):
            needed = {"SingleTenant": ("MicrosoftAppPassword", "MicrosoftAppTenantId"), "UserAssignedMSI": ("MicrosoftAppTenantId",)}.get(app_type, ())
            missing = [name for name in needed if not text(name)]
            if missing:
                raise SettingsError(f"MicrosoftAppType={app_type} also needs {' and '.join(missing)}")
        log_level = text("LOG_LEVEL", "INFO").upper()
        if log_level not in ("DEBUG", "INFO", "WARNING", "ERROR"):
            raise SettingsError(f"LOG_LEVEL must be DEBUG, INFO, WARNING or ERROR, not {log_level!r}")
        return cls(
            app_id=text("MicrosoftAppId"),
            app_password=text("MicrosoftAppPassword"),
            app_type=app_type,
            tenant_id=text("MicrosoftAppTenantId"),
            host=text("HOST", DEFAULT_HOST),
            port=_integer(environ, "PORT", DEFAULT_PORT, low=1, high=65535),
            database_url=text("DATABASE_URL", DEFAULT_DATABASE_URL),
            knowledge_root=Path(text("KNOWLEDGE_ROOT", str(DEFAULT_KNOWLEDGE_ROOT))),
            knowledge_cache=None if text("KNOWLEDGE_CACHE_DIR").lower() == "off" else Path(text("KNOWLEDGE_CACHE_DIR", DEFAULT_KNOWLEDGE_CACHE)),
            log_level=log_level,
            max_body_bytes=_integer(environ, "MAX_BODY_BYTES", DEFAULT_MAX_BODY_BYTES, low=1024, high=64 * 1024 * 1024),
            admin_token=text("ADMIN_TOKEN"),
            admins=tuple(part for part in text("PALVELUOPAS_ADMINS").replace(",", " ").split() if part),
            retention_days=_integer(environ, "RETENTION_DAYS", DEFAULT_RETENTION_DAYS, low=1, high=3650),
            turn_timeout=_seconds(environ, "TURN_TIMEOUT_SECONDS", DEFAULT_TURN_TIMEOUT),
            turns_in_flight=_integer(environ, "TURNS_IN_FLIGHT", DEFAULT_TURNS_IN_FLIGHT, low=1, high=1024),
            database_timeout=_seconds(environ, "DATABASE_TIMEOUT_SECONDS", DEFAULT_DATABASE_TIMEOUT),
            connector_timeout=_seconds(environ, "CONNECTOR_TIMEOUT_SECONDS", DEFAULT_CONNECTOR_TIMEOUT),
            public_url=text("PUBLIC_URL").rstrip("/"),
            campaign_rate=float(_integer(environ, "CAMPAIGN_RATE", 20, low=1, high=45)),
            campaign_in_flight=_integer(environ, "CAMPAIGN_IN_FLIGHT", 32, low=1, high=256),
            reminder_hours_before=_integer(environ, "CAMPAIGN_REMINDER_HOURS", 48, low=1, high=24 * 30),
        )


def _integer(environ: Mapping[str, str], name: str, default: int, *, low: int, high: int) -> int:
    raw = environ.get(name, "").strip()
    if not raw:
        return default
    try:
        value = int(raw)
    except ValueError:
        raise SettingsError(f"{name} must be a whole number, not {raw!r}") from None
    if not low <= value <= high:
        raise SettingsError(f"{name} must be between {low} and {high}, not {value}")
    return value


def _without_password(url: str) -> str:
    try:
        return make_url(url).render_as_string(hide_password=True)
    except ArgumentError:
        return "(unparseable URL)"


def _seconds(environ: Mapping[str, str], name: str, default: float) -> float:
    raw = environ.get(name, "").strip()
    if not raw:
        return default
    try:
        value = float(raw)
    except ValueError:
        raise SettingsError(f"{name} must be a number of seconds, not {raw!r}") from None
    if not 0.1 <= value <= 60:
        raise SettingsError(f"{name} must be between 0.1 and 60 seconds, not {value}")
    return value
