"""Reuse with consent, end to end through the API (REGULATIONS 9.C.23, 9.D.35).

A citizen attaches a vault document to a new application at another agency; that
agency's staff read it through the grant and check its hash instead of asking for
paper; the read shows in the citizen's access log; the citizen revokes the grant
and the next read answers 404.
"""

from __future__ import annotations

import hashlib
from datetime import UTC, datetime, timedelta

from fastapi.testclient import TestClient

from kernel import Role, Viewer, parse_owner_id
from sohoa.services import Services
from tests.service_fixtures import count_rows, login, make_account
from vault import FileRole, NewFile
from vault.grants import Grant
from vault.models import Dossier

CITIZEN = "001099012345"
AGENCY_B = "000.00.99.H99"
SCAN = b"%PDF-1.4\n% giay khai sinh\n"


def _setup(services: Services, client: TestClient) -> tuple[str, dict[str, str], dict[str, str]]:
    services.vault.agencies.add_agency(AGENCY_B, "UBND phường Tân Định", actor="test")
    document = services.vault.filing.file_document(
        owner=parse_owner_id(CITIZEN), title="Giấy khai sinh", page_count=1, operator="Hoa",
        scanned_at=datetime.now(UTC), actor="test", agency_code=services.settings.agency.code,
        files=[NewFile(FileRole.ORIGINAL.value, SCAN, "application/pdf")]).id
    make_account(services, "congdan", Role.CITIZEN, owner=CITIZEN)
    make_account(services, "canbo.b", Role.STAFF, agency=AGENCY_B)
    return document, login(client, "congdan"), login(client, "canbo.b")



def test_the_reuse_flow_end_to_end(services: Services, anonymous: TestClient) -> None:
    # REGULATIONS 9.C.23
    client = anonymous
    document, citizen, staff = _setup(services, client)
    file_url = f"/api/v1/documents/{document}/file"

    # Before any consent the other agency sees nothing.
    assert client.get(file_url, headers=staff, params={"variant": "original"}).status_code == 404

    # The preview shows exactly what will be shared, and stores nothing.
    preview = client.post("/api/v1/applications/preview", headers=citizen,
                          json={"agency": AGENCY_B, "documents": [document]})
    assert preview.status_code == 200, preview.text
    (shown,) = preview.json()["documents"]
    assert shown["id"] == document and shown["title"] == "Giấy khai sinh"
    assert shown["files"] == [{"role": "original", "sha256": hashlib.sha256(SCAN).hexdigest()}]
    assert count_rows(services, Grant) == 0 and count_rows(services, Dossier) == 0

    # Confirming opens the dossier at the agency and creates the grant.
    applied = client.post("/api/v1/applications", headers=citizen, json={
        "agency": AGENCY_B, "documents": [document], "procedure": "1.001193",
        "purpose": "Đăng ký thường trú", "expires_in_days": 30})
    assert applied.status_code == 201, applied.text
    grant = applied.json()["grant"]
    assert grant["status"] == "live" and grant["agency"]["code"] == AGENCY_B
    assert grant["dossier"].startswith(f"{AGENCY_B}-")

    # The agency reads the document through the grant and checks it against the hash.
    read = client.get(file_url, headers=staff,
                      params={"variant": "original", "purpose": "Thẩm định hồ sơ thường trú"})
    assert read.status_code == 200
    assert hashlib.sha256(read.content).hexdigest() == shown["files"][0]["sha256"]
    assert read.headers["x-content-sha256"] == shown["files"][0]["sha256"]
    # Reading is all a grant gives: staff of B cannot process the citizen's document.
    assert client.post(f"/api/v1/documents/{document}/revocation", headers=staff,
                       json={"reason": "x"}).status_code == 403

    # The citizen sees the read in their access log, with the agency and the grant.
    (entry,) = client.get("/api/v1/me/access-log", headers=citizen).json()["reads"]
    assert entry["reader"] == "staff:canbo.b" and entry["agency"] == AGENCY_B
    assert entry["access"] == "grant" and entry["grant"] == grant["id"]
    assert entry["purpose"] == "Thẩm định hồ sơ thường trú"

    # The citizen revokes; the agency's next read answers 404.
    revoked = client.post(f"/api/v1/grants/{grant['id']}/revocation", headers=citizen)
    assert revoked.status_code == 200 and revoked.json()["grant"]["status"] == "revoked"
    assert client.get(file_url, headers=staff, params={"variant": "original"}).status_code == 404
    assert client.get(f"/api/v1/documents/{document}", headers=staff).status_code == 404
    listed = client.get("/api/v1/me/grants", headers=citizen).json()["grants"]
    assert [g["status"] for g in listed] == ["revoked"]
    assert services.vault.custody.verify_audit().intact


def test_an_expired_grant_reads_as_nothing(services: Services, anonymous: TestClient) -> None:
    document, _citizen, staff = _setup(services, anonymous)
    long_ago = datetime.now(UTC) - timedelta(days=40)
    services.vault.sharing.apply_with_documents(
        parse_owner_id(CITIZEN), AGENCY_B, [document], procedure="1.001193", purpose="Thử",
        expires_at=long_ago + timedelta(days=30), viewer=Viewer.system("test"), now=long_ago)
    assert anonymous.get(f"/api/v1/documents/{document}", headers=staff).status_code == 404


def test_bad_applications_are_refused_and_store_nothing(services: Services,
                                                        anonymous: TestClient) -> None:
    document, citizen, _staff = _setup(services, anonymous)
    cases = [
        ({"agency": "999.99.99.X99", "documents": [document]}, 404),
        ({"agency": AGENCY_B, "documents": ["khong-co"]}, 404),
        ({"agency": AGENCY_B, "documents": [document, document]}, 422),
        ({"agency": AGENCY_B, "documents": [document], "expires_in_days": 100_000}, 422),
    ]
    for body, status in cases:
        answer = anonymous.post("/api/v1/applications", headers=citizen, json={
            "procedure": "1.001193", "purpose": "Thử", **body})
        assert answer.status_code == status, (body, answer.text)
    assert count_rows(services, Grant) == 0 and count_rows(services, Dossier) == 0
