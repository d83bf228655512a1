"""Who may call what: every API endpoint × every role × their own record and someone else's.

The table below must name every route the app serves (a new route without a row
fails the completeness test). "ok" means the request got past authorisation: a
2xx, or a 4xx that is about the request itself (409 for a record not stored yet,
422 for a file that is not a PDF) — never 401, 403 or 404. Someone else's record
answers 404, exactly as a record that does not exist.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select, update

from kernel import Role, Viewer, parse_owner_id
from sohoa.api import create_app
from sohoa.jobs import Handler
from sohoa.services import Services
from tests.routes import served_routes
from tests.sealing import holder
from tests.service_fixtures import NEW_CITIZEN, login, make_account
from vault import FileRole, NewFile
from vault.access import access_to, visible_documents
from vault.models import Document, Dossier

AGENCY_B = "000.00.99.H99"
CITIZEN, OTHER_CITIZEN, ARCHIVED_OWNER = "001099012345", "079199000111", "031088000222"
ORGANISATION = "0310123467"
ROLES = ("anonymous", "citizen", "organisation", "staff", "archivist", "admin")


@dataclass
class World:
    """Two agencies, one account per role, and documents each role owns or does not."""

    services: Services
    client: TestClient
    headers: dict[str, dict[str, str]]
    docs: dict[str, str]  # name → document id
    dossiers: dict[str, str]  # name → dossier code
    jobs: dict[str, str]  # role → a job that role asked for
    #: For each role: which document, owner, dossier and job is theirs, and which is not.
    own: dict[str, dict[str, str]]
    other: dict[str, dict[str, str]]


def _file(services: Services, owner: str, agency: str, *, archived: bool = False) -> tuple[str, str]:
    who = parse_owner_id(owner)
    dossier = services.vault.intake.open_dossier(agency, who, procedure="1.001193", actor="test")
    pdf = b"%PDF-1.4\n% test\n"
    record = services.vault.filing.file_document(
        owner=who, title="Giấy khai sinh", page_count=1, operator="Lê Thị Hoa",
        scanned_at=datetime.now(UTC), actor="test", dossier_code=dossier, agency_code=agency,
        files=[NewFile(FileRole.ORIGINAL.value, pdf, "application/pdf")])
    if archived:
        with services.sessions() as session, session.begin():
            session.execute(update(Dossier).where(Dossier.code == dossier)
                            .values(archived_at=datetime.now(UTC)))
    return record.id, dossier


@pytest.fixture
def world(services: Services) -> Iterator[World]:
    agency_a = services.settings.agency.code
    services.vault.agencies.add_agency(AGENCY_B, "UBND phường khác", actor="test")
    make_account(services, "congdan", Role.CITIZEN, owner=CITIZEN)
    make_account(services, "doanhnghiep", Role.ORGANISATION, owner=ORGANISATION)
    make_account(services, "canbo.a", Role.STAFF, agency=agency_a)
    make_account(services, "luutru", Role.ARCHIVIST)
    make_account(services, "quantri", Role.ADMIN)
    docs, dossiers = {}, {}
    for name, owner, agency, archived in (
            ("citizen", CITIZEN, agency_a, False), ("other_citizen", OTHER_CITIZEN, AGENCY_B, False),
            ("organisation", ORGANISATION, agency_a, False),
            ("archived", ARCHIVED_OWNER, agency_a, True)):
        docs[name], dossiers[name] = _file(services, owner, agency, archived=archived)
    with TestClient(create_app(services=services)) as client:
        headers = {"anonymous": {}}
        accounts = {"citizen": "congdan", "organisation": "doanhnghiep", "staff": "canbo.a",
                    "archivist": "luutru", "admin": "quantri"}
        for role, username in accounts.items():
            headers[role] = login(client, username)
        ids = {a.username: a.id for a in services.accounts.list()}
        services.jobs.register("test", Handler(lambda _context: {}))
        jobs = {role: services.jobs.submit("test", {}, requested_by=ids[name]).id
                for role, name in accounts.items()}
        jobs["anonymous"] = jobs["staff"]
        assert services.jobs.wait_idle(timeout=30)

        grants = {name: services.vault.sharing.apply_with_documents(
            parse_owner_id(owner), AGENCY_B, [docs[name]], procedure="1.001193",
            purpose="Thử", expires_at=datetime.now(UTC) + timedelta(days=1),
            viewer=Viewer.system("test")).id
            for name, owner in (("citizen", CITIZEN), ("organisation", ORGANISATION),
                                ("other_citizen", OTHER_CITIZEN))}

        def subject(doc: str, owner: str, job_role: str) -> dict[str, str]:
            return {"doc": docs[doc], "owner": owner, "dossier": dossiers[doc],
                    "job": jobs[job_role], "grant": grants.get(doc, grants["citizen"])}

        own = {"anonymous": subject("citizen", CITIZEN, "staff"),
               "citizen": subject("citizen", CITIZEN, "citizen"),
               "organisation": subject("organisation", ORGANISATION, "organisation"),
               "staff": subject("citizen", CITIZEN, "staff"),
               "archivist": subject("archived", ARCHIVED_OWNER, "archivist"),
               "admin": subject("citizen", CITIZEN, "admin")}
        other = {role: subject("other_citizen", OTHER_CITIZEN, "staff" if role != "staff"
                               else "citizen") for role in ROLES}
        yield World(services, client, headers, docs, dossiers, jobs, own, other)


Request = Callable[[TestClient, dict[str, str], dict[str, str]], Any]

#: Expected outcome for a role, on their own record and on someone else's.
OK, DENIED, NO_LOGIN, HIDDEN = "ok", 403, 401, 404


def _both(outcome: object) -> tuple[object, object]:
    return (outcome, outcome)


def _expect(*, citizen: tuple[object, object], organisation: tuple[object, object],
            staff: tuple[object, object], archivist: tuple[object, object],
            admin: tuple[object, object]) -> dict[str, tuple[object, object]]:
    return {"anonymous": _both(NO_LOGIN), "citizen": citizen, "organisation": organisation,
            "staff": staff, "archivist": archivist, "admin": admin}


READ_DOC = _expect(citizen=(OK, HIDDEN), organisation=(OK, HIDDEN), staff=(OK, HIDDEN),
                   archivist=(OK, HIDDEN), admin=_both(HIDDEN))
STAFF_ONLY = _expect(citizen=_both(DENIED), organisation=_both(DENIED), staff=(OK, HIDDEN),
                     archivist=_both(DENIED), admin=_both(DENIED))
ANY_ACCOUNT = _expect(citizen=_both(OK), organisation=_both(OK), staff=_both(OK),
                      archivist=_both(OK), admin=_both(OK))
ADMIN_ONLY = _expect(citizen=_both(DENIED), organisation=_both(DENIED), staff=_both(DENIED),
                     archivist=_both(DENIED), admin=_both(OK))
OWNERS_ONLY = _expect(citizen=_both(OK), organisation=_both(OK), staff=_both(DENIED),
                      archivist=_both(DENIED), admin=_both(DENIED))
OWN_VAULT = _expect(citizen=(OK, HIDDEN), organisation=(OK, HIDDEN), staff=_both(DENIED),
                    archivist=_both(DENIED), admin=_both(DENIED))
#: Staff receive a dossier for whoever stands at their counter.
STAFF_ANY = _expect(citizen=_both(DENIED), organisation=_both(DENIED), staff=_both(OK),
                    archivist=_both(DENIED), admin=_both(DENIED))
REQUESTER = _expect(citizen=(OK, HIDDEN), organisation=(OK, HIDDEN), staff=(OK, HIDDEN),
                    archivist=(OK, HIDDEN), admin=(OK, HIDDEN))

ARCHIVIST_ONLY = _expect(citizen=_both(DENIED), organisation=_both(DENIED), staff=_both(DENIED),
                        archivist=_both(OK), admin=_both(DENIED))
#: A record no one has made in this world (a disposal proposal): archivists get past the
#: gate to a 404, everyone else is stopped at it.
ARCHIVIST_NOTHING_YET = _expect(citizen=_both(DENIED), organisation=_both(DENIED),
                                staff=_both(DENIED), archivist=_both(HIDDEN), admin=_both(DENIED))
#: A record no one has made in this world (a data request): staff get past the gate to a
#: 404, everyone else is stopped at it.
STAFF_NOTHING_YET = _expect(citizen=_both(DENIED), organisation=_both(DENIED),
                            staff=_both(HIDDEN), archivist=_both(DENIED), admin=_both(DENIED))
#: A counter sees what its own agency still owes the archive; the archive sees it all.
DUE_READERS = _expect(citizen=_both(DENIED), organisation=_both(DENIED), staff=_both(OK),
                      archivist=_both(OK), admin=_both(DENIED))
#: Aggregate figures with no citizen in them: staff (their agency), archivists, administrators.
REPORT_READERS = _expect(citizen=_both(DENIED), organisation=_both(DENIED), staff=_both(OK),
                         archivist=_both(OK), admin=_both(OK))

#: A counter node's view of its own link: the people who run the counter.
NODE_STATUS_READERS = _expect(citizen=_both(DENIED), organisation=_both(DENIED),
                              staff=_both(OK), archivist=_both(DENIED), admin=_both(OK))

PDF = ("a.pdf", b"not a pdf", "application/pdf")
NEW_ACCOUNT = {"username": "moi", "role": "citizen", "display_name": "Mới",
               "password": "x", "owner": "001099099999"}

def _reset_a_spare(c: TestClient, h: dict[str, str]) -> Any:
    """Reset the password of an account made for it: nobody of the matrix logs in with it."""
    services = c.app.state.services  # type: ignore[attr-defined]
    name = f"du.phong.{uuid.uuid4().hex[:8]}"
    services.accounts.create(name, Role.ARCHIVIST, "Dự phòng", password="mat-khau-du-phong-1")
    return c.post(f"/api/v1/admin/accounts/{name}/password-reset", headers=h)


def _release_a_hold(c: TestClient, h: dict[str, str], s: dict[str, str]) -> Any:
    """Place a hold as the archive's own account would, then release it as ``h``."""
    placed = c.post(f"/api/v1/archive/dossiers/{s['dossier']}/holds", headers=h,
                    json={"reason": "Thanh tra"})
    hold = placed.json()["hold"] if placed.status_code == 201 else 1
    return c.post(f"/api/v1/archive/holds/{hold}/release", headers=h, json={"reason": "Xong"})


