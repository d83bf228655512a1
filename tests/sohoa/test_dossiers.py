"""Dossier casework through the API: reuse by default, no silent states, results in the vault.

REGULATIONS 9.B.15–17, 9.C.23–24, 55–57, and TT 03/2025 forms 02, 03, 05: a dossier
whose components are all in the owner's vault is completed without a single scan;
scanning what the vault holds needs a written reason; stopping a dossier needs a
reason code and a notice; the result lands in the owner's vault as ``-KQ<n>``.
"""

from __future__ import annotations

import hashlib
from datetime import UTC, date, datetime

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import func, select, update

from kernel import Role, Viewer, parse_owner_id
from signing import verify_pdf
from sohoa.jobs.models import Job
from sohoa.services import Services
from sohoa.usecases.counter import prepare
from tests.inputs import text_pdf
from tests.reviews import review
from tests.service_fixtures import NEW_CITIZEN, count_rows, login, make_account
from vault import FileRole, NewFile, ReuseReasonRequired
from vault.audit import AuditEvent
from vault.models import Document, DocumentStatus, DossierEvent

CITIZEN = "001099012345"
AGENCY = "000.00.31.H50"


def _vault_document(services: Services, doc_type: str, title: str, *,
                    valid_until: date | None = None) -> str:
    """A document already in the citizen's vault, stored with its type (an earlier
    digitisation, or the result of an earlier dossier)."""
    body = f"%PDF-1.4\n% {title}\n".encode()
    record = services.vault.filing.file_document(
        owner=parse_owner_id(CITIZEN), title=title, page_count=1, operator="Hoa",
        scanned_at=datetime.now(UTC), actor="test", agency_code=services.settings.agency.code,
        files=[NewFile(FileRole.ORIGINAL.value, body, "application/pdf")])
    with services.sessions() as session, session.begin():
        session.execute(update(Document).where(Document.id == record.id).values(
            doc_type=doc_type, status=DocumentStatus.STORED.value, valid_until=valid_until))
    return record.id


@pytest.fixture
def people(services: Services, anonymous: TestClient) -> dict[str, dict[str, str]]:
    services.vault.agencies.add_agency(AGENCY, "UBND phường Bến Nghé", actor="test")
    make_account(services, "congdan", Role.CITIZEN, owner=CITIZEN)
    make_account(services, "canbo", Role.STAFF, agency=AGENCY)
    make_account(services, "quantri", Role.ADMIN)
    return {name: login(anonymous, name) for name in ("congdan", "canbo", "quantri")}


