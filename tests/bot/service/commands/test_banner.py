"""The start-up banner tells how to chat with this very server, not how to start another."""

from __future__ import annotations

from pathlib import Path

from bot.service.commands.run import banner
from bot.service.settings import Settings


def test_the_banner_names_the_chat_command_for_this_servers_port_as_make_run_starts_it() -> None:
    shown = banner(Settings(port=4000), ".venv/bin/palveluopas")

    assert ".venv/bin/palveluopas chat --url http://127.0.0.1:4000" in shown
    assert 'make chat CHAT_ARGS="--url http://127.0.0.1:4000"' in shown
    assert "http://127.0.0.1:4000/metrics" in shown


def test_a_server_on_every_interface_is_chatted_with_over_loopback() -> None:
    shown = banner(Settings(host="0.0.0.0", port=3978), str(Path.cwd() / ".venv" / "bin" / "palveluopas"))

    assert "listening on http://0.0.0.0:3978/api/messages" in shown
    assert ".venv/bin/palveluopas chat --url http://127.0.0.1:3978" in shown


def test_started_as_a_module_the_banner_says_palveluopas() -> None:
    assert "  palveluopas chat --url http://127.0.0.1:3978" in banner(Settings(), "/repo/bot/service/cli.py")
