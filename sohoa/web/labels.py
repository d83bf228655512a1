"""The names people read for the service's codes: roles and dossier statuses."""

from __future__ import annotations

from kernel import Role

from .i18n import N_, gettext as _

#: A dossier's status as the forms of TT 03/2025 name it (``vault.DossierStatus``).
STATUS_NAMES = {
    "RECEIVED": N_("Đã tiếp nhận"), "PROCESSING": N_("Đang giải quyết"),
    "SUPPLEMENT": N_("Yêu cầu bổ sung"), "PARKED": N_("Tạm dừng"), "RETURNED": N_("Trả lại"),
    "COMPLETED": N_("Đã có kết quả"),
}


def status_name(status: str) -> str:
    return _(STATUS_NAMES.get(status, status))


def role_name(role: Role) -> str:
    return {Role.CITIZEN: _("Công dân"), Role.ORGANISATION: _("Tổ chức"),
            Role.STAFF: _("Cán bộ một cửa"), Role.ARCHIVIST: _("Lưu trữ viên"),
            Role.ADMIN: _("Quản trị"), Role.SYSTEM: _("Hệ thống")}[role]
