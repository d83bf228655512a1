"""Who is using the screens: the API's signed token, kept in an HttpOnly cookie.

The browser never sees the token from script (HttpOnly), it is sent only to this
site (SameSite=Lax) and only over HTTPS when the site is served over HTTPS. Every
form that changes something carries a CSRF token derived from the session token,
so another site cannot post a form in the user's name: it cannot read the cookie,
so it cannot compute the token.
"""

from __future__ import annotations

import hashlib
import hmac
from collections.abc import Awaitable, Callable
from typing import Annotated

from fastapi import Depends, Request, Response
from fastapi.concurrency import run_in_threadpool

from accounts.service import AccountView
from accounts.tokens import InvalidToken
from kernel import Role

from ..api.auth import SESSION_COOKIE
from ..services import Services

CSRF_FIELD = "csrf"
CSRF_HEADER = "X-CSRF-Token"


class LoginRequired(Exception):
    """No valid session: the browser is sent to the login page, then back."""

    def __init__(self, next_path: str) -> None:
        super().__init__(next_path)
        self.next_path = next_path


class WrongRole(Exception):
    """Logged in, but this screen belongs to another role (403 page)."""


class BadCsrf(Exception):
    """A form posted without this session's CSRF token (403 page)."""


class PasswordChangeNeeded(Exception):
    """An administrator reset the password: the person chooses their own first."""


#: Where a person whose password was reset is sent, whatever they asked for.
PASSWORD_PAGE = "/account/password"


def services_of(request: Request) -> Services:
    services: Services = request.app.state.services
    return services


def end(response: Response) -> None:
    response.delete_cookie(SESSION_COOKIE, path="/")


def csrf_token(session_token: str) -> str:
    return hmac.new(session_token.encode(), b"sohoa-csrf", hashlib.sha256).hexdigest()[:32]


def web_account(request: Request) -> AccountView:
    """The logged-in account, or a redirect to the login page."""
    token = request.cookies.get(SESSION_COOKIE)
    target = request.url.path + (f"?{request.url.query}" if request.url.query else "")
    if not token:
        raise LoginRequired(target)
    try:
        account = services_of(request).accounts.account_of(token)
    except InvalidToken:
        raise LoginRequired(target) from None
    request.state.account = account
    request.state.csrf = csrf_token(token)
    return account


async def check_csrf(request: Request) -> None:
    """Refuse a state-changing request without the session's CSRF token."""
    if request.method in ("GET", "HEAD", "OPTIONS"):
        return
    token = request.cookies.get(SESSION_COOKIE, "")
    sent = request.headers.get(CSRF_HEADER)
    if sent is None:
        form = await request.form()
        value = form.get(CSRF_FIELD)
        sent = value if isinstance(value, str) else None
    if not token or not sent or not hmac.compare_digest(sent, csrf_token(token)):
        raise BadCsrf()


def role_in(*roles: Role) -> Callable[[Request], Awaitable[AccountView]]:
    """A dependency admitting only ``roles`` to a screen, after the CSRF check."""

    async def check(request: Request) -> AccountView:
        account = await any_account(request)
        if account.role not in roles:
            raise WrongRole()
        return account

    return check


async def any_account_even_reset(request: Request) -> AccountView:
    """Logged in, whether or not the password must be changed first: for the password
    page itself and for logging out."""
    account = await run_in_threadpool(web_account, request)
    await check_csrf(request)
    return account


async def any_account(request: Request) -> AccountView:
    account = await any_account_even_reset(request)
    if account.must_change_password:
        raise PasswordChangeNeeded()
    return account


Anyone = Annotated[AccountView, Depends(any_account)]
#: The password page and logging out: open to a person whose password was reset.
AnyoneEvenReset = Annotated[AccountView, Depends(any_account_even_reset)]
StaffUser = Annotated[AccountView, Depends(role_in(Role.STAFF))]
OwnerUser = Annotated[AccountView, Depends(role_in(Role.CITIZEN, Role.ORGANISATION))]
ArchivistUser = Annotated[AccountView, Depends(role_in(Role.ARCHIVIST))]
AdminUser = Annotated[AccountView, Depends(role_in(Role.ADMIN))]

#: The reports: aggregate figures, for staff (their agency), archivists and administrators.
ReportUser = Annotated[AccountView, Depends(role_in(Role.STAFF, Role.ARCHIVIST, Role.ADMIN))]
