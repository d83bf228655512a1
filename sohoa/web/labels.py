"""The names people read for the service's codes: roles and dossier statuses; and the
domain's messages in the reader's language."""

from __future__ import annotations

import re

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


#: An English gloss in brackets, as the domain's messages carry one for programs and
#: logs: "… không có trong danh mục (document type not in the catalogue)". Only plain
#: ASCII holding two lowercase words in a row, so "(TT 13/2023)" or "(KQ1)" stay.
_BRACKETS = re.compile(r"\s*\(([^()]*)\)")
_GLOSS = re.compile(r"[\x20-\x7e]*\b[a-z]{2,}\s+[a-z]{2,}\b[\x20-\x7e]*")


def said(message: str, language: str) -> str:
    """A domain message as the reader reads it, as a sentence: in Vietnamese without its
    English gloss; in English as written (both languages), since the glosses carry the
    English."""
    if language == "vi":
        message = _BRACKETS.sub(lambda m: "" if _GLOSS.fullmatch(m.group(1)) else m.group(0),
                                message).strip()
    return message[:1].upper() + message[1:]