def test_a_dossier_whose_components_are_all_in_the_vault_completes_with_zero_scans(
        services: Services, anonymous: TestClient,
        people: dict[str, dict[str, str]]) -> None:
    # REGULATIONS 9.C.23, 55, 56, 9.B.17, 9.C.24
    client, staff, citizen = anonymous, people["canbo"], people["congdan"]
    form = _vault_document(services, "TK", "Tờ khai đăng ký kết hôn")
    card = _vault_document(services, "CCCD", "Căn cước công dân")
    _vault_document(services, "CCCD", "Căn cước đã hết hạn", valid_until=date(2020, 1, 1))
    status = _vault_document(services, "XNTTHN", "Xác nhận tình trạng hôn nhân")
    before = count_rows(services, Document)

    opened = client.post("/api/v1/dossiers", headers=staff,
                         json={"owner": CITIZEN, "procedure": "DKKH", **NEW_CITIZEN})
    assert opened.status_code == 201, opened.text
    dossier = opened.json()["dossier"]
    code = dossier["code"]
    assert code.startswith(f"{AGENCY}-") and dossier["status"] == "RECEIVED"
    assert dossier["missing_components"] == []
    assert {c["code"]: (c["document"], c["source"]) for c in dossier["components"]} == {
        "TK": (form, "VAULT"), "GTTT": (card, "VAULT"), "XNTTHN": (status, "VAULT")}

    # The agency reads a referenced document through the grant and checks its hash.
    listed = client.get(f"/api/v1/documents/{card}", headers=staff).json()["document"]
    read = client.get(f"/api/v1/documents/{card}/file", headers=staff,
                      params={"variant": "original", "purpose": "Thẩm định hồ sơ"})
    assert read.status_code == 200
    assert hashlib.sha256(read.content).hexdigest() == listed["files"][0]["sha256"]

    # Completing before a result is there is refused, and says why.
    early = client.post(f"/api/v1/dossiers/{code}/transitions", headers=staff,
                        json={"to": "COMPLETED"})
    assert early.status_code == 409 and "kết quả" in early.json()["error"]["message"]

    issued = client.post(f"/api/v1/dossiers/{code}/results", headers=staff, data={
        "title": "Giấy chứng nhận kết hôn", "doc_type": "GCNKH", "number_symbol": "15/2026/KH",
        "signer_name": "Nguyễn Văn An", "signer_position": "Chủ tịch"},
        files={"file": ("ket-qua.pdf", text_pdf("Giay chung nhan ket hon"), "application/pdf")})
    assert issued.status_code == 201, issued.text
    result = issued.json()["document"]
    assert result["result_code"] == f"{code}-KQ1"

    done = client.post(f"/api/v1/dossiers/{code}/transitions", headers=staff,
                       json={"to": "COMPLETED"})
    assert done.status_code == 200, done.text
    assert done.json()["dossier"]["status"] == "COMPLETED"

    # Zero scans: no digitisation job ran and the only new document is the result.
    assert count_rows(services, Job) == 0
    assert count_rows(services, Document) == before + 1
    # The result is in the citizen's vault, signed by the agency.
    mine = client.get(f"/api/v1/owners/{CITIZEN}/documents", headers=citizen).json()
    assert result["id"] in [d["id"] for d in mine["documents"]]
    signed = client.get(f"/api/v1/documents/{result['id']}/file", headers=citizen,
                        params={"variant": "signed"})
    report = verify_pdf(signed.content, services.trust)
    assert report.valid and report.signatures[0].organisation
    # The citizen was told of the reuse and of the result.
    notices = client.get("/api/v1/me/notices", headers=citizen).json()["notices"]
    assert [n["kind"] for n in notices] == ["COMPLETED", "REUSED"]
    assert f"{code}-KQ1" in notices[0]["text"]
    assert client.get("/api/v1/admin/dossiers/missing-results",
                      headers=people["quantri"]).json() == {"dossiers": []}
    # A closed dossier takes no more work.
    again = client.post(f"/api/v1/dossiers/{code}/opinions", headers=staff,
                        json={"text": "x", "official": "y"})
    assert again.status_code == 409


def test_a_completed_dossier_whose_result_left_the_vault_is_reported(
        services: Services, anonymous: TestClient,
        people: dict[str, dict[str, str]]) -> None:
    # REGULATIONS 9.C.24
    code = services.vault.intake.open_dossier(AGENCY, parse_owner_id(CITIZEN), procedure="TRICHLUC",
                                       actor="test")
    _vault_document(services, "CCCD", "Căn cước")  # after opening: attached by hand below
    client, staff = anonymous, people["canbo"]
    card = services.vault.casework.find_dossiers(viewer=Viewer.system("t"))[0].components[0]
    assert card.document_id is None
    # A result is stored and served back: a PDF that is also a web page is refused.
    polyglot = client.post(f"/api/v1/dossiers/{code}/results", headers=staff, data={
        "title": "Trích lục khai sinh", "doc_type": "GKS", "number_symbol": "7/TLKS"},
        files={"file": ("tl.pdf", b"<html><script>alert(1)</script>\n" + text_pdf("Trich luc"),
                        "application/pdf")})
    assert polyglot.status_code == 422 and polyglot.json()["error"]["code"] == "polyglot_file"
    issued = client.post(f"/api/v1/dossiers/{code}/results", headers=staff, data={
        "title": "Trích lục khai sinh", "doc_type": "GKS", "number_symbol": "7/TLKS"},
        files={"file": ("tl.pdf", text_pdf("Trich luc"), "application/pdf")})
    assert issued.status_code == 201, issued.text
    refused = client.post(f"/api/v1/dossiers/{code}/transitions", headers=staff,
                          json={"to": "COMPLETED"})
    assert refused.status_code == 409 and "Giấy tờ tùy thân" in refused.json()["error"]["message"]
    with services.sessions() as session:
        card_id = session.scalar(select(Document.id).where(Document.doc_type == "CCCD"))
    attached = client.post(f"/api/v1/dossiers/{code}/components/GTTT", headers=staff,
                           json={"document": card_id})
    assert attached.status_code == 404  # not shared with this agency: it cannot see it
    with services.sessions() as session, session.begin():
        session.execute(update(Document).where(Document.id == card_id).values(
            agency_id=select(Document.agency_id).where(
                Document.id == issued.json()["document"]["id"]).scalar_subquery()))
    attached = client.post(f"/api/v1/dossiers/{code}/components/GTTT", headers=staff,
                           json={"document": card_id})
    assert attached.status_code == 200, attached.text
    assert client.post(f"/api/v1/dossiers/{code}/transitions", headers=staff,
                       json={"to": "COMPLETED"}).status_code == 200

    # A fault moves the result out of the owner's vault: the service reports the dossier.
    make_account(services, "congdan2", Role.CITIZEN, owner="079199000111")
    elsewhere = services.vault.filing.file_document(
        owner=parse_owner_id("079199000111"), title="x", page_count=1, operator="x",
        scanned_at=datetime.now(UTC), actor="test",
        files=[NewFile(FileRole.ORIGINAL.value, b"%PDF-1.4\n%x\n", "application/pdf")])
    with services.sessions() as session, session.begin():
        other = session.scalar(select(Document.owner_id).where(Document.id == elsewhere.id))
        session.execute(update(Document).where(
            Document.id == issued.json()["document"]["id"]).values(owner_id=other))
    missing = client.get("/api/v1/admin/dossiers/missing-results", headers=people["quantri"])
    assert missing.json() == {"dossiers": [code]}


