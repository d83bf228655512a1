"""Whose vault (issue 29, item 2): before a dossier is opened the counter sees the owner's
name and what the vault holds; a number no vault has opens nothing until the officer
names the new owner, says which kind of ID it is and confirms; a number of another
kind's form is refused, naming the kind it looks like."""

from __future__ import annotations

from fastapi.testclient import TestClient

from kernel import Role, parse_owner_id
from sohoa.services import Services
from tests.service_fixtures import Snapshot, count_rows, login, make_account
from tests.sohoa.test_dossiers import _vault_document
from vault.audit import AuditEvent
from vault.models import Dossier, Owner

AGENCY = "000.00.31.H50"
NEW_ID = "079199000111"


def _staff(services: Services, client: TestClient) -> dict[str, str]:
    services.vault.agencies.add_agency(AGENCY, "UBND phường Bến Nghé", actor="test")
    make_account(services, "canbo", Role.STAFF, agency=AGENCY)
    return login(client, "canbo")


def test_an_unknown_number_opens_nothing_until_a_new_owner_is_confirmed(
        services: Services, anonymous: TestClient, snapshot: Snapshot) -> None:
    staff = _staff(services, anonymous)
    before = snapshot()
    bare = anonymous.post("/api/v1/dossiers", headers=staff,
                          json={"owner": NEW_ID, "procedure": "DKKH"})
    assert bare.status_code == 422, bare.text
    error = bare.json()["error"]
    assert error["code"] == "new_owner_unconfirmed"
    assert error["missing"] == ["owner_name", "owner_kind", "new_owner"]
    assert NEW_ID not in bare.text  # the number is masked in the message
    named = anonymous.post("/api/v1/dossiers", headers=staff, json={
        "owner": NEW_ID, "procedure": "DKKH", "owner_kind": "citizen",
        "owner_name": "Lý Thị Mới"})
    assert named.status_code == 422 and named.json()["error"]["missing"] == ["new_owner"]
    assert snapshot() == before  # nothing stored, not even an empty vault

    checked = anonymous.post("/api/v1/owners/check", headers=staff, json={
        "owner": NEW_ID, "owner_kind": "citizen", "procedure": "DKKH"})
    assert checked.status_code == 200 and checked.json()["owner"]["known"] is False

    opened = anonymous.post("/api/v1/dossiers", headers=staff, json={
        "owner": NEW_ID, "procedure": "DKKH", "owner_kind": "citizen",
        "owner_name": "Lý Thị Mới", "new_owner": True})
    assert opened.status_code == 201, opened.text
    assert services.vault.owners.name_of(parse_owner_id(NEW_ID)) == "Lý Thị Mới"
    # Known now: the next dossier needs no confirmation, and the check names the owner.
    again = anonymous.post("/api/v1/dossiers", headers=staff,
                           json={"owner": NEW_ID, "procedure": "DKKH"})
    assert again.status_code == 201, again.text
    known = anonymous.post("/api/v1/owners/check", headers=staff,
                           json={"owner": NEW_ID, "procedure": "DKKH"}).json()["owner"]
    assert known["known"] is True and known["name"] == "Lý Thị Mới" and known["kind"] == "citizen"
    assert count_rows(services, Owner) == 1 and count_rows(services, Dossier) == 2
    with services.sessions() as session:
        actions = [e.action for e in session.query(AuditEvent).order_by(AuditEvent.id)]
    assert "owner.checked" in actions


def test_a_number_of_another_kind_is_refused_naming_the_kind_it_looks_like(
        services: Services, anonymous: TestClient, snapshot: Snapshot) -> None:
    staff = _staff(services, anonymous)
    before = snapshot()
    # Two digits short of a personal ID: the form of a tax code.
    short = anonymous.post("/api/v1/dossiers", headers=staff, json={
        "owner": "0010990123", "owner_kind": "citizen", "procedure": "DKKH",
        "owner_name": "Ai Đó", "new_owner": True})
    assert short.status_code == 422
    error = short.json()["error"]
    assert error["code"] == "invalid_owner_id" and error["field"] == "owner"
    assert "có dạng mã số thuế" in error["message"]
    company = anonymous.post("/api/v1/owners/check", headers=staff, json={
        "owner": "001099012345", "owner_kind": "organisation"})
    assert company.status_code == 422
    assert "có dạng số định danh cá nhân" in company.json()["error"]["message"]
    assert snapshot() == before


def test_the_check_lists_what_the_procedure_will_take_from_the_vault(
        services: Services, anonymous: TestClient) -> None:
    staff = _staff(services, anonymous)
    _vault_document(services, "CCCD", "Căn cước công dân")
    found = anonymous.post("/api/v1/owners/check", headers=staff, json={
        "owner": "001099012345", "procedure": "DKKH"}).json()["owner"]
    assert found["known"] is True and found["documents"] == 1
    assert [r["title"] for r in found["reusable"]] == ["Căn cước công dân"]
    # Only counter staff look owners up.
    make_account(services, "congdan", Role.CITIZEN, owner="001099012345")
    refused = anonymous.post("/api/v1/owners/check", json={"owner": "001099012345"},
                             headers=login(anonymous, "congdan"))
    assert refused.status_code == 403


def test_a_foreigner_opens_a_vault_under_passport_and_nationality(
        services: Services, anonymous: TestClient) -> None:
    staff = _staff(services, anonymous)
    opened = anonymous.post("/api/v1/dossiers", headers=staff, json={
        "owner": "HC-FRA-C1234567", "owner_kind": "foreigner", "procedure": "DKKH",
        "owner_name": "Claire Martin", "new_owner": True})
    assert opened.status_code == 201, opened.text
    assert opened.json()["dossier"]["owner"] == "HC-FRA-C1234567"
    # The passport without its country, or given as a citizen's ID, is refused.
    bare = anonymous.post("/api/v1/owners/check", headers=staff, json={
        "owner": "C1234567", "owner_kind": "foreigner"})
    assert bare.status_code == 422 and "mã quốc tịch" in bare.json()["error"]["message"]
    wrong = anonymous.post("/api/v1/owners/check", headers=staff, json={
        "owner": "HC-FRA-C1234567", "owner_kind": "citizen"})
    assert wrong.status_code == 422 and "hộ chiếu" in wrong.json()["error"]["message"]
    found = anonymous.post("/api/v1/owners/check", headers=staff, json={
        "owner": "hc-fra-c1234567"}).json()["owner"]
    assert found == {"known": True, "kind": "foreigner", "name": "Claire Martin",
                     "documents": 0, "reusable": []}
    # Her account holds her vault, as a citizen's does.
    account = make_account(services, "claire", Role.CITIZEN, owner="HC-FRA-C1234567")
    assert account.vault_owner().kind.value == "foreigner"
