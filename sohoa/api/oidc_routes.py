"""Login through the identity provider: ``/login`` sends the browser there, ``/callback``
brings it back with a code and answers with the same bearer token as the password flow.

The pending login (state, nonce, PKCE verifier) rides in a signed, HttpOnly cookie
scoped to these two paths, so whichever process serves the callback can finish it.
A login started from the screens (``/login?next=/vault``) ends differently: the token
becomes the screens' session cookie and the browser goes on to ``next``, a path on
this site only.
"""

from __future__ import annotations

from typing import Annotated
from urllib.parse import urlencode

from fastapi import APIRouter, HTTPException, Query, Request, Response
from fastapi.responses import JSONResponse, RedirectResponse

from accounts.oidc import OidcLogin

from ..errors import DOMAIN_ERRORS, describe_error
from .auth import Token, safe_next, services_of, start_session

PATH = "/api/v1/auth/oidc"
COOKIE = "sohoa_oidc"
#: Where a login started from the screens goes on to (a path on this site).
NEXT_COOKIE = "sohoa_oidc_next"
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
def oidc_login(request: Request, next: Annotated[str | None, Query(
        max_length=2000, description="From the screens: the page to go on to after login; "
        "the callback then sets the session cookie instead of answering a token")] = None,
               ) -> RedirectResponse:
    """Đăng nhập qua VNeID / nhà cung cấp định danh: redirects to the provider."""
    start = _configured(request).begin()
    response = RedirectResponse(start.redirect_to, status_code=302)
    secure = request.url.scheme == "https"
    response.set_cookie(COOKIE, start.cookie, max_age=start.max_age, path=PATH, httponly=True,
                        samesite="lax", secure=secure)
    if next is not None:
        response.set_cookie(NEXT_COOKIE, safe_next(next, "/"), max_age=start.max_age,
                            path=PATH, httponly=True, samesite="lax", secure=secure)
    else:
        response.delete_cookie(NEXT_COOKIE, path=PATH)
    return response


@router.get(PATH + "/callback", response_model=Token,
            responses={303: {"description": "A login started from the screens: on to its "
                                            "page with the session cookie, or back to the "
                                            "login page with ``oidc_error``"},
                       400: {"description": "A stale, foreign or refused login"},
                       403: {"description": "No account is linked to this identity"}})
def oidc_callback(request: Request,
                  code: Annotated[str | None, Query(max_length=2048)] = None,
                  state: Annotated[str | None, Query(max_length=256)] = None,
                  error: Annotated[str | None, Query(max_length=256)] = None,
                  error_description: Annotated[str | None, Query(max_length=1024)] = None,
                  ) -> Response:
    """Where the provider sends the browser back: a bearer token for the account of the
    person it vouched for (made at first login for a citizen or organisation); for a
    login started from the screens, that token as the session and a redirect onwards."""
    services = services_of(request)
    onwards = request.cookies.get(NEXT_COOKIE)
    response: Response
    try:
        identity = _configured(request).finish(code=code, state=state,
                                               cookie=request.cookies.get(COOKIE), error=error,
                                               error_description=error_description)
        issued = services.accounts.login_identity(identity)
    except DOMAIN_ERRORS as exc:
        if onwards is None:
            raise
        # A person at a screen gets the login page again with the reason, not JSON.
        reason = describe_error(exc)[0]
        response = RedirectResponse("/login?" + urlencode({"next": safe_next(onwards, "/"),
                                                          "oidc_error": reason}),
                                    status_code=303)
    else:
        if onwards is None:
            response = JSONResponse(Token(access_token=issued.token,
                                          expires_at=issued.expires_at.isoformat()).model_dump())
        else:
            response = RedirectResponse(safe_next(onwards, "/"), status_code=303)
            start_session(response, request, issued.token, issued.expires_at)
    response.delete_cookie(COOKIE, path=PATH)
    response.delete_cookie(NEXT_COOKIE, path=PATH)
    return response
