"""Logging in through an OpenID Connect identity provider (VNeID-style).

The authorisation-code flow with PKCE, as a confidential client: ``begin`` sends the
browser to the provider with a fresh ``state``, ``nonce`` and code verifier, kept in
a short-lived signed cookie rather than on the server, so any process of a cluster
can finish the login; ``finish`` checks the state against that cookie, trades the
code for tokens at the provider's token endpoint and verifies the ID token (its
signature under the provider's published keys, issuer, audience, expiry, nonce and,
when required, the assurance level ``acr``).

What comes out is an ``Identity``: who the provider says this is. Turning it into an
account is ``Accounts.login_identity``'s job; the provider decides who someone is,
never what they may see.

PyJWT (already used for our own tokens) verifies the ID token and fetches the JWKS;
``requests`` talks to the provider. Authlib would do the same with more machinery
than two HTTP calls need.
"""

from __future__ import annotations

import base64
import hashlib
import secrets
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any
from urllib.parse import urlencode

import jwt
import requests

from kernel import DomainError

STATE_AUDIENCE = "sohoa-oidc-state"
#: Signature algorithms accepted for ID tokens: asymmetric only, so a token cannot be
#: forged with the client secret or sent unsigned.
ID_TOKEN_ALGORITHMS = ("RS256", "RS384", "RS512", "PS256", "PS384", "PS512",
                       "ES256", "ES384", "ES512", "EdDSA")


class OidcError(DomainError):
    """The login cannot go on: a bad or stale callback, or a token that does not verify.

    The message says what was wrong in words a person at the counter can pass on."""

    code = "oidc_login_failed"
    http_status = 400


class OidcUnavailable(OidcError):
    """The identity provider did not answer or answered nonsense; trying later may work."""

    code = "identity_provider_unavailable"
    http_status = 503
    transient = True


def _unreachable(exc: Exception) -> OidcUnavailable:
    return OidcUnavailable(f"không liên lạc được nhà cung cấp định danh (identity provider "
                           f"unreachable: {type(exc).__name__})")


@dataclass(frozen=True)
class OidcConfig:
    issuer: str
    client_id: str
    client_secret: str
    redirect_url: str
    scopes: str = "openid profile"
    #: Claim carrying the personal ID or tax code; None: accounts are linked by an admin.
    owner_claim: str | None = None
    #: Assurance levels accepted (VNeID level 2 is what a vault needs); empty: any.
    acr_values: tuple[str, ...] = ()
    timeout: float = 10.0
    state_lifetime: timedelta = timedelta(minutes=10)
    clock_leeway: timedelta = timedelta(seconds=60)


@dataclass(frozen=True)
class Identity:
    """Who the identity provider says the person is."""

    #: ``iss`` and ``sub`` together: ``sub`` alone is unique only per provider.
    subject: str
    name: str
    #: The personal ID or tax code from ``owner_claim``, when the provider gives one.
    owner: str | None
    acr: str | None


@dataclass(frozen=True)
class LoginStart:
    redirect_to: str
    #: The signed cookie value that ``finish`` needs back.
    cookie: str
    max_age: int


@dataclass(frozen=True)
class _Provider:
    authorization_endpoint: str
    token_endpoint: str
    jwks: jwt.PyJWKClient


