"""Logging in and out, and the language switch."""

from __future__ import annotations

import hmac
import secrets
from typing import Annotated, Any

from fastapi import APIRouter, Form, Request
from fastapi.concurrency import run_in_threadpool
from fastapi.responses import RedirectResponse, Response

from accounts.limiter import TooManyAttempts
from accounts.service import LoginFailed

from ..api.auth import SESSION_COOKIE, safe_next, start_session
from . import i18n, session
from .i18n import N_, gettext as _
from .menus import home_of
from .render import render
from .session import AnyoneEvenReset, services_of

router = APIRouter()


@router.get("/")
def home(request: Request) -> Response:
    try:
        account = session.web_account(request)
    except session.LoginRequired:
        return RedirectResponse("/login", status_code=303)
    return RedirectResponse(home_of(account.role), status_code=303)


#: Why a login through the identity provider came back refused (``oidc_routes``).
OIDC_ERRORS = {
    "identity_not_linked": N_("Tài khoản định danh điện tử này chưa được gắn với tài khoản nào "
                              "của hệ thống. Hãy liên hệ quản trị."),
    "identity_provider_unavailable": N_("Không kết nối được nhà cung cấp định danh. Hãy thử "
                                        "lại sau ít phút."),
    "invalid_owner_id": N_("Nhà cung cấp định danh trả về số định danh không hợp lệ."),
}
OIDC_FAILED = N_("Đăng nhập bằng tài khoản định danh điện tử không thành công. Hãy thử lại.")


#: The login form's own CSRF token (there is no session yet to derive one from): a
#: random value in this cookie and in the form, which must match. Another site can
#: neither read the cookie nor, SameSite=Strict, make the browser send it on its POST.
LOGIN_COOKIE = "sohoa_login"
LOGIN_FIELD = "login_csrf"
LOGIN_FORM_SECONDS = 3600


def login_form(request: Request, *, status_code: int = 200, **context: Any) -> Response:
    """The login page with a fresh CSRF pair: the token in the form and in its cookie."""
    token = secrets.token_urlsafe(24)
    response = render(request, "login.html", status_code=status_code, login_csrf=token,
                      **context)
    response.set_cookie(LOGIN_COOKIE, token, max_age=LOGIN_FORM_SECONDS, httponly=True,
                        samesite="strict", secure=request.url.scheme == "https",
                        path="/login")
    return response


@router.get("/login")
def login_page(request: Request, next: str | None = None,
               oidc_error: str | None = None) -> Response:
    error = None
    if oidc_error is not None:
        error = _(OIDC_ERRORS.get(oidc_error, OIDC_FAILED))
    return login_form(request, status_code=401 if error else 200, next=safe_next(next, ""),
                      error=error)


@router.post("/login")
async def login(request: Request, username: Annotated[str, Form(max_length=64)],
                password: Annotated[str, Form(max_length=1024)],
                next: Annotated[str, Form(max_length=2000)] = "",
                login_csrf: Annotated[str, Form(max_length=64)] = "") -> Response:
    expected = request.cookies.get(LOGIN_COOKIE, "")
    if not (expected and hmac.compare_digest(login_csrf.encode(), expected.encode())):
        return login_form(request, status_code=403, next=safe_next(next, ""),
                          username=username, error=_(
                              "Trang đăng nhập đã hết hạn hoặc không đến từ hệ thống này. "
                              "Hãy nhập lại mật khẩu và đăng nhập."))
    services = services_of(request)
    client = request.client.host if request.client else "unknown"
    try:
        issued = await run_in_threadpool(services.accounts.login, username, password,
                                         client=client)
    except LoginFailed:
        return login_form(request, status_code=401, next=safe_next(next, ""),
                          error=_("Sai tên đăng nhập hoặc mật khẩu."), username=username)
    except TooManyAttempts as exc:
        response = login_form(
            request, status_code=429, next=safe_next(next, ""), username=username,
            error=_("Đăng nhập sai quá nhiều lần. Hãy thử lại sau %(seconds)s giây.",
                    seconds=exc.retry_after))
        response.headers["Retry-After"] = str(exc.retry_after)
        return response
    account = services.accounts.account_of(issued.token)
    response = RedirectResponse(safe_next(next, home_of(account.role)), status_code=303)
    start_session(response, request, issued.token, issued.expires_at)
    response.delete_cookie(LOGIN_COOKIE, path="/login")
    return response


@router.post("/logout")
def logout(request: Request, _account: AnyoneEvenReset) -> Response:
    """End the session: its token is revoked on the server, not only the cookie cleared,
    so a copy of the cookie (a shared computer, a stolen one) is useless from now on."""
    token = request.cookies.get(SESSION_COOKIE)
    if token:
        services_of(request).accounts.logout(token)
    response = RedirectResponse("/login", status_code=303)
    session.end(response)
    return response


@router.post("/language")
def language(language: Annotated[str, Form(max_length=8)],
             next: Annotated[str, Form(max_length=2000)] = "/") -> Response:
    """The language switch: remembered for a year in a cookie, no account needed."""
    response = RedirectResponse(safe_next(next, "/"), status_code=303)
    if language in i18n.LANGUAGES:
        response.set_cookie(i18n.COOKIE, language, max_age=365 * 24 * 3600, samesite="lax",
                            path="/")
    return response
