"""Receiving a component without copying it, for a reason TT 03/2025 allows, logged with
its reason code (REGULATIONS 52), through the HTTP API on the embedded default."""

from __future__ import annotations

import json
from pathlib import Path

from fastapi.testclient import TestClient

from kernel import Role
from sohoa.api import create_app
from sohoa.runtime import build_services
from sohoa.settings import Settings
from tests.service_fixtures import NEW_CITIZEN, STAFF, Snapshot, login, make_account

OWNER = "001099012345"


def _open(client: TestClient, procedure: str = "DKKH") -> str:
    opened = client.post("/api/v1/dossiers", json={"owner": OWNER, "procedure": procedure,
                                                    **NEW_CITIZEN})
    assert opened.status_code == 201, opened.text
    return str(opened.json()["dossier"]["code"])


def test_each_skip_names_a_reason_the_circular_allows_and_is_kept_in_the_history(
        client: TestClient, snapshot: Snapshot) -> None:
    # REGULATIONS 52: present-only papers, online electronic components, participating
    # agencies' results and confidential papers are received without a copy; each skip
    # is logged with its reason code.
    code = _open(client)
    reasons = {r["code"] for r in client.get("/api/v1/procedures").json()["scan_skip_reasons"]}
    assert reasons == {"ONLINE_ELECTRONIC", "PRESENT_ONLY", "PARTICIPATING_RESULT",
                       "CONFIDENTIAL"}
    before = snapshot()
    unknown = client.post(f"/api/v1/dossiers/{code}/components/GTTT/scan-skip",
                          json={"reason_code": "LAZY"})
    assert unknown.status_code == 422 and "PRESENT_ONLY" in unknown.json()["error"]["message"]
    assert client.post(f"/api/v1/dossiers/{code}/components/KHONGCO/scan-skip",
                       json={"reason_code": "PRESENT_ONLY"}).status_code == 404
    assert snapshot() == before
    skipped = client.post(f"/api/v1/dossiers/{code}/components/GTTT/scan-skip",
                          json={"reason_code": "PRESENT_ONLY", "note": "CCCD gắn chip"})
    assert skipped.status_code == 200, skipped.text
    dossier = skipped.json()["dossier"]
    component = next(c for c in dossier["components"] if c["code"] == "GTTT")
    assert component == {**component, "source": "SKIPPED", "reason": "PRESENT_ONLY",
                         "satisfied": True, "document": None}
    assert "GTTT" not in dossier["missing_components"]
    (logged,) = [h for h in dossier["history"] if h["kind"] == "SCAN_SKIPPED"]
    assert logged["reason_code"] == "PRESENT_ONLY" and logged["text"] == "CCCD gắn chip"
    assert logged["actor"] == f"staff:{STAFF}"
    # Once received without a copy, the component is not skipped a second time.
    again = client.post(f"/api/v1/dossiers/{code}/components/GTTT/scan-skip",
                        json={"reason_code": "CONFIDENTIAL"})
    assert again.status_code == 409


def test_a_procedure_whose_law_requires_the_copy_refuses_that_skip(
        data_env: Path, tmp_path: Path) -> None:
    # REGULATIONS 52: participating agencies' results are skipped "unless a sector-law
    # flag on the procedure requires them".
    catalogue = {"procedures": [{"code": "DATDAI", "name": "Đăng ký biến động đất đai",
                                 "scan_participating_results": True, "components": [
                                     {"code": "KQXM", "name": "Kết quả xác minh",
                                      "doc_types": ["KQXM"]}]}],
                 "reasons": []}
    path = tmp_path / "procedures.json"
    path.write_text(json.dumps(catalogue, ensure_ascii=False), encoding="utf-8")
    services = build_services(Settings(procedures_file=path), start_jobs=False)
    try:
        make_account(services, STAFF, Role.STAFF, agency=services.settings.agency.code)
        with TestClient(create_app(services=services)) as client:
            client.headers.update(login(client, STAFF))
            code = _open(client, "DATDAI")
            refused = client.post(f"/api/v1/dossiers/{code}/components/KQXM/scan-skip",
                                  json={"reason_code": "PARTICIPATING_RESULT"})
            assert refused.status_code == 422
            assert "luật chuyên ngành" in refused.json()["error"]["message"]
            # Another lawful reason still applies.
            assert client.post(f"/api/v1/dossiers/{code}/components/KQXM/scan-skip",
                               json={"reason_code": "CONFIDENTIAL"}).status_code == 200
    finally:
        services.close()
