"""Remote signing (ký số từ xa): a key held by a signing service that speaks the Cloud
Signature Consortium API v2, as remote-signing providers and the national signature
gateway (Cổng eSign) do; one key source among the token and the PKCS#12 file.

pyHanko's `CSCSigner` does the signing transaction; it was written for CSC v1, so
`CscV2Signer` renames the two fields v2 renamed (``hash`` → ``hashes``, ``hashAlgo`` →
``hashAlgorithmOID``) and opens its HTTP session inside the event loop pyHanko signs
in. The service is reached in three steps, each a plain JSON POST:

1. ``auth/login`` with HTTP Basic (the service account of this deployment, or of the
   officer) gives an access token; a service that needs none is reached without;
2. ``credentials/info`` gives the signing certificate and its chain;
3. for each signature, ``credentials/authorize`` with the credential's PIN gives the
   signature activation data (SAD), bound to the hash when the credential asks for it
   (SCAL 2), and ``signatures/signHash`` signs the hash.

A wrong PIN or login is refused by the service and reported as `RemoteSigningRefused`,
its words kept, never the PIN.
"""

from __future__ import annotations

import asyncio
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any

import aiohttp
from pyhanko.sign import signers
from pyhanko.sign.general import SigningError as PyHankoSigningError
from pyhanko.sign.signers.csc_signer import (
    CSCAuthorizationInfo,
    CSCAuthorizationManager,
    CSCCredentialInfo,
    CSCServiceSessionInfo,
    CSCSigner,
)

from .errors import SigningError
from .keys import KeyUnavailable

API_VERSION = "v2"


class RemoteSigningRefused(SigningError):
    """The signing service refused: a wrong PIN or login, a locked or unknown credential."""

    code = "remote_signing_refused"
    http_status = 403


async def _post(session: aiohttp.ClientSession, info: CSCServiceSessionInfo, endpoint: str,
                body: dict[str, Any], *, timeout: float,
                headers: dict[str, str] | None = None) -> dict[str, Any]:
    """One call of the API; the service's own error words when it refuses."""
    try:
        async with session.post(info.endpoint_url(endpoint),  # type: ignore[no-untyped-call]
                                json=body, headers=headers or info.auth_headers,
                                timeout=aiohttp.ClientTimeout(total=timeout)) as response:
            data = await response.json(content_type=None)
            if response.status >= 400:
                words = data.get("error_description") or data.get("error") if isinstance(
                    data, dict) else None
                raise RemoteSigningRefused(
                    f"dịch vụ ký số từ xa từ chối ({endpoint}): {words or response.status} "
                    f"(the remote signing service refused)")
            if not isinstance(data, dict):
                raise ValueError("not a JSON object")
            return data
    except (aiohttp.ClientError, TimeoutError, ValueError) as exc:
        raise KeyUnavailable(f"không gọi được dịch vụ ký số từ xa ({endpoint}) (cannot reach "
                             f"the remote signing service: {type(exc).__name__})") from None


class PinAuthorization(CSCAuthorizationManager):
    """Signature activation by the credential's PIN, asked for each signature."""

    def __init__(self, info: CSCServiceSessionInfo, credential: CSCCredentialInfo,
                 pin: str | None, timeout: float) -> None:
        super().__init__(info, credential)
        self._pin = pin
        self._timeout = timeout

    async def authorize_signature(self, hash_b64s: list[str]) -> CSCAuthorizationInfo:
        body = self.format_csc_auth_request(
            pin=self._pin, hash_b64s=hash_b64s if self.credential_info.hash_pinning_required
            else None, description="sohoa")
        if "hash" in body:
            body["hashes"] = body.pop("hash")
            body["hashAlgorithmOID"] = "2.16.840.1.101.3.4.2.1"
        async with aiohttp.ClientSession() as session:
            data = await _post(session, self.csc_session_info, "credentials/authorize", body,
                               timeout=self._timeout)
        return self.parse_csc_auth_response(data)


