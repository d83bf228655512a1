"""When an archived dossier may be destroyed, and the record of its destruction (biên bản hủy).

Destruction is the one act an archive cannot undo, so the rules are few and
absolute (TT 13/2023 Art. 7; REGULATIONS 9.D.34–35): not before the retention
period has run, never a dossier kept permanently, never under a legal hold, and
only on the decision of someone other than the person who proposed it.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path

from fpdf import FPDF
from fpdf.enums import XPos, YPos

from kernel import DomainError

from .schedule import Retention


class DisposalRefused(DomainError):
    """The dossier may not be destroyed (yet); the message says why."""

    code = "disposal_refused"
    http_status = 409


def disposal_rule(code: str, retention: Retention, work_ended: date, today: date, *,
                  holds: int) -> date:
    """The rule itself, for ``holds`` standing holds. Callers ask `holds.disposable_on`,
    which counts the holds; this stays apart so the rule can be read and tested alone."""
    due = retention.disposal_from(work_ended)
    if due is None:
        raise DisposalRefused(f"hồ sơ {code} bảo quản vĩnh viễn: không được hủy "
                              "(kept permanently; never destroyed)")
    if holds:
        raise DisposalRefused(f"hồ sơ {code} đang bị phong tỏa ({holds} lệnh): không được hủy "
                              "(under a legal hold)")
    if today < due:
        raise DisposalRefused(f"hồ sơ {code} bảo quản đến {due:%d/%m/%Y}: chưa được hủy "
                              f"(retention runs until {due.isoformat()})")
    return due


def check_second_person(proposed_by: str, approver: str) -> None:
    if approver == proposed_by:
        raise DisposalRefused("người đề nghị hủy không tự phê duyệt được: cần người thứ hai "
                              "(the proposer cannot approve; a second person must)")


@dataclass(frozen=True)
class DestructionRecord:
    """What the biên bản hủy states: what was destroyed, on whose decision, with which hashes."""

    number: str
    agency: str
    dossier_code: str
    file_code: str
    title: str
    maintenance: str
    work_ended: date
    disposal_from: date
    reason: str
    decision: str
    proposed_by: str
    approved_by: str
    destroyed_at: datetime
    package_checksum: str
    files: tuple[tuple[str, str, int], ...]  # path, SHA-256, size


def _line(pdf: FPDF, height: float, text: str, align: str = "L") -> None:
    """A paragraph, then back to the left margin on the next line (fpdf2's multi_cell
    otherwise leaves the cursor at the right edge)."""
    pdf.multi_cell(0, height, text, align=align, new_x=XPos.LMARGIN, new_y=YPos.NEXT)


def destruction_record_pdf(record: DestructionRecord, font: Path) -> bytes:
    """The record as an A4 PDF (Times-like font with every Vietnamese glyph), ready to sign."""
    pdf = FPDF(format="A4")
    pdf.set_margins(30, 20, 20)
    pdf.add_font("stamp", "", str(font))
    pdf.set_auto_page_break(True, margin=20)
    pdf.add_page()
    pdf.set_font("stamp", size=13)
    _line(pdf, 7, record.agency.upper())
    pdf.ln(4)
    pdf.set_font("stamp", size=15)
    _line(pdf, 8, "BIÊN BẢN HỦY TÀI LIỆU HẾT GIÁ TRỊ", "C")
    pdf.set_font("stamp", size=11)
    _line(pdf, 6, f"Số: {record.number}", "C")
    pdf.ln(4)
    rows = [
        ("Mã hồ sơ TTHC", record.dossier_code),
        ("Mã hồ sơ lưu trữ", record.file_code),
        ("Tiêu đề", record.title),
        ("Thời hạn bảo quản", record.maintenance),
        ("Ngày công việc kết thúc", f"{record.work_ended:%d/%m/%Y}"),
        ("Được hủy từ ngày", f"{record.disposal_from:%d/%m/%Y}"),
        ("Lý do hủy", record.reason),
        ("Căn cứ (quyết định)", record.decision),
        ("Người đề nghị", record.proposed_by),
        ("Người phê duyệt", record.approved_by),
        ("Thời điểm hủy", record.destroyed_at.isoformat(timespec="seconds")),
        ("Mã băm gói nộp lưu (SHA-256)", record.package_checksum),
        ("Cách hủy", "Hủy khóa mã hóa dữ liệu (crypto-shredding) và xóa mọi bản lưu"),
    ]
    for label, value in rows:
        pdf.set_font("stamp", size=11)
        _line(pdf, 6, f"{label}: {value}")
    pdf.ln(3)
    _line(pdf, 6, f"Danh mục {len(record.files)} tệp đã hủy (đường dẫn, SHA-256, "
                         "dung lượng):")
    pdf.set_font("stamp", size=8)
    for path, sha256, size in record.files:
        _line(pdf, 4.5, f"{path}\n    {sha256}  {size} bytes")
    return bytes(pdf.output())
