"""Where a signing key (khóa bí mật của chứng thư số) lives, and how to open it for one signature.

Which key signs what is configuration, not code: a development PEM pair, a
PKCS#12 file with its passphrase, or a PKCS#11 token — an HSM or the USB token
a Vietnamese CA issues — with its PIN. A key source is opened only for the
time of one signature, and its secrets are never part of its ``repr``, its
``describe()`` (the form logs and audit events use) or any error message.
"""

from __future__ import annotations

import hashlib
import threading
from collections.abc import Iterator
from contextlib import AbstractContextManager, contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Protocol

from asn1crypto import keys as asn1_keys, x509 as asn1_x509
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.padding import PKCS1v15
from cryptography.hazmat.primitives.asymmetric.rsa import RSAPrivateKey
from cryptography.hazmat.primitives.serialization import pkcs12
from pyhanko.config.pkcs11 import TokenCriteria
from pyhanko.keys import load_cert_from_pemder
from pyhanko.sign import signers
from pyhanko_certvalidator.registry import SimpleCertificateStore
from pyhanko_certvalidator.util import get_pyca_cryptography_hash

from .errors import SigningError


class KeyUnavailable(SigningError):
    """The key could not be opened: a missing file, a wrong passphrase or PIN, no token."""

    code = "signing_key_unavailable"
    http_status = 503


class KeySource(Protocol):
    def open(self) -> AbstractContextManager[signers.Signer]:
        """The signer, usable until the context ends (a token session is then closed)."""
        ...

    def describe(self) -> str:
        """Where the key is, in words safe for a log line."""
        ...


def _chain(paths: tuple[Path, ...]) -> list[asn1_x509.Certificate]:
    try:
        return [load_cert_from_pemder(str(path)) for path in paths]  # type: ignore[no-untyped-call]
    except (OSError, ValueError) as exc:
        raise KeyUnavailable(f"không đọc được chuỗi chứng thư (cannot read the certificate "
                             f"chain): {type(exc).__name__}") from None


