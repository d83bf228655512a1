"""Jobs on real Celery workers (`sohoa worker`) with a real Redis and PostgreSQL.

The API process and the workers share the database, the data folder (blob store,
development PKI) and the broker, as the production guide sets them up on several
machines. A worker is killed with SIGKILL in the middle of a digitisation: the
job is run again elsewhere and its documents are filed exactly once.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select

from kernel import Role
from sohoa.api import create_app
from sohoa.runtime import build_services
from sohoa.services import Services
from sohoa.settings import Settings
from tests.inputs import image_bytes, text_page
from tests.service_fixtures import STAFF, login, make_account
from tests.services import Postgres, Redis
from tests.sohoa.processes import Worker, celery_system
from tests.waiting import wait_until
from vault.models import Document

pytestmark = pytest.mark.slow  # tens of seconds: scheduled first (tests/conftest.py)

OWNER = "001099012345"


@pytest.fixture
def shared_env(tmp_path: Path, postgres: Postgres, redis_server: Redis,
               monkeypatch: pytest.MonkeyPatch) -> Iterator[dict[str, str]]:
    with celery_system(tmp_path / "data", postgres, redis_server, monkeypatch) as env:
        yield env


@pytest.fixture
def api(shared_env: dict[str, str]) -> Iterator[tuple[TestClient, Services]]:
    services = build_services(Settings())
    make_account(services, STAFF, Role.STAFF, agency=services.settings.agency.code)
    try:
        with TestClient(create_app(services=services)) as client:
            client.headers.update(login(client, STAFF))
            yield client, services
    finally:
        services.close()


def _submit(client: TestClient, pages: int) -> str:
    files = [("files", (f"trang-{n}.png", image_bytes(text_page(200), "PNG", 200), "image/png"))
             for n in range(1, pages + 1)]
    response = client.post("/api/v1/digitize", files=files, data={"owner": OWNER, "each": "true"})
    assert response.status_code == 202, response.text
    return str(response.json()["job"]["id"])


def _wait(client: TestClient, job_id: str, until: str, timeout: float = 300,
          min_done: int = 0) -> dict:
    def reached() -> dict | None:
        job = client.get(f"/api/v1/jobs/{job_id}").json()["job"]
        if job["status"] == "failed":
            raise AssertionError(job)
        return dict(job) if job["status"] == until and job["progress"]["done"] >= min_done \
            else None

    return wait_until(reached, timeout=timeout, every=0.2, what=f"job {job_id} {until}")


def test_a_worker_on_celery_runs_the_job_and_the_api_shows_its_progress(
        api: tuple[TestClient, Services], shared_env: dict[str, str], tmp_path: Path) -> None:
    client, services = api
    assert client.get("/readyz").json()["checks"] == {"database": True, "storage": True,
                                                      "broker": True}
    job_id = _submit(client, pages=2)
    assert client.get(f"/api/v1/jobs/{job_id}").json()["job"]["status"] == "queued"
    worker = Worker(shared_env, tmp_path / "worker.log", "one@test")
    try:
        job = _wait(client, job_id, "done")
    finally:
        worker.stop()
    assert job["progress"] == {"done": 2, "total": 2, "stage": "stored"}
    assert len(job["result"]["documents"]) == 2
    assert "sohoa.run_job" in (tmp_path / "worker.log").read_text()


def test_a_worker_killed_mid_job_loses_nothing_and_files_nothing_twice(
        api: tuple[TestClient, Services], shared_env: dict[str, str], tmp_path: Path) -> None:
    client, services = api
    job_id = _submit(client, pages=3)
    first = Worker(shared_env, tmp_path / "first.log", "first@test")
    try:
        _wait(client, job_id, "running", min_done=1)  # at least one document filed
    finally:
        first.kill()
    second = Worker(shared_env, tmp_path / "second.log", "second@test")
    try:
        job = _wait(client, job_id, "done", timeout=300)
    finally:
        second.stop()
    with services.sessions() as session:
        keys = sorted(session.scalars(select(Document.intake_key)))
    assert keys == [f"{job_id}:0", f"{job_id}:1", f"{job_id}:2"]
    assert [d["id"] for d in job["result"]["documents"]] and len(job["result"]["documents"]) == 3
    assert services.jobs.get(job_id).attempts >= 2
