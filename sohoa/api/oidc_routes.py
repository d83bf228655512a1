"""Login through the identity provider: ``/login`` sends the browser there, ``/callback``
brings it back with a code and answers with the same bearer token as the password flow.

The pending login (state, nonce, PKCE verifier) rides in a signed, HttpOnly cookie
scoped to these two paths, so whichever process serves the callback can finish it.
"""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, HTTPException, Query, Request, Response
from fastapi.responses import RedirectResponse

from ..accounts.oidc import OidcLogin
from .auth import Token, services_of

PATH = "/api/v1/auth/oidc"
COOKIE = "sohoa_oidc"
router = APIRouter(tags=["accounts"])


def _configured(request: Request) -> OidcLogin:
    login = services_of(request).oidc
    if login is None:
        raise HTTPException(404, "đăng nhập qua nhà cung cấp định danh chưa được cấu hình "
                            "(OIDC login is not configured: set SOHOA_OIDC_ISSUER)")
    return login


@router.get(PATH + "/login", status_code=302, response_class=RedirectResponse,
            responses={302: {"description": "To the identity provider's login page"},
                       404: {"description": "OIDC login is not configured"},
                       503: {"description": "The identity provider is unreachable"}})
def oidc_login(request: Request) -> RedirectResponse:
    """Đăng nhập qua VNeID / nhà cung cấp định danh: redirects to the provider."""
    start = _configured(request).begin()
    response = RedirectResponse(start.redirect_to, status_code=302)
    response.set_cookie(COOKIE, start.cookie, max_age=start.max_age, path=PATH, httponly=True,
                        samesite="lax", secure=request.url.scheme == "https")
    return response


@router.get(PATH + "/callback",
            responses={400: {"description": "A stale, foreign or refused login"},
                       403: {"description": "No account is linked to this identity"}})
def oidc_callback(request: Request, response: Response,
                  code: Annotated[str | None, Query(max_length=2048)] = None,
                  state: Annotated[str | None, Query(max_length=256)] = None,
                  error: Annotated[str | None, Query(max_length=256)] = None,
                  error_description: Annotated[str | None, Query(max_length=1024)] = None,
                  ) -> Token:
    """Where the provider sends the browser back: a bearer token for the account of the
    person it vouched for (made at first login for a citizen or organisation)."""
    services = services_of(request)
    identity = _configured(request).finish(code=code, state=state,
                                           cookie=request.cookies.get(COOKIE), error=error,
                                           error_description=error_description)
    issued = services.accounts.login_identity(identity)
    response.delete_cookie(COOKIE, path=PATH)
    return Token(access_token=issued.token, expires_at=issued.expires_at.isoformat())
