"""What each role sees in the top bar: its own screens, nothing else."""

from __future__ import annotations

from accounts.service import AccountView
from kernel import Role

from .i18n import gettext as _


def nav(account: AccountView) -> list[tuple[str, str]]:
    if account.role is Role.STAFF:
        return [("/counter", _("Hồ sơ")), ("/counter/dossiers/new", _("Tiếp nhận hồ sơ")),
                ("/counter/hot-folder", _("Thư mục máy quét")), ("/reports", _("Báo cáo"))]
    if account.role in (Role.CITIZEN, Role.ORGANISATION):
        return [("/vault", _("Kho dữ liệu")), ("/vault/apply", _("Nộp hồ sơ mới")),
                ("/vault/dossiers", _("Hồ sơ của tôi")), ("/vault/grants", _("Chia sẻ")),
                ("/vault/access-log", _("Nhật ký truy cập"))]
    if account.role is Role.ARCHIVIST:
        return [("/archive", _("Đến hạn nộp lưu")), ("/archive/transfers", _("Đã nộp lưu")),
                ("/archive/disposals", _("Hủy tài liệu")), ("/reports", _("Báo cáo"))]
    if account.role is Role.ADMIN:
        return [("/admin", _("Cơ quan")), ("/admin/accounts", _("Tài khoản")),
                ("/admin/retention", _("Thời hạn bảo quản")), ("/admin/keys", _("Khóa ký số")),
                ("/reports", _("Báo cáo"))]
    return []


def home_of(role: Role) -> str:
    """Where each role starts."""
    return {Role.STAFF: "/counter", Role.CITIZEN: "/vault", Role.ORGANISATION: "/vault",
            Role.ARCHIVIST: "/archive", Role.ADMIN: "/admin"}.get(role, "/login")
