"""An electronic copy from the register an agency keeps (cấp bản sao từ sổ gốc,
REGULATIONS 60): signed with the issuing agency's own key, its record linked to the
register entry; through the HTTP API on the embedded default."""

from __future__ import annotations

from fastapi.testclient import TestClient

from kernel import Role
from signing import verify_pdf
from sohoa.services import Services
from tests.service_fixtures import Snapshot, login, make_account
from tests.sohoa.test_certificates import stored_document


def test_a_copy_from_the_register_is_signed_by_the_agency_and_names_the_entry(
        services: Services, client: TestClient, snapshot: Snapshot) -> None:
    # REGULATIONS 60
    document = stored_document(services)
    services.vault.agencies.add_agency("000.00.77.H29", "UBND phường khác", actor="test")
    make_account(services, "canbo.khac", Role.STAFF, agency="000.00.77.H29")
    before = snapshot()
    bare = client.post(f"/api/v1/documents/{document}/register-copy",
                       json={"book": " ", "number": "12"})
    assert bare.status_code == 422 and snapshot() == before
    stranger = client.post(f"/api/v1/documents/{document}/register-copy",
                           headers=login(client, "canbo.khac"),
                           json={"book": "đăng ký khai sinh 01/2019", "number": "12"})
    assert stranger.status_code == 404 and snapshot() == before

    made = client.post(f"/api/v1/documents/{document}/register-copy",
                       json={"book": "đăng ký khai sinh 01/2019", "number": "12"})
    assert made.status_code == 200, made.text
    report = verify_pdf(made.content, services.trust)
    assert report.valid
    agency = report.signatures[-1]
    assert services.settings.agency.name in agency.signer and agency.trusted
    code = made.headers["X-Lookup-Code"]
    (conversion,) = [c for c in client.get(f"/api/v1/documents/{document}/conversions")
                     .json()["conversions"] if c["code"] == code]
    assert conversion["direction"] == "copy_from_register"
    assert conversion["register_entry"] == "Sổ đăng ký khai sinh 01/2019, số 12"
    page = client.get(f"/v/{code}").text
    assert "Bản sao điện tử cấp từ sổ gốc" in page
    assert "Sổ đăng ký khai sinh 01/2019, số 12" in page
