"""PAdES B-B, B-T, B-LT and B-LTA against a real test PKI (certomancer: TSA, OCSP, CRL on
127.0.0.1), validated by pyHanko offline with hard-fail revocation and by poppler's pdfsig.

Issue 4 item 2 and its must-shows.
"""

from __future__ import annotations

import re
import subprocess
from pathlib import Path

import pytest

from signing import (
    CachingFetcherBackend,
    CertificateRejected,
    PadesLevel,
    Pkcs11KeySource,
    RevocationCache,
    TrustServices,
    TrustServiceUnavailable,
    copy_request,
    http_timestamper,
    operator_request,
    sign_pdf,
    verify_pdf,
)
from tests.pki import AGENCY_NAME, SOFTHSM_MODULE, TestPki, softhsm_token


def online(pki: TestPki, cache: Path, max_age: float = 3600) -> TrustServices:
    """What a signer has: the TSA and the OCSP/CRL services over HTTP."""
    return TrustServices((pki.root(),), http_timestamper(pki.tsa_url),
                         CachingFetcherBackend(RevocationCache(cache, max_age)))


def offline(pki: TestPki) -> TrustServices:
    """What a validator years later has: the root, and nothing to fetch."""
    return TrustServices((pki.root(),))


@pytest.fixture(scope="module")
def signed(test_pki: TestPki, scan: bytes, font: Path,
           tmp_path_factory: pytest.TempPathFactory) -> dict[PadesLevel, bytes]:
    trust = online(test_pki, tmp_path_factory.mktemp("cache"))
    return {level: sign_pdf(scan, copy_request(test_pki.key_source(), font, AGENCY_NAME,
                                               level=level), trust)
            for level in PadesLevel}


@pytest.mark.parametrize("level", list(PadesLevel))
def test_each_level_is_reached_and_validates_offline(level: PadesLevel, test_pki: TestPki,
                                                     signed: dict[PadesLevel, bytes]) -> None:
    # REGULATIONS 9.E.37: the agency's signature on a paper → electronic copy.
    report = verify_pdf(signed[level], offline(test_pki))
    (signature,) = report.signatures
    assert report.valid and signature.bottom_line
    assert signature.level == str(level)
    assert signature.signer == AGENCY_NAME and signature.trusted and signature.intact
    assert (signature.timestamp is not None) == level.timestamped
    # Long-term levels prove non-revocation from data inside the file, with hard-fail
    # revocation and no network; the others cannot.
    assert signature.revocation == ("good" if level.long_term else "not_checked")
    assert len(report.document_timestamps) == (1 if level is PadesLevel.B_LTA else 0)


def test_pdfsig_validates_every_level_against_the_test_root(
        test_pki: TestPki, signed: dict[PadesLevel, bytes], tmp_path: Path) -> None:
    for level, data in signed.items():
        path = tmp_path / f"{level}.pdf"
        path.write_bytes(data)
        out = subprocess.run(["pdfsig", "-nssdir", f"sql:{test_pki.nss_db()}", str(path)],
                             capture_output=True, text=True).stdout
        first = out.split("Signature #2")[0]
        assert "Signature Validation: Signature is Valid." in first, (level, out)
        assert "Certificate Validation: Certificate is Trusted." in first, (level, out)
        assert "ETSI.CAdES.detached" in first
        if level is PadesLevel.B_LTA:
            assert "Signature #2" in out  # the document timestamp pdfsig lists after it


def test_a_changed_byte_breaks_a_long_term_signature(test_pki: TestPki,
                                                     signed: dict[PadesLevel, bytes]) -> None:
    data = signed[PadesLevel.B_LTA]
    position = len(data) // 4  # inside the scanned page, covered by every signature
    tampered = data[:position] + bytes([data[position] ^ 0x01]) + data[position + 1:]
    report = verify_pdf(tampered, offline(test_pki))
    assert not report.valid
    assert not report.signatures[0].intact and report.signatures[0].level is None


