"""A development PKI made on first run: a root CA, the agency, a TSA and one key per operator.

Every subject says DEV ONLY: these certificates prove the plumbing, not an
identity. Production uses certificates from a licensed CA. Each counter
officer signs with a personal certificate (REGULATIONS 9.A.7: "chữ ký số cá
nhân"), issued here on first use and reused after.

The root publishes a certificate revocation list, so that B-LT and B-LTA
signatures made with the development keys carry real revocation data and are
checked with hard-fail revocation like production ones. Leaves name the CRL's
URL when one is given (the service serves it at ``/pki/dev-root.crl``); the
signer does not fetch it, it is handed the list directly.
"""

from __future__ import annotations

import hashlib
import os
import re
import threading
import unicodedata
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path

from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from cryptography.x509.oid import ExtendedKeyUsageOID, NameOID, ObjectIdentifier

from .keys import PemKeySource

DEV_MARK = "DEV ONLY"
_TIME_STAMPING = ExtendedKeyUsageOID.TIME_STAMPING
_lock = threading.Lock()


@dataclass(frozen=True)
class KeyPair:
    """Where a PEM private key and its certificate lie on disk."""

    key_path: Path
    cert_path: Path

    def certificate(self) -> x509.Certificate:
        return x509.load_pem_x509_certificate(self.cert_path.read_bytes())


class DevPki:
    """The development CA under ``<data>/pki``; safe to use from several threads."""

    def __init__(self, folder: Path, *, agency_name: str = "Cơ quan thử nghiệm",
                 crl_url: str | None = None) -> None:
        self.folder = Path(folder)
        self.agency_name = agency_name
        self.crl_url = crl_url
        self._crl: tuple[datetime, bytes] | None = None

    @property
    def root(self) -> KeyPair:
        return self._ensure_root()

    def trust_roots(self) -> list[x509.Certificate]:
        return [self.root.certificate()]

    def agency(self, code: str | None = None, name: str | None = None) -> KeyPair:
        """The signing key of agency ``code``, its subject naming the agency and marked DEV
        ONLY, issued on first use: each agency of a province signs as itself even in
        development. Without a code, the one agency of a single-agency set-up."""
        name = name or self.agency_name
        stem = f"agencies/{_slug(code)}" if code else "agency"
        return self._ensure_leaf(stem, f"{name} ({DEV_MARK})", organisation=name)

    def operator(self, name: str) -> KeyPair:
        """The personal signing key of counter officer ``name``, issued on first use."""
        return self._ensure_leaf(f"operators/{_slug(name)}", f"{name} ({DEV_MARK})")

    def tsa(self) -> KeyPair:
        """The development timestamping authority's key (RFC 3161 time-stamping EKU)."""
        return self._ensure_leaf("tsa", f"sohoa TSA ({DEV_MARK})", purpose=_TIME_STAMPING)

    def crl(self, now: datetime | None = None) -> bytes:
        """A DER CRL of the root, valid for a day and made anew each hour; nothing is
        revoked in development."""
        moment = now or datetime.now(UTC)
        if self._crl is not None and timedelta(0) <= moment - self._crl[0] < timedelta(hours=1):
            return self._crl[1]
        root = self._ensure_root()
        ca_key = _load_key(root)
        crl = (
            x509.CertificateRevocationListBuilder()
            .issuer_name(root.certificate().subject)
            .last_update(moment - timedelta(minutes=5))
            .next_update(moment + timedelta(days=1))
            .add_extension(x509.CRLNumber(int(moment.timestamp())), critical=False)
            .add_extension(x509.AuthorityKeyIdentifier.from_issuer_public_key(
                ca_key.public_key()), critical=False)
            .sign(ca_key, hashes.SHA256())
        )
        self._crl = (moment, crl.public_bytes(serialization.Encoding.DER))
        return self._crl[1]

    def key_source(self, pair: KeyPair) -> PemKeySource:
        """``pair`` as a key source, with this CA's root as its chain."""
        return PemKeySource(pair.key_path, pair.cert_path, (self.root.cert_path,))

    # -- internals ---------------------------------------------------------------------
    def _ensure_root(self) -> KeyPair:
        pair = KeyPair(self.folder / "root.key.pem", self.folder / "root.cert.pem")
        with _lock:
            if pair.cert_path.exists():
                return pair
            key = _new_key()
            subject = _name(f"sohoa Root CA ({DEV_MARK})", organisation="sohoa " + DEV_MARK)
            now = datetime.now(UTC)
            cert = (
                x509.CertificateBuilder()
                .subject_name(subject).issuer_name(subject)
                .public_key(key.public_key()).serial_number(x509.random_serial_number())
                .not_valid_before(now - timedelta(minutes=5))
                .not_valid_after(now + timedelta(days=3650))
                .add_extension(x509.BasicConstraints(ca=True, path_length=0), critical=True)
                .add_extension(_ca_usage(), critical=True)
                .add_extension(x509.SubjectKeyIdentifier.from_public_key(key.public_key()),
                               critical=False)
                .sign(key, hashes.SHA256())
            )
            _write(pair, key, cert)
            return pair

    def _ensure_leaf(self, stem: str, common_name: str, *, organisation: str | None = None,
                     purpose: ObjectIdentifier = ExtendedKeyUsageOID.EMAIL_PROTECTION) -> KeyPair:
        root = self._ensure_root()
        pair = KeyPair(self.folder / f"{stem}.key.pem", self.folder / f"{stem}.cert.pem")
        with _lock:
            if pair.cert_path.exists():
                return pair
            ca_key = _load_key(root)
            ca_cert = root.certificate()
            key = _new_key()
            now = datetime.now(UTC)
            org = organisation or "sohoa " + DEV_MARK
            builder = (
                x509.CertificateBuilder()
                .subject_name(_name(common_name, organisation=org))
                .issuer_name(ca_cert.subject)
                .public_key(key.public_key()).serial_number(x509.random_serial_number())
                .not_valid_before(now - timedelta(minutes=5))
                .not_valid_after(now + timedelta(days=825))
                .add_extension(x509.BasicConstraints(ca=False, path_length=None), critical=True)
                .add_extension(_signing_usage(purpose), critical=True)
                # RFC 3161 wants the time-stamping purpose alone and critical.
                .add_extension(x509.ExtendedKeyUsage([purpose]),
                               critical=purpose == _TIME_STAMPING)
                .add_extension(x509.AuthorityKeyIdentifier.from_issuer_public_key(
                    ca_cert.public_key()), critical=False)  # type: ignore[arg-type]
            )
            if self.crl_url:
                builder = builder.add_extension(x509.CRLDistributionPoints([
                    x509.DistributionPoint([x509.UniformResourceIdentifier(self.crl_url)],
                                           None, None, None)]), critical=False)
            _write(pair, key, builder.sign(ca_key, hashes.SHA256()))
            return pair


