"""Logging in and out, and the language switch."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Form, Request
from fastapi.concurrency import run_in_threadpool
from fastapi.responses import RedirectResponse, Response

from ..accounts.limiter import TooManyAttempts
from ..accounts.service import LoginFailed
from ..api.auth import safe_next, start_session
from . import i18n, session
from .i18n import N_
from .i18n import gettext as _
from .menus import home_of
from .render import render
from .session import Anyone, services_of

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


@router.get("/login")
def login_page(request: Request, next: str | None = None,
               oidc_error: str | None = None) -> Response:
    error = None
    if oidc_error is not None:
        error = _(OIDC_ERRORS.get(oidc_error, OIDC_FAILED))
    return render(request, "login.html", status_code=401 if error else 200,
                  next=safe_next(next, ""), error=error)


@router.post("/login")
async def login(request: Request, username: Annotated[str, Form(max_length=64)],
                password: Annotated[str, Form(max_length=1024)],
                next: Annotated[str, Form(max_length=2000)] = "") -> Response:
    services = services_of(request)
    client = request.client.host if request.client else "unknown"
    try:
        issued = await run_in_threadpool(services.accounts.login, username, password,
                                         client=client)
    except LoginFailed:
        return render(request, "login.html", status_code=401, next=safe_next(next, ""),
                      error=_("Sai tên đăng nhập hoặc mật khẩu."), username=username)
    except TooManyAttempts as exc:
        return render(request, "login.html", status_code=429, next=safe_next(next, ""),
                      error=_("Đăng nhập sai quá nhiều lần. Hãy thử lại sau %(seconds)s giây.",
                              seconds=exc.retry_after), username=username,
                      headers={"Retry-After": str(exc.retry_after)})
    account = services.accounts.account_of(issued.token)
    response = RedirectResponse(safe_next(next, home_of(account.role)), status_code=303)
    start_session(response, request, issued.token, issued.expires_at)
    return response


@router.post("/logout")
def logout(_account: Anyone) -> Response:
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