def test_a_second_signature_keeps_the_first_valid(test_pki: TestPki, scan: bytes, font: Path,
                                                  tmp_path: Path) -> None:
    from datetime import UTC, datetime

    trust = online(test_pki, tmp_path / "cache")
    first = sign_pdf(scan, operator_request(test_pki.key_source("officer"), font, "Nguyễn Văn An",
                                            datetime.now(UTC), PadesLevel.B_LT), trust)
    both = sign_pdf(first, copy_request(test_pki.key_source(), font, AGENCY_NAME), trust)
    assert both.startswith(first)  # an incremental update: the first revision is untouched
    report = verify_pdf(both, offline(test_pki))
    operator, agency = report.signatures
    assert report.valid
    assert operator.coverage == "ENTIRE_REVISION" and operator.changes_after == "FORM_FILLING"
    # The officer's certificate is checked by OCSP, the agency's by CRL; both from the file.
    assert operator.level == "B-LTA" and operator.revocation == "good"
    assert agency.level == "B-LTA" and agency.coverage == "ENTIRE_REVISION"


def test_a_revoked_certificate_cannot_sign_long_term_and_is_reported_revoked(
        test_pki: TestPki, scan: bytes, font: Path, tmp_path: Path) -> None:
    trust = online(test_pki, tmp_path / "cache")
    with pytest.raises(CertificateRejected, match="thu hồi|revoked"):
        sign_pdf(scan, copy_request(test_pki.key_source("revoked"), font, AGENCY_NAME,
                                    level=PadesLevel.B_LT), trust)
    # A B-B signature does not consult revocation when made; validation online does.
    made = sign_pdf(scan, copy_request(test_pki.key_source("revoked"), font, AGENCY_NAME,
                                       level=PadesLevel.B_B), trust)
    report = verify_pdf(made, trust)
    assert report.signatures[0].revocation == "revoked"
    assert not report.valid


def test_ocsp_and_crl_answers_are_cached_for_the_configured_age(
        test_pki: TestPki, scan: bytes, font: Path, tmp_path: Path) -> None:
    request = copy_request(test_pki.key_source(), font, AGENCY_NAME, level=PadesLevel.B_LT)
    cached = online(test_pki, tmp_path / "cache")

    def revocation_hits() -> int:
        return test_pki.hits["ocsp"] + test_pki.hits["crls"]

    sign_pdf(scan, request, cached)
    after_first = revocation_hits()
    sign_pdf(scan, request, cached)
    assert revocation_hits() == after_first  # served from the cache
    sign_pdf(scan, request, online(test_pki, tmp_path / "cache", max_age=0))
    assert revocation_hits() > after_first  # too old: fetched again


def test_an_unreachable_tsa_is_a_clear_error(test_pki: TestPki, scan: bytes,
                                             font: Path) -> None:
    trust = TrustServices((test_pki.root(),), http_timestamper("http://127.0.0.1:9/tsa",
                                                                timeout=2))
    with pytest.raises(TrustServiceUnavailable, match="TSA"):
        sign_pdf(scan, copy_request(test_pki.key_source(), font, AGENCY_NAME,
                                    level=PadesLevel.B_T), trust)
    no_tsa = TrustServices((test_pki.root(),))
    with pytest.raises(TrustServiceUnavailable, match="TSA"):
        sign_pdf(scan, copy_request(test_pki.key_source(), font, AGENCY_NAME), no_tsa)


def test_a_softhsm_token_signs_b_lta_with_the_test_pki(test_pki: TestPki, scan: bytes,
                                                       font: Path, tmp_path: Path) -> None:
    # Issue 4: the whole chain against certomancer's PKI and SoftHSM2 for PKCS#11.
    with softhsm_token(tmp_path / "hsm", test_pki.key("agency")) as token:
        key = Pkcs11KeySource(SOFTHSM_MODULE, token.label, token.key_label, pin=token.pin,
                              cert_path=test_pki.cert("agency"), chain=test_pki.chain)
        data = sign_pdf(scan, copy_request(key, font, AGENCY_NAME), online(test_pki,
                                                                           tmp_path / "cache"))
    report = verify_pdf(data, offline(test_pki))
    assert report.valid and report.signatures[0].level == "B-LTA"
    assert re.search(r"\+07:00$", report.signatures[0].signing_time or "")
