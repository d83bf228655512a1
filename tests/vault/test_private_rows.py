"""No personal data in clear in the database, and none that opens after a crypto-shredding.

A page carrying a person's name, date of birth, personal ID and address is digitised
through the API (real OCR, signing, filing, extraction); then the whole database is
read as an attacker with a copy would read it — the SQLite file with its WAL, or
PostgreSQL's `pg_dump` — and must hold neither the personal ID nor any 20-character
run of the page's text. After `sohoa keys shred`, no sealed value of that owner opens
with the service's own keys (issue 25, item 2; REGULATIONS 9.C: the vault is private).
"""

from __future__ import annotations

import json
import subprocess
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import text
from sqlalchemy.engine import make_url
from typer.testing import CliRunner

from sohoa.cli import app
from sohoa.services import Services
from storage.encryption import LocalKeks
from storage.sealing import RowSealer
from tests.inputs import image_bytes, text_page
from tests.services import _as_postgres, _pg_bin
from vault.keys import VaultKeyring

pytestmark = pytest.mark.ocr

PERSONAL_ID = "001099012345"
LINES = [
    "GIẤY XÁC NHẬN THÔNG TIN VỀ CƯ TRÚ",
    "Họ và tên: Nguyễn Thị Phương Thảo",
    "Ngày sinh: 14/07/1990",
    f"Số định danh cá nhân: {PERSONAL_ID}",
    "Nơi thường trú: số 17 ngõ Hòe Nhai, phường Ba Đình, Hà Nội",
    "Quan hệ với chủ hộ: con gái",
]
SEALED_TABLES = ("owners", "documents", "accounts", "jobs")


def _windows(lines: list[str], width: int = 20) -> set[str]:
    """Every run of ``width`` characters of the text, as bytes in clear and as JSON
    escapes (a JSON column written with ensure_ascii holds "\\u1ebf" for "ế")."""
    runs = {line[i: i + width] for line in lines for i in range(len(line) - width + 1)}
    return {run for run in runs if run.strip()}


def _dump(services: Services, data: Path) -> bytes:
    url = make_url(services.settings.resolved_database_url)
    if url.get_backend_name() == "sqlite":
        services.engine.dispose()  # let the WAL stay as it is: read the files as they lie
        path = Path(str(url.database))
        return b"".join(p.read_bytes() for p in (path, path.with_name(path.name + "-wal"))
                        if p.exists())
    dumped = subprocess.run(_as_postgres([_pg_bin("pg_dump"), "-h", "127.0.0.1", "-p",
                                          str(url.port), "-U", "postgres", str(url.database)]),
                            capture_output=True, check=True)
    return dumped.stdout


def _leaks(dump: bytes, lines: list[str]) -> list[str]:
    found = [PERSONAL_ID] if PERSONAL_ID.encode() in dump else []
    for run in _windows(lines):
        escaped = json.dumps(run)[1:-1].encode()
        if run.encode() in dump or escaped in dump:
            found.append(run)
    return found


def _ocr_lines(client: TestClient, document_id: str) -> list[str]:
    recognised = client.get(f"/api/v1/documents/{document_id}/file", params={"variant": "text"})
    assert recognised.status_code == 200
    return [line.strip() for line in recognised.text.splitlines() if len(line.strip()) >= 20]


def _every_sealed_value(services: Services) -> list[tuple[str, bytes]]:
    with services.engine.connect() as db:
        return [(table, row[0]) for table in SEALED_TABLES
                for row in db.execute(text(f"SELECT sealed FROM {table} WHERE sealed IS NOT NULL"))]


def test_the_database_holds_no_personal_data_in_clear_and_shredding_takes_it_all(
        client: TestClient, services: Services, data_env: Path) -> None:
    page = image_bytes(text_page(300, lines=LINES), "PNG", 300)
    response = client.post("/api/v1/digitize", files=[("files", ("giay-xac-nhan.png", page,
                                                                 "image/png"))],
                           data={"owner": PERSONAL_ID, "operator": "Phạm Minh Đức"})
    assert response.status_code == 202, response.text
    assert services.jobs.wait_idle(timeout=300)
    job = client.get(response.headers["location"]).json()["job"]
    assert job["status"] == "done", job
    (filed,) = job["result"]["documents"]
    document = client.get(f"/api/v1/documents/{filed['id']}").json()["document"]
    # What the page said is in the record, the job's result and the text: the service
    # itself reads it back, opened with its keys.
    assert PERSONAL_ID in json.dumps(document, ensure_ascii=False)
    recognised = _ocr_lines(client, filed["id"])
    assert any("Phương Thảo" in line for line in recognised), recognised

    # REGULATIONS 9.C (private vault): a copy of the database says nothing of the person.
    dump = _dump(services, data_env)
    assert len(dump) > 10_000
    assert _leaks(dump, LINES + recognised) == []

    # Crypto-shredding the vault (the command an operator runs) takes every sealed value
    # of that person with it: the vault's rows, its accounts' and its jobs'.
    before = _every_sealed_value(services)
    shredded = CliRunner().invoke(app, ["keys", "shred", PERSONAL_ID, "--reason",
                                        "Yêu cầu xóa dữ liệu", "--yes"])
    assert shredded.exit_code == 0, shredded.output
    after = _every_sealed_value(services)
    assert {t for t, _ in before} >= {"owners", "documents", "jobs"}
    keks, current = services.settings.key_encryption_keys()
    fresh = RowSealer(VaultKeyring(services.sessions, LocalKeks(keks, current)),
                      services.settings.search_key_bytes())
    with services.engine.connect() as db:
        opened = [fresh.open(db, value, _row_of(db, table, value)) for table, value in after]
    readable = [payload for payload in opened if payload is not None]
    assert all(PERSONAL_ID not in json.dumps(p, ensure_ascii=False) for p in readable), readable
    assert all("Phương Thảo" not in json.dumps(p, ensure_ascii=False) for p in readable)


def _row_of(db: object, table: str, value: bytes) -> str:
    """The associated data a sealed value was bound to (``storage.sealing``): its row."""
    key = {"owners": "vault_key"}.get(table, "id")
    row = db.execute(text(f"SELECT {key} FROM {table} WHERE sealed = :v"),  # type: ignore[attr-defined]
                     {"v": value}).scalar_one()
    return f"{table}:{row}"
