"""A throwaway PostgreSQL cluster for fault tests: started, stopped, frozen and thawed at will.

Never the machine's server on 5432: `initdb` makes a new cluster in a private folder, it
listens on a free loopback port (and a socket in its own folder), and it is stopped and
deleted afterwards. The binaries come from the machine's PostgreSQL installation
(/usr/lib/postgresql/*/bin). As root (PostgreSQL refuses to run as root) the cluster runs
as the `postgres` user, in a folder that user owns.

`freeze()` stops the postmaster and every backend with SIGSTOP: connections stay open and
nothing answers, as with a hung host. `thaw()` resumes them.
"""

from __future__ import annotations

import contextlib
import glob
import os
import pwd
import shutil
import signal
import socket
import subprocess
import tempfile
from pathlib import Path

import pytest


def postgres_bin() -> Path | None:
    candidates = sorted(glob.glob("/usr/lib/postgresql/*/bin/initdb"), key=lambda p: int(Path(p).parts[-3]) if Path(p).parts[-3].isdigit() else 0)
    return Path(candidates[-1]).parent if candidates else None


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


class ThrowawayCluster:
    def __init__(self, bin_dir: Path, base: Path) -> None:
        self._bin = bin_dir
        self._as_root = os.geteuid() == 0
        if self._as_root:
            # tmp_path's parents are private to root; the postgres user needs a folder of its own.
            self.folder = Path(tempfile.mkdtemp(prefix="pv-fault-pg-"))
            user = pwd.getpwnam("postgres")
            os.chown(self.folder, user.pw_uid, user.pw_gid)
        else:
            self.folder = base
        self.data = self.folder / "data"
        self.port = _free_port()
        self._frozen: list[int] = []

    @property
    def url(self) -> str:
        return f"postgresql+asyncpg://postgres@127.0.0.1:{self.port}/postgres"

    def _run(self, *args: str) -> None:
        command = [str(self._bin / args[0]), *args[1:]]
        if self._as_root:
            command = ["runuser", "-u", "postgres", "--", *command]
        subprocess.run(command, check=True, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, timeout=120)

    def init(self) -> None:
        self._run("initdb", "-D", str(self.data), "-U", "postgres", "--auth=trust", "-E", "UTF8", "--no-sync")

    def start(self) -> None:
        options = f"-p {self.port} -k {self.folder} -c listen_addresses=127.0.0.1 -c fsync=off -c full_page_writes=off"
        self._run("pg_ctl", "-D", str(self.data), "-o", options, "-l", str(self.folder / "server.log"), "-w", "-t", "60", "start")

    def stop(self) -> None:
        self.thaw()
        self._run("pg_ctl", "-D", str(self.data), "-m", "immediate", "-w", "stop")

    def _processes(self) -> list[int]:
        """The postmaster and its children (backends, background workers), by pid."""
        postmaster = int((self.data / "postmaster.pid").read_text().split()[0])
        children = []
        for stat in glob.glob("/proc/[0-9]*/stat"):
            try:
                fields = Path(stat).read_text().rsplit(")", 1)[1].split()
            except OSError:
                continue
            if int(fields[1]) == postmaster:
                children.append(int(Path(stat).parent.name))
        return [postmaster, *children]

    def freeze(self) -> None:
        self._frozen = self._processes()
        for pid in self._frozen:
            os.kill(pid, signal.SIGSTOP)

    def thaw(self) -> None:
        for pid in self._frozen:
            with contextlib.suppress(ProcessLookupError):
                os.kill(pid, signal.SIGCONT)
        self._frozen = []

    def remove(self) -> None:
        try:
            if (self.data / "postmaster.pid").exists():
                self.stop()
        finally:
            if self._as_root:
                shutil.rmtree(self.folder, ignore_errors=True)


def throwaway_cluster(base: Path) -> ThrowawayCluster:
    """A started cluster; skips (fails with CI=true) when no PostgreSQL binaries are installed."""
    bin_dir = postgres_bin()
    if bin_dir is None:
        if os.environ.get("CI") == "true":
            pytest.fail("no PostgreSQL binaries in /usr/lib/postgresql/*/bin (CI=true: fault tests must run)")
        pytest.skip("no PostgreSQL binaries in /usr/lib/postgresql/*/bin")
    cluster = ThrowawayCluster(bin_dir, base)
    cluster.init()
    cluster.start()
    return cluster
