"""The printable paper copy of an electronic document (chuyển đổi điện tử → giấy).

NĐ 45/2020 Art. 18(2) (REGULATIONS 9.E.40) asks a paper copy to show the whole
document, that it was processed on an information system and that system's
name, the code to look it up by (or the converter's name and signature), and to
stay verifiable whenever the system runs. TT 01/2023 (9.A.14) puts a QR with its
data set at the top-left of documents the system issues. A formal "SAO Y" on
paper (NĐ 30/2020 Appendix I Part II §II, 9.E.41) adds its block on the same
sheet, right after the copied text, under a full-width line.

The sheet is built in two layers. fpdf2 draws what we add — QR, certification
lines, page footer, the "SAO Y" block — on A4 pages; pikepdf then places each
page of the document, with its signature stamps flattened into it, into the
space left free, shrunk to fit and never distorted. The document's pages stay
vectors and images as they were: nothing is re-rendered.
"""

from __future__ import annotations

import io
import unicodedata
from dataclasses import dataclass
from datetime import datetime

import pikepdf
from fpdf import FPDF

from .clock import vietnam_time, vietnamese_date
from .errors import BadSigningInput
from .fonts import BOLD_FONT_FILE, STAMP_FONT_FILE, find_source_font
from .qr_data import dark_runs, qr_modules

A4 = (210.0, 297.0)
MARGIN = 8.0  # mm: inside every printer's unprintable edge
QR_SIZE = 30.0  # mm, quiet zone included
HEADER = QR_SIZE + 4.0
FOOTER = 6.0
FORMAL_BLOCK = 64.0
POINTS_PER_MM = 72 / 25.4
ITALIC_FONT_FILE = "LiberationSerif-Italic.ttf"
ARCHIVE_RECIPIENT = "Lưu: VT"  # the agency's own file copy (văn thư)


@dataclass(frozen=True)
class CertificationBlock:
    """What every paper copy states (9.E.40): the system, the codes, the converter."""

    system_name: str
    document_code: str
    lookup_code: str
    lookup_url: str
    converter: str
    converted_at: datetime


@dataclass(frozen=True)
class FormalCopy:
    """The "SAO Y" block of a formal paper copy (9.E.41), elements (a)–(g) of NĐ 30/2020."""

    copy_form: str
    agency_name: str
    copy_symbol: str
    place: str
    signer_position: str
    signer_name: str
    recipients: tuple[str, ...] = ("Tổ chức, cá nhân yêu cầu",)

    @property
    def recipient_lines(self) -> list[str]:
        """``- X;`` each, ending ``- Lưu: VT.``: the agency's file copy is always listed."""
        names = [r.strip().rstrip(";.") for r in self.recipients if r.strip()]
        if not any(name.lower().startswith("lưu") for name in names):
            names.append(ARCHIVE_RECIPIENT)
        return [f"- {name}{'.' if i == len(names) - 1 else ';'}" for i, name in enumerate(names)]


def paper_copy(pdf: bytes, qr_text: str, block: CertificationBlock,
               formal: FormalCopy | None = None) -> bytes:
    """An A4 PDF to print: the document's pages with the QR and statement of ``block`` on the
    first and, for a formal copy, the "SAO Y" block on the last."""
    try:
        source = pikepdf.open(io.BytesIO(pdf))
    except pikepdf.PdfError as exc:
        raise BadSigningInput(f"không đọc được tệp PDF (not a readable PDF): {exc}") from None
    with source:
        count = len(source.pages)
        if count == 0:
            raise BadSigningInput("tệp PDF không có trang nào (the PDF has no pages)")
        # Signature stamps are annotations; a printed copy shows them as a viewer prints them.
        source.flatten_annotations("print")
        sheet = pikepdf.open(io.BytesIO(_layer(count, qr_text, block, formal)))
        for index, page in enumerate(source.pages):
            top = MARGIN + (HEADER if index == 0 else 0.0)
            bottom = MARGIN + FOOTER + (FORMAL_BLOCK if formal and index == count - 1 else 0.0)
            frame = pikepdf.Rectangle(MARGIN * POINTS_PER_MM, bottom * POINTS_PER_MM,
                                      (A4[0] - MARGIN) * POINTS_PER_MM,
                                      (A4[1] - top) * POINTS_PER_MM)
            sheet.pages[index].add_underlay(sheet.copy_foreign(page.as_form_xobject()), frame)
        sheet.docinfo["/Title"] = f"Bản in — {block.document_code}"
        out = io.BytesIO()
        sheet.save(out)
        return out.getvalue()


