"""The HTTP API: digitise as a job with progress, list, download; refuse bad input with 4xx."""

from __future__ import annotations

import hashlib
import uuid
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy.exc import OperationalError

from kernel import Role, parse_owner_id
from signing import verify_pdf
from sohoa.api import create_app
from sohoa.runtime import build_services
from sohoa.services import Services
from sohoa.settings import Settings
from tests.inputs import image_bytes, text_page
from tests.service_fixtures import STAFF, Snapshot, login, make_account
from tests.services import SeaweedS3
from tests.sohoa.bad_inputs import GOOD_OWNER, bad_cases

ORG = "0310123467"


def _page(dpi: int = 300) -> bytes:
    return image_bytes(text_page(dpi), "PNG", dpi)


def _digitise(client: TestClient, services: Services, owner: str, **form: str) -> dict:
    response = client.post(
        "/api/v1/digitize",
        files=[("files", ("trang-1.png", _page(), "image/png"))],
        data={"owner": owner, "operator": "Phạm Minh Đức", **form},
    )
    assert response.status_code == 202, response.text
    job = response.json()["job"]
    assert response.headers["location"] == f"/api/v1/jobs/{job['id']}"
    assert job["status"] in ("queued", "running", "done")
    assert services.jobs.wait_idle(timeout=300)
    return client.get(f"/api/v1/jobs/{job['id']}").json()["job"]


def test_digitise_job_reports_progress_and_files_the_document(
    client: TestClient, services: Services
) -> None:
    job = _digitise(client, services, ORG, title="Giấy chứng nhận đăng ký doanh nghiệp")
    assert job["status"] == "done", job
    assert job["progress"] == {"done": 1, "total": 1, "stage": "stored"}
    (doc,) = job["result"]["documents"]
    assert doc["owner"] == ORG and doc["pages"] == 1 and doc["signed"]

    listing = client.get(f"/api/v1/owners/{ORG}/documents").json()["documents"]
    assert [d["id"] for d in listing] == [doc["id"]]

    detail = client.get(f"/api/v1/documents/{doc['id']}").json()["document"]
    assert detail["title"] == "Giấy chứng nhận đăng ký doanh nghiệp"
    roles = sorted(f["role"] for f in detail["files"])
    # Issue 30: the signed PDF/A is the electronic copy; the scanner's file is not kept.
    assert roles == ["pdfa", "signed", "text"]
    by_role = {f["role"]: f for f in detail["files"]}
    assert by_role["signed"]["parent_id"] == by_role["pdfa"]["id"]
    assert by_role["pdfa"]["parent_id"] is None

    signed = client.get(f"/api/v1/documents/{doc['id']}/file", params={"variant": "signed"})
    assert signed.status_code == 200
    assert signed.headers["x-content-sha256"] == hashlib.sha256(signed.content).hexdigest()
    assert verify_pdf(signed.content, services.trust).valid

    # Not kept: asked for, it is a clear 404, not an empty file.
    original = client.get(f"/api/v1/documents/{doc['id']}/file", params={"variant": "original"})
    assert original.status_code == 404 and original.json()["error"]["code"] == "not_found"

    text = client.get(f"/api/v1/documents/{doc['id']}/file", params={"variant": "text"})
    assert "QUYẾT ĐỊNH" in text.text


def test_openapi_describes_the_endpoints(client: TestClient) -> None:
    paths = client.get("/openapi.json").json()["paths"]
    for path in ("/api/v1/digitize", "/api/v1/jobs/{job_id}", "/api/v1/owners/{owner_id}/documents",
                 "/api/v1/documents/{document_id}", "/api/v1/documents/{document_id}/file",
                 "/healthz"):
        assert path in paths


@pytest.mark.parametrize(("case", "name", "data", "owner", "code"), bad_cases(),
                         ids=[c[0] for c in bad_cases()])
def test_bad_upload_gets_4xx_json_and_nothing_is_stored(
    client: TestClient, snapshot: Snapshot, case: str, name: str, data: bytes, owner: str,
    code: str,
) -> None:
    before = snapshot()
    response = client.post("/api/v1/digitize", files=[("files", (name, data, "application/pdf"))],
                           data={"owner": owner})
    assert 400 <= response.status_code < 500, response.text
    assert response.json()["error"]["code"] == code
    assert response.json()["error"]["message"]
    assert snapshot() == before


