"""`palveluopas run`: the real server process, as `make run` starts it."""

from __future__ import annotations

import json
import os
import shutil
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path
from typing import Any

from bot.store.snapshot_cache import cached_snapshot

REPO_ROOT = Path(__file__).resolve().parents[4]


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def _env(database_url: str, kb_root: Path, port: int) -> dict[str, str]:
    return {**os.environ, "DATABASE_URL": database_url, "KNOWLEDGE_ROOT": str(kb_root), "PORT": str(port)}


def _request(url: str, body: dict[str, Any] | None = None) -> tuple[int, Any]:
    data = None if body is None else json.dumps(body).encode()
    request = urllib.request.Request(url, data=data, headers={"Content-Type": "application/json"})
    try:
        with urllib.request.urlopen(request, timeout=10) as response:
            return response.status, json.loads(response.read() or b"null")
    except urllib.error.HTTPError as error:
        return error.code, json.loads(error.read() or b"null")


def test_the_server_answers_on_port_and_reloads_knowledge_on_sighup(database_url: str, kb_root: Path, tmp_path: Path) -> None:
    port = _free_port()
    kb = tmp_path / "kb"
    shutil.copytree(kb_root, kb)
    server = subprocess.Popen(
        [sys.executable, "-m", "bot.service.cli", "run"],
        env=_env(database_url, kb, port),
        cwd=REPO_ROOT,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                status, _ = _request(f"{base}/healthz")
                break
            except OSError:
                assert server.poll() is None and time.monotonic() < deadline, server.stderr.read() if server.poll() is not None else "no answer in 60 s"
                time.sleep(0.2)
        assert status == 200

        status, body = _request(
            f"{base}/api/messages",
            {
                "type": "message",
                "text": "hei",
                "deliveryMode": "expectReplies",
                "channelId": "emulator",
                "serviceUrl": "http://127.0.0.1:9",
                "conversation": {"id": "run-1"},
                "from": {"id": "u"},
                "recipient": {"id": "b"},
                "locale": "fi-FI",
            },
        )
        assert status == 200
        assert body["activities"][0]["text"].startswith("Hei! Olen Palveluopas")

        version = _request(f"{base}/readyz")[1]["knowledge"]["version"]
        service = kb / "services" / "testipalvelu.yaml"
        service.write_text(service.read_text(encoding="utf-8").replace("Testipalvelu\n", "Testipalvelu uusi\n", 1), encoding="utf-8")
        server.send_signal(signal.SIGHUP)
        deadline = time.monotonic() + 20
        while _request(f"{base}/readyz")[1]["knowledge"]["version"] == version:
            assert time.monotonic() < deadline, "SIGHUP did not reload the knowledge base"
            time.sleep(0.2)
    finally:
        server.send_signal(signal.SIGINT)
        out, _ = server.communicate(timeout=30)
    assert f"{base}/api/messages" in out, "the start-up banner says where to talk to the bot"


def test_the_server_refuses_to_start_on_an_invalid_knowledge_base(database_url: str, kb_root: Path, tmp_path: Path) -> None:
    kb = tmp_path / "kb"
    shutil.copytree(kb_root, kb)
    (kb / "finder.yaml").write_text("questions: [\n", encoding="utf-8")

    result = subprocess.run(
        [sys.executable, "-m", "bot.service.cli", "run"],
        env=_env(database_url, kb, _free_port()),
        cwd=REPO_ROOT,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )

    assert result.returncode == 2
    assert "knowledge base" in result.stderr and "finder.yaml" in result.stderr and "[KB004]" in result.stderr
    assert len(result.stderr.splitlines()) <= 25, "the problems fit on one screen"


def _prepare(kb: Path, cache: str) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "KNOWLEDGE_ROOT": str(kb), "KNOWLEDGE_CACHE_DIR": cache}
    return subprocess.run(
        [sys.executable, "-m", "bot.service.cli", "run", "--prepare"], env=env, cwd=REPO_ROOT, capture_output=True, text=True, timeout=60, check=False
    )


def test_prepare_saves_the_index_a_start_then_reads_instead_of_building(kb_root: Path, tmp_path: Path) -> None:
    cache = tmp_path / "cache"
    result = _prepare(kb_root, str(cache))

    assert result.returncode == 0, result.stderr
    assert "indexed" in result.stdout
    [saved] = cache.glob("snapshot-*.pickle")
    assert saved.name in result.stdout

    def must_not_build() -> Any:
        raise AssertionError("the start built the index although --prepare had saved it")

    assert cached_snapshot(kb_root, cache, must_not_build).kb.faq


def test_prepare_refuses_an_invalid_knowledge_base_and_a_cache_that_is_off(kb_root: Path, tmp_path: Path) -> None:
    kb = tmp_path / "kb"
    shutil.copytree(kb_root, kb)
    (kb / "finder.yaml").write_text("questions: [\n", encoding="utf-8")

    broken = _prepare(kb, str(tmp_path / "cache"))
    off = _prepare(kb_root, "off")

    assert broken.returncode == 2 and "[KB004]" in broken.stderr
    assert not (tmp_path / "cache").exists() or not list((tmp_path / "cache").glob("snapshot-*"))
    assert off.returncode == 2 and "KNOWLEDGE_CACHE_DIR is off" in off.stderr
