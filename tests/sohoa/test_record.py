"""The digitisation record: extraction after OCR, the four steps, staff completion, codes.

REGULATIONS 9.A.9 (OCR first, MANUAL recorded), 9.A.10–11 (type code and owner
in the result code), 9.A.12 (SCANNED → EXTRACTED → CODED → STORED), 46 (saving
refused while a required field is empty), 50 (template default, NN counter).
"""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select

from kernel import parse_owner_id
from sohoa.services import Services
from tests.degraded import smudged
from tests.inputs import image_bytes, text_page
from tests.pages import document_page
from vault import DigitisationRecord, InvalidTransition, NewFile
from vault.audit import AuditEvent

OWNER = "079212345678"


def _digitise(client: TestClient, services: Services, page: bytes) -> dict:
    response = client.post("/api/v1/digitize",
                           files=[("files", ("trang.png", page, "image/png"))],
                           data={"owner": OWNER, "operator": "Phạm Minh Đức"})
    assert response.status_code == 202, response.text
    assert services.jobs.wait_idle(timeout=300)
    job = client.get(f"/api/v1/jobs/{response.json()['job']['id']}").json()["job"]
    assert job["status"] == "done", job
    (document,) = job["result"]["documents"]
    return document


def _steps(services: Services, document_id: str) -> list[tuple[str, str]]:
    with services.sessions() as session:
        events = session.scalars(select(AuditEvent).where(
            AuditEvent.subject_id == document_id, AuditEvent.action == "document.status"
        ).order_by(AuditEvent.id)).all()
        return [(e.details["from"], e.details["to"]) for e in events]


@pytest.mark.ocr
def test_a_complete_header_is_extracted_coded_and_stored_without_review(
    client: TestClient, services: Services
) -> None:
    page = document_page(300, mode="RGB")
    document = _digitise(client, services, image_bytes(page.image, "PNG", 300))
    record = document["record"]
    # REGULATIONS 9.A.10: the fields read from the national header.
    assert record["number_symbol"] == "95/2024/QĐ-UBND"
    assert record["issue_date"] == "2024-11-18"
    assert record["issuing_body"] == "ỦY BAN NHÂN DÂN TỈNH QUẢNG NAM"
    assert record["doc_type_code"] == "QD"
    assert record["summary"].startswith("Về việc ban hành quy chế")
    assert record["extraction_method"] == "OCR" and record["missing"] == []
    # REGULATIONS 9.A.11 / item 50: owner ID and type code in the code, NN counter last.
    assert document["result_code"] == f"{OWNER}.QD.95-2024-QD-UBND.01"
    assert document["status"] == "STORED"
    # REGULATIONS 9.A.12: every step, in order, none skipped.
    assert _steps(services, document["id"]) == [
        ("SCANNED", "EXTRACTED"), ("EXTRACTED", "CODED"), ("CODED", "STORED")]
    fields = {f["name"]: f for f in document["fields"]}
    assert 0.5 < fields["number_symbol"]["confidence"] <= 1
    assert fields["number_symbol"]["method"] == "OCR"


@pytest.mark.ocr
def test_a_page_with_text_left_unread_waits_for_staff_however_complete_its_header(
    client: TestClient, services: Services
) -> None:
    # Issue 26, item 1: a page that lost text goes to review instead of being stored.
    page = smudged(document_page(300, mode="RGB").image, 0.38, 0.56)  # the articles
    filed = _digitise(client, services, image_bytes(page, "PNG", 300))
    document = client.get(f"/api/v1/documents/{filed['id']}").json()["document"]
    assert document["record"]["number_symbol"] == "95/2024/QĐ-UBND"  # the header was read …
    warnings = [w["code"] for p in document["page_quality"] for w in p.get("warnings", [])]
    assert "unread_text" in warnings
    assert document["status"] == "EXTRACTED"  # … yet a person looks before it is stored
    assert document["result_code"] is None


