"""sohoa's own commands run as a user runs them: `sohoa serve` and `sohoa worker`.

Each runs in its own process group, so SIGKILL takes its children too, as when a
machine loses power.
"""

from __future__ import annotations

import os
import secrets
import signal
import subprocess
import sys
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import httpx
import pytest

from tests.conftest import TEMPLATE_DATABASE
from tests.services import Postgres, Redis, free_port
from tests.waiting import wait_until

SOHOA = str(Path(sys.executable).with_name("sohoa"))


@contextmanager
def celery_system(data: Path, postgres: Postgres, redis_server: Redis,
                  monkeypatch: pytest.MonkeyPatch, **extra: str) -> Iterator[dict[str, str]]:
    """The settings several processes share: a fresh PostgreSQL database, the Celery
    backend on an emptied Redis, short leases; set here too, for in-process services."""
    name = f"t_{secrets.token_hex(6)}"
    postgres.execute(f"CREATE DATABASE {name} TEMPLATE {TEMPLATE_DATABASE}")
    env = {
        "SOHOA_DATA_DIR": str(data), "SOHOA_DATABASE_URL": postgres.url(name),
        "SOHOA_JOB_BACKEND": "celery", "SOHOA_REDIS_URL": redis_server.url,
        # A queued job whose message died with a worker (delivered, never claimed) is
        # dispatched again once its queued lease runs out: 20 s here, not an hour.
        "SOHOA_JOB_LEASE_SECONDS": "3", "SOHOA_JOB_QUEUED_LEASE_SECONDS": "20",
        "SOHOA_JOB_REAP_SECONDS": "1",
        "SOHOA_JOB_RETRY_SECONDS": "0.5", "SOHOA_OCR_JOBS": "1", **extra,
    }
    for key, value in env.items():
        monkeypatch.setenv(key, value)
    import redis

    redis.Redis.from_url(redis_server.url).flushdb()  # the broker is shared by the session
    try:
        yield env
    finally:
        postgres.execute(f"DROP DATABASE {name} WITH (FORCE)")


class TreeMemory:
    """The peak of the memory a process and all its descendants (a `sohoa` command with
    its forkserver, parsing children, OCR workers and their forks) hold together,
    sampled every ``interval`` seconds in a thread: the sum of their resident sets
    (``peak_kb``), and of their proportional set sizes (``peak_pss_kb``), which counts a
    page that forked processes share once across them rather than once per process. A
    child living less than ``interval`` may be missed; the parsing sandbox bounds those
    by its own limit."""

    def __init__(self, root: int, interval: float = 0.05) -> None:
        self.root, self.interval = root, interval
        self.peak_kb = self.peak_pss_kb = 0
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._sample, daemon=True)
        self._thread.start()

    def close(self) -> None:
        self._stop.set()
        self._thread.join()

    def _sample(self) -> None:
        while not self._stop.wait(self.interval):
            tree = self.tree()
            self.peak_kb = max(self.peak_kb, sum(_memory_kb(pid, "status", "VmRSS:")
                                                 for pid in tree))
            self.peak_pss_kb = max(self.peak_pss_kb, sum(
                _memory_kb(pid, "smaps_rollup", "Pss:") for pid in tree))

    def tree(self) -> set[int]:
        """The root's pid and its descendants' now."""
        parents: dict[int, int] = {}
        for entry in Path("/proc").iterdir():
            if entry.name.isdigit():
                try:
                    # After the command name (which may hold spaces): state, ppid, ...
                    stat = (entry / "stat").read_text()
                    parents[int(entry.name)] = int(stat.rsplit(")", 1)[1].split()[1])
                except (OSError, IndexError, ValueError):
                    continue  # ended while we looked
        tree, grown = {self.root}, True
        while grown:
            found = {pid for pid, parent in parents.items() if parent in tree} - tree
            tree |= found
            grown = bool(found)
        return tree


def _memory_kb(pid: int, file: str, field: str) -> int:
    """One memory figure (KiB) of a process from /proc; 0 once it has ended."""
    try:
        text = Path(f"/proc/{pid}/{file}").read_text()
    except OSError:
        return 0
    for line in text.splitlines():
        if line.startswith(field):
            return int(line.split()[1])
    return 0


class SohoaProcess:
    """One `sohoa …` command with the given environment, its output in ``log``."""

    def __init__(self, args: list[str], env: dict[str, str], log: Path) -> None:
        self.log = log
        self.process = subprocess.Popen(
            [SOHOA, *args], env={**os.environ, **env}, stdout=log.open("ab"),
            stderr=subprocess.STDOUT, start_new_session=True)

    def kill(self) -> None:
        """SIGKILL to the whole group: no clean-up runs."""
        os.killpg(self.process.pid, signal.SIGKILL)
        self.process.wait(timeout=30)

    def stop(self) -> None:
        if self.process.poll() is None:
            os.killpg(self.process.pid, signal.SIGTERM)
            try:
                self.process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                self.kill()

    def peak_rss_kb(self) -> int:
        """The process's high-water mark of resident memory (VmHWM), in KiB."""
        for line in Path(f"/proc/{self.process.pid}/status").read_text().splitlines():
            if line.startswith("VmHWM:"):
                return int(line.split()[1])
        raise AssertionError("no VmHWM line")


class Worker(SohoaProcess):
    """`sohoa worker` with one pool process."""

    def __init__(self, env: dict[str, str], log: Path, name: str) -> None:
        super().__init__(["worker", "--concurrency", "1", "--name", name], env, log)


class ApiServer(SohoaProcess):
    """`sohoa serve` on a free port of 127.0.0.1, ready when /healthz answers."""

    def __init__(self, env: dict[str, str], log: Path, *, timeout: float = 60,
                 port: int | None = None) -> None:
        self.port = port or free_port()
        super().__init__(["serve", "--host", "127.0.0.1", "--port", str(self.port)], env, log)
        self.url = f"http://127.0.0.1:{self.port}"

        def healthy() -> bool:
            if self.process.poll() is not None:
                raise AssertionError(f"sohoa serve exited: {log.read_text()[-2000:]}")
            try:
                return httpx.get(f"{self.url}/healthz", timeout=1).status_code == 200
            except httpx.HTTPError:
                return False

        wait_until(healthy, timeout=timeout, what="sohoa serve to answer /healthz", every=0.2)

    def client(self, headers: dict[str, str] | None = None) -> httpx.Client:
        return httpx.Client(base_url=self.url, headers=headers or {}, timeout=300)
