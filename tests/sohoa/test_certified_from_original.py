"""Certifying an electronic copy from its original, in the order the law fixes
(REGULATIONS 61): presented → checked → scanned → statement → the certifier's signature,
then the agency's → the register of certifications. Through the HTTP API on the
embedded default (development keys of the officer and of the agency, real signatures).
"""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

from fastapi.testclient import TestClient

from kernel import Role, local_day, parse_owner_id
from signing import operator_request, sign_pdf, verify_pdf
from sohoa.api import create_app
from sohoa.services import Services
from tests.inputs import first_page_text, image_bytes, image_pdf, text_page
from tests.service_fixtures import login, make_account
from vault import FileRole, NewFile

OWNER = "001099012345"
STATEMENT = "Chứng thực bản sao này đúng với bản chính."


def _scan(services: Services) -> str:
    """The original scanned at this counter now, signed by its operator."""
    scan = image_pdf(image_bytes(text_page(200), "JPEG", 200))
    now = datetime.now(UTC)
    signed = sign_pdf(scan, operator_request(services.operator_key("Lê Thị Hoa"),
                                             services.stamp_font(), "Lê Thị Hoa", now),
                      services.trust)
    return services.vault.filing.file_document(
        owner=parse_owner_id(OWNER), title="Bằng tốt nghiệp", page_count=1,
        operator="Lê Thị Hoa", scanned_at=now, actor="test",
        agency_code=services.settings.agency.code, files=[
            NewFile(FileRole.ORIGINAL.value, scan, "application/pdf"),
            NewFile(FileRole.SIGNED.value, signed, "application/pdf",
                    parent=(FileRole.ORIGINAL.value, 1))]).id


def _start(client: TestClient) -> str:
    made = client.post("/api/v1/certifications", json={
        "owner": OWNER, "original": "Bằng tốt nghiệp THPT số 123/2010, Sở GD&ĐT Hà Nội"})
    assert made.status_code == 201, made.text
    return str(made.json()["certification"]["id"])


def test_each_step_needs_the_one_before_and_the_copy_carries_two_signatures_and_a_number(
        services: Services, tmp_path: Path) -> None:
    # REGULATIONS 61
    make_account(services, "chungthuc", Role.STAFF, agency=services.settings.agency.code)
    account = services.accounts.find("chungthuc")
    with TestClient(create_app(services=services)) as client:
        client.headers.update(login(client, "chungthuc"))
        first = _start(client)
        # Out of order: the statement and the signatures wait for the check and the scan.
        early = client.post(f"/api/v1/certifications/{first}/statement",
                            json={"statement": STATEMENT})
        assert early.status_code == 409
        assert "kiểm tra bản chính, số hóa bản chính tại quầy" in early.json()["error"]["message"]
        assert client.post(f"/api/v1/certifications/{first}/issue",
                           json={"position": "Phó Chủ tịch"}).status_code == 409
        # A scan made before the check is not the scan of this check.
        before = _scan(services)
        assert client.post(f"/api/v1/certifications/{first}/check",
                           json={"fit": True, "note": "Bản chính rõ, không tẩy xóa"}
                           ).status_code == 200
        stale = client.post(f"/api/v1/certifications/{first}/scan", json={"document": before})
        assert stale.status_code == 409
        scan = _scan(services)
        assert client.post(f"/api/v1/certifications/{first}/scan",
                           json={"document": scan}).status_code == 200
        assert client.post(f"/api/v1/certifications/{first}/statement",
                           json={"statement": STATEMENT}).status_code == 200
        issued = client.post(f"/api/v1/certifications/{first}/issue",
                             json={"position": "Phó Chủ tịch"})
        assert issued.status_code == 200, issued.text
        done = issued.json()["certification"]
        year = local_day(datetime.now(UTC)).year
        assert done["step"] == "issued" and done["register"]["number"] == 1
        assert done["register"]["book"] == f"01/{year}-SCT/BS"
        # Issued once: not again.
        assert client.post(f"/api/v1/certifications/{first}/issue",
                           json={"position": "Phó Chủ tịch"}).status_code == 409
        page = client.get(f"/v/{done['lookup_code']}").text
        assert "chứng thực từ bản chính" in page and services.settings.agency.name in page

        # The next certification of the year takes the next number of the register.
        second = _start(client)
        client.post(f"/api/v1/certifications/{second}/check", json={"fit": True})
        client.post(f"/api/v1/certifications/{second}/scan", json={"document": _scan(services)})
        client.post(f"/api/v1/certifications/{second}/statement", json={"statement": STATEMENT})
        again = client.post(f"/api/v1/certifications/{second}/issue",
                            json={"position": "Phó Chủ tịch"})
        assert again.json()["certification"]["register"]["number"] == 2

        # A refused original goes no further, and says why.
        third = _start(client)
        assert client.post(f"/api/v1/certifications/{third}/check",
                           json={"fit": False}).status_code == 422
        client.post(f"/api/v1/certifications/{third}/check",
                    json={"fit": False, "note": "Bản chính bị tẩy xóa, sửa chữa nội dung"})
        refused = client.post(f"/api/v1/certifications/{third}/scan",
                              json={"document": _scan(services)})
        assert refused.status_code == 409 and "tẩy xóa" in refused.json()["error"]["message"]

    certified = services.vault.documents.read_file(scan, FileRole.CERTIFIED.value,
                                                   viewer=account.viewer()).data
    report = verify_pdf(certified, services.trust)
    # The operator's scan signature, then the certifying person's, then the agency's.
    assert report.valid and len(report.signatures) == 3
    operator, person, agency = report.signatures
    assert "chungthuc" in person.signer and services.settings.agency.name in agency.signer
    path = tmp_path / "certified.pdf"
    path.write_bytes(certified)
    text = " ".join(first_page_text(path).split())
    assert STATEMENT in text and f"Số chứng thực: 1, quyển số 01/{year}-SCT/BS" in text
    assert "PHÓ CHỦ TỊCH" in text
