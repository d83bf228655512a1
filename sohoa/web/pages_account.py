"""A person's own account: changing their password (đổi mật khẩu).

After an administrator reset the password, this is the only screen open to the person
(``session.PasswordChangeNeeded``). The change ends every other session of the
account; this one goes on with a fresh token.
"""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Form, Request
from fastapi.concurrency import run_in_threadpool
from fastapi.responses import RedirectResponse, Response

from ..api.auth import start_session
from .i18n import gettext as _
from .menus import home_of
from .render import flash, render
from .session import AnyoneEvenReset, services_of

router = APIRouter(prefix="/account")


@router.get("/password")
def password_page(request: Request, account: AnyoneEvenReset) -> Response:
    return render(request, "account/password.html",
                  min_length=services_of(request).accounts.credentials.min_length,
                  must_change=account.must_change_password)


@router.post("/password")
async def change_password(request: Request, account: AnyoneEvenReset,
                          current_password: Annotated[str, Form(max_length=1024)],
                          new_password: Annotated[str, Form(max_length=1024)],
                          confirmation: Annotated[str, Form(max_length=1024)]) -> Response:
    accounts = services_of(request).accounts
    client = request.client.host if request.client else "unknown"
    await run_in_threadpool(accounts.credentials.change, account.id, current_password,
                            new_password, confirmation=confirmation, client=client,
                            actor=account.actor)
    issued = accounts.token_for(accounts.find(account.username))
    response = RedirectResponse(home_of(account.role), status_code=303)
    start_session(response, request, issued.token, issued.expires_at)
    return flash(response, _("Đã đổi mật khẩu. Các phiên đăng nhập khác của tài khoản này "
                             "đã kết thúc."))
