"""Remote signing through a CSC API v2 service started on 127.0.0.1 (tests/csc_server.py),
backed by a real key in a PKCS#12 file.

REGULATIONS 66: signing goes through a pluggable connector; the CSC connector is one
key source among the token and the file, and signs what they sign.
"""

from __future__ import annotations

import subprocess
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

import pytest
from cryptography import x509
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.serialization import pkcs12

from signing import (
    CscKeySource,
    DevPki,
    KeyUnavailable,
    RemoteSigningRefused,
    TrustServices,
    key_source_from_spec,
    operator_request,
    sign_pdf,
    stamp_font,
    verify_pdf,
)
from tests.csc_server import CscService, csc_service
from tests.inputs import image_bytes, image_pdf, text_page
from tests.pki import nss_trusting

PIN, PASSPHRASE = "246810", b"p12-cua-dich-vu"
OFFICER = "Nguyễn Thị Ký Xa"


def pkcs12_of(pki: DevPki, name: str, path: Path) -> Path:
    """The development key and certificate of ``name`` as a PKCS#12 file."""
    pair = pki.operator(name)
    key = serialization.load_pem_private_key(pair.key_path.read_bytes(), None)
    path.write_bytes(pkcs12.serialize_key_and_certificates(
        b"signer", key, x509.load_pem_x509_certificate(pair.cert_path.read_bytes()),  # type: ignore[arg-type]
        [pki.root.certificate()], serialization.BestAvailableEncryption(PASSPHRASE)))
    return path


@pytest.fixture(scope="module")
def pki(tmp_path_factory: pytest.TempPathFactory) -> DevPki:
    return DevPki(tmp_path_factory.mktemp("pki"))


@pytest.fixture(scope="module")
def service(pki: DevPki, tmp_path_factory: pytest.TempPathFactory) -> Iterator[CscService]:
    with csc_service() as running:
        p12 = pkcs12_of(pki, OFFICER, tmp_path_factory.mktemp("csc") / "officer.p12")
        running.add_pkcs12("cred-officer", p12, PASSPHRASE, PIN)
        yield running


def _sign(key: CscKeySource, tmp_path: Path) -> bytes:
    pdf = image_pdf(image_bytes(text_page(200), "JPEG", 200))
    request = operator_request(key, stamp_font(tmp_path / "fonts"), OFFICER,
                               datetime(2026, 12, 7, 3, 0, tzinfo=UTC))
    return sign_pdf(pdf, request, TrustServices(trust_roots=()))


def test_a_csc_v2_credential_signs_a_pdf_that_pyhanko_and_pdfsig_accept(
        pki: DevPki, service: CscService, tmp_path: Path) -> None:
    # REGULATIONS 66: the connector to a remote signing service, as a key source.
    key = key_source_from_spec(f"csc:url={service.url};credential=cred-officer;login=sohoa",
                               secret=PIN, service_password="mat-khau-dich-vu")
    assert isinstance(key, CscKeySource)
    signed = _sign(key, tmp_path)
    report = verify_pdf(signed, TrustServices(tuple(pki.trust_roots())))
    assert report.valid
    (signature,) = report.signatures
    assert signature.trusted and OFFICER in signature.signer
    path = tmp_path / "remote.pdf"
    path.write_bytes(signed)
    out = subprocess.run(["pdfsig", "-nssdir", f"sql:{nss_trusting(tmp_path / 'nss', pki.root.cert_path)}",
                          str(path)], capture_output=True, text=True).stdout
    assert "Signature is Valid" in out and "Certificate is Trusted" in out
    # The v2 calls were made: a login, the credential's certificates, one activation and
    # one signature per signature (the service rejects v1 field names).
    assert service.calls["signatures/signHash"] >= 1
    assert service.calls["credentials/authorize"] == service.calls["signatures/signHash"]


def test_a_wrong_pin_is_refused_by_the_service_in_words_without_the_pin(
        service: CscService, tmp_path: Path) -> None:
    key = CscKeySource(service.url, "cred-officer", pin="999999", login="sohoa",
                       password="mat-khau-dich-vu")
    with pytest.raises(RemoteSigningRefused) as refused:
        _sign(key, tmp_path)
    assert "PIN" in str(refused.value) and "999999" not in str(refused.value)
    with pytest.raises(RemoteSigningRefused, match="mã PIN không đúng"):
        key.check()  # asked once, without signing: what the service said
    assert "999999" not in repr(key) and "999999" not in key.describe()


def test_a_wrong_service_login_and_an_unreachable_service_are_named(
        service: CscService) -> None:
    wrong = CscKeySource(service.url, "cred-officer", pin=PIN, login="sohoa", password="sai")
    with pytest.raises(RemoteSigningRefused, match="auth/login"), wrong.open():
        pass
    gone = CscKeySource("http://127.0.0.1:9", "cred-officer", pin=PIN, timeout=2)
    with pytest.raises(KeyUnavailable, match="không gọi được"), gone.open():
        pass


def test_a_csc_spec_needs_a_url_and_a_credential() -> None:
    with pytest.raises(ValueError, match="credential"):
        key_source_from_spec("csc:url=https://ky.example.vn")
    with pytest.raises(ValueError, match="http"):
        key_source_from_spec("csc:url=ftp://x;credential=c")
