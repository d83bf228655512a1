"""PAdES levels, and the trust services each one relies on beyond the signer's key.

B-T and above need a timestamping authority (TSA — tổ chức cung cấp dịch vụ
cấp dấu thời gian); B-LT and B-LTA need the revocation data (OCSP responses,
CRLs) of every certificate involved, which go into the document so that it can
be validated offline for as long as it is kept.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import datetime
from functools import cached_property
from typing import Any

from asn1crypto import cms, core, crl as asn1_crl, keys as asn1_keys, x509 as asn1_x509
from cryptography import x509
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.padding import PKCS1v15
from cryptography.hazmat.primitives.asymmetric.rsa import RSAPrivateKey
from cryptography.hazmat.primitives.serialization import Encoding
from pyhanko.sign.general import as_signing_certificate, simple_cms_attribute
from pyhanko.sign.timestamps import HTTPTimeStamper, TimeStamper
from pyhanko.sign.timestamps.dummy_client import DummyTimeStamper
from pyhanko_certvalidator import ValidationContext
from pyhanko_certvalidator.fetchers.api import FetcherBackend
from pyhanko_certvalidator.registry import SimpleCertificateStore
from pyhanko_certvalidator.util import get_pyca_cryptography_hash

from .pki import DevPki


def asn1_certificate(cert: x509.Certificate) -> asn1_x509.Certificate:
    return asn1_x509.Certificate.load(cert.public_bytes(Encoding.DER))


@dataclass(frozen=True)
class TrustServices:
    """The trust anchors, TSA and revocation sources that signing and validation use.

    ``fetcher`` None means offline: revocation data must then be known in
    advance (``known_crls``, as the development PKI hands over its current
    CRL) or already be in the document.
    """

    trust_roots: tuple[x509.Certificate, ...]
    timestamper: TimeStamper | None = None
    fetcher: FetcherBackend | None = None
    known_crls: Callable[[], Sequence[bytes]] = tuple

    @cached_property
    def asn1_roots(self) -> list[asn1_x509.Certificate]:
        return [asn1_certificate(c) for c in self.trust_roots]

    def validation_context(self) -> ValidationContext:
        """A fresh context with hard-fail revocation: unknown status is a failure."""
        return ValidationContext(
            trust_roots=self.asn1_roots,
            crls=[asn1_crl.CertificateList.load(data) for data in self.known_crls()],
            allow_fetching=self.fetcher is not None,
            fetcher_backend=self.fetcher,
            revocation_mode="hard-fail",
        )


def http_timestamper(url: str, *, username: str | None = None, password: str | None = None,
                     timeout: float = 10) -> HTTPTimeStamper:
    """An RFC 3161 TSA reached over HTTP, with basic authentication when it asks for it."""
    auth = (username, password or "") if username else None
    return HTTPTimeStamper(url, auth=auth, timeout=timeout)


class DevTimeStamper(DummyTimeStamper):
    """A timestamping authority inside the process, with the development PKI's TSA key.

    DEV ONLY: its tokens prove the plumbing (B-T and B-LTA work out of the box),
    not the time; its certificate says so. pyHanko's DummyTimeStamper parses
    its key at every token (about 40 ms with the RSA check); this one once.
    """

    def __init__(self, pki: DevPki) -> None:
        pair = pki.tsa()
        key = serialization.load_pem_private_key(pair.key_path.read_bytes(), None)
        assert isinstance(key, RSAPrivateKey)
        self._key = key
        key_info = asn1_keys.PrivateKeyInfo.load(key.private_bytes(
            Encoding.DER, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()))
        super().__init__(
            tsa_cert=asn1_certificate(pair.certificate()), tsa_key=key_info,
            certs_to_embed=SimpleCertificateStore.from_certs(  # type: ignore[no-untyped-call]
                [asn1_certificate(pki.root.certificate())]),
        )

    def _sign_tst_info(self, tst_info_data: bytes, md_algorithm: str,
                       dt: datetime) -> tuple[bytes, cms.CMSAttributes]:
        # The signed attributes RFC 3161 and RFC 5035 ask of a timestamp token.
        digest = hashlib.new(md_algorithm, tst_info_data).digest()
        attribute: Any = simple_cms_attribute
        signed_attrs = cms.CMSAttributes([
            attribute("content_type", "tst_info"),
            attribute("signing_time", cms.Time({"utc_time": core.UTCTime(dt)})),
            attribute("signing_certificate", as_signing_certificate(self.tsa_cert)),
            attribute("message_digest", digest),
        ])
        signature = self._key.sign(signed_attrs.dump(), PKCS1v15(),
                                   get_pyca_cryptography_hash(md_algorithm.upper()))
        return signature, signed_attrs


def dev_timestamper(pki: DevPki) -> DevTimeStamper:
    return DevTimeStamper(pki)


def dev_trust_services(pki: DevPki) -> TrustServices:
    """The embedded default: dev root, dev TSA, the dev CRL handed over, no network."""
    return TrustServices(trust_roots=tuple(pki.trust_roots()), timestamper=dev_timestamper(pki),
                         known_crls=lambda: (pki.crl(),))
