"""`deploy/requirements.lock` (what the image installs) is current with pyproject.toml."""

from __future__ import annotations

import re
import shlex
import shutil
import subprocess
import sys
import tomllib
from pathlib import Path

import pytest
from packaging.requirements import Requirement
from packaging.utils import canonicalize_name
from packaging.version import Version

REPO_ROOT = Path(__file__).resolve().parents[2]
LOCK = REPO_ROOT / "deploy" / "requirements.lock"
_PIN = re.compile(r"^([A-Za-z0-9][A-Za-z0-9._-]*)==([^\s;\\]+)", re.MULTILINE)
_NETWORK_TROUBLE = ("failed to fetch", "dns error", "connect error", "network", "timed out", "no such host")


def _pins() -> dict[str, Version]:
    return {canonicalize_name(name): Version(version) for name, version in _PIN.findall(LOCK.read_text(encoding="utf-8"))}


def _dependencies() -> list[Requirement]:
    project = tomllib.loads((REPO_ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]
    return [Requirement(line) for line in project["dependencies"]]


def test_every_dependency_is_locked_at_a_version_its_range_allows() -> None:
    pins = _pins()

    for requirement in _dependencies():
        name = canonicalize_name(requirement.name)
        assert name in pins, f"{requirement.name} is in pyproject.toml but not in the lock: run `make lock`"
        assert requirement.specifier.contains(pins[name], prereleases=True), (
            f"{requirement.name}=={pins[name]} is outside {requirement.specifier}: run `make lock`"
        )


def test_every_locked_package_carries_its_hashes() -> None:
    # The image installs with --require-hashes: one pin without hashes fails the build.
    blocks = re.split(r"\n(?=[A-Za-z0-9])", LOCK.read_text(encoding="utf-8"))
    pinned = [block for block in blocks if _PIN.match(block)]

    assert pinned and all("--hash=sha256:" in block for block in pinned)


def _lock_command() -> list[str]:
    makefile = (REPO_ROOT / "Makefile").read_text(encoding="utf-8")
    line = re.search(r"^LOCK_COMMAND = (.+)$", makefile, re.MULTILINE)
    assert line, "the Makefile defines LOCK_COMMAND"
    return shlex.split(line.group(1).replace("$(BIN)", str(Path(sys.executable).parent)))


def test_make_lock_would_write_the_lock_that_is_checked_in(tmp_path: Path) -> None:
    command = _lock_command()
    if shutil.which(command[0]) is None:
        pytest.skip(f"{command[0]} is not installed (make install brings it)")
    out = tmp_path / "requirements.lock"
    # Starting from the checked-in lock, as `make lock` does: its versions are kept while
    # they still fit, so only a change to pyproject.toml changes the result.
    shutil.copyfile(LOCK, out)

    done = subprocess.run([*command, "-o", str(out)], check=False, cwd=REPO_ROOT, capture_output=True, text=True, timeout=300)

    if done.returncode != 0 and any(word in done.stderr.lower() for word in _NETWORK_TROUBLE):
        pytest.skip(f"the package index cannot be reached to re-resolve (the offline checks above still ran): {done.stderr.strip()[:300]}")
    assert done.returncode == 0, done.stderr
    assert out.read_text(encoding="utf-8") == LOCK.read_text(encoding="utf-8"), "deploy/requirements.lock is not current: run `make lock` and commit it"