@pytest.mark.ocr
def test_staff_complete_a_record_and_keyed_values_are_manual(
    client: TestClient, services: Services
) -> None:
    body_only = text_page(300, mode="RGB", lines=[
        "Điều 4. Tổ chức thực hiện quy chế số hóa hồ sơ.",
        "Các cơ quan, đơn vị chịu trách nhiệm thi hành."])
    document = _digitise(client, services, image_bytes(body_only, "PNG", 300))
    assert document["status"] == "EXTRACTED" and document["result_code"] is None
    assert "number_symbol" in document["record"]["missing"]

    url = f"/api/v1/documents/{document['id']}/record"
    # REGULATIONS 46: refused while a required field is empty, each one named.
    partial = client.put(url, json={"summary": "Về việc số hóa hồ sơ", "doc_type_code": "QD"})
    assert partial.status_code == 422
    error = partial.json()["error"]
    assert error["code"] == "record_incomplete"
    assert set(error["missing"]) == {"number_symbol", "issue_date", "issuing_body"}
    assert "số, ký hiệu" in error["message"]
    assert client.get(f"/api/v1/documents/{document['id']}").json()["document"]["status"] \
        == "EXTRACTED"

    # REGULATIONS 49: a type code outside the catalogue is refused, not stored as free text.
    free_text = client.put(url, json={"doc_type_code": "quyết định gì đó"})
    assert free_text.status_code == 422
    assert free_text.json()["error"]["code"] == "invalid_record_value"

    complete = {"doc_type_code": "QD", "doc_name": "Quyết định số 12/2025/QĐ-UBND",
                "number_symbol": "12/2025/QĐ-UBND", "issue_date": "2025-02-10",
                "issuing_body": "ỦY BAN NHÂN DÂN TỈNH QUẢNG NAM",
                "summary": "Về việc số hóa hồ sơ", "kind": "RESULT"}
    saved = client.put(url, json=complete)
    assert saved.status_code == 200, saved.text
    record = saved.json()["record"]
    assert record["result_code"] == f"{OWNER}.QD.12-2025-QD-UBND.01"
    assert record["extraction_method"] == "MANUAL"  # REGULATIONS 9.A.9
    fields = {f["name"]: f for f in saved.json()["document"]["extraction"]}
    assert fields["number_symbol"]["method"] == "MANUAL"
    assert fields["number_symbol"]["value"] == "12/2025/QĐ-UBND"

    # A correction keeps the code: codes are immutable (item 50).
    fixed = client.put(url, json={"summary": "Về việc số hóa hồ sơ một cửa"})
    assert fixed.status_code == 200
    assert fixed.json()["record"]["result_code"] == record["result_code"]
    assert fixed.json()["record"]["summary"] == "Về việc số hóa hồ sơ một cửa"


def test_steps_cannot_be_skipped_and_codes_count_per_prefix(services: Services) -> None:
    owner = parse_owner_id(OWNER)

    def filed() -> str:
        return services.vault.filing.file_document(
            owner=owner, title="Giấy khai sinh", page_count=1, operator="Cán bộ",
            scanned_at=datetime.now(UTC), actor="test",
            files=[NewFile("original", b"%PDF-1.7 scan", "application/pdf")],
        ).id

    record = DigitisationRecord(
        doc_type_code="GKS", doc_name="Giấy khai sinh", number_symbol="123/2019",
        issue_date=datetime(2019, 9, 10).date(), issuing_body="UBND PHƯỜNG KHƯƠNG MAI",
        summary="Khai sinh cho Nguyễn Văn An")

    def save(document_id: str) -> str | None:
        return services.vault.filing.save_record(
            document_id, record, code_prefix=f"{OWNER}.GKS.123-2019.",
            make_code=lambda prefix, n: f"{prefix}{n:02d}", extraction=[], method="MANUAL",
            actor="test").result_code

    first = filed()
    with pytest.raises(InvalidTransition):  # SCANNED cannot jump to CODED/STORED
        save(first)
    services.vault.filing.record_extraction(first, record, [], actor="test")
    with pytest.raises(InvalidTransition):  # nor be extracted twice
        services.vault.filing.record_extraction(first, record, [], actor="test")
    assert save(first) == f"{OWNER}.GKS.123-2019.01"
    second = filed()
    services.vault.filing.record_extraction(second, record, [], actor="test")
    assert save(second) == f"{OWNER}.GKS.123-2019.02"


def test_status_audit_never_holds_the_owner_id_in_clear(services: Services) -> None:
    owner = parse_owner_id(OWNER)
    document = services.vault.filing.file_document(
        owner=owner, title="Quyết định", page_count=1, operator="Cán bộ",
        scanned_at=datetime.now(UTC), actor="test",
        files=[NewFile("original", b"%PDF-1.7 scan", "application/pdf")])
    record = DigitisationRecord(
        doc_type_code="QD", doc_name="Quyết định số 1/2025/QĐ-UBND",
        number_symbol="1/2025/QĐ-UBND", issue_date=datetime(2025, 1, 2).date(),
        issuing_body="ỦY BAN NHÂN DÂN TỈNH QUẢNG NAM", summary="Về việc thử")
    services.vault.filing.record_extraction(document.id, record, [], actor="test")
    stored = services.vault.filing.save_record(
        document.id, record, code_prefix=f"{OWNER}.QD.1-2025-QD-UBND.",
        make_code=lambda prefix, n: f"{prefix}{n:02d}", extraction=[], method="OCR", actor="t")
    assert stored.result_code and OWNER in stored.result_code
    with services.sessions() as session:
        details = [e.details for e in session.scalars(select(AuditEvent)).all()]
    assert OWNER not in repr(details)
