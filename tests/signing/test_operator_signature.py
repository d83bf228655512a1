"""The operator's signature: valid in pyHanko and pdfsig, visible top-left, tamper-evident."""

from __future__ import annotations

import subprocess
from datetime import UTC, datetime
from pathlib import Path

import pytest

from signing import (
    DevPki,
    TrustServices,
    dev_trust_services,
    operator_request,
    sign_pdf,
    stamp_font,
    verify_pdf,
)
from tests.inputs import first_page_text, image_bytes, image_pdf, text_page

OPERATOR = "Nguyễn Thị Phương Thảo"
SCANNED = datetime(2026, 11, 24, 2, 15, 3, tzinfo=UTC)  # 09:15:03 in Vietnam


@pytest.fixture(scope="module")
def pki(tmp_path_factory: pytest.TempPathFactory) -> DevPki:
    return DevPki(tmp_path_factory.mktemp("pki"), agency_name="UBND xã Thử Nghiệm")


@pytest.fixture(scope="module")
def signed(pki: DevPki, tmp_path_factory: pytest.TempPathFactory) -> bytes:
    pdf = image_pdf(image_bytes(text_page(200), "JPEG", 200))
    font = stamp_font(tmp_path_factory.mktemp("fonts"))
    request = operator_request(pki.key_source(pki.operator(OPERATOR)), font, OPERATOR,
                               SCANNED)
    return sign_pdf(pdf, request, dev_trust_services(pki))


def _pdfsig(path: Path) -> str:
    return subprocess.run(["pdfsig", str(path)], capture_output=True, text=True).stdout


def test_pdfsig_reports_a_valid_signature_over_the_whole_document(signed: bytes,
                                                                  tmp_path: Path) -> None:
    path = tmp_path / "signed.pdf"
    path.write_bytes(signed)
    report = _pdfsig(path)
    assert "Signature is Valid" in report
    assert "Total document signed" in report
    assert OPERATOR in report


def test_pyhanko_validates_it_against_the_dev_root(signed: bytes, pki: DevPki) -> None:
    report = verify_pdf(signed, dev_trust_services(pki))
    assert report.valid
    (sig,) = report.signatures
    assert sig.intact and sig.trusted and sig.coverage == "ENTIRE_FILE"
    assert "DEV ONLY" in sig.signer  # a development certificate never passes for a real one


def test_a_signature_is_not_trusted_without_its_root(signed: bytes, tmp_path: Path) -> None:
    stranger = DevPki(tmp_path / "other")
    report = verify_pdf(signed, TrustServices(tuple(stranger.trust_roots())))
    assert report.signed and not report.valid


def test_one_changed_byte_is_detected(signed: bytes, pki: DevPki) -> None:
    # Flip one byte inside the first signed byte range (the page image stream).
    position = len(signed) // 3
    tampered = signed[:position] + bytes([signed[position] ^ 0x01]) + signed[position + 1:]
    report = verify_pdf(tampered, dev_trust_services(pki))
    assert not report.valid
    assert not report.signatures[0].intact


def test_stamp_text_extracts_with_diacritics(signed: bytes, tmp_path: Path) -> None:
    # REGULATIONS 9.A.7: the stamp names the operator and the scan time.
    path = tmp_path / "signed.pdf"
    path.write_bytes(signed)
    text = first_page_text(path)
    assert f"Người số hóa: {OPERATOR}" in text
    assert "Thời gian quét: 24/11/2026 09:15:03 (UTC+07:00)" in text


def test_a_second_signature_keeps_the_first_valid(signed: bytes, pki: DevPki,
                                                  tmp_path: Path) -> None:
    font = stamp_font(tmp_path / "fonts")
    second = operator_request(pki.key_source(pki.operator("Lê Văn Hùng")), font,
                              "Lê Văn Hùng", SCANNED)
    second = type(second)(**{**second.__dict__, "field_name": "SecondSignature"})
    twice = sign_pdf(signed, second, dev_trust_services(pki))
    report = verify_pdf(twice, dev_trust_services(pki))
    assert len(report.signatures) == 2
    assert report.valid
    assert report.signatures[0].coverage == "ENTIRE_REVISION"


def test_unsigned_pdf_reports_no_signature(pki: DevPki) -> None:
    report = verify_pdf(image_pdf(image_bytes(text_page(200), "JPEG", 200)),
                        dev_trust_services(pki))
    assert not report.signed and not report.valid
