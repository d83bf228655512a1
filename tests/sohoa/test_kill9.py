"""Crash safety under SIGKILL: the API and a worker are killed at random moments while a
counter sends 100 digitisations; after each kill the process is started again.

What must hold afterwards (issue 8): every request the API acknowledged (202 with
a job id) ends as exactly one filed document whose signed copy verifies, nothing
is filed twice, and `fsck` finds nothing a person must deal with — the blobs of
requests cut off mid-way are orphans it quarantines, after which it is clean.

The real thing throughout: `sohoa serve` and `sohoa worker` processes, PostgreSQL,
Redis as the Celery broker, SeaweedFS for the vault. Kills use SIGKILL on the whole
process group (the OCR children die too), as a power cut would.
"""

from __future__ import annotations

import random
import threading
import time
import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest
from sqlalchemy import func, select

from kernel import Role
from signing import verify_pdf
from sohoa.runtime import build_services
from sohoa.settings import Settings
from sohoa.usecases.fsck import fsck
from tests.inputs import image_bytes, text_page
from tests.service_fixtures import PASSWORD, STAFF, SYSTEM, make_account
from tests.services import Postgres, Redis, SeaweedS3
from tests.sohoa.processes import ApiServer, Worker, celery_system
from tests.waiting import wait_until
from vault.integrity import Problem
from vault.models import Document

pytestmark = pytest.mark.slow  # tens of seconds: scheduled first (tests/conftest.py)

OWNER = "001099012345"
DOCUMENTS = 100
SEED = 20261124


@pytest.fixture
def env(tmp_path: Path, postgres: Postgres, redis_server: Redis, seaweed: SeaweedS3,
        monkeypatch: pytest.MonkeyPatch) -> Iterator[dict[str, str]]:
    with celery_system(
        tmp_path / "data", postgres, redis_server, monkeypatch,
        SOHOA_STORAGE_URL=f"s3://kill-{uuid.uuid4().hex[:8]}",
        SOHOA_S3_ENDPOINT=seaweed.endpoint, SOHOA_S3_ACCESS_KEY=seaweed.access_key,
        SOHOA_S3_SECRET_KEY=seaweed.secret_key, SOHOA_S3_SECURE="false",
        SOHOA_JOB_MAX_ATTEMPTS="30",
        # What is under test is crash safety, not reading: OCR without the page
        # preparation stages (each a setting) spares the two cores for the rest.
        SOHOA_OCR_ROTATE_PAGES="false", SOHOA_OCR_DESKEW="false",
        SOHOA_OCR_PERSPECTIVE="false", SOHOA_OCR_NORMALISE_BACKGROUND="false",
        SOHOA_OCR_SUPPRESS_COLOUR="false",
    ) as values:
        yield values


