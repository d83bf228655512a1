"""A person with no personal ID or tax code (REGULATIONS 48): the owner segment of their
result codes is empty, and a supplementary-owner block is mandatory. Through the HTTP API
and the record use case on the embedded default."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from kernel import parse_owner_id
from sohoa.services import Services
from sohoa.usecases import record
from tests.service_fixtures import SYSTEM, Snapshot
from vault import FileRole, NewFile, RecordIncomplete

BLOCK = {"full_name": "John Michael Smith", "birth_date": "12/03/1985",
         "nationality": "Vương quốc Anh", "identity_document": "Hộ chiếu 533412987",
         "address": "12 Lê Lợi, phường Bến Thành, TP. Hồ Chí Minh"}
FIELDS = {"doc_type_code": "GKS", "doc_name": "Giấy khai sinh", "number_symbol": "45/GKS",
          "issue_date": "2019-05-02", "issuing_body": "UBND phường Bến Thành",
          "summary": "Khai sinh", "kind": "COMPONENT"}


def _document(services: Services, owner: str) -> str:
    filed = services.vault.filing.file_document(
        owner=parse_owner_id(owner), title="Giấy khai sinh", page_count=1, operator="Lê Thị Hoa",
        scanned_at=datetime.now(UTC), actor="test", agency_code=services.settings.agency.code,
        files=[NewFile(FileRole.ORIGINAL.value, b"%PDF-1.4\n%\n", "application/pdf")])
    record.extract(services, filed, ["GIẤY KHAI SINH"], [0.9], actor="test")
    return filed.id


def test_no_id_means_a_complete_block_and_an_empty_owner_segment(
        services: Services, client: TestClient, snapshot: Snapshot, data_env: Path) -> None:
    # REGULATIONS 48
    before = snapshot()
    partial = client.post("/api/v1/owners/unidentified", json={"supplementary": {
        "full_name": BLOCK["full_name"], "birth_date": BLOCK["birth_date"]}})
    assert partial.status_code == 422
    message = partial.json()["error"]["message"]
    assert "Quốc tịch" in message and "Nơi cư trú" in message
    assert snapshot() == before
    made = client.post("/api/v1/owners/unidentified", json={"supplementary": BLOCK})
    assert made.status_code == 201, made.text
    reference = made.json()["owner"]
    assert reference.startswith("KDD-") and made.json()["kind"] == "unidentified"
    # The reference is the owner in every other call; one never given names no one.
    opened = client.post("/api/v1/dossiers", json={"owner": reference, "procedure": "DKKH"})
    assert opened.status_code == 201, opened.text
    unknown = client.post("/api/v1/dossiers", json={"owner": "KDD-0000000000",
                                                    "procedure": "DKKH"})
    assert unknown.status_code == 404

    stored = record.save(services, _document(services, reference), FIELDS, viewer=SYSTEM)
    assert stored.result_code == ".GKS.45-GKS.01"  # the owner segment left empty
    # The block is sealed, as a name is: nothing of it is in the database in clear.
    raw = services.engine.raw_connection()
    try:
        dump = "\n".join(raw.iterdump()) if hasattr(raw, "iterdump") else ""
    finally:
        raw.close()
    assert "Smith" not in dump and "533412987" not in dump

    # The block's fields are a setting; a field added later is required before a record
    # of that owner is stored again.
    stricter = services.settings.replaced(record_supplementary_owner_fields=(
        "full_name,birth_date,nationality,identity_document,address,phone"))
    services.settings = stricter
    with pytest.raises(RecordIncomplete) as refused:
        record.save(services, _document(services, reference), FIELDS, viewer=SYSTEM)
    assert refused.value.missing == ["phone"]
