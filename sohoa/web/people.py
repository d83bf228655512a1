"""Who did something, by name: the audit trail's actors as people read them.

The trail names people as programs do (``staff:canbo.bt``, ``system:reuse``); a screen
shows the person's name and role ("Phạm Minh Đức, cán bộ một cửa") or what the
service did on its own ("Hệ thống: dùng lại giấy tờ từ Kho"). Names are looked up
once a request.
"""

from __future__ import annotations

from fastapi import Request
from jinja2 import pass_context
from jinja2.runtime import Context

from accounts.views import AccountError
from kernel import Role

from .i18n import N_, gettext as _
from .labels import role_name

#: What the service does on its own, under these actors.
SERVICE_ACTS = {
    "system:reuse": N_("Hệ thống (tự động dùng lại giấy tờ từ Kho)"),
    "system:intake": N_("Hệ thống (thư mục máy quét)"),
    "system:lta-renewal": N_("Hệ thống (gia hạn chữ ký dài hạn)"),
    "system:seal-existing": N_("Hệ thống (mã hóa dữ liệu cũ)"),
    "system:sync": N_("Hệ thống (đồng bộ từ quầy)"),
    "system:thumbnails": N_("Hệ thống (vẽ ảnh thu nhỏ)"),
    "system:sohoa": N_("Hệ thống"),
    "cli:local": N_("Quản trị viên (dòng lệnh trên máy chủ)"),
    "public:lookup": N_("Người tra cứu công khai"),
}
_ROLES = {role.value: role for role in Role}


def actor_name(request: Request, actor: str | None) -> str:
    """The person or act behind ``actor``, in the request's language."""
    if not actor:
        return "—"
    if actor in SERVICE_ACTS:
        return _(SERVICE_ACTS[actor])
    prefix, _sep, username = actor.partition(":")
    role = _ROLES.get(prefix)
    if role is None:  # a person's name as typed (an operator at the counter)
        return actor
    if role is Role.SYSTEM:
        return _("Hệ thống")
    cache: dict[str, str] = request.state.__dict__.setdefault("people", {})
    if username not in cache:
        try:
            cache[username] = request.app.state.services.accounts.find(username).display_name
        except AccountError:  # an account since removed, or a masked ID: the login name
            cache[username] = username
    return f"{cache[username]} ({role_name(role).lower()})"


@pass_context
def person(context: Context, actor: str | None) -> str:
    """``actor_name`` for templates."""
    return actor_name(context["request"], actor)
