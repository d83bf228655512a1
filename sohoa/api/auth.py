"""Who is calling: bearer tokens from ``POST /api/v1/auth/token``, and role checks.

Every route but the public ones (health, the look-up page, the token endpoint)
depends on ``current_account``; what the account may see is then decided by the
vault (``vault.access``), so a route cannot forget to filter.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from datetime import datetime
from typing import Annotated, Any, TypeVar

from fastapi import APIRouter, Depends, HTTPException, Request, Response
from fastapi.concurrency import run_in_threadpool
from fastapi.security import OAuth2PasswordBearer, OAuth2PasswordRequestForm
from pydantic import BaseModel, ConfigDict, Field

from accounts.credentials import PasswordChangeRequired
from accounts.service import AccountView
from accounts.tokens import InvalidToken
from kernel import Role, Viewer

from ..services import Services

TOKEN_URL = "/api/v1/auth/token"
#: The screens keep the same token in this cookie (``sohoa.web.session``).
SESSION_COOKIE = "sohoa_session"
_bearer = OAuth2PasswordBearer(tokenUrl=TOKEN_URL, auto_error=False)
router = APIRouter(tags=["accounts"])


def services_of(request: Request) -> Services:
    services: Services = request.app.state.services
    return services


def start_session(response: Response, request: Request, token: str,
                  expires_at: datetime) -> None:
    """Keep ``token`` as the screens' session: HttpOnly (no script reads it), SameSite=Lax
    (not sent on other sites' forms), Secure when the site is served over HTTPS."""
    response.set_cookie(SESSION_COOKIE, token, expires=expires_at, httponly=True,
                        samesite="lax", secure=request.url.scheme == "https", path="/")


def safe_next(target: str | None, fallback: str) -> str:
    """Only a path on this site: never an open redirect to somewhere else."""
    if target and target.startswith("/") and not target.startswith("//") and "\\" not in target:
        return target
    return fallback


def current_account(request: Request,
                    token: Annotated[str | None, Depends(_bearer)]) -> AccountView:
    """The logged-in account; 401 with ``WWW-Authenticate: Bearer`` otherwise, 403 while
    a password an administrator reset waits to be changed."""
    account = account_even_reset(request, token)
    if account.must_change_password:
        raise PasswordChangeRequired()
    return account


def account_even_reset(request: Request,
                       token: Annotated[str | None, Depends(_bearer)]) -> AccountView:
    """The logged-in account, even one that must change its password first: only for
    changing it."""
    challenge = {"WWW-Authenticate": "Bearer"}
    if not token:
        raise HTTPException(401, "cần đăng nhập (authentication required)", headers=challenge)
    try:
        account = services_of(request).accounts.account_of(token)
    except InvalidToken as exc:
        raise HTTPException(401, str(exc), headers=challenge) from None
    return account


CurrentAccount = Annotated[AccountView, Depends(current_account)]


def reader_account(request: Request,
                   token: Annotated[str | None, Depends(_bearer)]) -> AccountView:
    """The bearer token, or the screens' session cookie: for the read-only endpoints the
    screens link to (a report's CSV). Only GET routes use it, so the cookie, which a
    browser also sends on links from other sites, can change nothing."""
    return current_account(request, token or request.cookies.get(SESSION_COOKIE))


ReaderAccount = Annotated[AccountView, Depends(reader_account)]


async def current_viewer(account: CurrentAccount) -> Viewer:
    # async: pure computation, so FastAPI need not hop to a worker thread for it.
    return account.viewer()


CurrentViewer = Annotated[Viewer, Depends(current_viewer)]

T = TypeVar("T")


class Calling:
    """Whoever sent the request, looked up in the same trip to a worker thread as the
    work done for them. The hot reads (a document's metadata, a vault's list, search)
    take this rather than ``CurrentViewer``: a sync dependency and a sync route are two
    trips between the event loop and the thread pool, and each trip cost more Python
    than the account's look-up itself (issue 30)."""

    def __init__(self, request: Request, token: str) -> None:
        self._request = request
        self._token = token

    async def run(self, work: Callable[[Viewer], T]) -> T:
        """``work`` done for the caller's viewer, in one worker thread; 401/403 as
        ``current_account`` answers them."""
        return await run_in_threadpool(self._as_caller, work)

    def _as_caller(self, work: Callable[[Viewer], T]) -> T:
        return work(current_account(self._request, self._token).viewer())


async def calling(request: Request,
                  token: Annotated[str | None, Depends(_bearer)]) -> Calling:
    # async: FastAPI runs a sync dependency (a class's __init__ too) in the thread pool.
    if not token:
        raise HTTPException(401, "cần đăng nhập (authentication required)",
                            headers={"WWW-Authenticate": "Bearer"})
    return Calling(request, token)


Caller = Annotated[Calling, Depends(calling)]


def role_in(*roles: Role) -> Callable[[AccountView], Awaitable[AccountView]]:
    """A dependency admitting only ``roles``: 403 for the others, who are logged in but
    have no business here (whether a given record exists is never told by this)."""
    names = ", ".join(r.value for r in roles)

    async def check(account: CurrentAccount) -> AccountView:
        if account.role not in roles:
            raise HTTPException(403, f"vai trò {account.role.value} không được làm việc này "
                                f"(this needs the role {names})")
        return account

    return check


Staff = Annotated[AccountView, Depends(role_in(Role.STAFF))]
#: A citizen or an organisation member: someone who holds a vault.
OwnerAccount = Annotated[AccountView, Depends(role_in(Role.CITIZEN, Role.ORGANISATION))]
Admin = Annotated[AccountView, Depends(role_in(Role.ADMIN))]


class Token(BaseModel):
    access_token: str
    token_type: str = "bearer"
    expires_at: str


@router.post(TOKEN_URL)
def issue_token(request: Request,
                form: Annotated[OAuth2PasswordRequestForm, Depends()]) -> Token:
    """OAuth2 password flow: a signed access token for the right username and password;
    401 otherwise, 429 with Retry-After after too many failures."""
    client = request.client.host if request.client else "unknown"
    issued = services_of(request).accounts.login(form.username, form.password, client=client)
    return Token(access_token=issued.token, expires_at=issued.expires_at.isoformat())


class PasswordChange(BaseModel):
    model_config = ConfigDict(extra="forbid")

    current_password: str = Field(min_length=1, max_length=1024)
    new_password: str = Field(min_length=1, max_length=1024)


AccountEvenReset = Annotated[AccountView, Depends(account_even_reset)]


@router.post("/api/v1/me/password")
def change_password(request: Request, body: PasswordChange,
                    account: AccountEvenReset) -> Token:
    """Change one's own password (đổi mật khẩu), also the temporary one an administrator
    gave. Every token issued before ends; the answer carries a new one. 403 for a wrong
    current password (counted like a failed login), 422 naming the field otherwise."""
    accounts = services_of(request).accounts
    client = request.client.host if request.client else "unknown"
    accounts.credentials.change(account.id, body.current_password, body.new_password,
                                confirmation=body.new_password, client=client,
                                actor=account.actor)
    issued = accounts.token_for(accounts.find(account.username))
    return Token(access_token=issued.token, expires_at=issued.expires_at.isoformat())


@router.post("/api/v1/auth/logout", status_code=204)
def logout(request: Request, _account: AccountEvenReset,
           token: Annotated[str | None, Depends(_bearer)]) -> Response:
    """Give the bearer token back: refused from now on, wherever it was copied to (204).
    The screens' "Đăng xuất" does the same for the session's token."""
    assert token is not None  # current_account has checked it
    services_of(request).accounts.logout(token)
    return Response(status_code=204)


@router.get("/api/v1/me")
def me(account: CurrentAccount) -> dict[str, Any]:
    """The logged-in account: role, vault (personal ID or tax code) and agency."""
    return {"account": account.as_dict()}
