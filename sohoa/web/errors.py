"""Error pages: the same refusals the API gives as JSON, as a page a person can read.

A browser asking for a screen gets HTML (a fragment when HTMX asked, so it lands
where the person was working); programs calling ``/api/`` keep their JSON.
"""

from __future__ import annotations

from collections.abc import Sequence
from http import HTTPStatus
from typing import Any
from urllib.parse import quote

from fastapi import FastAPI, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from .i18n import N_, gettext as _, speaking
from .render import language_of, render
from .session import PASSWORD_PAGE, BadCsrf, LoginRequired, PasswordChangeNeeded, WrongRole


def wants_html(request: Request) -> bool:
    """A screen, not the API: answered with a page."""
    path = request.url.path
    return not path.startswith("/api/") and path not in ("/healthz", "/readyz")


def error_page(request: Request, status: int, message: str,
               problems: list[str] | None = None, *, field: str | None = None,
               fields: list[tuple[str, str]] | None = None) -> HTMLResponse:
    """The refusal as a page, or as a fragment where htmx asked: a form shows it inside
    itself, each message that names a ``field`` beside that field."""
    template = "_error.html" if request.headers.get("HX-Request") else "error.html"
    return render(request, template, status_code=status, status=status, message=message,
                  problems=problems or [], field=field, fields=fields or [])


#: What a person reads beside a form field the framework refused, by pydantic's type.
_FIELD_PROBLEMS = {
    "missing": N_("Chưa điền hoặc chưa chọn."),
    "string_too_short": N_("Chưa điền hoặc quá ngắn."),
    "string_too_long": N_("Quá dài."),
    "string_pattern_mismatch": N_("Không đúng dạng."),
    "date_parsing": N_("Ngày không đúng dạng dd/mm/yyyy."),
    "date_from_datetime_parsing": N_("Ngày không đúng dạng dd/mm/yyyy."),
    "int_parsing": N_("Cần một số."),
    "enum": N_("Giá trị không có trong danh sách."),
    "literal_error": N_("Giá trị không có trong danh sách."),
}


def field_problems(errors: Sequence[Any]) -> list[tuple[str, str]]:
    """The form fields FastAPI refused, each with what is wrong in the reader's words."""
    problems = []
    for error in errors:
        location = [str(part) for part in error.get("loc", ()) if not isinstance(part, int)]
        name = location[-1] if len(location) > 1 else ""
        problems.append((name, _(_FIELD_PROBLEMS.get(str(error.get("type")),
                                                     N_("Giá trị không hợp lệ.")))))
    return problems


def form_refused(request: Request, errors: Sequence[Any]) -> HTMLResponse:
    """Fields the framework refused (missing, too long, not a date): each named beside
    its field, in the reader's language."""
    with speaking(language_of(request)):
        return error_page(request, 422, _("Một số ô chưa đúng; xem thông báo bên cạnh từng ô."),
                          fields=field_problems(errors))


#: The framework's own refusals (its messages are English phrases), in the reader's words.
_HTTP_REFUSALS = {
    400: N_("Yêu cầu không đọc được. Hãy tải lại trang và thử lại."),
    404: N_("Không có trang này: đường dẫn có thể đã gõ sai, hoặc tài liệu không còn."),
    405: N_("Trang này không nhận yêu cầu kiểu này. Hãy quay lại và dùng nút trên trang."),
    500: N_("Hệ thống gặp lỗi ngoài dự kiến; việc vừa làm có thể chưa xong. Hãy thử lại; nếu "
            "vẫn lỗi, báo quản trị viên kèm thời điểm này."),
}
_HTTP_REFUSED = N_("Không thực hiện được yêu cầu.")


def framework_refused(request: Request, status: int, detail: str) -> HTMLResponse:
    """A refusal of the framework or a route (404 for a path that is not ours, 405): our
    own words when the detail is only the framework's English phrase."""
    with speaking(language_of(request)):
        try:
            phrase = HTTPStatus(status).phrase
        except ValueError:
            phrase = ""
        if detail in (phrase, "") or status == 400:
            detail = _(_HTTP_REFUSALS.get(status, _HTTP_REFUSED))
        return error_page(request, status, detail)


def install_error_pages(app: FastAPI) -> None:
    async def login_required(request: Request, exc: Exception) -> Response:
        assert isinstance(exc, LoginRequired)
        target = f"/login?next={quote(exc.next_path, safe='/')}"
        if request.headers.get("HX-Request"):
            return Response(status_code=204, headers={"HX-Redirect": target})
        return RedirectResponse(target, status_code=303)

    async def wrong_role(request: Request, _exc: Exception) -> HTMLResponse:
        with speaking(language_of(request)):
            return error_page(request, 403, _("Màn hình này dành cho vai trò khác. Tài khoản "
                                              "của bạn không được dùng chức năng này."))

    async def bad_csrf(request: Request, _exc: Exception) -> HTMLResponse:
        with speaking(language_of(request)):
            return error_page(request, 403, _("Biểu mẫu đã hết hạn hoặc không phải từ trang "
                                              "này. Hãy tải lại trang và thử lại."))

    async def password_change_needed(request: Request, _exc: Exception) -> Response:
        if request.headers.get("HX-Request"):
            return Response(status_code=204, headers={"HX-Redirect": PASSWORD_PAGE})
        return RedirectResponse(PASSWORD_PAGE, status_code=303)

    app.add_exception_handler(LoginRequired, login_required)
    app.add_exception_handler(PasswordChangeNeeded, password_change_needed)
    app.add_exception_handler(WrongRole, wrong_role)
    app.add_exception_handler(BadCsrf, bad_csrf)
