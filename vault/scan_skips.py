"""When the counter does not copy a paper (không sao chụp), and why (REGULATIONS 52, TT
03/2025 Art. 5).

Scanning every component received is the rule; the circular lists the exceptions: a
component submitted online as an electronic document, a paper that is only shown to
be checked, the verification or opinion of a participating agency (unless the sector's
law, flagged on the procedure, requires its copy) and a confidential paper. A skip
names one of these reasons by code; it satisfies the component without a document,
and is kept in the dossier's history and the audit trail with its code.
"""

from __future__ import annotations

from datetime import UTC, datetime

from sqlalchemy.orm import Session

from .audit import audit
from .case_records import SKIPPED
from .case_rows import event
from .errors import InvalidRecordValue, InvalidTransition, NotFound
from .models import Dossier
from .procedures import Procedure

#: The reasons a component is not copied, by code, and how people read them.
SKIP_REASONS = {
    "ONLINE_ELECTRONIC": "Thành phần nộp trực tuyến dưới dạng điện tử",
    "PRESENT_ONLY": "Giấy tờ chỉ xuất trình để đối chiếu",
    "PARTICIPATING_RESULT": "Kết quả xác minh, ý kiến của cơ quan phối hợp",
    "CONFIDENTIAL": "Tài liệu có nội dung bí mật nhà nước",
}


def skip_scan(session: Session, dossier: Dossier, component: str, reason_code: str,
              note: str | None, procedure: Procedure | None, actor: str) -> None:
    """Mark ``component`` of ``dossier`` as received without a copy, for ``reason_code``."""
    if reason_code not in SKIP_REASONS:
        allowed = "; ".join(f"{code} ({name})" for code, name in SKIP_REASONS.items())
        raise InvalidRecordValue(f"lý do không sao chụp {reason_code!r} không có trong danh "
                                 f"mục (unknown reason; use one of: {allowed})")
    if reason_code == "PARTICIPATING_RESULT" and procedure is not None \
            and procedure.scan_participating_results:
        raise InvalidRecordValue(f"thủ tục {procedure.code} theo luật chuyên ngành phải sao "
                                 "chụp kết quả của cơ quan phối hợp (the sector's law requires "
                                 "this copy)")
    rows = [r for r in dossier.components if r.code == component]
    if not rows:
        raise NotFound(f"hồ sơ {dossier.code} không có thành phần {component} (no such "
                       "component)")
    row = next((r for r in rows if r.document_id is None and r.source is None), None)
    if row is None:
        raise InvalidTransition(f"thành phần {component} đã có tài liệu hoặc đã ghi không sao "
                                "chụp (the component is already satisfied)")
    row.source, row.reason = SKIPPED, reason_code
    row.attached_at, row.attached_by = datetime.now(UTC), actor
    text = " ".join((note or "").split())[:500] or None
    event(session, dossier, actor, "SCAN_SKIPPED", reason_code=reason_code, text=text,
          details={"component": component, "reason": SKIP_REASONS[reason_code]})
    audit(session, actor, "dossier.scan_skipped", "dossier", dossier.code,
          {"component": component, "reason_code": reason_code})

