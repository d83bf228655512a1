"""The backup and restore drill: back up a working system into a second bucket, restore
it into an empty one, and check that everything reads, verifies and is found again.

The source keeps its vault in a real SeaweedFS bucket; the backup goes into a second
bucket of the same server, as a province would set it up; the restored system gets
a new bucket, a new data folder and a new database (SQLite, then PostgreSQL), with
only its settings — above all SOHOA_KEK, which the backup never holds — in common.
"""

from __future__ import annotations

import base64
import json
import secrets
import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient
from typer.testing import CliRunner

from kernel import Role, parse_owner_id
from signing import verify_pdf
from sohoa.api import create_app
from sohoa.cli.main import app as cli
from sohoa.runtime import build_services
from sohoa.services import Services
from sohoa.settings import Settings
from tests.inputs import image_bytes, text_page
from tests.service_fixtures import STAFF, SYSTEM, login, make_account
from tests.services import SeaweedS3
from tests.waiting import wait_until
from vault.audit import check_chain

pytestmark = pytest.mark.slow  # tens of seconds: scheduled first (tests/conftest.py)

OWNER = "001099012345"
KEK = f"drill:{base64.b64encode(secrets.token_bytes(32)).decode()}"


def _system_env(seaweed: SeaweedS3, data: Path, database_url: str) -> dict[str, str]:
    return {
        "SOHOA_DATA_DIR": str(data), "SOHOA_DATABASE_URL": database_url,
        "SOHOA_STORAGE_URL": f"s3://vault-{uuid.uuid4().hex[:8]}",
        "SOHOA_S3_ENDPOINT": seaweed.endpoint, "SOHOA_S3_ACCESS_KEY": seaweed.access_key,
        "SOHOA_S3_SECRET_KEY": seaweed.secret_key, "SOHOA_S3_SECURE": "false",
        "SOHOA_KEK": KEK, "SOHOA_OCR_JOBS": "2",
    }


@pytest.fixture
def source(seaweed: SeaweedS3, tmp_path: Path, database_url: str,
           monkeypatch: pytest.MonkeyPatch) -> Iterator[tuple[Services, dict[str, str]]]:
    env = _system_env(seaweed, tmp_path / "source", database_url)
    for key, value in env.items():
        monkeypatch.setenv(key, value)
    services = build_services(Settings())
    try:
        yield services, env
    finally:
        services.close()


def _digitise(services: Services, count: int) -> list[str]:
    make_account(services, STAFF, Role.STAFF, agency=services.settings.agency.code)
    with TestClient(create_app(services=services)) as client:
        client.headers.update(login(client, STAFF))
        files = [("files", (f"trang-{n}.png", image_bytes(text_page(200), "PNG", 200),
                            "image/png")) for n in range(count)]
        response = client.post("/api/v1/digitize", files=files,
                               data={"owner": OWNER, "each": "true"})
        assert response.status_code == 202, response.text
        job_id = response.json()["job"]["id"]

        def done() -> dict[str, Any] | None:
            job = client.get(f"/api/v1/jobs/{job_id}").json()["job"]
            assert job["status"] != "failed", job
            return dict(job) if job["status"] == "done" else None

        job = wait_until(done, timeout=300, what=f"job {job_id} done")
    return [document["id"] for document in job["result"]["documents"]]


def _cli(env: dict[str, str], *args: str) -> tuple[int, dict[str, Any]]:
    result = CliRunner().invoke(cli, [*args, "--json"], env=env)
    assert result.stdout.strip(), (result.exit_code, result.output, result.exception)
    return result.exit_code, json.loads(result.stdout)


def _snapshot_of(services: Services, ids: list[str]) -> dict[str, Any]:
    """Each document as a reader sees it: its record and its files, decrypted."""
    documents = {}
    for document_id in ids:
        record = services.vault.documents.get_document(document_id, viewer=SYSTEM)
        documents[document_id] = {
            "title": record.title, "pages": record.page_count,
            "pdfa": services.vault.documents.read_file(document_id, "pdfa", viewer=SYSTEM).data,
            "signed": services.vault.documents.read_file(document_id, "signed", viewer=SYSTEM).data,
            "text": services.vault.documents.read_file(document_id, "text", viewer=SYSTEM).data,
        }
    return documents


@pytest.mark.s3
def test_backup_then_restore_into_an_empty_system(
    source: tuple[Services, dict[str, str]], seaweed: SeaweedS3, tmp_path: Path,
    empty_database_url: str, monkeypatch: pytest.MonkeyPatch,
) -> None:
    services, env = source
    ids = _digitise(services, 3)
    before = _snapshot_of(services, ids)
    backup_url = f"s3://backup-{uuid.uuid4().hex[:8]}/nightly"

    code, first = _cli(env, "backup", "--to", backup_url)
    assert code == 0, first
    stored = {info.key for info in services.blobs.inner.list()}
    assert stored and first["copied"]["vault"] == len(stored)
    assert "secrets/kek" not in first["files"]
    # The next night copies only what is new: here, nothing.
    code, second = _cli(env, "backup", "--to", backup_url)
    assert code == 0 and second["copied"]["vault"] == 0, second
    assert second["skipped"]["vault"] == first["copied"]["vault"]

    restored_env = _system_env(seaweed, tmp_path / "restored", empty_database_url)
    code, report = _cli(restored_env, "restore", "--from", backup_url)
    assert code == 0, report
    assert report["snapshot"] == second["snapshot"]
    assert report["fsck"]["clean"], report["fsck"]
    assert report["indexed"] == len(ids)
    assert report["blobs"]["vault"] == first["copied"]["vault"]

    for key, value in restored_env.items():
        monkeypatch.setenv(key, value)
    restored = build_services(Settings())
    try:
        after = _snapshot_of(restored, ids)
        assert after == before  # every file reads back byte for byte, decrypted
        for document in after.values():
            report_ = verify_pdf(document["signed"], restored.trust)
            assert report_.valid, report_.verdict_vi()
        with restored.sessions() as session:
            assert check_chain(session).intact  # the audit trail's hash chain came back whole
        found = restored.vault.documents.list_documents(parse_owner_id(OWNER), viewer=SYSTEM)
        assert sorted(d.id for d in found) == sorted(ids)
    finally:
        restored.close()

    # A restore never lands on a system that holds records.
    code, refused = _cli(restored_env, "restore", "--from", backup_url)
    assert code != 0
    assert refused["error"]["code"] == "backup_failed"


def test_restore_names_a_missing_backup(tmp_path: Path) -> None:
    env = {"SOHOA_DATA_DIR": str(tmp_path / "data")}
    code, answer = _cli(env, "restore", "--from", f"file://{tmp_path / 'nothing-here'}")
    assert code != 0
    assert answer["error"]["code"] == "backup_failed"
    assert "no complete backup" in answer["error"]["message"]


def test_a_bad_backup_location_is_refused(tmp_path: Path) -> None:
    env = {"SOHOA_DATA_DIR": str(tmp_path / "data")}
    code, answer = _cli(env, "backup", "--to", "ftp://somewhere")
    assert code != 0 and answer["error"]["code"] == "backup_failed"

