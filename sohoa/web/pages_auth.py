"""Logging in and out, and the language switch."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Form, Request
from fastapi.concurrency import run_in_threadpool
from fastapi.responses import RedirectResponse, Response

from ..accounts.limiter import TooManyAttempts
from ..accounts.service import LoginFailed
from . import i18n, session
from .i18n import gettext as _
from .menus import home_of
from .render import render
from .session import Anyone, services_of

router = APIRouter()


def safe_next(target: str | None, fallback: str) -> str:
    """Only a path on this site: never an open redirect to somewhere else."""
    if target and target.startswith("/") and not target.startswith("//") and "\\" not in target:
        return target
    return fallback


@router.get("/")
def home(request: Request) -> Response:
    token = request.cookies.get(session.COOKIE)
    if not token:
        return RedirectResponse("/login", status_code=303)
    try:
        account = session.web_account(request)
    except session.LoginRequired:
        return RedirectResponse("/login", status_code=303)
    return RedirectResponse(home_of(account.role), status_code=303)


@router.get("/login")
def login_page(request: Request, next: str | None = None) -> Response:
    return render(request, "login.html", next=safe_next(next, ""), error=None)


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
    session.start(response, request, issued.token, issued.expires_at)
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
