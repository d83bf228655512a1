"""The digitisation record (REGULATIONS 46–51) and the four steps a document goes through.

TT 01/2023 Art. 7 orders digitisation as scan, extract, code, store
(REGULATIONS 9.A.12). ``advance`` is the only way a document's status changes,
so no step can be skipped and each is written to the audit trail. The fields
a record must have before it is stored are a rule set (item 46, with the
"nếu có" fields optional); a deployment may require more.
"""

from __future__ import annotations

from dataclasses import dataclass, fields
from datetime import date
from typing import Any

from .errors import InvalidTransition, RecordIncomplete
from .models import DocumentStatus

NEXT_STATUS = {
    DocumentStatus.SCANNED: DocumentStatus.EXTRACTED,
    DocumentStatus.EXTRACTED: DocumentStatus.CODED,
    DocumentStatus.CODED: DocumentStatus.STORED,
}

#: Vietnamese names of record fields, for messages to counter staff.
LABELS = {
    "doc_type_code": "mã loại giấy tờ",
    "owner_id": "mã định danh chủ sở hữu",
    "doc_name": "tên giấy tờ",
    "number_symbol": "số, ký hiệu",
    "issue_date": "ngày ban hành",
    "issuing_body": "cơ quan ban hành",
    "summary": "trích yếu nội dung",
    "valid_until": "thời hạn hiệu lực",
    "validity_scope": "phạm vi hiệu lực",
    "signer_name": "người ký",
    "signer_position": "chức vụ người ký",
}
#: Item 46: every field but valid_until and validity_scope ("nếu có").
REQUIRED_FIELDS = ("doc_type_code", "owner_id", "doc_name", "number_symbol", "issue_date",
                   "issuing_body", "summary")
KINDS = ("COMPONENT", "RESULT")  # thành phần hồ sơ, kết quả giải quyết


@dataclass(frozen=True)
class DigitisationRecord:
    """What staff confirm for one digitised paper; the owner comes from the vault itself."""

    doc_type_code: str | None
    doc_name: str | None
    number_symbol: str | None = None
    issue_date: date | None = None
    issuing_body: str | None = None
    summary: str | None = None
    valid_until: date | None = None
    validity_scope: str | None = None
    signer_name: str | None = None
    signer_position: str | None = None
    kind: str = "COMPONENT"

    def as_dict(self) -> dict[str, Any]:
        """The values for JSON: dates as ISO text."""
        return {f.name: value.isoformat() if isinstance(value := getattr(self, f.name), date)
                else value for f in fields(self)}

    def missing(self, required: tuple[str, ...], owner_id: str | None) -> list[str]:
        """Required fields left empty, in the order of the rule set."""
        values = {f.name: getattr(self, f.name) for f in fields(self)}
        values["owner_id"] = owner_id
        return [name for name in required
                if values.get(name) is None or not str(values[name]).strip()]


def check_complete(record: DigitisationRecord, required: tuple[str, ...],
                   owner_id: str | None) -> None:
    """Refuse a record with an empty required field, naming each one (REGULATIONS 46)."""
    if record.kind not in KINDS:
        raise RecordIncomplete(f"loại bản ghi {record.kind!r} không hợp lệ: dùng COMPONENT "
                               f"hoặc RESULT (kind must be COMPONENT or RESULT)", missing=[])
    missing = record.missing(required, owner_id)
    if missing:
        names = ", ".join(LABELS.get(name, name) for name in missing)
        raise RecordIncomplete(
            f"chưa lưu được: còn trống {names} (required fields are empty: {', '.join(missing)})",
            missing=missing,
        )


def check_transition(current: str, target: DocumentStatus) -> None:
    """Only the next step is allowed: a document cannot be coded before it is extracted."""
    if NEXT_STATUS.get(DocumentStatus(current)) is not target:
        raise InvalidTransition(
            f"không thể chuyển trạng thái từ {current} sang {target.value} "
            f"(a document goes SCANNED → EXTRACTED → CODED → STORED, one step at a time)"
        )
