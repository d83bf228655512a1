"""Key sources: PKCS#12 files and PKCS#11 tokens (SoftHSM2) sign as the PEM pair does.

Issue 4 item 1: which key signs is configuration; passphrases and PINs never
appear in a key source's repr, its description or an error message.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from cryptography import x509
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.serialization import pkcs12

from signing import (
    DevPki,
    KeySource,
    KeyUnavailable,
    Pkcs11KeySource,
    Pkcs12KeySource,
    TrustServices,
    operator_request,
    sign_pdf,
    stamp_font,
    verify_pdf,
)
from tests.inputs import image_bytes, image_pdf, text_page
from tests.pki import SOFTHSM_MODULE, Token, softhsm_token

PIN, PASSPHRASE = "471920", b"m4t-khau-p12"
OFFICER = "Trần Thị Mai"


@pytest.fixture(scope="module")
def pki(tmp_path_factory: pytest.TempPathFactory) -> DevPki:
    return DevPki(tmp_path_factory.mktemp("pki"))


@pytest.fixture(scope="module")
def softhsm(pki: DevPki, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Token]:
    """A real SoftHSM2 token in a temporary folder holding the officer's key."""
    with softhsm_token(tmp_path_factory.mktemp("softhsm"), pki.operator(OFFICER).key_path,
                       key_label="officer", pin=PIN) as token:
        yield token


def _sign_with(key: KeySource, tmp_path: Path) -> bytes:
    pdf = image_pdf(image_bytes(text_page(200), "JPEG", 200))
    request = operator_request(key, stamp_font(tmp_path / "fonts"), OFFICER,
                               datetime(2026, 11, 24, 3, 0, tzinfo=UTC))
    return sign_pdf(pdf, request, TrustServices(trust_roots=()))


def test_pkcs11_token_signs_a_valid_trusted_signature(pki: DevPki, softhsm: Token,
                                                      tmp_path: Path) -> None:
    key = Pkcs11KeySource(SOFTHSM_MODULE, softhsm.label, softhsm.key_label, pin=PIN,
                          cert_path=pki.operator(OFFICER).cert_path, chain=(pki.root.cert_path,))
    report = verify_pdf(_sign_with(key, tmp_path), TrustServices(tuple(pki.trust_roots())))
    assert report.valid
    (signature,) = report.signatures
    assert signature.trusted and OFFICER in signature.signer


def test_wrong_pin_is_a_clear_error_that_never_shows_the_pin(pki: DevPki, softhsm: Token,
                                                             tmp_path: Path) -> None:
    key = Pkcs11KeySource(SOFTHSM_MODULE, softhsm.label, softhsm.key_label, pin="000000",
                          cert_path=pki.operator(OFFICER).cert_path)
    with pytest.raises(KeyUnavailable) as refused:
        _sign_with(key, tmp_path)
    assert "PIN" in str(refused.value) and "000000" not in str(refused.value)
    assert PIN not in repr(Pkcs11KeySource(SOFTHSM_MODULE, "t", "k", pin=PIN))
    assert "sohoa-test" in key.describe() and "000000" not in key.describe()


def test_pkcs12_file_signs_and_a_wrong_passphrase_is_refused(pki: DevPki, tmp_path: Path) -> None:
    pair = pki.operator(OFFICER)
    private = serialization.load_pem_private_key(pair.key_path.read_bytes(), None)
    bundle = pkcs12.serialize_key_and_certificates(
        b"officer", private, x509.load_pem_x509_certificate(pair.cert_path.read_bytes()),  # type: ignore[arg-type]
        [pki.root.certificate()], serialization.BestAvailableEncryption(PASSPHRASE))
    path = tmp_path / "officer.p12"
    path.write_bytes(bundle)
    report = verify_pdf(_sign_with(Pkcs12KeySource(path, PASSPHRASE), tmp_path),
                        TrustServices(tuple(pki.trust_roots())))
    assert report.valid and report.signatures[0].trusted
    with pytest.raises(KeyUnavailable) as refused:
        _sign_with(Pkcs12KeySource(path, b"sai-mat-khau"), tmp_path)
    assert "sai mật khẩu" in str(refused.value) and "sai-mat-khau" not in str(refused.value)
    assert PASSPHRASE.decode() not in repr(Pkcs12KeySource(path, PASSPHRASE))


def test_the_service_signs_an_officers_scans_with_their_own_token_once_given_the_pin(
    pki: DevPki, softhsm: Token, tmp_path: Path
) -> None:
    # Which key signs is data: the officer's account names their token (issue 28).
    from accounts.service import Role
    from sohoa.runtime import build_services
    from sohoa.settings import Settings
    from sohoa.signing_keys import SigningPinNeeded

    services = build_services(Settings(data_dir=tmp_path / "data"), start_jobs=False)
    try:
        services.accounts.create("canbo.mai", Role.STAFF, OFFICER, password="mat-khau-dai-du",
                                 agency=services.settings.agency.code)
        services.keys.set_officer_key(
            "canbo.mai", f"pkcs11:module={SOFTHSM_MODULE};token={softhsm.label};key=officer",
            cert=str(pki.operator(OFFICER).cert_path), chain=(str(pki.root.cert_path),))
        with pytest.raises(SigningPinNeeded):
            services.operator_key(OFFICER, "canbo.mai")
        services.keys.unlock("canbo.mai", PIN)
        key = services.operator_key("Ai cũng được", "canbo.mai")
        assert key.describe() == f"pkcs11:{softhsm.label}/officer"
        report = verify_pdf(_sign_with(key, tmp_path), TrustServices(tuple(pki.trust_roots())))
        assert report.valid and OFFICER in report.signatures[0].signer
        # The PIN is held sealed, never in clear in the database.
        raw = services.engine.raw_connection()
        try:
            rows = raw.cursor().execute("select sealed from signing_credentials").fetchall()
        finally:
            raw.close()
        assert rows and all(PIN.encode() not in bytes(row[0]) for row in rows)
        services.keys.officers.release("canbo.mai")
        assert services.keys.needs_pin("canbo.mai")
        # A PIN past its session is deleted, not only ignored.
        until = services.keys.unlock("canbo.mai", PIN)
        assert services.keys.officers.forget_expired(now=until - timedelta(seconds=1)) == 0
        assert services.keys.officers.forget_expired(now=until) == 1
        assert services.keys.needs_pin("canbo.mai")
    finally:
        services.close()


def test_a_malformed_key_source_is_refused_naming_what_it_lacks(tmp_path: Path) -> None:
    from sohoa.runtime import build_services
    from sohoa.settings import Settings
    from vault import InvalidRecordValue

    services = build_services(Settings(data_dir=tmp_path / "data"), start_jobs=False)
    try:
        with pytest.raises(InvalidRecordValue, match="token"):
            services.keys.set_agency_key(services.settings.agency.code,
                                         f"pkcs11:module={SOFTHSM_MODULE};key=x", actor="t")
        assert services.vault.profiles.profile(services.settings.agency.code).key is None
    finally:
        services.close()
