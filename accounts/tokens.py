"""Access tokens: signed (HS256), short-lived JWTs that name an account.

A token carries the account id and its role only; everything else (which vault,
which agency, whether the account is still active, whether this very token was
given back at logout) is read from the database on each request, so disabling an
account or logging out takes effect at once.
"""

from __future__ import annotations

import functools
import secrets
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

import jwt

ALGORITHM = "HS256"
AUDIENCE = "sohoa-api"


class InvalidToken(Exception):
    """The token is missing, malformed, badly signed, expired or revoked."""


@dataclass(frozen=True)
class TokenClaims:
    """What a valid token says: whose it is, its own id (to revoke it by), its end."""

    account_id: str
    token_id: str
    expires_at: datetime
    #: Which password the token was issued under (``Account.password_version``): a token
    #: of an older password is refused, to the microsecond, not only to the second.
    password_version: int


@dataclass(frozen=True)
class IssuedToken:
    token: str
    expires_at: datetime


class TokenSigner:
    def __init__(self, secret: bytes, lifetime: timedelta, issuer: str) -> None:
        if len(secret) < 32:
            raise ValueError("the token secret must be at least 32 bytes")
        self._secret = secret
        self._lifetime = lifetime
        self._issuer = issuer
        #: Checking a signature costs more than the rest of the look-up of a request's
        #: account; a token's signature, audience and issuer never change, so each token is
        #: checked once and its end is compared on every use.
        self._verified = functools.lru_cache(maxsize=4096)(self._verified_afresh)

    def issue(self, account_id: str, role: str, *, password_version: int = 0,
              now: datetime | None = None) -> IssuedToken:
        moment = now or datetime.now(UTC)
        expires = moment + self._lifetime
        claims = {"sub": account_id, "role": role, "iat": moment, "exp": expires,
                  "iss": self._issuer, "aud": AUDIENCE, "jti": secrets.token_hex(16),
                  "pwv": password_version}
        return IssuedToken(jwt.encode(claims, self._secret, algorithm=ALGORITHM), expires)

    def claims_of(self, token: str) -> TokenClaims:
        """What a validly signed, unexpired token says; InvalidToken otherwise."""
        claims = self._verified(token)
        if claims.expires_at <= datetime.now(UTC):
            raise InvalidToken("phiên đăng nhập đã hết hạn (the token has expired)")
        return claims

    def _verified_afresh(self, token: str) -> TokenClaims:
        try:
            claims = jwt.decode(token, self._secret, algorithms=[ALGORITHM], audience=AUDIENCE,
                                issuer=self._issuer,
                                options={"require": ["exp", "sub", "iat", "jti"]})
        except jwt.ExpiredSignatureError:
            raise InvalidToken("phiên đăng nhập đã hết hạn (the token has expired)") from None
        except jwt.InvalidTokenError:
            raise InvalidToken("mã truy cập không hợp lệ (invalid access token)") from None
        return TokenClaims(str(claims["sub"]), str(claims["jti"]),
                           datetime.fromtimestamp(int(claims["exp"]), UTC),
                           int(claims.get("pwv", 0)))
