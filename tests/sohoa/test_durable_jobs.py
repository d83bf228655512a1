"""Digitisation jobs that survive faults, and fsck over what they leave behind.

Real parts throughout: OCR, signing, the database (SQLite and PostgreSQL) and the
blob store; the fault is a storage outage raised at a chosen step.
"""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select, update
from typer.testing import CliRunner

from sohoa.cli import app as cli
from sohoa.jobs import Job, JobStatus
from sohoa.runtime import build_services
from sohoa.services import Services
from sohoa.settings import Settings
from sohoa.usecases import counter
from sohoa.usecases.fsck import fsck
from storage import StorageUnavailable
from tests.inputs import image_bytes, text_page
from vault.models import Document, FileVersion

OWNER = "001099012345"


@pytest.fixture
def data_env(data_env: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """The shared service fixtures, with fast retries and no fsck grace period (the
    tests make orphans that must count as old)."""
    monkeypatch.setenv("SOHOA_JOB_RETRY_SECONDS", "0.2")
    monkeypatch.setenv("SOHOA_FSCK_GRACE_SECONDS", "0")
    return data_env


def _submit(client: TestClient, pages: int = 1) -> str:
    files = [("files", (f"trang-{n}.png", image_bytes(text_page(200), "PNG", 200), "image/png"))
             for n in range(1, pages + 1)]
    response = client.post("/api/v1/digitize", files=files,
                           data={"owner": OWNER, "each": "true"})
    assert response.status_code == 202, response.text
    return str(response.json()["job"]["id"])


def _documents(services: Services) -> list[Document]:
    with services.sessions() as session:
        return list(session.scalars(select(Document).order_by(Document.intake_key)))


def _staged(services: Services) -> list[str]:
    return [info.key for info in services.blobs.list("staging/")]


def test_a_storage_fault_after_filing_is_retried_without_a_second_document(
        client: TestClient, services: Services, monkeypatch: pytest.MonkeyPatch) -> None:
    """The first run files document 1 of 2, then storage goes away; the retry finds
    document 1 by its intake key, reads its fields, and goes on with document 2."""
    real_extract = counter.records.extract
    calls: list[str] = []

    def extract_then_fail(*args: Any, **kwargs: Any) -> Any:
        calls.append("extract")
        if len(calls) == 1:
            raise StorageUnavailable("storage went away")
        return real_extract(*args, **kwargs)

    monkeypatch.setattr(counter.records, "extract", extract_then_fail)
    job_id = _submit(client, pages=2)
    assert _staged(services)  # the scans wait in the store, not in memory
    assert services.jobs.wait_idle(timeout=600)
    job = client.get(f"/api/v1/jobs/{job_id}").json()["job"]
    assert job["status"] == "done", job
    documents = _documents(services)
    assert [d.intake_key for d in documents] == [f"{job_id}:0", f"{job_id}:1"]
    assert {d.status for d in documents} <= {"EXTRACTED", "STORED"}
    assert [d["id"] for d in job["result"]["documents"]] == [d.id for d in documents]
    with services.sessions() as session:
        attempts = session.get(Job, job_id).attempts  # type: ignore[union-attr]
    assert attempts == 2 and calls == ["extract", "extract", "extract"]
    assert _staged(services) == []  # dropped once the job was done
    assert fsck(services).clean


def test_fsck_quarantines_orphans_restores_what_a_row_names_and_reports_damage(
        client: TestClient, services: Services) -> None:
    job_id = _submit(client)
    assert services.jobs.wait_idle(timeout=600)
    assert client.get(f"/api/v1/jobs/{job_id}").json()["job"]["status"] == "done"
    clean = fsck(services, deep=True)
    assert clean.clean, clean.as_dict()
    # The signed file (holding the PDF/A) and the text: the scanner's file is not kept.
    assert clean.stores[0].read == clean.stores[0].checked >= 2

    # An orphan, as a crash between blob and row leaves one: moved aside, still sealed.
    (document,) = _documents(services)
    with services.sessions() as session:
        versions = list(session.scalars(select(FileVersion)
                                        .where(FileVersion.document_id == document.id,
                                               FileVersion.within_id.is_(None))))
    vault_prefix = versions[0].blob_key.split("/")[0]
    services.blobs.put(f"{vault_prefix}/{'0' * 64}", b"written, then the process died")
    found = fsck(services)
    (orphan,) = found.findings
    assert (orphan.problem.value, orphan.action) == ("orphan_blob", "quarantined")
    assert not found.unresolved and fsck(services).clean
    assert services.blobs.exists(f"quarantine/{vault_prefix}/{'0' * 64}")

    # A row's blob that a check quarantined comes back, and still opens.
    victim = versions[0]
    raw = services.blobs.inner
    raw.put(f"quarantine/{victim.blob_key}", raw.get(victim.blob_key, verify=False))
    raw.delete(victim.blob_key)
    restored = fsck(services)
    assert [(f.problem.value, f.action) for f in restored.findings] == [("missing_blob",
                                                                         "restored")]
    assert services.blobs.get(victim.blob_key, expected_sha256=victim.sha256)

    # Damage is reported, never "repaired": a flipped byte, then a lost blob.
    stored = services.settings.data_path / "blobs" / "data" / victim.blob_key
    data = bytearray(stored.read_bytes())
    data[len(data) // 2] ^= 0x01
    stored.write_bytes(bytes(data))
    damaged = fsck(services, deep=True)
    assert [(f.problem.value, f.key) for f in damaged.unresolved] == [("hash_mismatch",
                                                                       victim.blob_key)]
    raw.delete(victim.blob_key)
    result = CliRunner().invoke(cli, ["fsck", "--json"])
    assert result.exit_code == 1, result.output
    report = json.loads(result.stdout)
    assert report["clean"] is False and report["unresolved"] == 1
    assert report["stores"][0]["findings"][0] == {
        "problem": "missing_blob", "store": "vault", "key": victim.blob_key, "detail": "",
        "action": ""}


def test_fsck_resumes_a_digitisation_its_worker_abandoned(
        client: TestClient, services: Services) -> None:
    """A job left running by a dead worker, its scans still staged: fsck hands it back
    to the runner, which files the document once."""
    services.jobs.shutdown(wait=True)  # no worker here: the job stays as submitted
    job_id = _submit(client)
    with services.sessions() as session, session.begin():
        session.execute(update(Job).where(Job.id == job_id).values(
            status=JobStatus.RUNNING.value, worker="dead:1", attempts=1,
            lease_until=datetime.now(UTC) - timedelta(seconds=1)))
    assert len(_staged(services)) == 1
    report_only = fsck(services, repair=False)
    assert report_only.jobs.resumed == [job_id] and report_only.clean  # staged scans are named

    again = build_services(Settings(), start_jobs=False)
    try:
        report = fsck(again)
        assert report.jobs.resumed == [job_id]
        assert again.jobs.wait_idle(timeout=600)
        assert again.jobs.get(job_id).status == JobStatus.DONE
        assert [d.intake_key for d in _documents(again)] == [f"{job_id}:0"]
        assert _staged(again) == [] and fsck(again).clean
    finally:
        again.close()
