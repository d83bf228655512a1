"""Storage goes away for 20 s while a counter uploads: nothing acknowledged is lost.

A real SeaweedFS of this test's own is stopped and started again on the same
ports and data. The counter keeps uploading: while storage is away the API
answers 503 with Retry-After and stores nothing, and the client sends the same
scan again; jobs already accepted wait and retry. Afterwards every accepted
scan is one document whose files read back and verify, and fsck is clean.
"""

from __future__ import annotations

import threading
import time
import uuid
from collections import Counter
from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select

from kernel import Role, Viewer
from signing import verify_pdf
from sohoa.api import create_app
from sohoa.runtime import build_services
from sohoa.services import Services
from sohoa.settings import Settings
from sohoa.usecases.fsck import fsck
from tests.inputs import image_bytes, text_page
from tests.service_fixtures import STAFF, login, make_account
from tests.services import SeaweedS3, start_seaweed
from vault import FileRole
from vault.models import Document

pytestmark = pytest.mark.slow  # tens of seconds: scheduled first (tests/conftest.py)

OWNER = "001099012345"
UPLOADS = 8
OUTAGE_SECONDS = 20


@pytest.fixture
def own_seaweed(tmp_path: Path) -> Iterator[SeaweedS3]:
    server = start_seaweed(tmp_path / "seaweed")
    try:
        yield server
    finally:
        server.stop()


@pytest.fixture
def services(own_seaweed: SeaweedS3, tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
             database_url: str) -> Iterator[Services]:
    settings = Settings(
        data_dir=tmp_path / "data", database_url=database_url,
        storage_url=f"s3://vault-{uuid.uuid4().hex[:8]}", s3_endpoint=own_seaweed.endpoint,
        s3_access_key=own_seaweed.access_key, s3_secret_key=own_seaweed.secret_key,
        s3_secure=False, job_retry_seconds=1.0, job_retry_max_seconds=4.0,
        job_max_attempts=30, fsck_grace_seconds=0, retry_after_seconds=2, ocr_jobs=1)
    built = build_services(settings)
    try:
        yield built
    finally:
        built.close()


@pytest.mark.s3
# The storage is what goes away, not the database: PostgreSQL, as a province runs, is
# enough (each run holds a 20 s outage).
@pytest.mark.parametrize("database_url", ["postgresql"], indirect=True)
def test_storage_away_for_20_s_answers_503_and_loses_nothing(
        services: Services, own_seaweed: SeaweedS3) -> None:
    make_account(services, STAFF, Role.STAFF, agency=services.settings.agency.code)
    accepted: list[str] = []
    refusals: list[tuple[int, str | None, str]] = []
    outage_started = threading.Event()

    def outage() -> None:
        outage_started.wait(120)
        own_seaweed.stop()
        time.sleep(OUTAGE_SECONDS)
        own_seaweed.restart()

    breaker = threading.Thread(target=outage)
    breaker.start()
    with TestClient(create_app(services=services)) as client:
        client.headers.update(login(client, STAFF))
        for n in range(UPLOADS):
            scan = image_bytes(text_page(200, lines=[f"Trang số {n + 1}"]), "PNG", 200)
            while True:  # a counter client: the same scan again after Retry-After
                response = client.post(
                    "/api/v1/digitize", files=[("files", (f"trang-{n}.png", scan, "image/png"))],
                    data={"owner": OWNER, "title": f"Giấy tờ {n + 1}"})
                if response.status_code == 202:
                    accepted.append(response.json()["job"]["id"])
                    break
                refusals.append((response.status_code, response.headers.get("retry-after"),
                                 response.json()["error"]["code"]))
                if len(refusals) == 1:  # a load balancer would now send counters elsewhere
                    ready = client.get("/readyz")
                    assert ready.status_code == 503 and ready.headers["retry-after"] == "2"
                    assert ready.json()["checks"] == {"database": True, "storage": False}
                time.sleep(min(float(response.headers.get("retry-after", "1")), 1.0))
            if n == 1:
                outage_started.set()
                time.sleep(2)  # the first jobs now meet the outage mid-way
        breaker.join(timeout=180)
        assert client.get("/readyz").json() == {"status": "ready", "checks": {
            "database": True, "storage": True}}
        assert services.jobs.wait_idle(timeout=900)
        jobs = [client.get(f"/api/v1/jobs/{job_id}").json()["job"] for job_id in accepted]

    assert refusals, "no upload met the outage"
    assert {r[:2] for r in refusals} == {(503, "2")}
    assert {r[2] for r in refusals} <= {"storage_unavailable"}
    assert len(accepted) == UPLOADS
    assert [job["status"] for job in jobs] == ["done"] * UPLOADS, jobs
    with services.sessions() as session:
        keys = list(session.scalars(select(Document.intake_key)))
    assert Counter(key.split(":")[0] for key in keys) == {job_id: 1 for job_id in accepted}
    system = Viewer.system("test")
    for job in jobs:
        (document,) = job["result"]["documents"]
        signed = services.vault.documents.read_file(document["id"], FileRole.SIGNED.value, viewer=system)
        assert verify_pdf(signed.data, services.trust).signatures[0].intact
    assert fsck(services, deep=True).clean
