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
        db = self.folder / "nss"
        if not db.exists():
            db.mkdir()
            subprocess.run(["certutil", "-N", "-d", f"sql:{db}", "--empty-password"], check=True,
                           capture_output=True)
            subprocess.run(["certutil", "-A", "-d", f"sql:{db}", "-n", "sohoa test root", "-t",
                            "CT,C,C", "-i", str(self.cert("root"))], check=True,
                           capture_output=True)
        return db

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
    (folder / "tokens").mkdir(parents=True)
    conf = folder / "softhsm2.conf"
    conf.write_text(f"directories.tokendir = {folder / 'tokens'}\nobjectstore.backend = file\n"
                    "log.level = ERROR\n")
    previous = os.environ.get("SOFTHSM2_CONF")
    os.environ["SOFTHSM2_CONF"] = str(conf)
    util = ["softhsm2-util"]
    try:
        subprocess.run([*util, "--init-token", "--free", "--label", label, "--so-pin", "83125577",
                        "--pin", pin], check=True, capture_output=True)
        subprocess.run([*util, "--import", str(key_path), "--token", label, "--label",
                        key_label, "--id", "01", "--pin", pin], check=True, capture_output=True)
        # python-pkcs11 keeps one loaded library per process; make it read this token folder.
        import pkcs11

        pkcs11.lib(str(SOFTHSM_MODULE)).reinitialize()
        yield Token(label, key_label, pin)
    finally:
        if previous is None:
            os.environ.pop("SOFTHSM2_CONF", None)
        else:
            os.environ["SOFTHSM2_CONF"] = previous


def _write_key(path: Path) -> None:
    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    path.write_bytes(key.private_bytes(serialization.Encoding.PEM,
                                       serialization.PrivateFormat.PKCS8,
                                       serialization.NoEncryption()))
    os.chmod(path, 0o600)


def _pem(der: bytes) -> bytes:
    return x509.load_der_x509_certificate(der).public_bytes(serialization.Encoding.PEM)


def _config(url: str) -> str:
    validity = f'valid-from: "{VALID["valid-from"]}"\n          valid-to: "{VALID["valid-to"]}"'
    # The agency's certificate names only a CRL; the officers' also an OCSP responder.
    crl_only = """
          - id: key_usage
            critical: true
            smart-value: {schema: key-usage, params: [digital_signature, non_repudiation]}
          - id: crl_distribution_points
            smart-value: {schema: crl-dist-url, params: {crl-repo-names: [interm]}}"""
    signer_ext = crl_only + """
          - id: authority_information_access
            smart-value: {schema: aia-urls, params: {ocsp-responder-names: [interm]}}"""
    return f"""
external-url-prefix: "{url}"
keysets:
  keys:
    path-prefix: .
    keys:
{"".join(f"      {k}: {{path: {k}.key.pem}}{chr(10)}" for k in KEYS)}
pki-architectures:
  {ARCH}:
    keyset: keys
    entity-defaults: {{country-name: VN, organization-name: sohoa test CA}}
    entities:
      root: {{common-name: sohoa Test Root}}
      interm: {{common-name: sohoa Test Issuing CA}}
      ocsp: {{common-name: sohoa Test OCSP}}
      tsa: {{common-name: sohoa Test TSA}}
      agency: {{common-name: "{AGENCY_NAME}", organization-name: "{AGENCY_NAME}"}}
      officer: {{common-name: Nguyễn Văn An}}
      revoked: {{common-name: Revoked Officer}}
    certs:
      root:
        subject: root
        issuer: root
        validity:
          {validity}
        extensions:
          - id: basic_constraints
            critical: true
            value: {{ca: true}}
          - id: key_usage
            critical: true
            smart-value: {{schema: key-usage, params: [digital_signature, key_cert_sign, crl_sign]}}
      interm:
        issuer: root
        validity:
          {validity}
        extensions:
          - id: basic_constraints
            critical: true
            value: {{ca: true, path-len-constraint: 0}}
          - id: key_usage
            critical: true
            smart-value: {{schema: key-usage, params: [digital_signature, key_cert_sign, crl_sign]}}
          - id: crl_distribution_points
            smart-value: {{schema: crl-dist-url, params: {{crl-repo-names: [root]}}}}
      ocsp:
        issuer: interm
        validity:
          {validity}
        extensions:
          - id: key_usage
            critical: true
            smart-value: {{schema: key-usage, params: [digital_signature]}}
          - id: extended_key_usage
            critical: true
            value: [ocsp_signing]
          - id: ocsp_no_check
      tsa:
        issuer: root
        validity:
          {validity}
        extensions:
          - id: key_usage
            critical: true
            smart-value: {{schema: key-usage, params: [digital_signature]}}
          - id: extended_key_usage
            critical: true
            value: [time_stamping]
          - id: crl_distribution_points
            smart-value: {{schema: crl-dist-url, params: {{crl-repo-names: [root]}}}}
      agency:
        issuer: interm
        validity:
          {validity}
        extensions:{crl_only}
      officer:
        issuer: interm
        validity:
          {validity}
        extensions:{signer_ext}
      revoked:
        issuer: interm
        validity:
          {validity}
        revocation:
          revoked-since: "2025-01-01T00:00:00+0000"
          reason: key_compromise
        extensions:{signer_ext}
    services:
      ocsp:
        interm: {{for-issuer: interm, responder-cert: ocsp, signing-key: ocsp}}
      crl-repo:
        root: {{for-issuer: root, signing-key: root, simulated-update-schedule: "P90D"}}
        interm: {{for-issuer: interm, signing-key: interm, simulated-update-schedule: "P30D"}}
      time-stamping:
        tsa: {{signing-key: tsa, signing-cert: tsa}}
"""
