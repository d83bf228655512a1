"""A remote signing service speaking the Cloud Signature Consortium API v2, on 127.0.0.1,
for tests: each credential is a real key in a PKCS#12 file, activated by its PIN.

It answers the four calls sohoa makes — ``auth/login`` (HTTP Basic), ``credentials/info``,
``credentials/authorize`` and ``signatures/signHash`` — with the v2 field names only
(``hashes``, ``hashAlgorithmOID``), so a v1-shaped request fails here as it would at a
real v2 service. Each activation data (SAD) is good for the number of signatures it
was asked for, once.
"""

from __future__ import annotations

import base64
import json
import secrets
import threading
from collections import Counter
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric.padding import PKCS1v15
from cryptography.hazmat.primitives.asymmetric.rsa import RSAPrivateKey
from cryptography.hazmat.primitives.asymmetric.utils import Prehashed
from cryptography.hazmat.primitives.serialization import pkcs12
from werkzeug.serving import make_server
from werkzeug.wrappers import Request, Response

SHA256 = "2.16.840.1.101.3.4.2.1"
SHA256_RSA = "1.2.840.113549.1.1.11"


@dataclass
class Credential:
    key: RSAPrivateKey
    certificates: list[bytes]  # DER, the signer's first
    pin: str


@dataclass
class CscService:
    """The service's state: its account, credentials, live tokens and SADs, and a count
    of the calls it answered, by endpoint."""

    login: str
    password: str
    credentials: dict[str, Credential] = field(default_factory=dict)
    tokens: set[str] = field(default_factory=set)
    sads: dict[str, tuple[str, int]] = field(default_factory=dict)
    calls: Counter[str] = field(default_factory=Counter)
    url: str = ""

    def add_pkcs12(self, credential_id: str, path: Path, passphrase: bytes, pin: str) -> None:
        key, cert, extra = pkcs12.load_key_and_certificates(path.read_bytes(), passphrase)
        assert isinstance(key, RSAPrivateKey) and cert is not None
        self.credentials[credential_id] = Credential(
            key, [c.public_bytes(serialization.Encoding.DER) for c in [cert, *extra]], pin)

    def app(self, environ: dict[str, Any], start_response: Callable[..., Any]) -> Iterable[bytes]:
        request = Request(environ)
        endpoint = request.path.removeprefix("/csc/v2/")
        self.calls[endpoint] += 1
        handler = {"auth/login": self._login, "credentials/info": self._info,
                   "credentials/authorize": self._authorize,
                   "signatures/signHash": self._sign_hash}.get(endpoint)
        if handler is None or not request.path.startswith("/csc/v2/"):
            status, body = 404, {"error": "invalid_request", "error_description": "no such call"}
        elif endpoint != "auth/login" and not self._authorised(request):
            status, body = 401, {"error": "invalid_token"}
        else:
            status, body = handler(request)
        response = Response(json.dumps(body), status=status, mimetype="application/json")
        return response(environ, start_response)

    def _authorised(self, request: Request) -> bool:
        header = request.headers.get("Authorization", "")
        return header.startswith("Bearer ") and header.removeprefix("Bearer ") in self.tokens

    def _login(self, request: Request) -> tuple[int, dict[str, Any]]:
        auth = request.authorization
        if auth is None or (auth.username, auth.password) != (self.login, self.password):
            return 401, {"error": "access_denied", "error_description": "sai tài khoản dịch vụ"}
        token = secrets.token_urlsafe(16)
        self.tokens.add(token)
        return 200, {"access_token": token, "expires_in": 3600}

    def _credential(self, body: dict[str, Any]) -> Credential | None:
        return self.credentials.get(str(body.get("credentialID")))

    def _info(self, request: Request) -> tuple[int, dict[str, Any]]:
        credential = self._credential(request.get_json())
        if credential is None:
            return 400, {"error": "invalid_request", "error_description": "unknown credentialID"}
        return 200, {"key": {"status": "enabled", "algo": [SHA256_RSA], "len": 2048},
                     "cert": {"status": "valid", "certificates": [
                         base64.b64encode(der).decode() for der in credential.certificates]},
                     "authMode": "explicit", "SCAL": "1", "multisign": 1}

    def _authorize(self, request: Request) -> tuple[int, dict[str, Any]]:
        body = request.get_json()
        credential = self._credential(body)
        if credential is None:
            return 400, {"error": "invalid_request", "error_description": "unknown credentialID"}
        if body.get("PIN") != credential.pin:
            return 400, {"error": "invalid_pin", "error_description": "mã PIN không đúng"}
        sad = secrets.token_urlsafe(16)
        self.sads[sad] = (str(body["credentialID"]), int(body.get("numSignatures", 1)))
        return 200, {"SAD": sad, "expiresIn": 300}

    def _sign_hash(self, request: Request) -> tuple[int, dict[str, Any]]:
        body = request.get_json()
        credential = self._credential(body)
        granted = self.sads.pop(str(body.get("SAD")), None)
        hashes_b64 = body.get("hashes")
        if credential is None or granted is None or granted[0] != body["credentialID"]:
            return 400, {"error": "invalid_request", "error_description": "invalid SAD"}
        if not isinstance(hashes_b64, list) or body.get("hashAlgorithmOID") != SHA256 \
                or body.get("signAlgo") != SHA256_RSA or len(hashes_b64) > granted[1]:
            return 400, {"error": "invalid_request", "error_description": "not a v2 signHash"}
        return 200, {"signatures": [base64.b64encode(credential.key.sign(
            base64.b64decode(h), PKCS1v15(), Prehashed(hashes.SHA256()))).decode()
            for h in hashes_b64]}


@contextmanager
def csc_service(login: str = "sohoa", password: str = "mat-khau-dich-vu") -> Iterator[CscService]:
    """The service, answering on 127.0.0.1 until the context ends."""
    service = CscService(login, password)
    server = make_server("127.0.0.1", 0, service.app, threaded=True)
    service.url = f"http://127.0.0.1:{server.server_port}"
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield service
    finally:
        server.shutdown()
        server.server_close()
