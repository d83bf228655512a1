"""The receipt of a dossier is signed by the agency that received it, with its own key,
and names how each component came (issue 28, item 2; REGULATIONS 52, 54)."""

from __future__ import annotations

from pathlib import Path

from kernel import Role, parse_owner_id
from signing import verify_pdf
from sohoa.services import Services
from sohoa.usecases.receipts import signed_receipt
from tests.inputs import first_page_text
from tests.service_fixtures import CONFIRMED_CITIZEN, make_account

AGENCY = ("000.00.31.H29", "UBND phường Bến Thành")


def test_the_receipt_is_signed_by_the_receiving_agency_and_says_what_was_not_copied(
        services: Services, tmp_path: Path) -> None:
    services.vault.agencies.add_agency(*AGENCY, actor="test")
    officer = make_account(services, "canbo.bt", Role.STAFF, agency=AGENCY[0]).viewer()
    code = services.vault.intake.open_case(
        AGENCY[0], parse_owner_id("001099012345"), procedure="DKKH", viewer=officer,
        due_on=None, reuse_days=30, new_owner=CONFIRMED_CITIZEN).code
    dossier = services.vault.intake.skip_scan(code, "GTTT", "PRESENT_ONLY", viewer=officer)
    pdf = signed_receipt(services, dossier, "Trần Thị Mai")
    report = verify_pdf(pdf, services.trust)
    assert report.valid
    (signature,) = report.signatures
    assert AGENCY[1] in signature.signer and "DEV ONLY" in signature.signer
    path = tmp_path / "receipt.pdf"
    path.write_bytes(pdf)
    text = " ".join(first_page_text(path).split())
    assert f"Tiếp nhận hồ sơ {code}" in text and AGENCY[1] in text
    assert "không sao chụp: giấy tờ chỉ xuất trình để đối chiếu" in text
