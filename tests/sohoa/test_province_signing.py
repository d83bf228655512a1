"""A province on one service (issue 28): each agency signs with its own key, each officer
with their own token, and the public look-up names the agency that issued each copy.

Real parts: SoftHSM2 tokens (one per agency, one per officer) holding keys certified by
a CA of the province's own (not the service's development root), OCR and the counter's
use cases, pyHanko and poppler's pdfsig to check what was signed, and a CSC API v2
service on 127.0.0.1 for remote signing.
"""

from __future__ import annotations

import subprocess
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from cryptography import x509
from cryptography.hazmat.primitives import serialization
from fastapi.testclient import TestClient
from pyhanko.pdf_utils.reader import PdfFileReader

from kernel import Role, Viewer
from signing import DevPki, KeyPair, RemoteSigningRefused, verify_pdf
from sohoa.api.app import create_app
from sohoa.runtime import build_services
from sohoa.services import Services
from sohoa.settings import Settings
from sohoa.signing_keys import (
    AgencyCannotSign,
    OfficerCannotSign,
    SigningKeyRefused,
    SigningKeys,
    SigningPinNeeded,
)
from sohoa.usecases import certify, counter, record
from tests.csc_server import csc_service
from tests.inputs import image_bytes, text_page
from tests.pki import SOFTHSM_MODULE, Token, nss_trusting, softhsm_tokens
from tests.service_fixtures import make_account
from tests.signing.test_remote_signing import PASSPHRASE, pkcs12_of

pytestmark = pytest.mark.slow  # OCR of two pages and four tokens

OWNER = "001099012345"
PIN = "135790"
SERVICE_PASSWORD = "mat-khau-dich-vu"


@dataclass(frozen=True)
class Unit:
    code: str
    name: str
    officer: str  # the officer's full name
    username: str


BEN_THANH = Unit("000.00.31.H29", "UBND phường Bến Thành", "Trần Thị Mai", "canbo.bt")
BEN_NGHE = Unit("000.00.32.H29", "UBND phường Bến Nghé", "Lê Văn Hùng", "canbo.bn")


@pytest.fixture
def province_ca(tmp_path: Path) -> DevPki:
    """The province's CA: a root of its own, which the service trusts by setting."""
    return DevPki(tmp_path / "province-ca", agency_name="Sở Nội vụ")


@pytest.fixture
def tokens(province_ca: DevPki, tmp_path: Path) -> Iterator[dict[str, Token]]:
    keys: dict[str, tuple[Path, str, str]] = {}
    for unit in (BEN_THANH, BEN_NGHE):
        keys[f"agency-{unit.code}"] = (province_ca.agency(unit.code, unit.name).key_path,
                                       "agency", PIN)
        keys[f"officer-{unit.username}"] = (province_ca.operator(unit.officer).key_path,
                                            "officer", PIN)
    with softhsm_tokens(tmp_path / "softhsm", keys) as made:
        yield {token.label: token for token in made}


@pytest.fixture
def province(data_env: Path, province_ca: DevPki) -> Iterator[Services]:
    # B-T for the agency: the province CA publishes no revocation data for B-LT here
    # (long-term levels with OCSP are proven against certomancer in tests/signing).
    services = build_services(Settings(trust_roots=str(province_ca.root.cert_path),
                                       agency_signature_level="B-T",
                                       remote_signing_login_password=SERVICE_PASSWORD),
                              start_jobs=False)
    for unit in (BEN_THANH, BEN_NGHE):
        services.vault.agencies.add_agency(unit.code, unit.name, actor="admin:test")
        make_account(services, unit.username, Role.STAFF, agency=unit.code)
    try:
        yield services
    finally:
        services.close()


def _spec(token: Token) -> str:
    return f"pkcs11:module={SOFTHSM_MODULE};token={token.label};key={token.key_label}"


def _der(pair: KeyPair) -> bytes:
    return x509.load_pem_x509_certificate(pair.cert_path.read_bytes()).public_bytes(
        serialization.Encoding.DER)


def _signers(pdf: bytes) -> list[bytes]:
    """The DER certificate of each signature of ``pdf``, in order."""
    from io import BytesIO

    reader = PdfFileReader(BytesIO(pdf))
    return [s.signer_cert.dump() for s in reader.embedded_signatures]


def _viewer(services: Services, unit: Unit) -> Viewer:
    return services.accounts.find(unit.username).viewer()