class _LoadedKeySigner(signers.SimpleSigner):
    """pyHanko's SimpleSigner, with its private key parsed once.

    SimpleSigner parses the key again at every raw signature — twice per PDF
    signature, as the first sizes the signature container — and each parse of
    an RSA key runs its consistency check (about 40 ms here). Parsing once
    keeps a visible B-B signature within a few tens of milliseconds.
    """

    def __init__(self, *, pyca_key: Any, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self._pyca_key = pyca_key

    def sign_raw(self, data: bytes, digest_algorithm: str) -> bytes:
        mechanism = self.get_signature_mechanism_for_digest(digest_algorithm).signature_algo
        if mechanism == "rsassa_pkcs1v15" and isinstance(self._pyca_key, RSAPrivateKey):
            signature: bytes = self._pyca_key.sign(
                data, PKCS1v15(), get_pyca_cryptography_hash(digest_algorithm))
            return signature
        return super().sign_raw(data, digest_algorithm)


_parsed_keys: dict[str, Any] = {}
_parsed_lock = threading.Lock()


def _parsed(material: bytes, parse: Any) -> Any:
    """A key parsed (and checked) once per process, found again by a digest of its bytes."""
    digest = hashlib.sha256(material).hexdigest()
    with _parsed_lock:
        if digest not in _parsed_keys:
            _parsed_keys[digest] = parse()
        return _parsed_keys[digest]


def _asn1(cert: Any) -> asn1_x509.Certificate:
    return asn1_x509.Certificate.load(cert.public_bytes(serialization.Encoding.DER))


def _signer(key: Any, cert: asn1_x509.Certificate,
            chain: list[asn1_x509.Certificate]) -> signers.Signer:
    key_info = asn1_keys.PrivateKeyInfo.load(key.private_bytes(
        serialization.Encoding.DER, serialization.PrivateFormat.PKCS8,
        serialization.NoEncryption()))
    return _LoadedKeySigner(
        signing_cert=cert, signing_key=key_info, pyca_key=key,
        cert_registry=SimpleCertificateStore.from_certs(  # type: ignore[no-untyped-call]
            [cert, *chain]),
    )


@dataclass(frozen=True)
class PemKeySource:
    """An unencrypted PEM key and certificate on disk: the development PKI's form."""

    key_path: Path
    cert_path: Path
    chain: tuple[Path, ...] = ()

    @contextmanager
    def open(self) -> Iterator[signers.Signer]:
        try:
            key_bytes = self.key_path.read_bytes()
            key = _parsed(key_bytes, lambda: serialization.load_pem_private_key(key_bytes, None))
            cert = load_cert_from_pemder(str(self.cert_path))  # type: ignore[no-untyped-call]
        except Exception as exc:  # noqa: BLE001 - any load failure is an unusable key
            raise KeyUnavailable(f"không mở được khóa ký (cannot load the key): "
                                 f"{type(exc).__name__}") from None
        yield _signer(key, cert, _chain(self.chain))

    def describe(self) -> str:
        return f"pem:{self.cert_path.name}"


@dataclass(frozen=True)
class Pkcs12KeySource:
    """A PKCS#12 (.p12/.pfx) file, as CAs hand out software certificates."""

    path: Path
    passphrase: bytes | None = field(default=None, repr=False)
    chain: tuple[Path, ...] = ()

    @contextmanager
    def open(self) -> Iterator[signers.Signer]:
        try:
            data = self.path.read_bytes()
            key, cert, extra = _parsed(
                data + b"\0" + (self.passphrase or b""),
                lambda: pkcs12.load_key_and_certificates(data, self.passphrase))
            if key is None or cert is None:
                raise ValueError("no key or certificate in the file")
        except Exception as exc:  # noqa: BLE001 - wrong passphrase, bad file
            raise KeyUnavailable(f"không mở được tệp PKCS#12 {self.path.name} — sai mật khẩu "
                                 f"hoặc tệp hỏng (cannot open the PKCS#12 file: "
                                 f"{type(exc).__name__})") from None
        certs = [_asn1(c) for c in extra] + _chain(self.chain)
        yield _signer(key, _asn1(cert), certs)

    def describe(self) -> str:
        return f"pkcs12:{self.path.name}"


@dataclass(frozen=True)
class Pkcs11KeySource:
    """A key on a PKCS#11 token (HSM, USB token, SoftHSM in tests).

    Tokens often hold the key but not the certificate, so the certificate (and
    its chain) may be given as files; otherwise it is read from the token
    under the key's label.
    """

    module: Path
    token_label: str
    key_label: str
    pin: str | None = field(default=None, repr=False)
    cert_path: Path | None = None
    chain: tuple[Path, ...] = ()

    @contextmanager
    def open(self) -> Iterator[signers.Signer]:
        from pyhanko.sign.pkcs11 import PKCS11Signer, open_pkcs11_session

        try:
            session = open_pkcs11_session(
                str(self.module), token_criteria=TokenCriteria(label=self.token_label),
                user_pin=self.pin,
            )
        except Exception as exc:  # noqa: BLE001 - no module, no token, wrong PIN
            raise KeyUnavailable(f"không mở được thiết bị ký {self.token_label!r} — kiểm tra "
                                 f"token và mã PIN (cannot open the PKCS#11 token: "
                                 f"{type(exc).__name__})") from None
        try:
            cert = (load_cert_from_pemder(str(self.cert_path))  # type: ignore[no-untyped-call]
                    if self.cert_path else None)
            yield PKCS11Signer(
                session, key_label=self.key_label, cert_label=None if cert else self.key_label,
                signing_cert=cert, ca_chain=_chain(self.chain),
            )
        finally:
            session.close()

    def describe(self) -> str:
        return f"pkcs11:{self.token_label}/{self.key_label}"
