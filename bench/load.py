"""What the benches that load a server share: a migrated database with the bench's
agencies, starting the server (uvicorn, a worker process per core), driving it with many
clients (``hammer``), and the bench owners' personal IDs."""

from __future__ import annotations

import asyncio
import os
import statistics
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import httpx

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from sohoa.db import make_engine, migrate  # noqa: E402
from sohoa.runtime import build_services  # noqa: E402
from sohoa.services import Services  # noqa: E402
from sohoa.settings import Settings  # noqa: E402
from tests.services import Postgres  # noqa: E402

AGENCIES = [f"000.00.{n:02d}.H{n:02d}" for n in range(10, 20)]


def open_service(postgres: Postgres, data: Path,
                 **variables: str) -> tuple[dict[str, str], Settings, Services]:
    """A database ``bench`` migrated, the environment a server of it is started with (and
    this process's, so its settings read the same), and the services, jobs not started,
    with the bench's agencies."""
    postgres.execute("CREATE DATABASE bench")
    url = postgres.url("bench")
    env = {**os.environ, "SOHOA_DATA_DIR": str(data), "SOHOA_DATABASE_URL": url,
           "SOHOA_DB_POOL_SIZE": "30", "SOHOA_DB_MAX_OVERFLOW": "30", **variables}
    os.environ.update(env)
    migrate(make_engine(url))
    settings = Settings()
    services = build_services(settings, start_jobs=False)
    for code in AGENCIES:
        services.vault.agencies.add_agency(code, f"Cơ quan {code}", actor="bench")
    return env, settings, services


def personal_id(n: int) -> str:
    """A well-formed personal ID (Hà Nội, born 1900s) for bench owner ``n``."""
    return f"0010{n:08d}"


async def hammer(base: str, calls: list[tuple[str, dict[str, str], dict[str, str]]],
                 clients: int, seconds: float, rate: float | None = None) -> dict[str, Any]:
    """``clients`` tasks call the URLs in turn for ``seconds``; the latency of each call.

    Back to back (``rate`` None): each client sends its next call when the last one
    answers, the most a closed loop can ask of the server. Paced: each client sends
    ``rate`` calls a second on a fixed schedule, and latency counts from the time a
    call was due, so a server that falls behind is not flattered (no coordinated
    omission). aiohttp (C parser, keep-alive), because httpx's async client costs more
    CPU per call than the routes it measures. Every call is made once first, not timed:
    a server's first answers fill its caches (compiled queries, vault keys, pages of the
    index), which a server at work has warm."""
    import aiohttp

    async with aiohttp.ClientSession(base) as warming:
        for path, params, headers in calls:
            async with warming.get(path, params=params, headers=headers) as response:
                await response.read()
    latencies: list[float] = []
    errors = 0
    started = time.perf_counter()
    deadline = started + seconds
    connector = aiohttp.TCPConnector(limit=clients)
    async with aiohttp.ClientSession(base, connector=connector,
                                     timeout=aiohttp.ClientTimeout(total=30)) as client:
        async def one(offset: int) -> None:
            nonlocal errors
            n = offset
            due = started + (offset / clients / rate if rate else 0)
            while due < deadline:
                if rate:
                    await asyncio.sleep(max(0.0, due - time.perf_counter()))
                else:
                    due = time.perf_counter()
                path, params, headers = calls[n % len(calls)]
                n += clients
                async with client.get(path, params=params, headers=headers) as response:
                    await response.read()
                latencies.append(time.perf_counter() - due)
                errors += response.status != 200
                due = due + 1 / rate if rate else time.perf_counter()
        await asyncio.gather(*(one(i) for i in range(clients)))
    latencies.sort()
    return {"calls": len(latencies), "errors": errors,
            "p50_ms": round(1000 * statistics.median(latencies), 1),
            "p99_ms": round(1000 * latencies[int(len(latencies) * 0.99) - 1], 1),
            "per_second": round(len(latencies) / seconds)}


def serve(env: dict[str, str], port: int) -> subprocess.Popen[bytes]:
    server = subprocess.Popen(
        [sys.executable, "-m", "uvicorn", "sohoa.api:create_app", "--factory", "--workers",
         str(os.cpu_count() or 2), "--host", "127.0.0.1", "--port", str(port), "--log-level", "warning"],
        env=env, cwd=ROOT)
    for _ in range(200):
        try:
            if httpx.get(f"http://127.0.0.1:{port}/healthz").status_code == 200:
                return server
        except httpx.HTTPError:
            time.sleep(0.2)
    server.kill()
    raise RuntimeError("the API did not start")