def _digitise_and_certify(services: Services, unit: Unit) -> tuple[str, bytes]:
    """The officer scans a page, confirms its record and certifies the copy; the look-up
    code and the certified file."""
    viewer = _viewer(services, unit)
    batch = counter.prepare(services, [("trang.png", image_bytes(text_page(200), "PNG", 200))],
                            owner=OWNER, operator=unit.officer, viewer=viewer)
    (filed,) = counter.run(services, batch, actor=viewer.actor)
    record.save(services, filed.id, {
        "doc_type_code": "GKS", "doc_name": "Giấy khai sinh", "number_symbol": "12/GKS",
        "issue_date": "2024-05-02", "issuing_body": unit.name, "summary": "Khai sinh",
        "kind": "COMPONENT"}, viewer=viewer)
    conversion = certify.certify_copy(services, filed.id, viewer=viewer)
    assert conversion.agency_name == unit.name
    certified = services.vault.documents.read_file(filed.id, "certified", viewer=viewer).data
    return conversion.code, certified


def test_two_agencies_and_two_officers_each_sign_with_their_own_token(
        province: Services, province_ca: DevPki, tokens: dict[str, Token],
        tmp_path: Path) -> None:
    services = province
    # A wrong PIN is refused when the admin sets the key, and nothing is kept.
    token = tokens[f"agency-{BEN_THANH.code}"]
    cert = str(province_ca.agency(BEN_THANH.code, BEN_THANH.name).cert_path)
    with pytest.raises(SigningKeyRefused, match="PIN"):
        services.keys.set_agency_key(BEN_THANH.code, _spec(token), secret="000000", cert=cert,
                                     actor="admin:test")
    assert services.vault.profiles.profile(BEN_THANH.code).key is None
    for unit in (BEN_THANH, BEN_NGHE):
        services.keys.set_agency_key(
            unit.code, _spec(tokens[f"agency-{unit.code}"]), secret=PIN,
            cert=str(province_ca.agency(unit.code, unit.name).cert_path),
            chain=(str(province_ca.root.cert_path),), actor="admin:test")
        services.keys.set_officer_key(
            unit.username, _spec(tokens[f"officer-{unit.username}"]),
            cert=str(province_ca.operator(unit.officer).cert_path),
            chain=(str(province_ca.root.cert_path),))
    # REGULATIONS 9.A.7: the officer's own key; their PIN is asked before anything is
    # accepted, a wrong one is refused, and the right one is held for the session.
    with pytest.raises(SigningPinNeeded):
        counter.prepare(services, [("p.png", image_bytes(text_page(200), "PNG", 200))],
                        owner=OWNER, viewer=_viewer(services, BEN_THANH))
    with pytest.raises(SigningKeyRefused):
        services.keys.unlock(BEN_THANH.username, "111111")
    assert services.keys.needs_pin(BEN_THANH.username)
    for unit in (BEN_THANH, BEN_NGHE):
        services.keys.unlock(unit.username, PIN)

    issued = {unit: _digitise_and_certify(services, unit) for unit in (BEN_THANH, BEN_NGHE)}

    nss = nss_trusting(tmp_path / "nss", province_ca.root.cert_path)
    with TestClient(create_app(services=services)) as anonymous:
        for unit, (code, certified) in issued.items():
            # pyHanko: both signatures valid and trusted (the province's root), the first
            # with the officer's own certificate, the second with the agency's.
            report = verify_pdf(certified, services.trust)
            assert report.valid and all(s.trusted for s in report.signatures)
            assert _signers(certified) == [_der(province_ca.operator(unit.officer)),
                                           _der(province_ca.agency(unit.code, unit.name))]
            assert unit.name in report.signatures[-1].signer
            path = tmp_path / f"{unit.username}.pdf"
            path.write_bytes(certified)
            out = subprocess.run(["pdfsig", "-nssdir", f"sql:{nss}", str(path)],
                                 capture_output=True, text=True).stdout
            assert out.count("Signature is Valid") == 2, out
            assert out.count("Certificate is Trusted") == 2, out
            assert unit.officer in out and unit.name in out
            # The public look-up names the agency that issued this copy, not the other.
            page = anonymous.get(f"/v/{code}").text
            other = BEN_NGHE if unit is BEN_THANH else BEN_THANH
            assert unit.name in page and other.name not in page
            assert "Cơ quan thử nghiệm" not in page


