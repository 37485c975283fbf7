"""`deploy/compose.yaml` and `deploy/.env.example`: the production shape, read without an engine."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import yaml

REPO_ROOT = Path(__file__).resolve().parents[2]
DEPLOY = REPO_ROOT / "deploy"


def _compose() -> dict[str, Any]:
    loaded: dict[str, Any] = yaml.safe_load((DEPLOY / "compose.yaml").read_text(encoding="utf-8"))
    return loaded


def _documented() -> dict[str, str]:
    lines = (DEPLOY / ".env.example").read_text(encoding="utf-8").splitlines()
    return dict(line.split("=", 1) for line in lines if line and not line.startswith("#"))


def _variables_the_code_reads() -> set[str]:
    sources = [REPO_ROOT / "bot" / "service" / "settings.py", REPO_ROOT / "bot" / "service" / "teams_package.py"]
    found: set[str] = set()
    for source in sources:
        text = source.read_text(encoding="utf-8")
        found |= set(re.findall(r'text\("([A-Za-z_]+)"', text))
        found |= set(re.findall(r'_integer\(environ, "([A-Z_]+)"', text))
        found |= set(re.findall(r'_seconds\(environ, "([A-Z_]+)"', text))
        found |= set(re.findall(r'pick\("[a-z_]+", "([A-Za-z_]+)"', text))
    return found


def test_every_variable_of_the_bot_compose_and_teams_package_is_in_the_example_env_file() -> None:
    compose_text = (DEPLOY / "compose.yaml").read_text(encoding="utf-8")
    from_compose = set(re.findall(r"\$\{([A-Za-z_]+)", compose_text))
    # Set by compose itself for the container, not by the operator.
    set_by_compose = {"DATABASE_URL", "HOST", "PORT"}

    needed = (_variables_the_code_reads() | from_compose) - set_by_compose

    assert needed - set(_documented()) == set()
    assert {"MicrosoftAppId", "MicrosoftAppPassword", "POSTGRES_PASSWORD", "PUBLIC_HOSTNAME", "TEAMS_APP_ID"} <= needed


def test_no_secret_has_a_value_in_the_example() -> None:
    documented = _documented()

    for secret in ("MicrosoftAppPassword", "POSTGRES_PASSWORD", "ADMIN_TOKEN", "MicrosoftAppId"):
        assert documented[secret] == "", secret


def test_two_bot_replicas_behind_the_tls_proxy_on_postgresql_16_with_a_volume() -> None:
    services = _compose()["services"]

    assert services["bot"]["deploy"]["replicas"] == 2
    assert "ports" not in services["bot"], "only the proxy is reachable from outside"
    assert services["bot"]["env_file"] == ".env"
    assert re.fullmatch(r"caddy:2\.\d+\.\d+-alpine", services["proxy"]["image"])
    assert {"80:80", "443:443"} <= set(services["proxy"]["ports"])
    assert re.fullmatch(r"postgres:16\.\d+-\w+", services["db"]["image"])
    assert "pgdata:/var/lib/postgresql/data" in services["db"]["volumes"]
    assert "pgdata" in _compose()["volumes"]


def test_retention_runs_daily_on_the_same_database() -> None:
    retention = _compose()["services"]["retention"]

    assert "palveluopas db prune" in " ".join(retention["command"]) and "sleep 86400" in " ".join(retention["command"])
    assert retention["environment"]["DATABASE_URL"] == _compose()["services"]["bot"]["environment"]["DATABASE_URL"]
    assert "RETENTION_DAYS" in _documented()


def test_the_database_password_comes_from_the_env_file_and_must_be_set() -> None:
    services = _compose()["services"]

    assert services["db"]["environment"]["POSTGRES_PASSWORD"].startswith("${POSTGRES_PASSWORD:?")
    assert "${POSTGRES_PASSWORD:?" in services["bot"]["environment"]["DATABASE_URL"]


def test_the_proxy_sends_only_the_messaging_endpoint_to_every_replica() -> None:
    caddyfile = (DEPLOY / "Caddyfile").read_text(encoding="utf-8")

    assert "{$PUBLIC_HOSTNAME} {" in caddyfile
    assert re.search(r"handle /api/messages \{\s*reverse_proxy \{\s*(#[^\n]*\n\s*)*dynamic a \{\s*name bot\s*port 3978", caddyfile)
    assert "respond 404" in caddyfile
    assert "/metrics" not in re.sub(r"#[^\n]*", "", caddyfile), "metrics are not published"


def test_the_proxy_publishes_the_export_links_users_open_in_their_browser() -> None:
    # Export links are PUBLIC_URL/exports/<token> (bot/service/campaign_desk.py): behind the
    # proxy they must not be its 404.
    caddyfile = (DEPLOY / "Caddyfile").read_text(encoding="utf-8")

    assert re.search(r"handle /exports/\* \{\s*reverse_proxy \{\s*dynamic a \{\s*name bot\s*port 3978", caddyfile)