def _logout_fresh(client: TestClient, headers: dict[str, str]) -> Any:
    """Logout revokes the token it is given: give it a fresh one of the same account, so
    the rest of the matrix keeps its own."""
    me = client.get("/api/v1/me", headers=headers)
    fresh = login(client, me.json()["account"]["username"]) if me.status_code == 200 else headers
    return client.post("/api/v1/auth/logout", headers=fresh)


ENDPOINTS: dict[tuple[str, str], tuple[Request, dict[str, tuple[object, object]]]] = {
    ("GET", "/api/v1/me"): (lambda c, h, s: c.get("/api/v1/me", headers=h), ANY_ACCOUNT),
    ("POST", "/api/v1/auth/logout"): (lambda c, h, s: _logout_fresh(c, h), ANY_ACCOUNT),
    # An empty new password answers 422 past authorisation, and changes nothing.
    ("POST", "/api/v1/me/password"): (
        lambda c, h, s: c.post("/api/v1/me/password", headers=h, json={
            "current_password": "x", "new_password": ""}), ANY_ACCOUNT),
    ("POST", "/api/v1/verify"): (
        lambda c, h, s: c.post("/api/v1/verify", headers=h, files={"file": PDF}), ANY_ACCOUNT),
    ("POST", "/api/v1/digitize"): (
        # An unsupported file: staff get past the gate to a 415, nothing is OCRed.
        lambda c, h, s: c.post("/api/v1/digitize", headers=h, data={
            "owner": s["owner"], "dossier": s["dossier"]},
            files={"files": ("a.txt", b"text", "text/plain")}), STAFF_ONLY),
    ("POST", "/api/v1/sync/documents"): (
        # A node's bundle with nothing in it: staff get past the gate to a 422.
        lambda c, h, s: c.post("/api/v1/sync/documents", headers=h, data={"manifest": "{}"},
                               files=[("original", PDF), ("pdfa", PDF), ("signed", PDF),
                                      ("text", ("t.txt", b"", "text/plain"))]), STAFF_ANY),
    ("GET", "/api/v1/sync/status"): (
        lambda c, h, s: c.get("/api/v1/sync/status", headers=h), NODE_STATUS_READERS),
    ("GET", "/api/v1/dossiers/{dossier_code}/separator"): (
        lambda c, h, s: c.get(f"/api/v1/dossiers/{s['dossier']}/separator", headers=h,
                              params={"component": "TP01", "owner": s["owner"]}), STAFF_ONLY),
    ("GET", "/api/v1/jobs/{job_id}"): (
        lambda c, h, s: c.get(f"/api/v1/jobs/{s['job']}", headers=h), REQUESTER),
    ("GET", "/api/v1/owners/{owner_id}/documents"): (
        lambda c, h, s: c.get(f"/api/v1/owners/{s['owner']}/documents", headers=h), READ_DOC),
    ("GET", "/api/v1/search"): (  # everyone searches what they may see
        lambda c, h, s: c.get("/api/v1/search", headers=h, params={"q": "giay khai sinh"}),
        ANY_ACCOUNT),
    ("GET", "/api/v1/me/access-log"): (
        lambda c, h, s: c.get("/api/v1/me/access-log", headers=h), OWNERS_ONLY),
    ("POST", "/api/v1/applications/preview"): (
        lambda c, h, s: c.post("/api/v1/applications/preview", headers=h,
                               json={"agency": AGENCY_B, "documents": [s["doc"]]}), OWN_VAULT),
    ("POST", "/api/v1/applications"): (
        lambda c, h, s: c.post("/api/v1/applications", headers=h, json={
            "agency": AGENCY_B, "documents": [s["doc"]], "procedure": "1.001193",
            "purpose": "Thử"}), OWN_VAULT),
    ("GET", "/api/v1/me/grants"): (
        lambda c, h, s: c.get("/api/v1/me/grants", headers=h), OWNERS_ONLY),
    ("POST", "/api/v1/grants/{grant_id}/revocation"): (
        lambda c, h, s: c.post(f"/api/v1/grants/{s['grant']}/revocation", headers=h), OWN_VAULT),
    ("GET", "/api/v1/documents/{document_id}"): (
        lambda c, h, s: c.get(f"/api/v1/documents/{s['doc']}", headers=h), READ_DOC),
    ("GET", "/api/v1/documents/{document_id}/file"): (
        lambda c, h, s: c.get(f"/api/v1/documents/{s['doc']}/file", headers=h,
                              params={"variant": "original"}), READ_DOC),
    ("GET", "/api/v1/documents/{document_id}/conversions"): (
        lambda c, h, s: c.get(f"/api/v1/documents/{s['doc']}/conversions", headers=h), READ_DOC),
    ("PUT", "/api/v1/documents/{document_id}/record"): (
        lambda c, h, s: c.put(f"/api/v1/documents/{s['doc']}/record", headers=h, json={}),
        STAFF_ONLY),
    ("POST", "/api/v1/documents/{document_id}/certified-copy"): (
        lambda c, h, s: c.post(f"/api/v1/documents/{s['doc']}/certified-copy", headers=h,
                               json={}), STAFF_ONLY),
    ("POST", "/api/v1/documents/{document_id}/paper-copy"): (
        lambda c, h, s: c.post(f"/api/v1/documents/{s['doc']}/paper-copy", headers=h,
                               json={}), STAFF_ONLY),
    ("POST", "/api/v1/documents/{document_id}/revocation"): (
        lambda c, h, s: c.post(f"/api/v1/documents/{s['doc']}/revocation", headers=h,
                               json={"reason": "Cấp nhầm"}), STAFF_ONLY),
    ("GET", "/api/v1/procedures"): (
        lambda c, h, s: c.get("/api/v1/procedures", headers=h), ANY_ACCOUNT),
    ("POST", "/api/v1/dossiers"): (
        lambda c, h, s: c.post("/api/v1/dossiers", headers=h,
                               json={"owner": s["owner"], "procedure": "GPXD",
                                     **NEW_CITIZEN}), STAFF_ANY),
    ("POST", "/api/v1/owners/check"): (
        lambda c, h, s: c.post("/api/v1/owners/check", headers=h, json={"owner": s["owner"]}),
        STAFF_ANY),
    ("GET", "/api/v1/dossiers"): (
        lambda c, h, s: c.get("/api/v1/dossiers", headers=h), ANY_ACCOUNT),
    ("GET", "/api/v1/dossiers/{dossier_code}"): (
        lambda c, h, s: c.get(f"/api/v1/dossiers/{s['dossier']}", headers=h), READ_DOC),
    ("POST", "/api/v1/dossiers/{dossier_code}/transitions"): (
        lambda c, h, s: c.post(f"/api/v1/dossiers/{s['dossier']}/transitions", headers=h,
                               json={"to": "PROCESSING"}), STAFF_ONLY),
    ("POST", "/api/v1/dossiers/{dossier_code}/amendments"): (
        lambda c, h, s: c.post(f"/api/v1/dossiers/{s['dossier']}/amendments", headers=h,
                               json={"due_on": "2030-01-01", "reason": "Gia hạn"}), STAFF_ONLY),
    ("POST", "/api/v1/dossiers/{dossier_code}/opinions"): (
        lambda c, h, s: c.post(f"/api/v1/dossiers/{s['dossier']}/opinions", headers=h,
                               json={"text": "Đồng ý", "official": "Bình"}), STAFF_ONLY),
    ("POST", "/api/v1/dossiers/{dossier_code}/components/{component}"): (
        lambda c, h, s: c.post(f"/api/v1/dossiers/{s['dossier']}/components/TP01", headers=h,
                               json={"document": s["doc"]}), STAFF_ONLY),
    ("POST", "/api/v1/dossiers/{dossier_code}/results"): (
        # Not a PDF: staff of the receiving agency get past the gate to a 422.
        lambda c, h, s: c.post(f"/api/v1/dossiers/{s['dossier']}/results", headers=h, data={
            "title": "KQ", "doc_type": "GKS", "number_symbol": "1/TL"}, files={"file": PDF}),
        STAFF_ONLY),
    ("GET", "/api/v1/me/notices"): (
        lambda c, h, s: c.get("/api/v1/me/notices", headers=h), OWNERS_ONLY),
    ("GET", "/api/v1/admin/dossiers/missing-results"): (
        lambda c, h, s: c.get("/api/v1/admin/dossiers/missing-results", headers=h),
        ADMIN_ONLY),
    ("POST", "/api/v1/admin/agencies"): (
        lambda c, h, s: c.post("/api/v1/admin/agencies", headers=h,
                               json={"code": "000.00.77.H77", "name": "Mới"}), ADMIN_ONLY),
    ("GET", "/api/v1/admin/agencies"): (
        lambda c, h, s: c.get("/api/v1/admin/agencies", headers=h), ADMIN_ONLY),
    ("POST", "/api/v1/admin/accounts"): (
        lambda c, h, s: c.post("/api/v1/admin/accounts", headers=h, json=NEW_ACCOUNT),
        ADMIN_ONLY),
    ("GET", "/api/v1/admin/accounts"): (
        lambda c, h, s: c.get("/api/v1/admin/accounts", headers=h), ADMIN_ONLY),
    ("PUT", "/api/v1/admin/accounts/{username}/state"): (
        lambda c, h, s: c.put("/api/v1/admin/accounts/congdan/state", headers=h,
                              json={"active": True}), ADMIN_ONLY),
    ("POST", "/api/v1/admin/accounts/{username}/password-reset"): (
        lambda c, h, s: _reset_a_spare(c, h), ADMIN_ONLY),
    # Signing keys (issue 28): a malformed source answers 422 past authorisation; an officer
    # without a key of their own answers 409 to a PIN.
    ("PUT", "/api/v1/admin/agencies/{code}/signing-key"): (
        lambda c, h, s: c.put(f"/api/v1/admin/agencies/{AGENCY_B}/signing-key", headers=h,
                              json={"source": "pkcs11:module=/x;key=y"}), ADMIN_ONLY),
    ("DELETE", "/api/v1/admin/agencies/{code}/signing-key"): (
        lambda c, h, s: c.delete(f"/api/v1/admin/agencies/{AGENCY_B}/signing-key", headers=h),
        ADMIN_ONLY),
    ("GET", "/api/v1/admin/agencies/{code}/profile"): (
        lambda c, h, s: c.get(f"/api/v1/admin/agencies/{AGENCY_B}/profile", headers=h),
        ADMIN_ONLY),
    ("PATCH", "/api/v1/admin/agencies/{code}/profile"): (
        lambda c, h, s: c.patch(f"/api/v1/admin/agencies/{AGENCY_B}/profile", headers=h,
                                json={"place": "Thành phố Hồ Chí Minh"}), ADMIN_ONLY),
    ("PUT", "/api/v1/admin/agencies/{code}/seal"): (
        lambda c, h, s: c.put(f"/api/v1/admin/agencies/{AGENCY_B}/seal", headers=h,
                              content=b"not a png"), ADMIN_ONLY),
    ("PUT", "/api/v1/admin/accounts/{username}/signing-key"): (
        lambda c, h, s: c.put("/api/v1/admin/accounts/canbo.a/signing-key", headers=h,
                              json={"source": "csc:credential=x"}), ADMIN_ONLY),
    ("POST", "/api/v1/me/signing-pin"): (
        lambda c, h, s: c.post("/api/v1/me/signing-pin", headers=h, json={"pin": "123456"}),
        STAFF_ANY),
    ("DELETE", "/api/v1/me/signing-pin"): (
        lambda c, h, s: c.delete("/api/v1/me/signing-pin", headers=h), STAFF_ANY),
    ("POST", "/api/v1/dossiers/{dossier_code}/components/{component}/scan-skip"): (
        lambda c, h, s: c.post(f"/api/v1/dossiers/{s['dossier']}/components/TP01/scan-skip",
                               headers=h, json={"reason_code": "PRESENT_ONLY"}), STAFF_ONLY),
    ("POST", "/api/v1/documents/{document_id}/register-copy"): (
        lambda c, h, s: c.post(f"/api/v1/documents/{s['doc']}/register-copy", headers=h,
                               json={"book": "khai sinh 2019", "number": "12"}), STAFF_ONLY),
    # Copies certified from their originals (REGULATIONS 61): staff of the agency only.
    ("POST", "/api/v1/certifications"): (
        lambda c, h, s: c.post("/api/v1/certifications", headers=h, json={
            "owner": s["owner"], "original": "Bằng tốt nghiệp số 12"}), STAFF_ANY),
    ("GET", "/api/v1/certifications/{certification_id}"): (
        lambda c, h, s: c.get(f"/api/v1/certifications/{uuid.uuid4()}", headers=h),
        STAFF_NOTHING_YET),
    ("POST", "/api/v1/certifications/{certification_id}/check"): (
        lambda c, h, s: c.post(f"/api/v1/certifications/{uuid.uuid4()}/check", headers=h,
                               json={"fit": True}), STAFF_NOTHING_YET),
    ("POST", "/api/v1/certifications/{certification_id}/scan"): (
        lambda c, h, s: c.post(f"/api/v1/certifications/{uuid.uuid4()}/scan", headers=h,
                               json={"document": s["doc"]}), STAFF_NOTHING_YET),
    ("POST", "/api/v1/certifications/{certification_id}/statement"): (
        lambda c, h, s: c.post(f"/api/v1/certifications/{uuid.uuid4()}/statement", headers=h,
                               json={"statement": "Chứng thực bản sao đúng với bản chính."}),
        STAFF_NOTHING_YET),
    ("POST", "/api/v1/certifications/{certification_id}/issue"): (
        lambda c, h, s: c.post(f"/api/v1/certifications/{uuid.uuid4()}/issue", headers=h,
                               json={"position": "Phó Chủ tịch"}), STAFF_NOTHING_YET),
    ("POST", "/api/v1/owners/unidentified"): (
        lambda c, h, s: c.post("/api/v1/owners/unidentified", headers=h,
                               json={"supplementary": {"full_name": "John Smith"}}), STAFF_ANY),
    # Requests between agencies for a dossier's data (REGULATIONS 58): asking for one's own
    # agency's dossier answers 422, for another's 201.
    ("POST", "/api/v1/data-requests"): (
        lambda c, h, s: c.post("/api/v1/data-requests", headers=h, json={
            "dossier": s["dossier"], "purpose": "Xác minh hồ sơ đất đai của công dân",
            "legal_basis": "Điều 12 Nghị định 194/2025/NĐ-CP"}), STAFF_ANY),
    ("GET", "/api/v1/data-requests"): (
        lambda c, h, s: c.get("/api/v1/data-requests", headers=h), STAFF_ANY),
    ("POST", "/api/v1/data-requests/{request_id}/sharing"): (
        lambda c, h, s: c.post(f"/api/v1/data-requests/{uuid.uuid4()}/sharing", headers=h,
                               json={"days": 10}), STAFF_NOTHING_YET),
    ("POST", "/api/v1/data-requests/{request_id}/refusal"): (
        lambda c, h, s: c.post(f"/api/v1/data-requests/{uuid.uuid4()}/refusal", headers=h,
                               json={"reason": "Không thuộc phạm vi chia sẻ theo quy định",
                                     "legal_basis": "Điều 12 Nghị định 194/2025/NĐ-CP"}),
        STAFF_NOTHING_YET),
    # The archive (issue 6). The world's dossiers are open: export and transfer answer 409.
    ("GET", "/api/v1/archive/due"): (
        lambda c, h, s: c.get("/api/v1/archive/due", headers=h, params={"all": True}),
        DUE_READERS),
    ("GET", "/api/v1/archive/dossiers/{dossier_code}/package"): (
        lambda c, h, s: c.get(f"/api/v1/archive/dossiers/{s['dossier']}/package", headers=h),
        ARCHIVIST_ONLY),
    ("POST", "/api/v1/archive/transfers"): (
        lambda c, h, s: c.post("/api/v1/archive/transfers", headers=h,
                               json={"dossier": s["dossier"]}), ARCHIVIST_ONLY),
    ("GET", "/api/v1/archive/transfers"): (
        lambda c, h, s: c.get("/api/v1/archive/transfers", headers=h), ARCHIVIST_ONLY),
    ("POST", "/api/v1/archive/transfers/{dossier_code}/validation"): (
        lambda c, h, s: c.post(f"/api/v1/archive/transfers/{s['dossier']}/validation",
                               headers=h), ARCHIVIST_ONLY),
    ("POST", "/api/v1/archive/dossiers/{dossier_code}/holds"): (
        lambda c, h, s: c.post(f"/api/v1/archive/dossiers/{s['dossier']}/holds", headers=h,
                               json={"reason": "Thanh tra"}), ARCHIVIST_ONLY),
    ("GET", "/api/v1/archive/dossiers/{dossier_code}/holds"): (
        lambda c, h, s: c.get(f"/api/v1/archive/dossiers/{s['dossier']}/holds", headers=h),
        ARCHIVIST_ONLY),
    ("POST", "/api/v1/archive/holds/{hold_id}/release"): (_release_a_hold, ARCHIVIST_ONLY),
    ("GET", "/api/v1/archive/disposals/review"): (
        lambda c, h, s: c.get("/api/v1/archive/disposals/review", headers=h), ARCHIVIST_ONLY),
    ("POST", "/api/v1/archive/disposals"): (
        lambda c, h, s: c.post("/api/v1/archive/disposals", headers=h,
                               json={"dossier": s["dossier"], "reason": "Hết hạn"}),
        ARCHIVIST_ONLY),
    ("POST", "/api/v1/archive/disposals/{disposal_id}/approval"): (
        lambda c, h, s: c.post(f"/api/v1/archive/disposals/{uuid.uuid4()}/approval",
                               headers=h, json={"decision": "QĐ 1"}), ARCHIVIST_NOTHING_YET),
    ("POST", "/api/v1/archive/disposals/{disposal_id}/rejection"): (
        lambda c, h, s: c.post(f"/api/v1/archive/disposals/{uuid.uuid4()}/rejection",
                               headers=h, json={"reason": "Không"}), ARCHIVIST_NOTHING_YET),
    ("GET", "/api/v1/archive/disposals/{disposal_id}/record"): (
        lambda c, h, s: c.get(f"/api/v1/archive/disposals/{uuid.uuid4()}/record", headers=h),
        ARCHIVIST_NOTHING_YET),
    # Reports (issue 7): staff asking for another agency's figures are refused.
    ("GET", "/api/v1/reports/digitisation"): (
        lambda c, h, s: c.get("/api/v1/reports/digitisation", headers=h, params={
            "since": "2026-01-01", "until": "2026-12-31", "by": "month,counter"}),
        REPORT_READERS),
}