def test_scanning_a_component_the_vault_holds_needs_a_written_reason(
        services: Services, anonymous: TestClient,
        people: dict[str, dict[str, str]]) -> None:
    # REGULATIONS 9.C.23, 56
    _vault_document(services, "CCCD", "Căn cước công dân")
    client, staff = anonymous, people["canbo"]
    code = client.post("/api/v1/dossiers", headers=staff,
                       json={"owner": CITIZEN, "procedure": "GPXD", **NEW_CITIZEN}).json()["dossier"]["code"]
    viewer = Viewer(Role.STAFF, "canbo", agency=AGENCY)
    scan = [("cccd.pdf", text_pdf("CCCD"))]
    with pytest.raises(ReuseReasonRequired, match="GTTT"):
        prepare(services, scan, owner=CITIZEN, dossier=code, component="GTTT", viewer=viewer)
    with pytest.raises(ReuseReasonRequired):
        prepare(services, scan, owner=CITIZEN, dossier=code, component="GTTT",
                reuse_reason="cần", viewer=viewer)
    # Through the API, the refusal is a 422 that names it, and nothing is stored.
    refused = client.post("/api/v1/digitize", headers=staff, data={
        "owner": CITIZEN, "dossier": code, "component": "GTTT"},
        files={"files": ("cccd.pdf", text_pdf("CCCD"), "application/pdf")})
    assert refused.status_code == 422 and refused.json()["error"]["code"] == "reuse_reason_required"
    assert count_rows(services, Job) == 0
    # A component the vault does not hold is scanned without a word.
    prepare(services, scan, owner=CITIZEN, dossier=code, component="DON", force=True,
            viewer=viewer)
    prepare(services, scan, owner=CITIZEN, dossier=code, component="GTTT", force=True,
            reuse_reason="Căn cước trong Kho bị mờ ảnh chân dung", viewer=viewer)

    # Attaching a scan filed in this dossier: the reason is kept and logged.
    scanned = services.vault.filing.file_document(
        owner=parse_owner_id(CITIZEN), title="CCCD quét lại", page_count=1, operator="Hoa",
        scanned_at=datetime.now(UTC), actor="test", dossier_code=code, agency_code=AGENCY,
        files=[NewFile(FileRole.ORIGINAL.value, b"%PDF-1.4\n%scan\n", "application/pdf")]).id
    url = f"/api/v1/dossiers/{code}/components/GTTT"
    assert client.post(url, headers=staff, json={"document": scanned}).status_code == 422
    reason = "Ảnh chân dung trong Kho không rõ"
    ok = client.post(url, headers=staff, json={"document": scanned, "reason": reason})
    assert ok.status_code == 200, ok.text
    rows = [c for c in ok.json()["dossier"]["components"] if c["code"] == "GTTT"]
    assert any(c["document"] == scanned and c["source"] == "SCAN" and c["reason"] == reason
               for c in rows)
    with services.sessions() as session:
        logged = session.scalars(select(AuditEvent.details).where(
            AuditEvent.action == "dossier.component")).all()
    assert {"component": "GTTT", "document": scanned, "source": "SCAN",
            "reason": reason} in logged