def _small_page(number: int) -> bytes:
    """A half-A5 page at 200 dpi: real OCR, a third of an A4's time."""
    page = text_page(200, lines=[f"Giấy tờ số {number}", "Ủy ban nhân dân xã thử nghiệm"])
    return image_bytes(page.crop((0, 0, page.width // 2, page.height // 2)), "PNG", 200)


class Counter:
    """A counter that sends one scan after another and keeps what was acknowledged,
    sending again, under the same Idempotency-Key, a request the API did not answer
    (it may have died before or after recording it)."""

    def __init__(self, servers: dict[str, ApiServer], headers: dict[str, str]) -> None:
        self.servers = servers
        self.headers = headers
        self.acknowledged: dict[str, int] = {}  # job id → page number
        self.unanswered = 0

    def run(self) -> None:
        number = 0
        while len(self.acknowledged) < DOCUMENTS:
            try:
                with httpx.Client(base_url=self.servers["api"].url, headers=self.headers,
                                  timeout=60) as client:
                    answer = client.post("/api/v1/digitize", data={"owner": OWNER},
                                         headers={"Idempotency-Key": f"trang-{number}"},
                                         files=[("files", (f"so-{number}.png",
                                                           _small_page(number), "image/png"))])
            except httpx.HTTPError:
                self.unanswered += 1
                time.sleep(0.5)
                continue
            if answer.status_code == 202:
                self.acknowledged[answer.json()["job"]["id"]] = number
                number += 1
            else:
                assert answer.status_code == 503, answer.text  # a dependency restarting
                time.sleep(0.5)


def _token(server: ApiServer) -> dict[str, str]:
    with server.client() as client:
        answer = client.post("/api/v1/auth/token", data={"username": STAFF,
                                                         "password": PASSWORD})
        assert answer.status_code == 200, answer.text
        return {"Authorization": f"Bearer {answer.json()['access_token']}"}


def test_sigkill_of_api_and_worker_loses_and_duplicates_nothing(
    env: dict[str, str], tmp_path: Path,
) -> None:
    services = build_services(Settings(), start_jobs=False)
    make_account(services, STAFF, Role.STAFF, agency=services.settings.agency.code)
    logs = tmp_path / "logs"
    logs.mkdir()
    # Two workers, one per core, as a worker machine runs them; one of them is the victim.
    steady = Worker(env, logs / "steady.log", "steady@kill")
    processes: dict[str, Any] = {
        "api": ApiServer(env, logs / "api.log"),
        "worker": Worker(env, logs / "worker.log", "w0@kill"),
    }
    counter = Counter(processes, _token(processes["api"]))
    sender = threading.Thread(target=counter.run, daemon=True)
    sender.start()
    # Three kills of each, in a random order at random moments, while requests
    # arrive and while the queue drains.
    chance = random.Random(SEED)
    victims = ["api", "worker"] * 3
    chance.shuffle(victims)
    kills = {"api": 0, "worker": 0}
    try:
        for victim in victims:
            time.sleep(chance.uniform(2, 7))
            processes[victim].kill()
            kills[victim] += 1
            processes[victim] = (ApiServer(env, logs / "api.log") if victim == "api"
                                 else Worker(env, logs / "worker.log", f"w{kills[victim]}@kill"))
        sender.join(timeout=600)
        assert len(counter.acknowledged) == DOCUMENTS
        done = _wait_until_done(services, list(counter.acknowledged))
    finally:
        for process in [*processes.values(), steady]:
            process.stop()

    try:
        # Every acknowledged request: one job, done, with exactly one document.
        filed = [document["id"] for job in done for document in job.result["documents"]]
        assert len(filed) == DOCUMENTS and len(set(filed)) == DOCUMENTS
        with services.sessions() as session:
            total = session.scalar(select(func.count()).select_from(Document))
        # A request cut off after it was recorded came back under its key: not twice.
        assert total == DOCUMENTS, (total, counter.unanswered)
        for document_id in filed:
            signed = services.vault.documents.read_file(document_id, "signed", viewer=SYSTEM)
            assert verify_pdf(signed.data, services.trust).valid, document_id
    finally:
        services.close()
    # Everything is stopped now: no blob is young because its row is on its way, so
    # fsck may take every unnamed blob for an orphan (live, the grace period keeps
    # the start-up check of a restarted API off the blobs workers are filing).
    quiet = build_services(Settings(fsck_grace_seconds=0), start_jobs=False)
    try:
        report = fsck(quiet, deep=True, repair=True)
        assert not report.unresolved, report.summary()
        assert all(f.problem is Problem.ORPHAN_BLOB for f in report.findings), report.summary()
        assert fsck(quiet, deep=True, repair=True).clean
    finally:
        quiet.close()


def _wait_until_done(services: Any, job_ids: list[str], timeout: float = 600) -> list[Any]:
    """Restarted processes pick the work up again; every job must end done."""
    jobs: list[Any] = []

    def all_done() -> list[Any] | None:
        jobs[:] = [services.jobs.get(job_id) for job_id in job_ids]
        failed = [job for job in jobs if job.status == "failed"]
        assert not failed, [job.as_dict() for job in failed]
        return jobs if all(job.status == "done" for job in jobs) else None

    return wait_until(all_done, timeout=timeout, every=1, what=lambda: [
        "jobs still unfinished after the kills", *(
            {"id": job.id, "status": job.status, "attempts": job.attempts, "stage": job.stage,
             "lease_until": str(job.lease_until), "error": job.error_code}
            for job in jobs if job.status != "done")])