#: Routes anyone may call, with no account: what a printed QR or a monitor reaches.
PUBLIC = {
    ("GET", "/healthz"), ("GET", "/readyz"), ("POST", "/api/v1/auth/token"), ("GET", "/api/v1/lookup/{code}"),
    ("GET", "/v/"), ("GET", "/v/{code}"), ("GET", "/pki/dev-root.crl"),
    # Logging in through the identity provider (tests/sohoa/test_oidc.py).
    ("GET", "/api/v1/auth/oidc/login"), ("GET", "/api/v1/auth/oidc/callback"),
}


def _routes(services: Services) -> set[tuple[str, str]]:
    """Every (method, path) of the API served."""
    served = served_routes(create_app(services=services))
    assert len(served) > 20, "the route walk found too little: FastAPI's internals changed?"
    # The web screens are a second surface over the same use cases; their log-in and
    # role checks are tested in tests/web/test_crawl.py (every screen route).
    return {(m, p) for m, p in served if p.startswith(("/api/", "/v/", "/pki/", "/healthz", "/readyz"))}


def test_every_route_is_in_the_table(services: Services) -> None:
    served = _routes(services)
    assert served - set(ENDPOINTS) - PUBLIC == set(), "a route has no row in the matrix"
    assert set(ENDPOINTS) | PUBLIC <= served, "the matrix names a route the app does not serve"