def test_stopping_a_dossier_needs_a_reason_code_and_a_notice(
        services: Services, anonymous: TestClient,
        people: dict[str, dict[str, str]]) -> None:
    # TT 03/2025 Mẫu 02, 03, 05 (REGULATIONS 54)
    client, staff, citizen = anonymous, people["canbo"], people["congdan"]
    code = client.post("/api/v1/dossiers", headers=staff,
                       json={"owner": CITIZEN, "procedure": "GPXD", **NEW_CITIZEN}).json()["dossier"]["code"]
    url = f"/api/v1/dossiers/{code}/transitions"
    for body in ({"to": "SUPPLEMENT"},
                 {"to": "SUPPLEMENT", "reason_code": "THIEU_THANH_PHAN"},
                 {"to": "SUPPLEMENT", "notice": "Bổ sung giấy chứng nhận QSDĐ"},
                 {"to": "SUPPLEMENT", "reason_code": "CHO_XAC_MINH",  # a parking reason
                  "notice": "Bổ sung giấy chứng nhận QSDĐ"},
                 {"to": "PARKED", "reason_code": "NO_SUCH", "notice": "x"}):
        refused = client.post(url, headers=staff, json=body)
        assert refused.status_code == 422, body
    assert client.get(f"/api/v1/dossiers/{code}", headers=staff).json()["dossier"][
        "status"] == "RECEIVED"
    assert client.get("/api/v1/me/notices", headers=citizen).json()["notices"] == []

    asked = client.post(url, headers=staff, json={
        "to": "SUPPLEMENT", "reason_code": "THIEU_THANH_PHAN",
        "notice": "Đề nghị bổ sung Giấy chứng nhận quyền sử dụng đất (bản chính)."})
    assert asked.status_code == 200, asked.text
    # From SUPPLEMENT only back to work or a return; a park is not a next step.
    assert client.post(url, headers=staff, json={
        "to": "PARKED", "reason_code": "CHO_XAC_MINH", "notice": "x"}).status_code == 409
    assert client.post(url, headers=staff, json={"to": "PROCESSING"}).status_code == 200
    parked = client.post(url, headers=staff, json={
        "to": "PARKED", "reason_code": "CHO_XAC_MINH", "notice": "Chờ xác minh ranh giới đất."})
    assert parked.status_code == 200
    returned = client.post(url, headers=staff, json={
        "to": "RETURNED", "reason_code": "KHONG_DU_DIEU_KIEN",
        "notice": "Công trình nằm trong hành lang bảo vệ đê điều."})
    assert returned.status_code == 200
    assert client.post(url, headers=staff, json={"to": "PROCESSING"}).status_code == 409

    notices = client.get("/api/v1/me/notices", headers=citizen).json()["notices"]
    assert [(n["kind"], n["reason_code"]) for n in notices] == [
        ("RETURNED", "KHONG_DU_DIEU_KIEN"), ("PARKED", "CHO_XAC_MINH"),
        ("SUPPLEMENT", "THIEU_THANH_PHAN")]
    assert "bản chính" in notices[2]["text"]
    history = client.get(f"/api/v1/dossiers/{code}", headers=citizen).json()["dossier"]["history"]
    assert [(h["from"], h["to"]) for h in history if h["kind"] == "STATUS"] == [
        ("RECEIVED", "SUPPLEMENT"), ("SUPPLEMENT", "PROCESSING"), ("PROCESSING", "PARKED"),
        ("PARKED", "RETURNED")]
    # The citizen reads but does not work on the dossier.
    assert client.post(url, headers=citizen, json={"to": "PROCESSING"}).status_code == 403


