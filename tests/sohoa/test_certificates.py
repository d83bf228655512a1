"""Conversion certificates, the public look-up and revocation (issue 4, items 7–10).

On the embedded default: development PKI and TSA, SQLite, local blobs; real
signatures (pyHanko), real rendering (poppler) and a real QR decoder (zxing-cpp).
"""

from __future__ import annotations

import json
import subprocess
from datetime import UTC, date, datetime
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from typer.testing import CliRunner

from digitize.qr import read_qr
from kernel import VIETNAM, parse_owner_id
from signing import operator_request, parse_labelled, sign_pdf, verify_pdf
from sohoa.cli import app
from sohoa.runtime import build_services
from sohoa.services import Services
from sohoa.settings import Settings
from sohoa.usecases import certify, record
from tests.inputs import first_page_text, image_bytes, image_pdf, render_page, text_page, word_boxes
from tests.service_fixtures import SYSTEM, Snapshot
from vault import (
    AlreadyCertified,
    ConversionDirection,
    DocumentRevoked,
    FileRole,
    InvalidRecordValue,
    InvalidTransition,
    NewConversion,
    NewFile,
    NotAResult,
    new_lookup_code,
    normalise_code,
)

pytestmark = pytest.mark.slow  # tens of seconds: scheduled first (tests/conftest.py)

OWNER = "001099012345"
AGENCY = "UBND xã Tân Thành"
PROCEDURE = "1.001193"


def stored_document(services: Services, *, kind: str = "RESULT",
                    valid_until: date | None = date(2031, 11, 24), store: bool = True) -> str:
    """A scan signed by its operator, filed in a dossier, its record confirmed by staff."""
    scan = image_pdf(image_bytes(text_page(200), "JPEG", 200))
    scanned_at = datetime.now(UTC)
    signed = sign_pdf(scan, operator_request(services.operator_key("Lê Thị Hoa"),
                                             services.stamp_font(), "Lê Thị Hoa", scanned_at,
                                             services.settings.signing.operator_signature_level),
                      services.trust)
    owner = parse_owner_id(OWNER)
    dossier = services.vault.intake.open_dossier(services.settings.agency.code, owner,
                                          procedure=PROCEDURE, actor="test")
    filed = services.vault.filing.file_document(
        owner=owner, title="Giấy khai sinh", page_count=1, operator="Lê Thị Hoa",
        scanned_at=scanned_at, actor="test", dossier_code=dossier, files=[
            NewFile(FileRole.ORIGINAL.value, scan, "application/pdf"),
            NewFile(FileRole.SIGNED.value, signed, "application/pdf",
                    parent=(FileRole.ORIGINAL.value, 1)),
        ])
    record.extract(services, filed, ["GIẤY KHAI SINH"], [0.9], actor="test")
    if store:
        record.save(services, filed.id, {
            "doc_type_code": "GKS", "doc_name": "Giấy khai sinh", "number_symbol": "123/GKS",
            "issue_date": "2024-05-02", "issuing_body": AGENCY, "summary": "Khai sinh",
            "kind": kind, "valid_until": valid_until.isoformat() if valid_until else None,
            "validity_scope": "Toàn quốc" if kind == "RESULT" else None,
        }, viewer=SYSTEM)
    return filed.id