def _outcome(status: int) -> object:
    return status if status in (401, 403, 404) else OK


def test_authorisation_matrix(world: World) -> None:
    # REGULATIONS 9.C (private by default), 9.D.35
    failures = []
    for (method, path), (call, expected) in ENDPOINTS.items():
        for role in ROLES:
            for which, subject in (("own", world.own[role]), ("other", world.other[role])):
                want = expected[role][0 if which == "own" else 1]
                response = call(world.client, world.headers[role], subject)
                got = _outcome(response.status_code)
                if got != want:
                    failures.append(f"{method} {path} as {role} on {which}: expected {want}, "
                                    f"got {response.status_code} {response.text[:120]}")
                elif got in (403, 404):
                    assert response.json()["error"]["code"] in ("forbidden", "not_found")
    assert not failures, "\n".join(failures)


def test_public_routes_answer_without_an_account(world: World) -> None:
    client = world.client
    assert client.get("/healthz").status_code == 200
    assert client.get("/api/v1/lookup/AAAA-BBBB-CCCC").status_code == 404  # unknown, not 401
    assert client.get("/v/AAAA-BBBB-CCCC").status_code == 404
    assert client.get("/pki/dev-root.crl").status_code == 200
    wrong = client.post("/api/v1/auth/token", data={"username": "congdan", "password": "sai"})
    assert wrong.status_code == 401 and wrong.json()["error"]["code"] == "login_failed"


