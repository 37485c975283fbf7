"""Configuration from the environment, with the Bot Framework's standard names."""

from __future__ import annotations

from pathlib import Path

import pytest

from bot.service.settings import DEFAULT_DATABASE_URL, DEFAULT_KNOWLEDGE_ROOT, Settings, SettingsError


def test_an_empty_environment_gives_local_mode_on_loopback_port_3978_with_sqlite() -> None:
    settings = Settings.from_env({})

    assert settings.local_mode
    assert (settings.host, settings.port) == ("127.0.0.1", 3978)
    assert settings.database_url == DEFAULT_DATABASE_URL and "./data/" in settings.database_url
    assert settings.knowledge_root == DEFAULT_KNOWLEDGE_ROOT


def test_the_bot_framework_variables_are_read_by_their_standard_names() -> None:
    settings = Settings.from_env(
        {
            "MicrosoftAppId": "app-id",
            "MicrosoftAppPassword": "secret",
            "MicrosoftAppType": "SingleTenant",
            "MicrosoftAppTenantId": "tenant",
            "PORT": "8080",
            "HOST": "0.0.0.0",
            "DATABASE_URL": "postgresql+asyncpg://u@db/palveluopas",
            "KNOWLEDGE_ROOT": "/srv/knowledge",
            "LOG_LEVEL": "debug",
            "MAX_BODY_BYTES": "65536",
            "ADMIN_TOKEN": "token",
        }
    )

    assert not settings.local_mode
    assert (settings.app_id, settings.app_password, settings.app_type, settings.tenant_id) == ("app-id", "secret", "SingleTenant", "tenant")
    assert (settings.host, settings.port, settings.log_level, settings.max_body_bytes) == ("0.0.0.0", 8080, "DEBUG", 65536)
    assert settings.knowledge_root == Path("/srv/knowledge")
    assert settings.admin_token == "token"


@pytest.mark.parametrize(
    ("environ", "named"),
    [
        ({"PORT": "web"}, "PORT"),
        ({"PORT": "70000"}, "PORT"),
        ({"MicrosoftAppType": "Whatever"}, "MicrosoftAppType"),
        ({"MicrosoftAppId": "id", "MicrosoftAppType": "SingleTenant", "MicrosoftAppPassword": "x"}, "MicrosoftAppTenantId"),
        ({"LOG_LEVEL": "chatty"}, "LOG_LEVEL"),
    ],
)
def test_a_malformed_value_is_refused_naming_the_variable(environ: dict[str, str], named: str) -> None:
    with pytest.raises(SettingsError, match=named):
        Settings.from_env(environ)


def test_the_repr_shows_no_secret() -> None:
    settings = Settings.from_env(
        {
            "MicrosoftAppId": "app-id",
            "MicrosoftAppPassword": "app-pass-Z9",
            "MicrosoftAppType": "MultiTenant",
            "ADMIN_TOKEN": "admin-token-Q7",
            "DATABASE_URL": "postgresql+asyncpg://palveluopas:db-pass-X3@db:5432/palveluopas",
        }
    )

    shown = repr(settings)

    for secret in ("app-pass-Z9", "admin-token-Q7", "db-pass-X3"):
        assert secret not in shown
    assert "app_id='app-id'" in shown and "admin_token='***'" in shown and "db:5432/palveluopas" in shown


def test_retention_is_90_days_unless_retention_days_says_otherwise() -> None:
    assert Settings.from_env({}).retention_days == 90
    assert Settings.from_env({"RETENTION_DAYS": "30"}).retention_days == 30
    with pytest.raises(SettingsError, match="RETENTION_DAYS"):
        Settings.from_env({"RETENTION_DAYS": "0"})


def test_the_knowledge_cache_sits_beside_the_data_unless_moved_or_turned_off() -> None:
    assert Settings.from_env({}).knowledge_cache == Path("./data/cache")
    assert Settings.from_env({"KNOWLEDGE_CACHE_DIR": "/var/cache/pv"}).knowledge_cache == Path("/var/cache/pv")
    assert Settings.from_env({"KNOWLEDGE_CACHE_DIR": "off"}).knowledge_cache is None
    assert Settings().knowledge_cache is None


def test_an_instance_runs_16_turns_at_once_unless_turns_in_flight_says_otherwise() -> None:
    assert Settings.from_env({}).turns_in_flight == 16
    assert Settings.from_env({"TURNS_IN_FLIGHT": "4"}).turns_in_flight == 4
    with pytest.raises(SettingsError, match="TURNS_IN_FLIGHT"):
        Settings.from_env({"TURNS_IN_FLIGHT": "0"})
