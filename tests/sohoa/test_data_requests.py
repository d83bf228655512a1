"""One agency asks another for a dossier's data; the holder shares or refuses, and a
refusal keeps its written reason and legal basis (REGULATIONS 58, NĐ 194/2025).

Through the HTTP API on the embedded default, with two agencies' staff logged in.
"""

from __future__ import annotations

from datetime import UTC, datetime

from fastapi.testclient import TestClient
from sqlalchemy import select

from kernel import Role, parse_owner_id
from sohoa.api import create_app
from sohoa.services import Services
from tests.service_fixtures import Snapshot, login, make_account
from vault import FileRole, NewFile
from vault.audit import AuditEvent

OWNER = "001099012345"
HOLDER, ASKER = "000.00.31.H29", "000.00.40.H29"
PURPOSE = "Xác minh giấy khai sinh để giải quyết hồ sơ đăng ký thường trú"
BASIS = "Khoản 2 Điều 12 Nghị định 194/2025/NĐ-CP"
REASON = "Hồ sơ đang bị tạm dừng xử lý theo yêu cầu của cơ quan điều tra"


def _world(services: Services) -> tuple[str, str]:
    """Two agencies with an officer each; a dossier the first holds, with one document."""
    services.vault.agencies.add_agency(HOLDER, "UBND phường Bến Thành", actor="test")
    services.vault.agencies.add_agency(ASKER, "Công an phường Bến Nghé", actor="test")
    make_account(services, "canbo.bt", Role.STAFF, agency=HOLDER)
    make_account(services, "canbo.ca", Role.STAFF, agency=ASKER)
    owner = parse_owner_id(OWNER)
    dossier = services.vault.intake.open_dossier(HOLDER, owner, procedure="1.001193",
                                                 actor="test")
    document = services.vault.filing.file_document(
        owner=owner, title="Giấy khai sinh", page_count=1, operator="Lê Thị Hoa",
        scanned_at=datetime.now(UTC), actor="test", dossier_code=dossier, agency_code=HOLDER,
        files=[NewFile(FileRole.ORIGINAL.value, b"%PDF-1.4\n%\n", "application/pdf")])
    return dossier, document.id


def test_a_refusal_needs_a_reason_and_a_legal_basis_and_keeps_both(
        services: Services, snapshot: Snapshot) -> None:
    # REGULATIONS 58: a refusal to share with another state agency is recorded with its
    # written reason and legal basis; the asking agency is told both.
    dossier, document = _world(services)
    with TestClient(create_app(services=services)) as client:
        holder, asker = login(client, "canbo.bt"), login(client, "canbo.ca")
        asked = client.post("/api/v1/data-requests", headers=asker, json={
            "dossier": dossier, "purpose": PURPOSE, "legal_basis": BASIS})
        assert asked.status_code == 201, asked.text
        request_id = asked.json()["request"]["id"]
        assert asked.json()["request"]["holder"] == "UBND phường Bến Thành"
        # Nobody reads the dossier on the strength of a request alone.
        assert client.get(f"/api/v1/documents/{document}", headers=asker).status_code == 404
        before = snapshot()
        for body in ({"reason": "", "legal_basis": BASIS}, {"reason": REASON, "legal_basis": ""},
                     {"reason": "không", "legal_basis": "luật"}):
            refused = client.post(f"/api/v1/data-requests/{request_id}/refusal",
                                  headers=holder, json=body)
            assert refused.status_code == 422 and refused.json()["error"]["message"]
        # The asking agency cannot answer its own request.
        assert client.post(f"/api/v1/data-requests/{request_id}/refusal", headers=asker,
                           json={"reason": REASON, "legal_basis": BASIS}).status_code == 404
        assert snapshot() == before
        done = client.post(f"/api/v1/data-requests/{request_id}/refusal", headers=holder,
                           json={"reason": REASON, "legal_basis": BASIS})
        assert done.status_code == 200
        seen = client.get("/api/v1/data-requests", headers=asker).json()["requests"]
        assert [(r["status"], r["reason"], r["legal_basis"], r["decided_by"]) for r in seen] == [
            ("refused", REASON, BASIS, "staff:canbo.bt")]
        # Answered once: a second answer is refused.
        again = client.post(f"/api/v1/data-requests/{request_id}/sharing", headers=holder,
                            json={"days": 30})
        assert again.status_code == 409
        assert client.get(f"/api/v1/documents/{document}", headers=asker).status_code == 404
    with services.sessions() as session:
        event = session.scalar(select(AuditEvent).where(
            AuditEvent.action == "data_request.refused"))
        assert event is not None and event.details["legal_basis"] == BASIS
        assert event.details["reason"] == REASON and event.actor == "staff:canbo.bt"


def test_sharing_lets_the_asking_agency_read_for_a_time_and_the_owner_sees_it(
        services: Services) -> None:
    dossier, document = _world(services)
    make_account(services, "congdan", Role.CITIZEN, owner=OWNER)
    with TestClient(create_app(services=services)) as client:
        holder, asker = login(client, "canbo.bt"), login(client, "canbo.ca")
        request_id = client.post("/api/v1/data-requests", headers=asker, json={
            "dossier": dossier, "purpose": PURPOSE, "legal_basis": BASIS}).json()["request"]["id"]
        shared = client.post(f"/api/v1/data-requests/{request_id}/sharing", headers=holder,
                             json={"days": 10})
        assert shared.status_code == 200 and shared.json()["request"]["status"] == "shared"
        assert client.get(f"/api/v1/documents/{document}", headers=asker).status_code == 200
        grants = client.get("/api/v1/me/grants", headers=login(client, "congdan")).json()
        assert any(g["agency"]["name"] == "Công an phường Bến Nghé" for g in grants["grants"])
        # A request needs a purpose and a legal ground.
        bare = client.post("/api/v1/data-requests", headers=asker, json={
            "dossier": dossier, "purpose": "xem", "legal_basis": BASIS})
        assert bare.status_code == 422