def test_someone_elses_document_is_indistinguishable_from_none(world: World) -> None:
    citizen = world.headers["citizen"]
    theirs = world.client.get(f"/api/v1/documents/{world.docs['other_citizen']}", headers=citizen)
    nothing = world.client.get(f"/api/v1/documents/{uuid.uuid4()}", headers=citizen)
    assert theirs.status_code == nothing.status_code == 404
    assert theirs.json()["error"]["code"] == nothing.json()["error"]["code"] == "not_found"


def test_the_query_filter_and_the_single_record_check_agree(world: World) -> None:
    """``visible_documents`` (lists, search) and ``access_to`` (one read) are one rule."""
    services = world.services
    viewers = [
        holder(services.vault, Role.CITIZEN, "c", CITIZEN),
        holder(services.vault, Role.ORGANISATION, "o", ORGANISATION),
        Viewer(Role.STAFF, "s", agency=services.settings.agency.code),
        Viewer(Role.STAFF, "s", agency=AGENCY_B), Viewer(Role.ARCHIVIST, "a"),
        Viewer(Role.ADMIN, "x"), Viewer.system("sys")]
    with services.sessions() as session:
        for viewer in viewers:
            listed = set(session.scalars(select(Document.id).where(visible_documents(viewer))))
            checked = {d.id for d in session.scalars(select(Document))
                       if access_to(session, viewer, d) is not None}
            assert listed == checked, viewer
            assert listed or viewer.role is Role.ADMIN  # each sees something but the admin