def top_left_qr(pdf: bytes, tmp_path: Path) -> str:
    """The one QR in the top-left quarter of page 1, decoded by zxing-cpp."""
    page = render_page(pdf)
    (text,) = read_qr(page.crop((0, 0, page.width // 2, page.height // 4)), size=3000)
    return text


# -- item 7: paper → electronic --------------------------------------------------------------
def test_certified_copy_carries_the_mark_time_agency_and_a_qr_of_the_same(
        data_env: Path, tmp_path: Path) -> None:
    # REGULATIONS 9.E.37, 9.E.38, 9.E.39
    settings = Settings(agency_name=AGENCY, conversion_mark="Bản chuyển đổi từ giấy — UBND xã")
    services = build_services(settings, start_jobs=False)
    try:
        document = stored_document(services)
        conversion = certify.certify_copy(services, document, converter="Trần Văn Bình",
                                          viewer=SYSTEM)
        certified = services.vault.documents.read_file(document, "certified", viewer=SYSTEM)
        signed = services.vault.documents.read_file(document, "signed", viewer=SYSTEM).data
        report = verify_pdf(certified.data, services.trust)
    finally:
        services.close()
    assert certified.data.startswith(signed)  # the operator's signed scan, extended
    assert conversion.direction == "paper_to_electronic"
    assert conversion.output_sha256 == certified.sha256
    # Both signatures hold: the operator's, and the agency's at its configured level, whose
    # validation data and archive timestamp bring the operator's to long-term as well.
    assert report.valid and [s.level for s in report.signatures] == ["B-LTA", "B-LTA"]
    agency = report.signatures[-1]
    assert AGENCY in agency.signer

    stamp_text = " ".join(first_page_text(_write(tmp_path / "c.pdf", certified.data)).split())
    assert "SAO Y" in stamp_text and AGENCY in stamp_text
    assert "Bản chuyển đổi từ giấy — UBND xã" in stamp_text  # the configured wording
    # The QR (top-right, inside the stamp) says the same, at the signature's very time.
    page = render_page(certified.data)
    (qr,) = read_qr(page.crop((page.width // 2, 0, page.width, page.height // 4)), size=3000)
    data = parse_labelled(qr)
    assert data["Ký hiệu"] == "Bản chuyển đổi từ giấy — UBND xã"
    assert data["Cơ quan chuyển đổi"] == AGENCY
    assert data["Thời gian chuyển đổi"] == agency.signing_time
    assert f"Thời gian ký: {agency.signing_time}" in stamp_text
    assert data["Tra cứu"] == f"http://127.0.0.1:8000/v/{conversion.code}"


def test_pdfsig_validates_both_signatures_of_a_certified_copy(services: Services,
                                                              tmp_path: Path) -> None:
    document = stored_document(services)
    certify.certify_copy(services, document, viewer=SYSTEM)
    path = _write(tmp_path / "certified.pdf",
                  services.vault.documents.read_file(document, "certified", viewer=SYSTEM).data)
    out = subprocess.run(["pdfsig", str(path)], capture_output=True, text=True).stdout
    # The operator's and the agency's; the third is the archive timestamp, which pdfsig lists
    # without checking.
    assert out.count("Signature Validation: Signature is Valid.") == 2, out
    assert "Signature #3" in out and "Signature #4" not in out


def test_certifying_is_refused_before_the_record_is_stored_and_once_done(
        services: Services, snapshot: Snapshot) -> None:
    draft = stored_document(services, store=False)
    before = snapshot()
    with pytest.raises(InvalidTransition):
        certify.certify_copy(services, draft, viewer=SYSTEM)
    assert snapshot() == before

    document = stored_document(services)
    certify.certify_copy(services, document, qr=False, viewer=SYSTEM)
    before = snapshot()
    with pytest.raises(AlreadyCertified):
        certify.certify_copy(services, document, viewer=SYSTEM)
    assert snapshot() == before


# -- items 8–10 through the API: print, look up, revoke, look up again ----------------------
def test_printed_copy_qr_leads_to_a_lookup_that_turns_invalid_on_revocation(
        client: TestClient, services: Services, tmp_path: Path) -> None:
    # REGULATIONS 9.A.14, 9.E.40, 9.E.42, 9.C.25
    document = stored_document(services)
    certified = client.post(f"/api/v1/documents/{document}/certified-copy", json={})
    assert certified.status_code == 201, certified.text
    electronic_code = certified.json()["conversion"]["code"]

    printed = client.post(f"/api/v1/documents/{document}/paper-copy",
                          json={"converter": "Trần Văn Bình"})
    assert printed.status_code == 200, printed.text
    assert printed.headers["content-type"] == "application/pdf"
    pdf = printed.content

    # The QR at the top-left carries the TT 01/2023 data set and the look-up URL.
    data = parse_labelled(top_left_qr(pdf, tmp_path))
    dossier = services.vault.documents.get_document(document, viewer=SYSTEM).dossier
    assert data["Mã hồ sơ"] == dossier
    assert data["Mã TTHC"] == PROCEDURE
    assert data["Mã định danh"] == OWNER
    assert data["Tên giấy tờ"] == "Giấy khai sinh"
    assert data["Hệ thống"] == services.settings.agency.system_name
    assert datetime.fromisoformat(data["Thời gian xuất bản"]).utcoffset().total_seconds() == 7 * 3600
    assert data["Thời hạn hiệu lực"] == "2031-11-24" and data["Phạm vi hiệu lực"] == "Toàn quốc"
    url = data["Tra cứu"]
    assert url == printed.headers["X-Lookup-URL"]
    code = printed.headers["X-Lookup-Code"]

    # The statement of 9.E.40 is on the sheet, as text.
    text = " ".join(first_page_text(_write(tmp_path / "p.pdf", pdf)).split())
    for words in (services.settings.agency.system_name, code, "Trần Văn Bình",
                  services.vault.documents.get_document(document, viewer=SYSTEM).result_code):
        assert words in text

    path = url.removeprefix(services.settings.server.public_url)
    page = client.get(path)
    assert page.status_code == 200 and "CÒN HIỆU LỰC" in page.text
    assert "Giấy khai sinh" in page.text and AGENCY in page.text
    assert OWNER not in page.text  # nothing personal on the public page
    as_json = client.get(f"/api/v1/lookup/{code}").json()
    assert as_json["status"] == "valid" and as_json["signatures"]["valid"]
    printed = services.vault.documents.get_document(document, viewer=SYSTEM).file("certified")
    assert as_json["conversion"]["sha256"] == printed.sha256  # the certified copy was printed

    revoked = client.post(f"/api/v1/documents/{document}/revocation",
                          json={"reason": "Cấp lại do sai thông tin"})
    assert revoked.status_code == 200, revoked.text
    assert {c["code"] for c in revoked.json()["copies"]} == {code, electronic_code}
    # The vault shows it revoked, with time and reason, in the owner's list too.
    (listed,) = client.get(f"/api/v1/owners/{OWNER}/documents").json()["documents"]
    assert listed["revoked_at"] and listed["revocation_reason"] == "Cấp lại do sai thông tin"

    page = client.get(path)
    assert page.status_code == 200 and "ĐÃ BỊ THU HỒI" in page.text
    assert "Cấp lại do sai thông tin" in page.text and "CÒN HIỆU LỰC" not in page.text
    for each in (code, electronic_code):  # the paper copy and the electronic copy alike
        answer = client.get(f"/api/v1/lookup/{each}").json()
        assert answer["status"] == "revoked" and answer["valid"] is False

    # Verification of the certified file now reports the revocation, whatever its signatures.
    upload = services.vault.documents.read_file(document, "certified", viewer=SYSTEM).data
    verified = client.post("/api/v1/verify", files={"file": ("c.pdf", upload, "application/pdf")})
    body = verified.json()
    assert all(s["bottom_line"] for s in body["signatures"])
    assert body["registry"]["status"] == "revoked" and body["valid"] is False

    # And no new copy is issued from a revoked result.
    again = client.post(f"/api/v1/documents/{document}/paper-copy", json={})
    assert again.status_code == 409 and again.json()["error"]["code"] == "document_revoked"


def test_formal_copy_has_the_sao_y_block_and_a_number(client: TestClient, services: Services,
                                                      tmp_path: Path) -> None:
    # REGULATIONS 9.E.41
    document = stored_document(services)
    refused = client.post(f"/api/v1/documents/{document}/paper-copy", json={"formal": True})
    assert refused.status_code == 422
    assert "chức vụ và họ tên người ký" in refused.json()["error"]["message"]

    response = client.post(f"/api/v1/documents/{document}/paper-copy", json={
        "formal": True, "signer_position": "Chủ tịch", "signer_name": "Nguyễn Văn An",
        "recipients": ["Ông Nguyễn Văn Nam"]})
    assert response.status_code == 200, response.text
    assert response.headers["X-Copy-Number"] == "1"
    text = first_page_text(_write(tmp_path / "formal.pdf", response.content))
    lines = [" ".join(line.split()) for line in text.splitlines() if line.strip()]
    for expected in ("SAO Y", "Số: 01/SY", "CHỦ TỊCH", "Nguyễn Văn An", "Nơi nhận:",
                     "- Ông Nguyễn Văn Nam;", "- Lưu: VT."):
        assert any(expected in line for line in lines), (expected, lines)
    assert any(line.startswith("Hà Nội, ngày ") for line in lines)
    # On the same sheet, after the copied page: the block's "SAO Y" sits in the lowest
    # quarter, below the document placed above it.
    lowest_sao = max(top for word, top, _ in word_boxes(response.content) if word == "SAO")
    assert lowest_sao > 0.72 * 842
    # The printable file itself is the agency's: signed with its own key (issue 28).
    report = verify_pdf(response.content, services.trust)
    assert report.valid and services.settings.agency.name in report.signatures[-1].signer

    second = client.post(f"/api/v1/documents/{document}/paper-copy", json={
        "formal": True, "signer_position": "Chủ tịch", "signer_name": "Nguyễn Văn An"})
    assert second.headers["X-Copy-Number"] == "2"


def test_copy_numbers_restart_each_first_of_january_without_gaps(services: Services) -> None:
    # REGULATIONS 9.E.41: the register restarts at 01 on 1 January; a copy that fails to be
    # made does not take a number.
    document = stored_document(services)

    def issue(moment: datetime, fail: bool = False) -> str | None:
        def render(_record: object) -> bytes:
            if fail:
                raise RuntimeError("printer layer failed")
            return b"%PDF-1.7 stand-in"

        conversion = NewConversion(new_lookup_code(), ConversionDirection.ELECTRONIC_TO_PAPER,
                                   moment, "Cán bộ", "H00", AGENCY, copy_form="SAO Y",
                                   agency_abbreviation="UBND")
        made, _ = services.vault.conversions.issue_copy(document, conversion, source_sha256="0" * 64,
                                            render=render, actor="test")
        return made.copy_symbol

    assert issue(datetime(2026, 12, 31, 10, tzinfo=UTC)) == "01/SY-UBND"
    with pytest.raises(RuntimeError):
        issue(datetime(2026, 12, 31, 11, tzinfo=UTC), fail=True)
    assert issue(datetime(2026, 12, 31, 12, tzinfo=UTC)) == "02/SY-UBND"
    # 31 December 18:00 UTC is already 1 January in Vietnam.
    assert issue(datetime(2026, 12, 31, 18, tzinfo=UTC)) == "01/SY-UBND"
    assert issue(datetime(2027, 1, 2, tzinfo=UTC)) == "02/SY-UBND"


def test_revocation_is_for_results_with_a_reason_and_happens_once(services: Services) -> None:
    component = stored_document(services, kind="COMPONENT", valid_until=None)
    with pytest.raises(NotAResult):
        services.vault.conversions.revoke(component, "Nhầm", actor="test")
    result = stored_document(services)
    with pytest.raises(InvalidRecordValue):
        services.vault.conversions.revoke(result, "   ", actor="test")
    revoked = services.vault.conversions.revoke(result, f"Hết hiệu lực, cấp lại cho {OWNER}", actor="test")
    assert revoked.revoked_at is not None
    # The reason is public on the look-up page: an ID typed into it is kept masked.
    assert revoked.revocation_reason == "Hết hiệu lực, cấp lại cho 001*******45"
    with pytest.raises(DocumentRevoked):
        services.vault.conversions.revoke(result, "Lần hai", actor="test")
    # Revoked, yet kept and readable (REGULATIONS 9.C.25).
    assert services.vault.documents.read_file(result, "signed", viewer=SYSTEM).data.startswith(b"%PDF")


def test_an_expired_result_looks_up_as_expired(client: TestClient, services: Services) -> None:
    document = stored_document(services, valid_until=date(2020, 1, 1))
    printed = client.post(f"/api/v1/documents/{document}/paper-copy", json={})
    assert printed.status_code == 200
    answer = client.get(f"/api/v1/lookup/{printed.headers['X-Lookup-Code']}").json()
    assert answer["status"] == "expired" and answer["valid"] is False


def test_unknown_codes_answer_unknown(client: TestClient) -> None:
    for code in ("ABCD-EFGH-JKMN", "not a code", "x" * 40):
        page = client.get(f"/v/{code}")
        assert page.status_code == 404 and "KHÔNG TÌM THẤY MÃ TRA CỨU" in page.text
        answer = client.get(f"/api/v1/lookup/{code}")
        assert answer.status_code == 404 and answer.json()["status"] == "unknown"
    echoed = client.get("/v/<script>x")
    assert "<script>x" not in echoed.text and "&lt;script&gt;x" in echoed.text


def test_lookup_codes_survive_how_people_type_them() -> None:
    code = new_lookup_code()
    assert len(code) == 14 and code.count("-") == 2
    assert normalise_code(code.lower().replace("-", " ")) == code
    assert normalise_code("0O1I-L234-5678") == "0011-1234-5678"
    assert normalise_code("ABCD-EFGH-JKM") is None and normalise_code("ABCD-EFGH-JKMU") is None


def _write(path: Path, data: bytes) -> Path:
    path.write_bytes(data)
    return path


def test_cli_prints_looks_up_revokes_and_verify_reports_it(services: Services,
                                                           tmp_path: Path) -> None:
    runner = CliRunner()
    document = stored_document(services)
    certified_out = tmp_path / "certified.pdf"
    made = runner.invoke(app, ["certify", "copy", document, "-o", str(certified_out), "--json"])
    assert made.exit_code == 0, made.output
    assert certified_out.read_bytes()[:5] == b"%PDF-"

    refused = runner.invoke(app, ["certify", "print", document, "-o", str(tmp_path / "x.pdf"),
                                  "--sao-y"])
    assert refused.exit_code != 0 and "chức vụ và họ tên người ký" in refused.output
    assert not (tmp_path / "x.pdf").exists()

    out = tmp_path / "copy.pdf"
    printed = runner.invoke(app, ["certify", "print", document, "-o", str(out), "--sao-y",
                                  "--signer-position", "Chủ tịch", "--signer-name",
                                  "Nguyễn Văn An", "--json"])
    assert printed.exit_code == 0, printed.output
    conversion = json.loads(printed.stdout)["conversion"]
    assert conversion["copy_symbol"] == "01/SY"
    assert parse_labelled(top_left_qr(out.read_bytes(), tmp_path))["Tra cứu"] == \
        conversion["lookup_url"]

    valid = runner.invoke(app, ["lookup", conversion["code"].lower()])
    assert valid.exit_code == 0 and "CÒN HIỆU LỰC" in valid.output
    assert runner.invoke(app, ["verify", str(certified_out)]).exit_code == 0

    revoked = runner.invoke(app, ["vault", "revoke", document, "--reason", "Cấp lại"])
    assert revoked.exit_code == 0, revoked.output
    assert "2 bản sao không còn giá trị" in revoked.output

    invalid = runner.invoke(app, ["lookup", conversion["code"]])
    assert invalid.exit_code == 1 and "ĐÃ BỊ THU HỒI" in invalid.output
    checked = runner.invoke(app, ["verify", str(certified_out)])
    assert checked.exit_code == 1 and "ĐÃ BỊ THU HỒI" in checked.output
    assert "Cấp lại" in checked.output
    # Offline, only the signatures are judged: they are still intact and trusted.
    assert runner.invoke(app, ["verify", str(certified_out), "--offline"]).exit_code == 0


def test_the_public_look_up_names_the_agency_writes_vietnam_time_and_offers_a_box(
        client: TestClient, anonymous: TestClient, services: Services) -> None:
    # Issue 28, item 7: the agency by name, the moment as dd/mm/yyyy in Vietnam time, and
    # /v alone is a page with a box to type a code, not a 404; no personal data.
    document = stored_document(services)
    certified = client.post(f"/api/v1/documents/{document}/certified-copy", json={})
    code = certified.json()["conversion"]["code"]
    issued = datetime.fromisoformat(certified.json()["conversion"]["issued_at"])
    page = anonymous.get(f"/v/{code}").text
    assert services.settings.agency.name in page
    assert issued.astimezone(VIETNAM).strftime("%d/%m/%Y %H:%M") in page
    assert issued.isoformat() not in page and OWNER not in page
    box = anonymous.get("/v")  # redirected to /v/
    assert box.status_code == 200 and 'name="code"' in box.text
    typed = anonymous.get("/v/", params={"code": f" {code} "}, follow_redirects=False)
    assert typed.status_code == 303 and typed.headers["location"] == f"/v/{code}"
    unknown = anonymous.get("/v/KHONGCO")
    assert unknown.status_code == 404 and 'name="code"' in unknown.text