def test_an_officer_gives_their_pin_at_the_counter_and_a_wrong_one_stores_nothing(
        province: Services, province_ca: DevPki, tokens: dict[str, Token]) -> None:
    # REGULATIONS 9.A.7 through the API: the PIN with the scan, or on its own.
    from tests.service_fixtures import login, snapshot_of

    services = province
    services.keys.set_officer_key(
        BEN_THANH.username, _spec(tokens[f"officer-{BEN_THANH.username}"]),
        cert=str(province_ca.operator(BEN_THANH.officer).cert_path),
        chain=(str(province_ca.root.cert_path),))
    page = ("trang.png", image_bytes(text_page(200), "PNG", 200), "image/png")
    with TestClient(create_app(services=services)) as client:
        client.headers.update(login(client, BEN_THANH.username))
        before = snapshot_of(services)
        unasked = client.post("/api/v1/digitize", data={"owner": OWNER}, files={"files": page})
        assert unasked.status_code == 409
        assert unasked.json()["error"]["code"] == "signing_pin_needed"
        wrong = client.post("/api/v1/digitize", data={"owner": OWNER, "signing_pin": "000000"},
                            files={"files": page})
        assert wrong.status_code == 403 and "000000" not in wrong.text
        assert snapshot_of(services) == before
        accepted = client.post("/api/v1/digitize", data={"owner": OWNER, "signing_pin": PIN},
                               files={"files": page})
        assert accepted.status_code == 202, accepted.text
        # Held for the session: the next scan needs no PIN, until the officer ends it.
        assert client.post("/api/v1/digitize", data={"owner": OWNER},
                           files={"files": page}).status_code == 202
        assert client.delete("/api/v1/me/signing-pin").status_code == 204
        assert client.post("/api/v1/digitize", data={"owner": OWNER},
                           files={"files": page}).status_code == 409
        held = client.post("/api/v1/me/signing-pin", json={"pin": PIN})
        assert held.status_code == 200 and held.json()["held_until"]


def test_a_remote_signing_credential_signs_an_agency_copy_and_a_wrong_one_stores_nothing(
        province: Services, province_ca: DevPki, tmp_path: Path) -> None:
    # REGULATIONS 66: the agency's key is a credential at a CSC v2 service.
    services = province
    with csc_service() as remote:
        p12 = pkcs12_of(province_ca, BEN_NGHE.name, tmp_path / "ben-nghe.p12")
        remote.add_pkcs12("ubnd-ben-nghe", p12, PASSPHRASE, PIN)
        spec = f"csc:url={remote.url};credential=ubnd-ben-nghe;login=sohoa"
        with pytest.raises(SigningKeyRefused, match="PIN"):
            services.keys.set_agency_key(BEN_NGHE.code, spec, secret="000000",
                                         actor="admin:test")
        services.keys.set_agency_key(BEN_NGHE.code, spec, secret=PIN, actor="admin:test")
        code, certified = _digitise_and_certify(services, BEN_NGHE)
        report = verify_pdf(certified, services.trust)
        assert report.valid and report.signatures[-1].trusted
        assert _signers(certified)[-1] == _der(province_ca.operator(BEN_NGHE.name))
        # The credential's PIN changes at the service: the next copy is refused with the
        # service's words, and nothing is stored.
        remote.credentials["ubnd-ben-nghe"].pin = "864200"
        viewer = _viewer(services, BEN_NGHE)
        batch = counter.prepare(
            services, [("p.png", image_bytes(text_page(200), "PNG", 200))], owner=OWNER,
            operator=BEN_NGHE.officer, viewer=viewer)
        (filed,) = counter.run(services, batch, actor=viewer.actor)
        record.save(services, filed.id, {"doc_type_code": "GKS", "doc_name": "Giấy khai sinh",
                                         "number_symbol": "13/GKS", "issue_date": "2024-05-02",
                                         "issuing_body": BEN_NGHE.name, "kind": "COMPONENT"},
                    viewer=viewer)
        with pytest.raises(RemoteSigningRefused, match="PIN"):
            certify.certify_copy(services, filed.id, viewer=viewer)
        assert services.vault.conversions.conversions_of(filed.id) == []
        assert services.vault.conversions.lookup(code).conversion.agency_name == BEN_NGHE.name


def test_in_production_an_agency_without_a_key_cannot_issue_and_is_told_whom_to_ask(
        province: Services) -> None:
    services = province
    production = SigningKeys(
        services.settings.replaced(env="production", key_contact="Sở Nội vụ (028 3829 1234)"),
        services.vault, services.keys.officers, services.pki)
    with pytest.raises(AgencyCannotSign) as refused:
        production.issuer(BEN_THANH.code)
    said = str(refused.value)
    assert BEN_THANH.name in said and "Sở Nội vụ (028 3829 1234)" in said
    assert not production.can_issue(BEN_THANH.code)
    with pytest.raises(OfficerCannotSign, match="Sở Nội vụ"):
        production.operator_key(BEN_THANH.officer, BEN_THANH.username)
    assert production.unkeyed_with_staff({BEN_THANH.code, BEN_NGHE.code}) == [
        f"{BEN_THANH.name} ({BEN_THANH.code})", f"{BEN_NGHE.name} ({BEN_NGHE.code})"]