def _load_key(pair: KeyPair) -> rsa.RSAPrivateKey:
    key = serialization.load_pem_private_key(pair.key_path.read_bytes(), None)
    assert isinstance(key, rsa.RSAPrivateKey)
    return key


def _new_key() -> rsa.RSAPrivateKey:
    return rsa.generate_private_key(public_exponent=65537, key_size=2048)


def _name(common_name: str, *, organisation: str) -> x509.Name:
    return x509.Name([
        x509.NameAttribute(NameOID.COUNTRY_NAME, "VN"),
        x509.NameAttribute(NameOID.ORGANIZATION_NAME, organisation[:64]),
        x509.NameAttribute(NameOID.COMMON_NAME, common_name[:64]),
    ])


def _ca_usage() -> x509.KeyUsage:
    return x509.KeyUsage(False, False, False, False, False, True, True, False, False)


def _signing_usage(purpose: ObjectIdentifier) -> x509.KeyUsage:
    # digitalSignature + nonRepudiation (contentCommitment): what PAdES validators expect
    # of a signer; a TSA signs timestamps with digitalSignature alone.
    non_repudiation = purpose != _TIME_STAMPING
    return x509.KeyUsage(True, non_repudiation, False, False, False, False, False, False, False)


def _write(pair: KeyPair, key: rsa.RSAPrivateKey, cert: x509.Certificate) -> None:
    pair.key_path.parent.mkdir(parents=True, exist_ok=True)
    key_pem = key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
                                serialization.NoEncryption())
    fd = os.open(pair.key_path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "wb") as handle:
        handle.write(key_pem)
    pair.cert_path.write_bytes(cert.public_bytes(serialization.Encoding.PEM))


def _slug(name: str) -> str:
    """A file-safe, stable name for an officer or an agency code: ASCII letters plus a
    short hash."""
    ascii_name = unicodedata.normalize("NFKD", name.replace("đ", "d").replace("Đ", "D"))
    ascii_name = ascii_name.encode("ascii", "ignore").decode()
    stem = re.sub(r"[^A-Za-z0-9]+", "-", ascii_name).strip("-").lower()[:40] or "operator"
    return f"{stem}-{hashlib.sha256(name.encode()).hexdigest()[:8]}"
