"""Templates: one Jinja2 environment, autoescaped, with the UI's language and formats.

Dates are shown as people at a Vietnamese counter write them (dd/mm/yyyy, times in
Vietnam time), whatever the server's clock says; sizes in kB/MB.
"""

from __future__ import annotations

from datetime import date, datetime
from importlib import resources
from typing import Any
from urllib.parse import quote, unquote

from babel.dates import format_date, format_datetime
from babel.numbers import format_decimal, format_percent
from fastapi import Request
from fastapi.responses import HTMLResponse, Response
from jinja2 import Environment, PackageLoader, pass_context, select_autoescape
from jinja2.runtime import Context

from kernel import VIETNAM, Role, mask_id

from .. import __version__
from ..usecases.sync.outbox import Outbox
from . import i18n
from .forms import parse_day
from .i18n import LANGUAGES, gettext, ngettext
from .labels import (
    document_status_name,
    file_role_name,
    history_name,
    measure_formula,
    owner_kind_name,
    role_name,
    said,
    source_name,
    stage_name,
    status_name,
)
from .menus import nav
from .people import person


def day(value: date | str | None) -> str:
    """``dd/mm/yyyy``, as every screen writes a date."""
    if value is None or value == "":
        return ""
    if isinstance(value, str):
        try:
            return format_date(parse_day(value[:10]), "dd/MM/yyyy")
        except ValueError:  # what a person typed, shown back as typed
            return value
    return format_date(value, "dd/MM/yyyy")


def moment(value: datetime | str | None) -> str:
    """``dd/mm/yyyy hh:mm`` in Vietnam time, as every screen writes a moment."""
    if value is None or value == "":
        return ""
    if isinstance(value, str):
        value = datetime.fromisoformat(value)
    return format_datetime(value, "dd/MM/yyyy HH:mm", tzinfo=VIETNAM)


def _size(value: int) -> str:
    if value < 1024:
        return f"{value} B"
    if value < 1024 * 1024:
        return f"{value / 1024:.0f} kB"
    return f"{value / 1024 / 1024:.1f} MB"


@pass_context
def _percent(context: Context, rate: float | None) -> str:
    """0.6818 → "68,2 %" in Vietnamese, "68.2%" in English; no rate → an en dash."""
    if rate is None:
        return "–"
    return format_percent(rate, "#,##0.0 %", locale=context.get("lang", i18n.DEFAULT))


@pass_context
def _number(context: Context, value: float | None, digits: int = 1) -> str:
    if value is None:
        return "–"
    pattern = "#,##0" + ("." + "0" * digits if digits else "")
    return format_decimal(value, pattern, locale=context.get("lang", i18n.DEFAULT))


def _duration(seconds: float | None) -> str:
    """Seconds as people say them: "1 phút 10 giây", "2 giờ 5 phút"."""
    if seconds is None:
        return "–"
    whole = round(seconds)
    hours, rest = divmod(whole, 3600)
    minutes, secs = divmod(rest, 60)
    if hours:
        return gettext("%(h)d giờ %(m)d phút", h=hours, m=minutes)
    if minutes:
        return gettext("%(m)d phút %(s)d giây", m=minutes, s=secs)
    return gettext("%(s)d giây", s=secs)


@pass_context
def _said(context: Context, message: str, sentence: bool = True) -> str:
    """A message of the domain in the page's language (``labels.said``)."""
    return said(message, context.get("lang", i18n.DEFAULT), sentence=sentence)


def _environment() -> Environment:
    env = Environment(loader=PackageLoader("sohoa.web", "templates"),
                      autoescape=select_autoescape(["html"]),
                      extensions=["jinja2.ext.i18n"], trim_blocks=True, lstrip_blocks=True)
    env.install_gettext_callables(gettext, ngettext, newstyle=True)  # type: ignore[attr-defined]
    env.filters.update(day=day, moment=moment, size=_size, masked=mask_id, percent=_percent,
                       number=_number, duration=_duration, said=_said,
                       person=person)
    env.globals.update(languages=LANGUAGES, version=__version__, nav=nav, role_name=role_name,
                       status_name=status_name, document_status_name=document_status_name,
                       history_name=history_name, source_name=source_name,
                       stage_name=stage_name, measure_formula=measure_formula,
                       owner_kind_name=owner_kind_name, file_role_name=file_role_name)
    return env


ENVIRONMENT = _environment()


def language_of(request: Request) -> str:
    return i18n.negotiate(request.cookies.get(i18n.COOKIE))


FLASH_COOKIE = "sohoa_flash"


def flash(response: Response, message: str) -> Response:
    """A one-time message for the next page ("saved", "moved on"): in a cookie, not the URL,
    so nobody can make a link that shows someone else a message of their choosing."""
    response.set_cookie(FLASH_COOKIE, quote(message), max_age=60, httponly=True,
                        samesite="lax", path="/")
    return response


def _node_link(request: Request, account: Any) -> dict[str, Any] | None:
    """On a counter node, for staff and administrators: the link to the centre and what
    waits to be sent, so the counter knows its work is kept while the centre is away."""
    syncer = getattr(request.app.state, "syncer", None)
    if syncer is None or account is None or account.role not in (Role.STAFF, Role.ADMIN):
        return None
    counts = Outbox(request.app.state.services.sessions).counts()
    return {"link": syncer.status.link, "pending": counts.pending,
            "refused": len(counts.refused)}


def render(request: Request, template: str, status_code: int = 200,
           headers: dict[str, str] | None = None, **context: Any) -> HTMLResponse:
    """The page ``template`` in the request's language, with the user, the CSRF token and
    any one-time message."""
    language = language_of(request)
    message = unquote(request.cookies.get(FLASH_COOKIE, ""))[:500]
    account = getattr(request.state, "account", None)
    with i18n.speaking(language):
        html = ENVIRONMENT.get_template(template).render(
            request=request, lang=language, account=account,
            csrf=getattr(request.state, "csrf", ""), settings=request.app.state.services.settings,
            flashed=message, node_link=_node_link(request, account), **context)
    response = HTMLResponse(html, status_code=status_code, headers=headers)
    whole_page = not request.headers.get("HX-Request") or request.headers.get("HX-Boosted")
    if message and whole_page:
        response.delete_cookie(FLASH_COOKIE, path="/")
    if request.method == "POST" and request.headers.get("HX-Boosted"):
        # A page answering a form sent by htmx: its address is the form's, which a reload
        # would GET; the history keeps the page the form was on.
        response.headers["HX-Push-Url"] = "false"
    return response


def static_root() -> str:
    return str(resources.files(__package__).joinpath("static"))