def test_unknown_dossier_is_refused_before_any_work(client: TestClient, snapshot: Snapshot) -> None:
    before = snapshot()
    response = client.post("/api/v1/digitize", files=[("files", ("a.png", _page(), "image/png"))],
                           data={"owner": GOOD_OWNER, "dossier": "000.00.00.H00-260101-0001"})
    assert response.status_code == 404
    assert snapshot() == before


def test_another_owners_dossier_is_refused(client: TestClient, services: Services) -> None:
    code = services.vault.intake.open_dossier(services.settings.agency.code,
                                       parse_owner_id("079199000111"),
                                       actor="test")
    response = client.post("/api/v1/digitize", files=[("files", ("a.png", _page(), "image/png"))],
                           data={"owner": GOOD_OWNER, "dossier": code})
    assert response.status_code == 409
    assert response.json()["error"]["code"] == "dossier_owner_mismatch"


def test_a_request_sent_again_under_its_idempotency_key_is_filed_once(
    client: TestClient, services: Services, snapshot: Snapshot,
) -> None:
    def send(page: bytes) -> object:
        return client.post("/api/v1/digitize", headers={"Idempotency-Key": "quay-3-so-17"},
                           files=[("files", ("trang-1.png", page, "image/png"))],
                           data={"owner": GOOD_OWNER})

    first = send(_page())
    assert first.status_code == 202
    assert services.jobs.wait_idle(timeout=300)
    filed = snapshot()
    again = send(_page())  # the answer was lost; the counter sends it again
    assert again.status_code == 202
    assert again.json()["job"]["id"] == first.json()["job"]["id"]
    assert again.json()["job"]["status"] == "done"
    assert services.jobs.wait_idle(timeout=300)
    assert snapshot() == filed  # no second job, document or blob
    other = send(_page(dpi=200))  # the same key for other scans is a client's mistake
    assert other.status_code == 409
    assert other.json()["error"]["code"] == "idempotency_key_reused"
    assert snapshot() == filed


def test_a_request_recorded_but_never_handed_on_runs_when_sent_again(
    client: TestClient, services: Services, monkeypatch: pytest.MonkeyPatch,
) -> None:
    """The process that records a job may die before it hands the job to a worker; the
    counter, left without an answer, sends the request again under its key: the job
    must run now, not when its queued lease runs out an hour later."""
    def send() -> Any:
        return client.post("/api/v1/digitize", headers={"Idempotency-Key": "quay-1-so-2"},
                           files=[("files", ("trang-1.png", _page(), "image/png"))],
                           data={"owner": GOOD_OWNER})

    with monkeypatch.context() as died:
        died.setattr(services.jobs, "dispatch", lambda job_id, delay: None)
        job_id = send().json()["job"]["id"]
    assert services.jobs.wait_idle(timeout=300)
    assert services.jobs.get(job_id).status == "queued"  # recorded, in nobody's hands
    assert send().json()["job"]["id"] == job_id
    assert services.jobs.wait_idle(timeout=300)
    job = services.jobs.get(job_id)
    assert job.status == "done" and len(job.result["documents"]) == 1


def test_metrics_are_off_without_a_token(client: TestClient) -> None:
    assert client.get("/metrics").status_code == 404


def test_unknown_things_answer_404_json(client: TestClient) -> None:
    assert client.get("/api/v1/jobs/nope").json()["error"]["code"] == "not_found"
    assert client.get(f"/api/v1/documents/{uuid.uuid4()}").status_code == 404


def test_personal_ids_do_not_reach_the_access_log(
    client: TestClient, caplog: pytest.LogCaptureFixture
) -> None:
    with caplog.at_level("INFO", logger="sohoa.access"):
        client.get(f"/api/v1/owners/{GOOD_OWNER}/documents")
    assert caplog.records, "the request was not logged"
    assert GOOD_OWNER not in caplog.text


def test_a_lost_database_connection_answers_503_with_retry_after(
        client: TestClient, services: Services, monkeypatch: pytest.MonkeyPatch) -> None:
    """No pre-ping on checkout (sohoa.db): a connection the server dropped fails its one
    request, and that request is told to come back, not that the service is broken."""
    def dropped(*_args: object, **_kw: object) -> None:
        raise OperationalError("SELECT …", {}, ConnectionError("server closed the connection"))

    monkeypatch.setattr(services.vault.documents, "list_documents", dropped)
    answer = client.get(f"/api/v1/owners/{GOOD_OWNER}/documents")
    assert answer.status_code == 503 and answer.headers["retry-after"]
    assert answer.json()["error"]["code"] == "database_unavailable"