def test_amendments_and_opinions_append_history_and_the_code_stays(
        services: Services, anonymous: TestClient,
        people: dict[str, dict[str, str]]) -> None:
    # REGULATIONS 9.B.16, 9.D.27
    client, staff = anonymous, people["canbo"]
    opened = client.post("/api/v1/dossiers", headers=staff, json={
        "owner": CITIZEN, "procedure": "GPXD", "due_on": "2026-12-10", **NEW_CITIZEN}).json()["dossier"]
    code = opened["code"]
    url = f"/api/v1/dossiers/{code}/amendments"
    assert client.post(url, headers=staff, json={"due_on": "2026-12-20",
                                                 "reason": "  "}).status_code == 422
    assert client.post(url, headers=staff, json={"due_on": "2000-01-01",
                                                 "reason": "nhầm"}).status_code == 422
    for due, why in (("2026-12-20", "Chờ ý kiến Sở Xây dựng"), ("2027-01-05", "Nghỉ Tết")):
        assert client.post(url, headers=staff, json={"due_on": due, "reason": why}
                           ).status_code == 200
    opinion = client.post(f"/api/v1/dossiers/{code}/opinions", headers=staff, json={
        "text": "Đủ điều kiện cấp phép, đề nghị trình ký.", "official": "Trần Thị Bình",
        "position": "Chuyên viên"})
    assert opinion.status_code == 201
    dossier = client.get(f"/api/v1/dossiers/{code}", headers=staff).json()["dossier"]
    assert dossier["code"] == code and dossier["due_on"] == "2027-01-05"
    amended = [h for h in dossier["history"] if h["kind"] == "AMENDED"]
    assert [h["details"]["due_on"] for h in amended] == [
        ["2026-12-10", "2026-12-20"], ["2026-12-20", "2027-01-05"]]
    assert [h["text"] for h in amended] == ["Chờ ý kiến Sở Xây dựng", "Nghỉ Tết"]
    (said,) = [h for h in dossier["history"] if h["kind"] == "OPINION"]
    assert (said["official"], said["position"]) == ("Trần Thị Bình", "Chuyên viên")
    with services.sessions() as session:
        assert session.scalar(select(func.count()).select_from(DossierEvent)) == len(
            dossier["history"])



def test_a_dossier_completes_only_once_every_record_filed_in_it_is_reviewed(
        services: Services, anonymous: TestClient,
        people: dict[str, dict[str, str]]) -> None:
    # Issue 29 item 3: a record still waiting for staff when the dossier closes would be
    # archived unread; the refusal names the record, and a review lets the dossier close.
    client, staff = anonymous, people["canbo"]
    viewer = services.accounts.find("canbo").viewer()
    code = services.vault.intake.open_dossier(AGENCY, parse_owner_id(CITIZEN),
                                              procedure="TRICHLUC", actor="test")
    scan = services.vault.filing.file_document(
        owner=parse_owner_id(CITIZEN), title="Tờ khai trích lục", page_count=1,
        operator="Lê Thị Hoa", scanned_at=datetime.now(UTC), actor="test",
        agency_code=AGENCY, dossier_code=code,
        files=[NewFile(FileRole.ORIGINAL.value, text_pdf("To khai"), "application/pdf")])
    services.vault.intake.attach(code, "GTTT", scan.id, viewer=viewer)
    issued = client.post(f"/api/v1/dossiers/{code}/results", headers=staff, data={
        "title": "Trích lục khai sinh", "doc_type": "GKS", "number_symbol": "8/TLKS"},
        files={"file": ("tl.pdf", text_pdf("Trich luc"), "application/pdf")})
    assert issued.status_code == 201, issued.text

    refused = client.post(f"/api/v1/dossiers/{code}/transitions", headers=staff,
                          json={"to": "COMPLETED"})
    assert refused.status_code == 409, refused.text
    message = refused.json()["error"]["message"]
    assert "chưa được kiểm tra" in message and "Tờ khai trích lục" in message
    assert services.vault.casework.dossier(code, viewer=viewer).status == "RECEIVED"

    review(services, scan.id, viewer)
    done = client.post(f"/api/v1/dossiers/{code}/transitions", headers=staff,
                       json={"to": "COMPLETED"})
    assert done.status_code == 200, done.text
