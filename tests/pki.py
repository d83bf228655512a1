"""A test PKI with certomancer: root, intermediate CA, OCSP responder, TSA and signers,
its TSA, OCSP and CRL services served over HTTP on 127.0.0.1.

certomancer does not make keys, so they are generated here with ``cryptography``.
Every request to the services is counted per kind, so tests can see what was
fetched and what came from a cache.
"""

from __future__ import annotations

import os
import subprocess
import threading
from collections import Counter
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml
from cryptography import x509
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from werkzeug.serving import BaseWSGIServer, make_server

from signing import PemKeySource

ARCH = "sohoa-test"
KEYS = ("root", "interm", "ocsp", "tsa", "agency", "officer", "revoked")
VALID = {"valid-from": "2020-01-01T00:00:00+0000", "valid-to": "2045-01-01T00:00:00+0000"}
AGENCY_NAME = "UBND phường Thử Nghiệm"


@dataclass
class TestPki:
    __test__ = False  # not a test class, whatever pytest thinks of its name

    """Where the test PKI's files are and where its services answer."""

    folder: Path
    url: str
    server: BaseWSGIServer
    hits: Counter[str] = field(default_factory=Counter)

    @property
    def tsa_url(self) -> str:
        return f"{self.url}/{ARCH}/tsa/tsa"

    def key(self, label: str) -> Path:
        return self.folder / f"{label}.key.pem"

    def cert(self, label: str) -> Path:
        return self.folder / f"{label}.cert.pem"

    @property
    def chain(self) -> tuple[Path, ...]:
        return (self.cert("interm"), self.cert("root"))

    def root(self) -> x509.Certificate:
        return x509.load_pem_x509_certificate(self.cert("root").read_bytes())

    def nss_db(self) -> Path:
        """An NSS database trusting the root, for ``pdfsig -nssdir``."""
        return nss_trusting(self.folder / "nss", self.cert("root"))

    def key_source(self, label: str = "agency") -> PemKeySource:
        return PemKeySource(self.key(label), self.cert(label), self.chain)

    def stop(self) -> None:
        self.server.shutdown()
        self.server.server_close()


def start_test_pki(folder: Path) -> TestPki:
    from certomancer.integrations.animator import Animator, AnimatorArchStore
    from certomancer.registry import CertomancerConfig

    for label in KEYS:
        _write_key(folder / f"{label}.key.pem")
    hits: Counter[str] = Counter()
    holder: list[Callable[..., Iterable[bytes]]] = []

    def app(environ: dict[str, Any], start_response: Callable[..., Any]) -> Iterable[bytes]:
        parts = environ.get("PATH_INFO", "").strip("/").split("/")
        hits[parts[1] if len(parts) > 1 else "?"] += 1
        return holder[0](environ, start_response)

    server = make_server("127.0.0.1", 0, app, threaded=True)
    url = f"http://127.0.0.1:{server.server_port}"
    config_path = folder / "certomancer.yml"
    config_path.write_text(_config(url))
    config = CertomancerConfig.from_file(str(config_path), key_search_dir=str(folder))
    architecture = config.get_pki_arch(ARCH)
    holder.append(Animator(AnimatorArchStore({ARCH: architecture}), with_web_ui=False))
    for label in ("root", "interm", "tsa", "agency", "officer", "revoked"):
        cert = architecture.get_cert(label)
        (folder / f"{label}.cert.pem").write_bytes(_pem(cert.dump()))
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return TestPki(folder, url, server, hits)


SOFTHSM_MODULE = Path("/usr/lib/softhsm/libsofthsm2.so")


@dataclass(frozen=True)
class Token:
    label: str
    key_label: str
    pin: str


@contextmanager
def softhsm_token(folder: Path, key_path: Path, *, label: str = "sohoa-test",
                  key_label: str = "signer", pin: str = "471920") -> Iterator[Token]:
    """A real SoftHSM2 token in ``folder`` holding the key at ``key_path``."""
    with softhsm_tokens(folder, {label: (key_path, key_label, pin)}) as tokens:
        yield tokens[0]


@contextmanager
def softhsm_tokens(folder: Path,
                   keys: dict[str, tuple[Path, str, str]]) -> Iterator[list[Token]]:
    """Real SoftHSM2 tokens in ``folder``, one per label, each holding one key: label →
    (the key's PEM file, the key's label on the token, the token's PIN)."""
    (folder / "tokens").mkdir(parents=True)
    conf = folder / "softhsm2.conf"
    conf.write_text(f"directories.tokendir = {folder / 'tokens'}\nobjectstore.backend = file\n"
                    "log.level = ERROR\n")
    previous = os.environ.get("SOFTHSM2_CONF")
    os.environ["SOFTHSM2_CONF"] = str(conf)
    util = ["softhsm2-util"]
    try:
        for label, (key_path, key_label, pin) in keys.items():
            subprocess.run([*util, "--init-token", "--free", "--label", label, "--so-pin",
                            "83125577", "--pin", pin], check=True, capture_output=True)
            subprocess.run([*util, "--import", str(key_path), "--token", label, "--label",
                            key_label, "--id", "01", "--pin", pin], check=True,
                           capture_output=True)
        # python-pkcs11 keeps one loaded library per process; make it read this token folder.
        import pkcs11

        pkcs11.lib(str(SOFTHSM_MODULE)).reinitialize()
        yield [Token(label, key_label, pin) for label, (_, key_label, pin) in keys.items()]
    finally:
        if previous is None:
            os.environ.pop("SOFTHSM2_CONF", None)
        else:
            os.environ["SOFTHSM2_CONF"] = previous