class OidcLogin:
    def __init__(self, config: OidcConfig, state_secret: bytes,
                 http: requests.Session | None = None) -> None:
        self.config = config
        self._secret = state_secret
        self._http = http or requests.Session()
        self._provider: _Provider | None = None

    # -- the provider's metadata ------------------------------------------------------
    def provider(self) -> _Provider:
        """The provider's endpoints from its discovery document, read once and kept."""
        if self._provider is None:
            url = self.config.issuer.rstrip("/") + "/.well-known/openid-configuration"
            meta = self._get_json(url)
            if str(meta.get("issuer", "")).rstrip("/") != self.config.issuer.rstrip("/"):
                raise OidcUnavailable(
                    f"nhà cung cấp định danh tự nhận là {meta.get('issuer')!r}, không phải "
                    f"{self.config.issuer!r} (the provider's issuer does not match)")
            try:
                self._provider = _Provider(
                    str(meta["authorization_endpoint"]), str(meta["token_endpoint"]),
                    jwt.PyJWKClient(str(meta["jwks_uri"]), cache_keys=True,
                                    timeout=int(self.config.timeout)))
            except KeyError as exc:
                raise OidcUnavailable(f"tài liệu khám phá thiếu {exc} "
                                      "(the discovery document lacks an endpoint)") from None
        return self._provider

    def _get_json(self, url: str) -> dict[str, Any]:
        try:
            response = self._http.get(url, timeout=self.config.timeout)
            response.raise_for_status()
            body = response.json()
        except (requests.RequestException, ValueError) as exc:
            raise _unreachable(exc) from None
        if not isinstance(body, dict):
            raise OidcUnavailable("nhà cung cấp định danh trả lời không đúng dạng "
                                  "(the identity provider answered something else than JSON)")
        return body

    # -- step 1: to the provider ------------------------------------------------------
    def begin(self) -> LoginStart:
        state, nonce, verifier = (secrets.token_urlsafe(32) for _ in range(3))
        challenge = base64.urlsafe_b64encode(
            hashlib.sha256(verifier.encode()).digest()).rstrip(b"=").decode()
        params = {"response_type": "code", "client_id": self.config.client_id,
                  "redirect_uri": self.config.redirect_url, "scope": self.config.scopes,
                  "state": state, "nonce": nonce, "code_challenge": challenge,
                  "code_challenge_method": "S256"}
        if self.config.acr_values:
            params["acr_values"] = " ".join(self.config.acr_values)
        endpoint = self.provider().authorization_endpoint
        separator = "&" if "?" in endpoint else "?"
        now = datetime.now(UTC)
        lifetime = self.config.state_lifetime
        cookie = jwt.encode({"state": state, "nonce": nonce, "verifier": verifier,
                             "aud": STATE_AUDIENCE, "iat": now, "exp": now + lifetime},
                            self._secret, algorithm="HS256")
        return LoginStart(endpoint + separator + urlencode(params), cookie,
                          int(lifetime.total_seconds()))

    # -- step 2: back from the provider -----------------------------------------------
    def finish(self, *, code: str | None, state: str | None, cookie: str | None,
               error: str | None = None, error_description: str | None = None) -> Identity:
        if error:
            detail = f": {error_description[:200]}" if error_description else ""
            raise OidcError(f"nhà cung cấp định danh từ chối đăng nhập ({error}{detail})")
        if not cookie:
            raise OidcError("phiên đăng nhập không còn (the login cookie is missing: start the "
                            "login again from the same browser)")
        try:
            pending = jwt.decode(cookie, self._secret, algorithms=["HS256"],
                                 audience=STATE_AUDIENCE)
        except jwt.ExpiredSignatureError:
            raise OidcError("phiên đăng nhập đã hết hạn (the login took too long; start "
                            "again)") from None
        except jwt.InvalidTokenError:
            raise OidcError("cookie đăng nhập không hợp lệ (invalid login cookie)") from None
        if not state or not secrets.compare_digest(str(pending["state"]), state):
            raise OidcError("tham số state không khớp (the state does not match this login)")
        if not code:
            raise OidcError("thiếu mã ủy quyền (the provider sent no authorisation code)")
        tokens = self._redeem(code, str(pending["verifier"]))
        return self._verify(tokens, str(pending["nonce"]))

    def _redeem(self, code: str, verifier: str) -> dict[str, Any]:
        provider = self.provider()
        try:
            response = self._http.post(
                provider.token_endpoint, timeout=self.config.timeout,
                auth=(self.config.client_id, self.config.client_secret),
                data={"grant_type": "authorization_code", "code": code,
                      "redirect_uri": self.config.redirect_url, "code_verifier": verifier})
        except requests.RequestException as exc:
            raise _unreachable(exc) from None
        if response.status_code in (400, 401):
            try:
                reason = str(response.json().get("error", "invalid_grant"))
            except ValueError:
                reason = "invalid_grant"
            raise OidcError(f"nhà cung cấp không đổi được mã ủy quyền ({reason[:80]}); hãy "
                            "đăng nhập lại (the code was refused: log in again)")
        if response.status_code != 200:
            raise OidcUnavailable(f"nhà cung cấp định danh trả lời {response.status_code}")
        try:
            body = response.json()
        except ValueError:
            body = None
        if not isinstance(body, dict) or not isinstance(body.get("id_token"), str):
            raise OidcUnavailable("nhà cung cấp không trả ID token (no ID token in the answer)")
        return body

    def _signing_key(self, id_token: str) -> jwt.PyJWK:
        """The provider's key for this token: by ``kid`` (fetching the set again when a
        rotated key is new to us), or the only signing key when the token names none."""
        jwks = self.provider().jwks
        kid = jwt.get_unverified_header(id_token).get("kid")
        if kid:
            return jwks.get_signing_key(str(kid))
        keys = jwks.get_signing_keys()
        if len(keys) != 1:
            raise jwt.PyJWKClientError("the ID token names no key and the provider has several")
        return keys[0]

    def _verify(self, tokens: dict[str, Any], nonce: str) -> Identity:
        id_token = str(tokens["id_token"])
        config = self.config
        try:
            key = self._signing_key(id_token)
        except jwt.PyJWKClientConnectionError:
            raise OidcUnavailable("không tải được khóa của nhà cung cấp (JWKS unreachable)") from None
        except jwt.PyJWKClientError:
            raise OidcError("ID token ký bằng khóa lạ (signed with an unknown key)") from None
        except jwt.InvalidTokenError:
            raise OidcError("ID token hỏng (malformed ID token)") from None
        try:
            claims: dict[str, Any] = jwt.decode(
                id_token, key, algorithms=list(ID_TOKEN_ALGORITHMS), audience=config.client_id,
                issuer=config.issuer.rstrip("/"), leeway=config.clock_leeway,
                options={"require": ["iss", "sub", "aud", "exp", "iat"]})
        except jwt.ExpiredSignatureError:
            raise OidcError("ID token đã hết hạn (the ID token has expired)") from None
        except jwt.InvalidTokenError as exc:
            raise OidcError(f"ID token không hợp lệ ({exc})") from None
        audiences = claims["aud"] if isinstance(claims["aud"], list) else [claims["aud"]]
        if len(audiences) > 1 and claims.get("azp") != config.client_id:
            raise OidcError("ID token dành cho bên khác (azp is not this service)")
        if not secrets.compare_digest(str(claims.get("nonce", "")), nonce):
            raise OidcError("nonce không khớp: ID token không thuộc lần đăng nhập này "
                            "(replayed or foreign ID token)")
        acr = claims.get("acr")
        if config.acr_values and acr not in config.acr_values:
            raise OidcError(f"mức xác thực {acr!r} không đủ; cần {', '.join(config.acr_values)} "
                            "(the assurance level is too low)")
        owner = claims.get(config.owner_claim) if config.owner_claim else None
        name = claims.get("name") or claims.get("preferred_username") or ""
        return Identity(subject=f"{claims['iss']}#{claims['sub']}", name=str(name),
                        owner=str(owner) if owner is not None else None,
                        acr=str(acr) if acr is not None else None)
