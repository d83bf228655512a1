"""The receipt slip (giấy tiếp nhận hồ sơ và hẹn trả kết quả) printed at the counter.

The citizen leaves the counter with it: the dossier code to follow the case, the
components handed over (scanned, or taken from the vault so no paper was asked
for), and the promised date. Its QR, top-left, carries the TT 01/2023 data set
with the appointment date (REGULATIONS 9.A.14). Laid out on A4 like the counter's
form (TT 03/2025 Mẫu 01 in spirit; the exact template is not in our sources).
"""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass
from datetime import date, datetime

from fpdf import FPDF

from .clock import vietnam_time, vietnamese_date
from .fonts import BOLD_FONT_FILE, STAMP_FONT_FILE, find_source_font
from .paper import A4, MARGIN, QR_SIZE, draw_qr, text_line
from .qr_data import PublicationData


@dataclass(frozen=True)
class ReceiptLine:
    """One component of the dossier as received."""

    name: str
    #: How it was received: "bản quét", "từ kho dữ liệu", or "chưa nộp".
    how: str


@dataclass(frozen=True)
class ReceiptSlip:
    agency_name: str
    dossier_code: str
    procedure: str
    owner_id: str
    received_at: datetime
    due_on: date | None
    officer: str
    components: tuple[ReceiptLine, ...]
    system_name: str
    lookup_url: str | None = None

    def qr_data(self) -> PublicationData:
        return PublicationData(
            dossier_code=self.dossier_code, procedure_code=self.procedure,
            owner_id=self.owner_id, document_name="Giấy tiếp nhận hồ sơ và hẹn trả kết quả",
            system_name=self.system_name, published_at=self.received_at,
            appointment_on=self.due_on, lookup_url=self.lookup_url)


def receipt_pdf(slip: ReceiptSlip) -> bytes:
    """The slip as a one-page A4 PDF (more pages only for very long component lists)."""
    doc = FPDF(unit="mm", format="A4")
    doc.set_margins(MARGIN + 10, MARGIN, MARGIN + 10)
    doc.set_auto_page_break(True, margin=MARGIN + 6)
    doc.add_font("serif", "", str(find_source_font(STAMP_FONT_FILE)))
    doc.add_font("serif", "B", str(find_source_font(BOLD_FONT_FILE)))
    doc.add_page()
    draw_qr(doc, slip.qr_data().text(), MARGIN, MARGIN, QR_SIZE)
    left = MARGIN + QR_SIZE + 4
    width = A4[0] - left - MARGIN
    doc.set_xy(left, MARGIN + 2)
    doc.set_font("serif", "B", 11)
    text_line(doc, width, slip.agency_name.upper(), left, align="C")
    doc.set_font("serif", "", 10)
    text_line(doc, width, "BỘ PHẬN TIẾP NHẬN VÀ TRẢ KẾT QUẢ", left, align="C")
    doc.set_y(MARGIN + QR_SIZE + 6)
    body = A4[0] - 2 * (MARGIN + 10)
    x = MARGIN + 10
    doc.set_font("serif", "B", 14)
    text_line(doc, body, "GIẤY TIẾP NHẬN HỒ SƠ VÀ HẸN TRẢ KẾT QUẢ", x, height=7, align="C")
    doc.set_font("serif", "", 11)
    text_line(doc, body, f"Mã hồ sơ: {slip.dossier_code}", x, height=6, align="C")
    doc.ln(3)
    for text in (
        f"Tiếp nhận hồ sơ của: tổ chức, cá nhân có mã định danh {slip.owner_id}",
        f"Thủ tục hành chính: {slip.procedure}",
        f"Thời gian tiếp nhận: {vietnam_time(slip.received_at)}",
        "Thành phần hồ sơ:",
    ):
        text_line(doc, body, text, x, height=6)
    for number, line in enumerate(slip.components, start=1):
        text_line(doc, body - 6, f"{number}. {line.name} — {line.how}", x + 6, height=6)
    doc.ln(2)
    due = (f"ngày {slip.due_on:%d/%m/%Y}" if slip.due_on
           else "theo thông báo của cơ quan giải quyết")
    doc.set_font("serif", "B", 11)
    text_line(doc, body, f"Ngày hẹn trả kết quả: {due}", x, height=6)
    doc.set_font("serif", "", 11)
    if slip.lookup_url:
        text_line(doc, body, f"Theo dõi hồ sơ tại: {slip.lookup_url}", x, height=6)
    doc.ln(6)
    half = body / 2
    doc.set_x(x + half)
    text_line(doc, half, vietnamese_date(slip.received_at).capitalize(), x + half, align="C")
    doc.set_font("serif", "B", 11)
    text_line(doc, half, "NGƯỜI TIẾP NHẬN", x + half, align="C")
    doc.ln(16)
    doc.set_font("serif", "", 11)
    text_line(doc, half, unicodedata.normalize("NFC", slip.officer), x + half, align="C")
    return bytes(doc.output())
