"""A result file is held, when it arrives, to the checks the archive will apply to it
years later (issue 29, item 3): a PDF older than 1.4 or one whose signatures do not hold
is refused with the reason, and nothing is stored."""

from __future__ import annotations

import io

import pikepdf
from fastapi.testclient import TestClient

from kernel import Viewer, parse_owner_id
from sohoa.services import Services
from tests.inputs import image_bytes, image_pdf, text_page, text_pdf
from tests.service_fixtures import Snapshot

OWNER = "001099012345"
FORM = {"title": "Trích lục khai sinh", "doc_type": "GKS", "number_symbol": "7/TLKS"}


def _post(client: TestClient, code: str, pdf: bytes) -> dict:
    response = client.post(f"/api/v1/dossiers/{code}/results", data=FORM,
                           files={"file": ("ket-qua.pdf", pdf, "application/pdf")})
    return {"status": response.status_code, **response.json()}


def test_a_result_the_archive_would_refuse_is_refused_at_upload(
        client: TestClient, services: Services, snapshot: Snapshot) -> None:
    code = services.vault.intake.open_dossier(services.settings.agency.code,
                                              parse_owner_id(OWNER), procedure="TRICHLUC",
                                              actor="test")
    old = image_pdf(image_bytes(text_page(150), "JPEG", 150), version="1.3")
    assert pikepdf.open(io.BytesIO(old)).pdf_version == "1.3"
    before = snapshot()
    refused = _post(client, code, old)
    assert refused["status"] == 422 and refused["error"]["code"] == "pdf_version_too_old"
    assert "1.3" in refused["error"]["message"] and "1.4" in refused["error"]["message"]
    # A signed result whose bytes were changed after signing: its signature no longer holds.
    original = text_pdf("Trich luc khai sinh")
    signed = _post(client, code, original)
    assert signed["status"] == 201
    issued = services.vault.documents.read_file(signed["document"]["id"], "signed",
                                                viewer=Viewer.system("test")).data
    position = len(original) // 2  # inside the first revision, which every signature covers
    tampered = issued[:position] + bytes([issued[position] ^ 0x01]) + issued[position + 1:]
    between = snapshot()
    broken = _post(client, code, tampered)
    assert broken["status"] == 422, broken
    assert broken["error"]["code"] == "result_not_archivable", broken
    assert snapshot() == between and before != between
