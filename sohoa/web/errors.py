"""Error pages: the same refusals the API gives as JSON, as a page a person can read.

A browser asking for a screen gets HTML (a fragment when HTMX asked, so it lands
where the person was working); programs calling ``/api/`` keep their JSON.
"""

from __future__ import annotations

from urllib.parse import quote

from fastapi import FastAPI, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from .i18n import gettext as _
from .render import render
from .session import BadCsrf, LoginRequired, WrongRole


def wants_html(request: Request) -> bool:
    """A screen, not the API: answered with a page."""
    path = request.url.path
    return not path.startswith("/api/") and path not in ("/healthz", "/readyz")


def error_page(request: Request, status: int, message: str,
               problems: list[str] | None = None) -> HTMLResponse:
    template = "_error.html" if request.headers.get("HX-Request") else "error.html"
    return render(request, template, status_code=status, status=status, message=message,
                  problems=problems or [])


def install_error_pages(app: FastAPI) -> None:
    async def login_required(request: Request, exc: Exception) -> Response:
        assert isinstance(exc, LoginRequired)
        target = f"/login?next={quote(exc.next_path, safe='/')}"
        if request.headers.get("HX-Request"):
            return Response(status_code=204, headers={"HX-Redirect": target})
        return RedirectResponse(target, status_code=303)

    async def wrong_role(request: Request, _exc: Exception) -> HTMLResponse:
        return error_page(request, 403, _("Màn hình này dành cho vai trò khác. "
                                          "Tài khoản của bạn không được dùng chức năng này."))

    async def bad_csrf(request: Request, _exc: Exception) -> HTMLResponse:
        return error_page(request, 403, _("Biểu mẫu đã hết hạn hoặc không phải từ trang này. "
                                          "Hãy tải lại trang và thử lại."))

    app.add_exception_handler(LoginRequired, login_required)
    app.add_exception_handler(WrongRole, wrong_role)
    app.add_exception_handler(BadCsrf, bad_csrf)
