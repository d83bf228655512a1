"""Closed dossiers to archive: a real scan through OCR and signing, an official's opinion,
the agency's signed result, and an end date chosen by the test."""

from __future__ import annotations

from pathlib import Path

from fastapi.testclient import TestClient

from kernel import Role, Viewer
from sohoa.services import Services
from tests.inputs import image_bytes, text_page, text_pdf
from tests.reviews import review_dossier
from tests.service_fixtures import NEW_CITIZEN
from vault import DossierStatus

CITIZEN = "001099012345"
AGENCY = "000.00.31.H50"
#: TRICHLUC kept two years, everything else permanently: both kinds in one schedule.
SCHEDULE = """\
rules:
  - category: Trích lục hộ tịch (thử nghiệm)
    procedures: [TRICHLUC]
    retention: 2
    basis: Bảng thời hạn của bộ kiểm thử
  - category: Hồ sơ khác
    procedures: ["*"]
    retention: permanent
    basis: Bảng thời hạn của bộ kiểm thử
"""
STAFF_VIEWER = Viewer(Role.STAFF, "canbo", agency=AGENCY)


def write_schedule(folder: Path) -> Path:
    path = folder / "schedule.yaml"
    path.write_text(SCHEDULE, encoding="utf-8")
    return path


def closed_dossier(services: Services, client: TestClient, staff: dict[str, str]) -> str:
    """A dossier received, scanned, discussed, decided and completed, all today."""
    opened = client.post("/api/v1/dossiers", headers=staff,
                         json={"owner": CITIZEN, "procedure": "TRICHLUC", **NEW_CITIZEN})
    assert opened.status_code == 201, opened.text
    code: str = opened.json()["dossier"]["code"]
    page = image_bytes(text_page(300), "PNG", 300)
    scanned = client.post("/api/v1/digitize", headers=staff, files=[
        ("files", ("can-cuoc.png", page, "image/png"))], data={
        "owner": CITIZEN, "operator": "Phạm Minh Đức", "dossier": code, "component": "GTTT",
        "title": "Căn cước công dân"})
    assert scanned.status_code == 202, scanned.text
    assert services.jobs.wait_idle(timeout=300)
    job = client.get(f"/api/v1/jobs/{scanned.json()['job']['id']}", headers=staff).json()
    assert job["job"]["status"] == "done", job
    said = client.post(f"/api/v1/dossiers/{code}/opinions", headers=staff, json={
        "text": "Đủ điều kiện, đề nghị cấp trích lục.", "official": "Trần Thị Bình",
        "position": "Công chức tư pháp - hộ tịch"})
    assert said.status_code == 201, said.text
    issued = client.post(f"/api/v1/dossiers/{code}/results", headers=staff, data={
        "title": "Giấy khai sinh (bản sao trích lục)", "doc_type": "GKS",
        "number_symbol": "15/2026/TLKS",
        "signer_name": "Nguyễn Văn An", "signer_position": "Phó Chủ tịch"},
        files={"file": ("trich-luc.pdf", text_pdf("Trich luc khai sinh"), "application/pdf")})
    assert issued.status_code == 201, issued.text
    review_dossier(services, code, STAFF_VIEWER)
    services.vault.casework.transition(code, DossierStatus.COMPLETED, viewer=STAFF_VIEWER)
    return code
