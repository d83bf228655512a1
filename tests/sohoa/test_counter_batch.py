"""The counter with a feeder batch: separator sheets, declared page count, capture refusals."""

from __future__ import annotations

import pytest
from fastapi.testclient import TestClient
from PIL import ImageFilter

from kernel import parse_owner_id
from sohoa.services import Services
from tests.digitize import test_separators as batches
from tests.inputs import image_bytes
from tests.pages import CARD_HOLDER, card_on_a4, citizen_card_front, document_page
from tests.service_fixtures import Snapshot

OWNER = "001099012345"


def _dossier(services: Services) -> str:
    return services.vault.intake.open_dossier(services.settings.agency.code, parse_owner_id(OWNER),
                                       actor="test")


@pytest.mark.ocr
def test_feeder_batch_is_split_at_separator_sheets(client: TestClient, services: Services,
                                                   monkeypatch: pytest.MonkeyPatch) -> None:
    dossier = _dossier(services)
    monkeypatch.setattr(batches, "DOSSIER", dossier)
    data, _ = batches.batch_pdf()
    sheet = client.get(f"/api/v1/dossiers/{dossier}/separator",
                       params={"component": "TP01", "owner": OWNER, "label": "Đơn đề nghị"})
    assert sheet.status_code == 200 and sheet.content.startswith(b"%PDF-1.7")

    response = client.post("/api/v1/digitize",
                           files=[("files", ("adf.pdf", data, "application/pdf"))],
                           data={"owner": OWNER, "split": "true", "declared_pages": "9"})
    assert response.status_code == 202, response.text
    assert services.jobs.wait_idle(timeout=600)
    job = client.get(f"/api/v1/jobs/{response.json()['job']['id']}").json()["job"]
    assert job["status"] == "done", job
    documents = job["result"]["documents"]
    assert [d["pages"] for d in documents] == [2, 4, 3]
    assert all(d["dossier"] == dossier for d in documents)
    titles = [client.get(f"/api/v1/documents/{d['id']}").json()["document"]["title"]
              for d in documents]
    assert titles == ["Đơn đề nghị", "Giấy khai sinh", "Sổ hộ khẩu"]
    # The separator pages are not stored: nine pages of text, none of them a sheet.
    texts = [client.get(f"/api/v1/documents/{d['id']}/file", params={"variant": "text"}).text
             for d in documents]
    assert "PHÂN TÁCH" not in "".join(texts).upper()


def test_blocking_capture_problem_refuses_the_request_and_stores_nothing(
    client: TestClient, services: Services, snapshot: Snapshot
) -> None:
    before = snapshot()
    blurred = document_page(200, mode="RGB").image.filter(ImageFilter.GaussianBlur(5))
    sharp = document_page(200, mode="RGB").image
    files = [("files", ("1.jpg", image_bytes(sharp, "JPEG", 200), "image/jpeg")),
             ("files", ("2.jpg", image_bytes(blurred, "JPEG", 200), "image/jpeg"))]
    response = client.post("/api/v1/digitize", files=files,
                           data={"owner": OWNER, "declared_pages": "3"})
    assert response.status_code == 422
    error = response.json()["error"]
    assert error["code"] == "capture_rejected"
    assert {(p["code"], p["page"]) for p in error["problems"]} == {
        ("sai_so_trang", None), ("anh_mo", 2)}
    assert snapshot() == before

    # The officer looks at the paper and confirms: the scan is filed, the problems kept.
    forced = client.post("/api/v1/digitize", files=files[:1],
                         data={"owner": OWNER, "declared_pages": "2", "force": "true"})
    assert forced.status_code == 202


@pytest.mark.ocr
def test_one_unreadable_document_of_a_batch_is_refused_alone(
    client: TestClient, services: Services
) -> None:
    # Issue 26, item 6: a blocking problem refuses its own document, not the batch.
    blurred = document_page(200, mode="RGB").image.filter(ImageFilter.GaussianBlur(5))
    sharp = document_page(200, mode="RGB").image
    files = [("files", ("don.jpg", image_bytes(sharp, "JPEG", 200), "image/jpeg")),
             ("files", ("giay-mo.jpg", image_bytes(blurred, "JPEG", 200), "image/jpeg"))]
    response = client.post("/api/v1/digitize", files=files, data={"owner": OWNER, "each": "true"})
    assert response.status_code == 202, response.text
    (refused,) = response.json()["refused"]
    assert refused["code"] == "anh_mo" and refused["message"].startswith("giay-mo.jpg: ")
    assert services.jobs.wait_idle(timeout=300)
    job = client.get(f"/api/v1/jobs/{response.json()['job']['id']}").json()["job"]
    assert job["status"] == "done", job
    assert [d["pages"] for d in job["result"]["documents"]] == [1]


def test_a_card_of_someone_else_is_caught_at_the_counter(
    client: TestClient, services: Services, snapshot: Snapshot
) -> None:
    before = snapshot()
    card = image_bytes(card_on_a4(citizen_card_front()), "JPEG", 300)
    response = client.post("/api/v1/digitize", files=[("files", ("cccd.jpg", card, "image/jpeg"))],
                           data={"owner": "079212345678"})
    assert response.status_code == 422
    problems = response.json()["error"]["problems"]
    assert [(p["code"], p["page"]) for p in problems] == [("cccd_khac_chu_ho_so", 1)]
    assert CARD_HOLDER["personal_id"] not in response.text  # IDs never echoed back
    assert snapshot() == before


@pytest.mark.ocr
def test_the_owners_card_is_filed_with_its_qr_fields(client: TestClient,
                                                      services: Services) -> None:
    card = image_bytes(card_on_a4(citizen_card_front()), "JPEG", 300)
    response = client.post("/api/v1/digitize", files=[("files", ("cccd.jpg", card, "image/jpeg"))],
                           data={"owner": CARD_HOLDER["personal_id"]})
    assert response.status_code == 202, response.text
    assert services.jobs.wait_idle(timeout=300)
    job = client.get(f"/api/v1/jobs/{response.json()['job']['id']}").json()["job"]
    (document,) = job["result"]["documents"]
    fields = {f["name"]: f for f in document["fields"]}
    assert fields["personal_id"]["value"] == CARD_HOLDER["personal_id"]
    assert fields["personal_id"]["method"] == "QR"
    assert fields["full_name"]["value"] == "Nguyễn Văn An"
    assert fields["birth_date"]["value"] == "1999-09-02"
    assert document["record"]["doc_type_code"] == "CCCD"
    assert document["record"]["issue_date"] == "2021-08-15"
