"""The audit trail as a hash chain, and the owner's access log (REGULATIONS 9.D.35)."""

from __future__ import annotations

import json
import threading
from datetime import UTC, datetime
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import delete, select, text, update
from typer.testing import CliRunner

from kernel import Role, Viewer, parse_owner_id
from sohoa.cli import app
from sohoa.services import Services
from tests.sealing import holder
from tests.service_fixtures import login, make_account
from vault import FileRole, NewFile, NotFound
from vault.audit import AuditEvent, AuditHead

CITIZEN = "001099012345"
runner = CliRunner()


def _file(services: Services, owner: str = CITIZEN) -> str:
    return services.vault.filing.file_document(
        owner=parse_owner_id(owner), title="Giấy khai sinh", page_count=1,
        operator="Lê Thị Hoa", scanned_at=datetime.now(UTC), actor="test",
        agency_code=services.settings.agency.code,
        files=[NewFile(FileRole.ORIGINAL.value, b"%PDF-1.4\n%x\n", "application/pdf")]).id


def _audit_verify(data_env: Path) -> tuple[int, dict[str, object]]:
    result = runner.invoke(app, ["audit", "verify", "--json"],
                           env={"SOHOA_DATA_DIR": str(data_env)})
    return result.exit_code, json.loads(result.stdout)


def test_every_event_is_chained_and_the_chain_verifies(services: Services, data_env: Path) -> None:
    for _ in range(3):
        document = _file(services)
        services.vault.documents.read_file(document, "original", viewer=Viewer.system("test"))
    code, report = _audit_verify(data_env)
    assert code == 0 and report["intact"] and report["events"] == 6
    with services.sessions() as session:
        events = session.scalars(select(AuditEvent).order_by(AuditEvent.seq)).all()
        assert [e.seq for e in events] == list(range(1, 7))
        assert all(b.prev_hash == a.hash for a, b in zip(events, events[1:], strict=False))
        assert session.get(AuditHead, 1).hash == events[-1].hash  # type: ignore[union-attr]


@pytest.mark.parametrize("tamper", ["edit", "remove", "cut_the_end"])
def test_a_tampered_audit_row_is_detected_by_sohoa_audit_verify(
        services: Services, data_env: Path, tamper: str) -> None:
    # REGULATIONS 9.D.35
    document = _file(services)
    for _ in range(3):
        services.vault.documents.read_file(document, "original", viewer=Viewer.system("canbo.a"))
    with services.sessions() as session, session.begin():
        if tamper == "edit":  # someone hides who read the file
            session.execute(update(AuditEvent).where(AuditEvent.seq == 2)
                            .values(actor="khong-ai"))
        elif tamper == "remove":
            session.execute(delete(AuditEvent).where(AuditEvent.seq == 3))
        else:
            session.execute(delete(AuditEvent).where(AuditEvent.seq == 4))
    code, report = _audit_verify(data_env)
    assert code == 1 and not report["intact"]
    assert report["broken_at"] == {"edit": 2, "remove": 3, "cut_the_end": 4}[tamper]


def test_a_failed_change_leaves_no_event_and_the_chain_whole(services: Services) -> None:
    document = _file(services)
    with pytest.raises(NotFound):
        services.vault.documents.read_file(document, "signed", viewer=Viewer.system("t"))  # no such file
    report = services.vault.custody.verify_audit()
    assert report.intact and report.events == 1


def test_concurrent_writers_make_one_unbroken_chain(services: Services) -> None:
    owner = parse_owner_id(CITIZEN)
    errors: list[BaseException] = []

    def work() -> None:
        try:
            for _ in range(10):
                services.vault.intake.open_dossier(services.settings.agency.code, owner, actor="t")
        except BaseException as exc:  # noqa: BLE001 - reported below
            errors.append(exc)

    threads = [threading.Thread(target=work) for _ in range(6)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert not errors, errors
    report = services.vault.custody.verify_audit()
    assert report.intact and report.events == report.head_seq == 60


def test_the_owner_reads_who_read_their_documents(services: Services,
                                                  anonymous: TestClient) -> None:
    document = _file(services)
    make_account(services, "congdan", Role.CITIZEN, owner=CITIZEN)
    make_account(services, "canbo.a", Role.STAFF, agency=services.settings.agency.code)
    staff = login(anonymous, "canbo.a")
    read = anonymous.get(f"/api/v1/documents/{document}/file", headers=staff,
                         params={"variant": "original", "purpose": "Thẩm định hồ sơ"})
    assert read.status_code == 200
    citizen = login(anonymous, "congdan")
    log = anonymous.get("/api/v1/me/access-log", headers=citizen).json()["reads"]
    assert len(log) == 1
    (entry,) = log
    assert entry["reader"] == "staff:canbo.a" and entry["agency"] == services.settings.agency.code
    assert entry["access"] == "agency" and entry["purpose"] == "Thẩm định hồ sơ"
    assert entry["document"] == {"id": document, "title": "Giấy khai sinh"}
    # The owner's own reads are logged too, and someone else's log is not theirs to read.
    anonymous.get(f"/api/v1/documents/{document}/file", headers=citizen,
                  params={"variant": "original"})
    log = anonymous.get("/api/v1/me/access-log", headers=citizen).json()["reads"]
    assert [e["access"] for e in log] == ["owner", "agency"]
    with pytest.raises(NotFound):
        services.vault.custody.access_log(parse_owner_id("079199000111"),
                                  viewer=holder(services.vault, Role.CITIZEN, "c", CITIZEN))


def test_no_personal_id_in_the_audit_trail(services: Services) -> None:
    document = _file(services)
    services.vault.documents.read_file(document, "original", viewer=Viewer.system("t"),
                             purpose=f"đối chiếu với CCCD {CITIZEN}")
    with services.sessions() as session:
        dumped = json.dumps([[e.actor, e.details, e.note] for e in
                             session.scalars(select(AuditEvent))], ensure_ascii=False)
        assert CITIZEN not in dumped
        assert session.execute(text("SELECT COUNT(*) FROM audit_events")).scalar() == 2