@pytest.mark.s3
def test_digitise_into_s3_stores_verifiable_objects(
    seaweed: SeaweedS3, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    bucket = f"vault-{uuid.uuid4().hex[:10]}"
    settings = Settings(
        data_dir=tmp_path / "data", storage_url=f"s3://{bucket}", s3_endpoint=seaweed.endpoint,
        s3_access_key=seaweed.access_key, s3_secret_key=seaweed.secret_key, s3_secure=False,
    )
    services = build_services(settings)
    try:
        make_account(services, STAFF, Role.STAFF, agency=settings.agency.code)
        with TestClient(create_app(services=services)) as client:
            client.headers.update(login(client, STAFF))
            job = _digitise(client, services, GOOD_OWNER)
            assert job["status"] == "done", job
            doc_id = job["result"]["documents"][0]["id"]
            detail = client.get(f"/api/v1/documents/{doc_id}").json()["document"]
            for version in detail["files"]:  # every file comes back verified, through sohoa
                got = client.get(f"/api/v1/documents/{doc_id}/file",
                                 params={"variant": version["role"], "part": version["part"]})
                assert hashlib.sha256(got.content).hexdigest() == version["sha256"]
                assert got.headers["x-content-sha256"] == version["sha256"]
            _ranges_are_served(client, doc_id)
        raw = seaweed.client()
        # In the bucket, each object is sealed (encryption at rest, tests/vault/test_encryption).
        for obj in raw.list_objects(bucket, recursive=True):
            assert raw.get_object(bucket, obj.object_name).read(4) == b"SHE2"
        # The PDF/A is the signed file's first revision: stored once, as a range of it.
        roles = {v["role"]: v for v in detail["files"]}
        assert roles["pdfa"]["within_id"] == roles["signed"]["id"]
        # The signed file (holding the PDF/A) and the text: the scanner's file is not kept
        # (SOHOA_KEEP_SCANNER_FILE), only its SHA-256.
        assert len(list(raw.list_objects(bucket, recursive=True))) == 2
        # The personal ID appears nowhere in object keys.
        assert all(GOOD_OWNER not in o.object_name for o in raw.list_objects(bucket, recursive=True))
    finally:
        services.close()


def _ranges_are_served(client: TestClient, doc_id: str) -> None:
    """A ``Range`` asks for part of a file (a download resumed): of a blob (the signed
    PDF) and of a file kept as a range of another (the PDF/A, inside the signed PDF)."""
    url = f"/api/v1/documents/{doc_id}/file"
    for variant in ("signed", "pdfa"):
        whole = client.get(url, params={"variant": variant}).content
        for asked, expected, first in (("bytes=100-1099", whole[100:1100], 100),
                                       ("bytes=-10", whole[-10:], len(whole) - 10),
                                       (f"bytes={len(whole) - 5}-", whole[-5:], len(whole) - 5)):
            part = client.get(url, params={"variant": variant}, headers={"Range": asked})
            assert part.status_code == 206 and part.content == expected, asked
            assert part.headers["content-range"] == \
                f"bytes {first}-{first + len(expected) - 1}/{len(whole)}"
        beyond = client.get(url, params={"variant": variant},
                            headers={"Range": f"bytes={len(whole)}-"})
        assert beyond.status_code == 416 and beyond.headers["content-range"] == f"bytes */{len(whole)}"
        assert beyond.json()["error"]["code"] == "range_not_satisfiable"
        several = client.get(url, params={"variant": variant}, headers={"Range": "bytes=0-1,5-6"})
        assert several.status_code == 200 and several.content == whole  # served whole (RFC 9110)


def test_an_error_never_repeats_an_id_from_the_request(client: TestClient) -> None:
    # Issue 25 item 7: a "dossier code" that is a personal ID is refused without echoing it.
    response = client.get("/api/v1/dossiers/001099012345")
    assert response.status_code == 404
    assert response.json()["error"]["code"] == "not_found"
    assert "001099012345" not in response.text and "001*******45" in response.text