def _layer(pages: int, qr_text: str, block: CertificationBlock,
           formal: FormalCopy | None) -> bytes:
    """The pages of what we add, one per page of the document."""
    doc = FPDF(unit="mm", format="A4")
    doc.set_auto_page_break(False)
    doc.set_margins(MARGIN, MARGIN, MARGIN)
    doc.add_font("serif", "", str(find_source_font(STAMP_FONT_FILE)))
    doc.add_font("serif", "B", str(find_source_font(BOLD_FONT_FILE)))
    doc.add_font("serif", "I", str(find_source_font(ITALIC_FONT_FILE)))
    for index in range(pages):
        doc.add_page()
        if index == 0:
            draw_qr(doc, qr_text, MARGIN, MARGIN, QR_SIZE)
            _statement(doc, block)
        if formal and index == pages - 1:
            _formal_block(doc, formal, block.converted_at)
        _footer(doc, block, index + 1, pages)
    return bytes(doc.output())


def draw_qr(doc: FPDF, text: str, x: float, y: float, size: float) -> None:
    """The QR in a ``size`` square at (x, y), its four-module quiet zone inside the square."""
    modules = qr_modules(text)
    module = size / (len(modules) + 8)
    doc.set_fill_color(0, 0, 0)
    for row, column, length in dark_runs(modules):
        doc.rect(x + (column + 4) * module, y + (row + 4) * module, length * module, module,
                 style="F")


def _statement(doc: FPDF, block: CertificationBlock) -> None:
    """Beside the QR: the conversion mark and the elements of 9.E.40 (b), (c) and (e)."""
    x = MARGIN + QR_SIZE + 2.0
    width = A4[0] - MARGIN - x
    doc.set_xy(x, MARGIN + 2.0)
    doc.set_font("serif", "B", 10)
    text_line(doc, width, "BẢN CHUYỂN ĐỔI TỪ VĂN BẢN ĐIỆN TỬ SANG VĂN BẢN GIẤY", x)
    doc.set_font("serif", "", 9)
    for text in (
        f"Được xử lý trên hệ thống thông tin: {block.system_name}",
        f"Mã tài liệu: {block.document_code}",
        f"Mã tra cứu: {block.lookup_code} — tra cứu tại {block.lookup_url}",
        f"Người chuyển đổi: {block.converter}    Thời gian: {vietnam_time(block.converted_at)}",
        "Chữ ký người chuyển đổi: ..............................",
    ):
        text_line(doc, width, text, x)


def _formal_block(doc: FPDF, formal: FormalCopy, when: datetime) -> None:
    """NĐ 30/2020's "SAO Y" block under a full-width line, at the foot of the last page."""
    top = A4[1] - MARGIN - FOOTER - FORMAL_BLOCK + 2.0
    doc.set_line_width(0.4)
    doc.line(MARGIN, top, A4[0] - MARGIN, top)
    half = (A4[0] - 2 * MARGIN) / 2
    left, right = MARGIN + 2.0, MARGIN + half
    doc.set_xy(left, top + 2.0)
    doc.set_font("serif", "B", 14)
    text_line(doc, half, formal.copy_form.strip().upper(), left, height=6.5)
    column_top = doc.get_y() + 1.0
    doc.set_font("serif", "B", 11)
    text_line(doc, half - 4, formal.agency_name.upper(), left)
    doc.set_font("serif", "", 11)
    text_line(doc, half - 4, f"Số: {formal.copy_symbol}", left)
    doc.set_y(doc.get_y() + 3.0)
    doc.set_font("serif", "B", 10)
    text_line(doc, half - 4, "Nơi nhận:", left)
    doc.set_font("serif", "", 9)
    for line in formal.recipient_lines:
        text_line(doc, half - 4, line, left, height=4.0)
    doc.set_xy(right, column_top)
    doc.set_font("serif", "I", 11)
    text_line(doc, half, f"{formal.place}, {vietnamese_date(when)}", right, align="C")
    doc.set_font("serif", "B", 11)
    text_line(doc, half, formal.signer_position.upper(), right, align="C")
    doc.set_y(doc.get_y() + 20.0)  # the signature and the agency's seal go here, by hand
    text_line(doc, half, formal.signer_name, right, align="C")


def _footer(doc: FPDF, block: CertificationBlock, page: int, pages: int) -> None:
    """On every sheet, so that a loose page is still matched to its copy and look-up code."""
    doc.set_xy(MARGIN, A4[1] - MARGIN - FOOTER + 1.5)
    doc.set_font("serif", "", 7)
    text_line(doc, A4[0] - 2 * MARGIN,
          f"Bản in từ {block.system_name} · Mã tra cứu {block.lookup_code} · "
          f"Trang {page}/{pages}", MARGIN, align="C")


def text_line(doc: FPDF, width: float, text: str, x: float, *, height: float = 4.6,
          align: str = "L") -> None:
    """Text that wraps within ``width`` starting at ``x``, leaving the cursor below it."""
    doc.set_x(x)
    doc.multi_cell(width, height, unicodedata.normalize("NFC", text), align=align,
                   new_x="LEFT", new_y="NEXT")