def test_in_development_each_agency_gets_its_own_dev_key_naming_it(province: Services) -> None:
    services = province
    first, second = services.issuer(BEN_THANH.code), services.issuer(BEN_NGHE.code)
    with first.key.open() as one, second.key.open() as two:
        subjects = [signer.signing_cert.subject.human_friendly for signer in (one, two)]
    assert BEN_THANH.name in subjects[0] and "DEV ONLY" in subjects[0]
    assert BEN_NGHE.name in subjects[1] and "DEV ONLY" in subjects[1]


def test_an_admin_sets_an_agencys_words_and_key_by_cli_and_nothing_secret_is_shown(
        data_env: Path, province_ca: DevPki, tmp_path: Path,
        monkeypatch: pytest.MonkeyPatch) -> None:
    from typer.testing import CliRunner

    from sohoa.cli import app
    from tests.signing.test_remote_signing import pkcs12_of as p12

    runner = CliRunner()
    assert runner.invoke(app, ["admin", "agency", "add", BEN_THANH.code, BEN_THANH.name]
                         ).exit_code == 0
    done = runner.invoke(app, ["admin", "agency", "set", BEN_THANH.code, "--place",
                               "Thành phố Hồ Chí Minh", "--abbreviation", "UBND",
                               "--signer-position", "CHỦ TỊCH", "--signer-name", "Nguyễn Văn Ba"])
    assert done.exit_code == 0, done.output
    bundle = p12(province_ca, BEN_THANH.name, tmp_path / "bt.p12")
    monkeypatch.setenv("SOHOA_KEY_SECRET", "sai-mat-khau")
    refused = runner.invoke(app, ["admin", "agency", "key", BEN_THANH.code, "--source",
                                  f"pkcs12:{bundle}"])
    assert refused.exit_code != 0 and "sai mật khẩu" in refused.output
    assert "Traceback" not in refused.output and "sai-mat-khau" not in refused.output
    monkeypatch.setenv("SOHOA_KEY_SECRET", PASSPHRASE.decode())
    done = runner.invoke(app, ["admin", "agency", "key", BEN_THANH.code, "--source",
                               f"pkcs12:{bundle}"])
    assert done.exit_code == 0, done.output
    shown = runner.invoke(app, ["admin", "agency", "show", BEN_THANH.code, "--json"])
    assert PASSPHRASE.decode() not in shown.output
    import json

    agency = json.loads(shown.output)["agency"]
    assert agency["place"] == "Thành phố Hồ Chí Minh" and agency["abbreviation"] == "UBND"
    assert agency["key"] == {"source": f"pkcs12:{bundle}", "cert": None, "chain": [],
                             "secret": True}
    assert agency["can_issue"] is True
    malformed = runner.invoke(app, ["admin", "account-key", "nobody", "--source", "csc:url=x"])
    assert malformed.exit_code != 0 and "credential" in malformed.output


def test_the_command_line_digitises_as_an_officer_with_their_own_token(
        province: Services, province_ca: DevPki, tokens: dict[str, Token], tmp_path: Path,
        monkeypatch: pytest.MonkeyPatch) -> None:
    import json

    from typer.testing import CliRunner

    from sohoa.cli import app
    from tests.service_fixtures import SYSTEM

    province.keys.set_officer_key(
        BEN_THANH.username, _spec(tokens[f"officer-{BEN_THANH.username}"]),
        cert=str(province_ca.operator(BEN_THANH.officer).cert_path),
        chain=(str(province_ca.root.cert_path),))
    scan = tmp_path / "trang.png"
    scan.write_bytes(image_bytes(text_page(200), "PNG", 200))
    monkeypatch.setenv("SOHOA_KEY_SECRET", PIN)
    done = CliRunner().invoke(app, ["digitize", str(scan), "--owner", OWNER, "--account",
                                    BEN_THANH.username, "--operator", BEN_THANH.officer,
                                    "--json"])
    assert done.exit_code == 0, done.output
    (document,) = json.loads(done.output)["documents"]
    signed = province.vault.documents.read_file(document["id"], "signed", viewer=SYSTEM).data
    assert _signers(signed) == [_der(province_ca.operator(BEN_THANH.officer))]