def nss_trusting(folder: Path, root: Path) -> Path:
    """An NSS database in ``folder`` trusting the root certificate ``root``, for
    ``pdfsig -nssdir``."""
    if not folder.exists():
        folder.mkdir(parents=True)
        subprocess.run(["certutil", "-N", "-d", f"sql:{folder}", "--empty-password"],
                       check=True, capture_output=True)
        subprocess.run(["certutil", "-A", "-d", f"sql:{folder}", "-n", "sohoa test root", "-t",
                        "CT,C,C", "-i", str(root)], check=True, capture_output=True)
    return folder


def _write_key(path: Path) -> None:
    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    path.write_bytes(key.private_bytes(serialization.Encoding.PEM,
                                       serialization.PrivateFormat.PKCS8,
                                       serialization.NoEncryption()))
    os.chmod(path, 0o600)


def _pem(der: bytes) -> bytes:
    return x509.load_der_x509_certificate(der).public_bytes(serialization.Encoding.PEM)


def _usage(*bits: str) -> dict[str, Any]:
    return {"id": "key_usage", "critical": True,
            "smart-value": {"schema": "key-usage", "params": list(bits)}}


def _crl_from(issuer: str) -> dict[str, Any]:
    return {"id": "crl_distribution_points",
            "smart-value": {"schema": "crl-dist-url", "params": {"crl-repo-names": [issuer]}}}


def _cert(issuer: str, *extensions: dict[str, Any], **more: Any) -> dict[str, Any]:
    return {"issuer": issuer, "validity": VALID, "extensions": list(extensions), **more}


def _config(url: str) -> str:
    ca = {"id": "basic_constraints", "critical": True, "value": {"ca": True}}
    ca_usage = _usage("digital_signature", "key_cert_sign", "crl_sign")
    signer = (_usage("digital_signature", "non_repudiation"), _crl_from("interm"))
    ocsp_url = {"id": "authority_information_access", "smart-value": {
        "schema": "aia-urls", "params": {"ocsp-responder-names": ["interm"]}}}
    certs = {
        "root": _cert("root", ca, ca_usage, subject="root"),
        "interm": _cert("root", {**ca, "value": {"ca": True, "path-len-constraint": 0}},
                        ca_usage, _crl_from("root")),
        "ocsp": _cert("interm", _usage("digital_signature"),
                      {"id": "extended_key_usage", "critical": True, "value": ["ocsp_signing"]},
                      {"id": "ocsp_no_check"}),
        "tsa": _cert("root", _usage("digital_signature"),
                     {"id": "extended_key_usage", "critical": True, "value": ["time_stamping"]},
                     _crl_from("root")),
        # The agency's certificate names only a CRL; the officers' also an OCSP responder.
        "agency": _cert("interm", *signer),
        "officer": _cert("interm", *signer, ocsp_url),
        "revoked": _cert("interm", *signer, ocsp_url, revocation={
            "revoked-since": "2025-01-01T00:00:00+0000", "reason": "key_compromise"}),
    }
    config = {
        "external-url-prefix": url,
        "keysets": {"keys": {"path-prefix": ".",
                             "keys": {k: {"path": f"{k}.key.pem"} for k in KEYS}}},
        "pki-architectures": {ARCH: {
            "keyset": "keys",
            "entity-defaults": {"country-name": "VN", "organization-name": "sohoa test CA"},
            "entities": {
                "root": {"common-name": "sohoa Test Root"},
                "interm": {"common-name": "sohoa Test Issuing CA"},
                "ocsp": {"common-name": "sohoa Test OCSP"},
                "tsa": {"common-name": "sohoa Test TSA"},
                "agency": {"common-name": AGENCY_NAME, "organization-name": AGENCY_NAME},
                "officer": {"common-name": "Nguyễn Văn An"},
                "revoked": {"common-name": "Revoked Officer"},
            },
            "certs": certs,
            "services": {
                "ocsp": {"interm": {"for-issuer": "interm", "responder-cert": "ocsp",
                                    "signing-key": "ocsp"}},
                "crl-repo": {
                    "root": {"for-issuer": "root", "signing-key": "root",
                             "simulated-update-schedule": "P90D"},
                    "interm": {"for-issuer": "interm", "signing-key": "interm",
                               "simulated-update-schedule": "P30D"},
                },
                "time-stamping": {"tsa": {"signing-key": "tsa", "signing-cert": "tsa"}},
            },
        }},
    }
    return yaml.safe_dump(config, allow_unicode=True, sort_keys=False)
