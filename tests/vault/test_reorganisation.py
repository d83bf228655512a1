"""A merger of units (sáp nhập đơn vị hành chính, 2025): identity survives, work moves.

Issue 5 item 8. Vaults and dossiers are keyed by personal ID, never by a unit's
code; after two communes merge, every vault item stays reachable — by its owner,
by the merged unit's staff, through the grants made to the old units — every
dossier is found by its unchanged code, and the old codes take no new dossiers.
"""

from __future__ import annotations

import json
from datetime import UTC, date, datetime

import pytest
from fastapi.testclient import TestClient
from typer.testing import CliRunner

from kernel import Role, Viewer, parse_owner_id
from sohoa.cli.main import app
from sohoa.services import Services
from tests.service_fixtures import NEW_CITIZEN, login, make_account
from vault import AgencyCodeExpired, FileRole, NewFile

WARD_A, WARD_B, MERGED = "000.00.31.H50", "000.00.48.H17", "000.00.01.H79"
PEOPLE = {"001099012345": WARD_A, "079199000111": WARD_B, "031088000222": WARD_A}


def _digitised(services: Services, owner: str, agency: str) -> tuple[str, str]:
    code = services.vault.intake.open_dossier(agency, parse_owner_id(owner), procedure="GPXD",
                                       actor="test")
    document = services.vault.filing.file_document(
        owner=parse_owner_id(owner), title="Đơn đề nghị cấp phép", page_count=1,
        operator="Hoa", scanned_at=datetime.now(UTC), actor="test", dossier_code=code,
        agency_code=agency, files=[
            NewFile(FileRole.ORIGINAL.value, f"%PDF-1.4\n%{owner}\n".encode(),
                    "application/pdf"),
            NewFile(FileRole.TEXT.value, "ĐƠN ĐỀ NGHỊ CẤP GIẤY PHÉP XÂY DỰNG".encode(),
                    "text/plain; charset=utf-8")])
    return code, document.id


def test_after_a_merge_every_vault_item_is_reachable_and_every_dossier_searchable(
        services: Services, anonymous: TestClient) -> None:
    client = anonymous
    for code, name in ((WARD_A, "UBND phường A"), (WARD_B, "UBND phường B"),
                       (MERGED, "UBND phường mới")):
        services.vault.agencies.add_agency(code, name, valid_from=date(2020, 1, 1), actor="test")
    make_account(services, "canbo.a", Role.STAFF, agency=WARD_A)
    make_account(services, "canbo.b", Role.STAFF, agency=WARD_B)
    for n, owner in enumerate(PEOPLE, start=1):
        make_account(services, f"dan{n}", Role.CITIZEN, owner=owner)
    made = {owner: _digitised(services, owner, agency) for owner, agency in PEOPLE.items()}
    # The first citizen also shared a document with ward B for an application there.
    shared = services.vault.sharing.apply_with_documents(
        parse_owner_id("001099012345"), WARD_B, [made["001099012345"][1]], procedure="DKHKD",
        purpose="Đăng ký hộ kinh doanh", expires_at=datetime(2099, 1, 1, tzinfo=UTC),
        viewer=Viewer.system("test"))
    before = {n: _documents(client, login(client, f"dan{n}"), owner)
              for n, owner in enumerate(PEOPLE, start=1)}

    result = CliRunner().invoke(app, ["admin", "merge", WARD_A, WARD_B, "--into", MERGED,
                                      "--on", "2025-07-01", "--json"])
    assert result.exit_code == 0, result.output
    report = json.loads(result.output)["merge"]
    assert report == {"into": MERGED, "merged": [WARD_A, WARD_B], "dossiers": 4,
                      "documents": 3, "grants": 1, "staff": 2}

    # Owners reach everything they had, and can still read it.
    for n, owner in enumerate(PEOPLE, start=1):
        headers = login(client, f"dan{n}")
        assert _documents(client, headers, owner) == before[n]
        for document in before[n]:
            assert client.get(f"/api/v1/documents/{document}/file", headers=headers,
                              params={"variant": "original"}).status_code == 200
    # The old wards' staff now work for the merged ward and find every dossier by its code,
    # which has not changed, and every document by its words or its dossier's code.
    staff = login(client, "canbo.a")
    codes = [code for code, _ in made.values()] + [shared.dossier]
    for code in codes:
        assert code is not None
        listed = client.get("/api/v1/dossiers", headers=staff, params={"code": code}).json()
        (dossier,) = listed["dossiers"]
        assert dossier["code"] == code and dossier["agency"] == MERGED
        assert dossier["history"][-1]["kind"] == "REMAPPED"
    for code, document in made.values():
        found = client.get("/api/v1/search", headers=staff, params={"q": code}).json()["hits"]
        assert [h["id"] for h in found] == [document]
    words = client.get("/api/v1/search", headers=login(client, "canbo.b"),
                       params={"q": "don de nghi cap giay phep"}).json()["hits"]
    assert {h["id"] for h in words} == {d for _, d in made.values()}
    # The grant made to ward B holds for the merged ward.
    assert client.get(f"/api/v1/documents/{made['001099012345'][1]}/file", headers=staff,
                      params={"variant": "original"}).status_code == 200

    # The old codes take no new dossier, and say where to go.
    old = client.post("/api/v1/dossiers", headers=staff,
                      json={"owner": "001099012345", "procedure": "GPXD", **NEW_CITIZEN})
    assert old.status_code == 201 and old.json()["dossier"]["code"].startswith(MERGED)
    with pytest.raises(AgencyCodeExpired, match=MERGED):
        services.vault.intake.open_case(WARD_A, parse_owner_id("001099012345"), procedure="GPXD",
                                 viewer=Viewer.system("test"))
    agencies = {a.code: a for a in services.vault.agencies.listing()}
    assert agencies[WARD_A].valid_to == date(2025, 6, 30)
    assert agencies[WARD_B].successor == MERGED

    # Running it again moves nothing more.
    again = CliRunner().invoke(app, ["admin", "merge", WARD_A, WARD_B, "--into", MERGED,
                                     "--on", "2025-07-01", "--json"])
    assert again.exit_code == 0, again.output
    assert json.loads(again.output)["merge"]["dossiers"] == 0


def _documents(client: TestClient, headers: dict[str, str], owner: str) -> list[str]:
    response = client.get(f"/api/v1/owners/{owner}/documents", headers=headers)
    assert response.status_code == 200, response.text
    return sorted(d["id"] for d in response.json()["documents"])
