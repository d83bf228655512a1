#!/usr/bin/env python3
"""Benchmark: digitisation throughput with 1 and 2 Celery worker processes.

The production set-up in small: PostgreSQL, Redis as the broker, SeaweedFS for the
vault, and `sohoa worker` processes (one job at a time each, ``SOHOA_OCR_JOBS=1``,
so a process is one core's worth of OCR). The same documents — corpus pages, two
per document — are submitted as digitisation jobs, as the counter API does, and
the clock runs from the first submission until the last job is done: OCR to
PDF/A, the operator's PAdES signature with a timestamp, encryption, storage,
the digitisation record.

The baseline is one worker process; the figure is two, on this machine, in the
same run. Pages per minute per process, and the two-process efficiency, are what
the production guide's sizing model takes.

    .venv/bin/python bench/scale.py [--corpus ../shared/corpus] [--pages 24]

Prints one JSON document.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from sohoa import job_kinds  # noqa: E402
from sohoa.runtime import build_services  # noqa: E402
from sohoa.services import Services  # noqa: E402
from sohoa.settings import Settings  # noqa: E402
from sohoa.usecases import counter  # noqa: E402
from tests.services import start_postgres, start_redis, start_seaweed  # noqa: E402
from vault import Viewer  # noqa: E402

OWNER = "001099012345"
SOHOA = str(Path(sys.executable).with_name("sohoa"))


def corpus_pages(corpus: Path, count: int) -> list[tuple[str, bytes]]:
    images = sorted((corpus / "public" / "images").iterdir())
    images = [p for p in images if "_copy" not in p.name][:count]
    if len(images) < count:
        raise SystemExit(f"only {len(images)} pages in {corpus}")
    return [(p.name, p.read_bytes()) for p in images]


def start_workers(count: int, env: dict[str, str], logs: Path) -> list[subprocess.Popen[bytes]]:
    return [subprocess.Popen(
        [SOHOA, "worker", "--concurrency", "1", "--name", f"bench-{n}@scale"],
        env={**os.environ, **env}, stdout=(logs / f"worker-{count}-{n}.log").open("ab"),
        stderr=subprocess.STDOUT, start_new_session=True) for n in range(count)]


def stop(workers: list[subprocess.Popen[bytes]]) -> None:
    for worker in workers:
        os.killpg(worker.pid, signal.SIGTERM)
    for worker in workers:
        try:
            worker.wait(timeout=60)
        except subprocess.TimeoutExpired:
            os.killpg(worker.pid, signal.SIGKILL)


def run(services: Services, pages: list[tuple[str, bytes]], workers: int, env: dict[str, str],
        logs: Path) -> dict[str, Any]:
    """Submit two-page documents, wait for every job; pages per minute."""
    viewer = Viewer.system("bench")
    batches = [counter.prepare(services, pages[i:i + 2], owner=OWNER, viewer=viewer,
                               force=True) for i in range(0, len(pages), 2)]
    running = start_workers(workers, env, logs)
    try:
        time.sleep(8)  # the workers import, build their services and join the queue
        started = time.monotonic()
        jobs = [job_kinds.submit_digitisation(services, batch, actor="bench",
                                              requested_by=None).id
                for batch in batches]
        while True:
            states = [services.jobs.get(job_id).status for job_id in jobs]
            if "failed" in states:
                raise SystemExit(f"a job failed: see {logs}")
            if all(state == "done" for state in states):
                break
            time.sleep(0.25)
        wall = time.monotonic() - started
    finally:
        stop(running)
    return {"worker_processes": workers, "documents": len(jobs), "pages": len(pages),
            "wall_seconds": round(wall, 1), "pages_per_minute": round(len(pages) / wall * 60, 1)}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--corpus", type=Path, default=ROOT.parent / "shared" / "corpus")
    parser.add_argument("--pages", type=int, default=24)
    args = parser.parse_args()
    pages = corpus_pages(args.corpus, args.pages)
    work = Path(tempfile.mkdtemp(prefix="sohoa-scale-"))
    postgres = start_postgres()
    redis = start_redis(work / "redis")
    seaweed = start_seaweed(work / "seaweed")
    try:
        postgres.execute("CREATE DATABASE scale")
        env = {
            "SOHOA_DATA_DIR": str(work / "data"), "SOHOA_DATABASE_URL": postgres.url("scale"),
            "SOHOA_JOB_BACKEND": "celery", "SOHOA_REDIS_URL": redis.url,
            "SOHOA_STORAGE_URL": "s3://vault", "SOHOA_S3_ENDPOINT": seaweed.endpoint,
            "SOHOA_S3_ACCESS_KEY": seaweed.access_key,
            "SOHOA_S3_SECRET_KEY": seaweed.secret_key, "SOHOA_S3_SECURE": "false",
            "SOHOA_OCR_JOBS": "1", "SOHOA_FSCK_ON_START": "false",
        }
        os.environ.update(env)
        services = build_services(Settings(), start_jobs=False)
        try:
            # A first pass warms what a long-running site has warm (fonts, PKI, caches).
            run(services, pages[:2], 1, env, work)
            one = run(services, pages, 1, env, work)
            two = run(services, pages, 2, env, work)
        finally:
            services.close()
    finally:
        seaweed.stop()
        redis.stop()
        postgres.stop()
        shutil.rmtree(work, ignore_errors=True)
    ratio = two["pages_per_minute"] / one["pages_per_minute"]
    print(json.dumps({
        "benchmark": "scale", "date": datetime.now(UTC).date().isoformat(),
        "machine": {"cores": os.cpu_count()},
        "setup": "PostgreSQL + Redis (Celery) + SeaweedFS; sohoa worker --concurrency 1, "
                 "SOHOA_OCR_JOBS=1; two-page documents of corpus pages",
        "baseline": one, "figure": two, "ratio": round(ratio, 2),
        "per_process_pages_per_minute": one["pages_per_minute"],
        "two_process_efficiency": round(ratio / 2, 2),
    }, indent=2))


if __name__ == "__main__":
    main()
