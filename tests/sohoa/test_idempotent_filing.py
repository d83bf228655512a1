"""The same scan is not filed twice for the same component of a dossier, whatever the
idempotency key (issue 29, item 1): the answer names the document already filed, and the
officer files again only with a written reason, which the history keeps."""

from __future__ import annotations

from pathlib import Path

from fastapi.testclient import TestClient

from kernel import Role
from sohoa.api import create_app
from sohoa.runtime import build_services
from sohoa.services import Services
from sohoa.settings import Settings
from tests.inputs import image_bytes, text_page
from tests.service_fixtures import NEW_CITIZEN, Snapshot, login, make_account

OWNER = "001099012345"
REASON = "Bản quét trước bị mờ góc trái, quét lại theo yêu cầu"


def _scan(client: TestClient, services: Services, dossier: str, page: bytes,
          **form: str) -> dict:
    response = client.post("/api/v1/digitize",
                           files=[("files", ("cccd.png", page, "image/png"))],
                           data={"owner": OWNER, "dossier": dossier, "component": "GTTT",
                                 **form})
    assert response.status_code == 202, response.text
    assert services.jobs.wait_idle(timeout=300)
    job = client.get(f"/api/v1/jobs/{response.json()['job']['id']}").json()["job"]
    assert job["status"] == "done", job
    return dict(job)


def test_the_same_bytes_for_the_same_component_are_filed_once_unless_a_reason_is_given(
        client: TestClient, services: Services, snapshot: Snapshot) -> None:
    dossier = client.post("/api/v1/dossiers", json={"owner": OWNER, "procedure": "DKKH", **NEW_CITIZEN}
                          ).json()["dossier"]["code"]
    page = image_bytes(text_page(200), "PNG", 200)
    (first,) = _scan(client, services, dossier, page)["result"]["documents"]
    before = snapshot()
    for key in (None, "another-key"):
        again = client.post(
            "/api/v1/digitize", files=[("files", ("cccd-lan-2.png", page, "image/png"))],
            data={"owner": OWNER, "dossier": dossier, "component": "GTTT"},
            headers={"Idempotency-Key": key} if key else {})
        assert again.status_code == 409, again.text
        error = again.json()["error"]
        assert error["code"] == "already_filed" and error["document"] == first["id"]
        assert "đã được lưu" in error["message"]
    assert snapshot() == before
    # Other bytes for the same component are a new paper, filed as such.
    other = image_bytes(text_page(300), "PNG", 300)
    different = client.post("/api/v1/digitize", files=[("files", ("khac.png", other, "image/png"))],
                       data={"owner": OWNER, "dossier": dossier, "component": "GTTT"})
    assert different.status_code == 202, different.text
    assert services.jobs.wait_idle(timeout=300)
    # With a written reason the same scan is filed again, and the reason is kept.
    (refiled,) = _scan(client, services, dossier, page, reuse_reason=REASON)["result"]["documents"]
    assert refiled["id"] != first["id"]
    history = client.get(f"/api/v1/dossiers/{dossier}").json()["dossier"]["history"]
    assert any(h["kind"] == "COMPONENT" and h["text"] == REASON
               and h["details"]["document"] == refiled["id"] for h in history)


def test_the_same_scan_accepted_twice_before_either_is_filed_is_filed_once(
        data_env: Path) -> None:
    # Two requests, no key, both accepted while the jobs wait, then run by two workers at
    # once: filing takes turns per dossier, and the second finds what the first filed.
    services = build_services(Settings(), start_jobs=False)
    try:
        make_account(services, "canbo.motcua", Role.STAFF, agency=services.settings.agency.code)
        with TestClient(create_app(services=services)) as client:
            client.headers.update(login(client, "canbo.motcua"))
            dossier = client.post("/api/v1/dossiers", json={
                "owner": OWNER, "procedure": "DKKH", **NEW_CITIZEN}).json()["dossier"]["code"]
            page = image_bytes(text_page(200), "PNG", 200)
            jobs = [client.post("/api/v1/digitize",
                                files=[("files", ("cccd.png", page, "image/png"))],
                                data={"owner": OWNER, "dossier": dossier, "component": "GTTT"}
                                ).json()["job"]["id"] for _ in range(2)]
            services.jobs.start()
            assert services.jobs.wait_idle(timeout=300)
            results = [client.get(f"/api/v1/jobs/{job}").json()["job"] for job in jobs]
            assert [r["status"] for r in results] == ["done", "done"]
            (first,), (second,) = (r["result"]["documents"] for r in results)
            assert first["id"] == second["id"]
            filed = client.get(f"/api/v1/dossiers/{dossier}").json()["dossier"]
            assert [c["document"] for c in filed["components"] if c["code"] == "GTTT"] == [
                first["id"]]
    finally:
        services.close()
