"""The names people read for the service's codes: roles and dossier statuses; and the
domain's messages in the reader's language."""

from __future__ import annotations

import re

from kernel import OwnerKind, Role

from .i18n import N_, gettext as _

#: A dossier's status as the forms of TT 03/2025 name it (``vault.DossierStatus``).
STATUS_NAMES = {
    "RECEIVED": N_("Đã tiếp nhận"), "PROCESSING": N_("Đang giải quyết"),
    "SUPPLEMENT": N_("Yêu cầu bổ sung"), "PARKED": N_("Tạm dừng"), "RETURNED": N_("Trả lại"),
    "COMPLETED": N_("Đã có kết quả"),
}


def status_name(status: str) -> str:
    return _(STATUS_NAMES.get(status, status))


#: A document's step in the four steps of TT 01/2023 Art. 7 (``vault.DocumentStatus``).
DOCUMENT_STATUS_NAMES = {
    "SCANNED": N_("Đã quét, đang đọc"), "EXTRACTED": N_("Chờ cán bộ kiểm tra"),
    "CODED": N_("Đã gán mã"), "STORED": N_("Đã lưu vào kho"),
}


_UNKNOWN_STATUS = N_("Không rõ")
_OTHER_CHANGE = N_("Thay đổi khác")
_OTHER_SOURCE = N_("khác")
_WORKING = N_("đang xử lý")


def document_status_name(status: str) -> str:
    return _(DOCUMENT_STATUS_NAMES.get(status, _UNKNOWN_STATUS))


#: What happened to a dossier, as its history lists it (``vault.case_rows.event``).
HISTORY_NAMES = {
    "OPENED": N_("Tiếp nhận hồ sơ"), "COMPONENT": N_("Gắn thành phần hồ sơ"),
    "STATUS": N_("Chuyển trạng thái"), "AMENDED": N_("Điều chỉnh ngày hẹn trả"),
    "OPINION": N_("Ý kiến cán bộ"), "RESULT": N_("Lưu kết quả giải quyết"),
    "SCAN_SKIPPED": N_("Không số hóa thành phần"), "REUSED": N_("Dùng lại giấy tờ từ Kho"),
}


#: Where a component's document came from (``vault.DossierComponent.source``).
SOURCE_NAMES = {"VAULT": N_("lấy từ Kho dữ liệu"), "SCAN": N_("bản quét tại quầy"),
                "DOCUMENT": N_("tài liệu đã có"), "SKIPPED": N_("không sao chụp")}


def source_name(source: str) -> str:
    return _(SOURCE_NAMES.get(source, _OTHER_SOURCE))


#: The step a digitisation job is at (``sohoa.usecases.counter``'s progress).
STAGE_NAMES = {"ocr": N_("nhận dạng chữ"), "sign": N_("ký số"), "stored": N_("đã lưu vào kho")}


def stage_name(stage: str) -> str:
    return _(STAGE_NAMES.get(stage, _WORKING))


#: What each stored file of a document is (``vault.FileRole``).
FILE_ROLE_NAMES = {
    "original": N_("Bản quét gốc, đúng như nhận được"), "pdfa": N_("Bản PDF/A có lớp chữ"),
    "signed": N_("Bản PDF/A đã ký số"), "text": N_("Chữ nhận dạng được"),
    "certified": N_("Bản sao điện tử có chứng thực"),
}
_OTHER_FILE = N_("Tệp khác")


def file_role_name(role: str) -> str:
    return _(FILE_ROLE_NAMES.get(role, _OTHER_FILE))


def history_name(kind: str) -> str:
    return _(HISTORY_NAMES.get(kind, _OTHER_CHANGE))


def owner_kind_name(kind: OwnerKind) -> str:
    return {OwnerKind.CITIZEN: _("Công dân"), OwnerKind.ORGANISATION: _("Tổ chức, doanh nghiệp"),
            OwnerKind.UNIDENTIFIED: _("Người không có số định danh"),
            OwnerKind.FOREIGNER: _("Người nước ngoài")}[kind]


def role_name(role: Role) -> str:
    return {Role.CITIZEN: _("Công dân"), Role.ORGANISATION: _("Tổ chức"),
            Role.STAFF: _("Cán bộ một cửa"), Role.ARCHIVIST: _("Lưu trữ viên"),
            Role.ADMIN: _("Quản trị"), Role.SYSTEM: _("Hệ thống")}[role]


#: An English gloss in brackets, as the domain's messages carry one for programs and
#: logs: "… không có trong danh mục (document type not in the catalogue)". Only plain
#: ASCII holding two lowercase words in a row, so "(TT 13/2023)" or "(KQ1)" stay.
_BRACKETS = re.compile(r"\s*\(([^()]*)\)")
_GLOSS = re.compile(r"[\x20-\x7e]*\b[a-z]{2,}\s+[a-z]{2,}\b[\x20-\x7e]*")


def said(message: str, language: str, *, sentence: bool = True) -> str:
    """A domain message as the reader reads it (a sentence, or with ``sentence`` False a
    part of one): in Vietnamese without its English gloss; in English as written (both
    languages), since the glosses carry the English."""
    if language == "vi":
        message = _BRACKETS.sub(lambda m: "" if _GLOSS.fullmatch(m.group(1)) else m.group(0),
                                message).strip()
    return message[:1].upper() + message[1:] if sentence else message


#: The measures the report counts (``vault.indicators.MEASURES``), as a formula reads them.
MEASURE_NAMES = {
    "received": N_("hồ sơ tiếp nhận"), "digitised": N_("hồ sơ có thành phần số hóa"),
    "fully_digitised": N_("hồ sơ số hóa đầy đủ"), "reused": N_("hồ sơ dùng lại từ Kho"),
    "components_required": N_("thành phần bắt buộc"),
    "components_from_vault": N_("thành phần lấy từ Kho"),
    "resolved": N_("hồ sơ đã giải quyết"), "results_electronic": N_("có kết quả điện tử"),
    "results_not_required": N_("thủ tục không có văn bản kết quả"),
    "documents": N_("giấy tờ đã số hóa"), "pages": N_("trang đã số hóa"),
}


def measure_formula(numerator: tuple[str, ...], denominator: tuple[str, ...]) -> str:
    """An indicator's formula in words: "(có kết quả điện tử + …) ÷ hồ sơ đã giải quyết"."""
    def side(names: tuple[str, ...]) -> str:
        words = [_(MEASURE_NAMES.get(name, name)) for name in names]
        return words[0] if len(words) == 1 else f"({' + '.join(words)})"
    return f"{side(numerator)} ÷ {side(denominator)}"