class CscV2Signer(CSCSigner):
    """pyHanko's CSC signer speaking v2, with an HTTP session of the loop it signs in."""

    async def format_csc_signing_req(self, tbs_hashes: list[str],
                                     digest_algorithm: str) -> dict[str, Any]:
        body: dict[str, Any] = await super().format_csc_signing_req(tbs_hashes, digest_algorithm)
        body["hashes"] = body.pop("hash")
        body["hashAlgorithmOID"] = body.pop("hashAlgo")
        return body

    async def async_sign_raw(self, data: bytes, digest_algorithm: str,
                             dry_run: bool = False) -> bytes:
        if dry_run:
            return await super().async_sign_raw(data, digest_algorithm, dry_run=True)
        async with aiohttp.ClientSession() as session:
            self.session = session
            try:
                return await super().async_sign_raw(data, digest_algorithm)
            except PyHankoSigningError as exc:
                cause = exc.__cause__
                if isinstance(cause, aiohttp.ClientResponseError) and cause.status in (400,
                                                                                        401, 403):
                    raise RemoteSigningRefused(
                        "dịch vụ ký số từ xa từ chối ký — kiểm tra mã PIN của chứng thư "
                        "(the remote signing service refused to sign: check the PIN)") from None
                raise
            finally:
                self.session = None  # type: ignore[assignment]


@dataclass(frozen=True)
class CscKeySource:
    """A credential of a CSC v2 signing service: its base URL (before ``/csc/v2``), the
    credential's ID, the PIN that activates it and, when the service asks for one, the
    account that logs in to it."""

    service_url: str
    credential_id: str
    pin: str | None = field(default=None, repr=False)
    login: str | None = None
    password: str | None = field(default=None, repr=False)
    timeout: float = 30.0

    @contextmanager
    def open(self) -> Iterator[signers.Signer]:
        info, credential = asyncio.run(self._connect())
        auth = PinAuthorization(info, credential, self.pin, self.timeout)
        yield CscV2Signer(session=None, auth_manager=auth,  # type: ignore[arg-type]
                          sign_timeout=int(self.timeout))

    async def _connect(self) -> tuple[CSCServiceSessionInfo, CSCCredentialInfo]:
        info = CSCServiceSessionInfo(self.service_url.rstrip("/"), self.credential_id,
                                     api_ver=API_VERSION)
        async with aiohttp.ClientSession() as session:
            if self.login:
                data = await _post(session, info, "auth/login", {}, timeout=self.timeout,
                                   headers={"Authorization": aiohttp.encode_basic_auth(
                                       self.login, self.password or "")})
                token = data.get("access_token")
                if not isinstance(token, str):
                    raise KeyUnavailable("dịch vụ ký số từ xa không trả mã truy cập (the remote "
                                         "signing service gave no access token)")
                info = CSCServiceSessionInfo(info.service_url, self.credential_id,
                                             oauth_token=token, api_ver=API_VERSION)
            data = await _post(session, info, "credentials/info",
                               {"credentialID": self.credential_id, "certificates": "chain",
                                "certInfo": False}, timeout=self.timeout)
        return info, _credential(data)

    def check(self) -> None:
        """Ask the service to activate the credential with this PIN once, without signing:
        a wrong PIN is refused now, when the officer gives it, not later in a job."""

        async def authorize() -> None:
            info, credential = await self._connect()
            auth = PinAuthorization(info, credential, self.pin, self.timeout)
            if credential.hash_pinning_required:
                return  # SCAL 2 activates only for given hashes: the first signature checks
            await auth.authorize_signature([])

        asyncio.run(authorize())

    def describe(self) -> str:
        return f"csc:{self.service_url}#{self.credential_id}"


def _credential(data: dict[str, Any]) -> CSCCredentialInfo:
    from pyhanko.sign.signers.csc_signer import _process_certificate_info_response

    data.setdefault("multisign", 1)
    try:
        if data.get("key", {}).get("status", "enabled") != "enabled":
            raise RemoteSigningRefused("chứng thư trên dịch vụ ký số từ xa đang bị khóa (the "
                                       "remote credential is disabled)")
        return _process_certificate_info_response(data)
    except PyHankoSigningError as exc:
        raise KeyUnavailable(f"dịch vụ ký số từ xa trả thông tin chứng thư không đọc được "
                             f"(unreadable credential info: {exc})") from None
