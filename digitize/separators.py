"""Separator sheets (tờ phân tách): split one feeder batch into its documents.

At a busy counter the officer stacks a whole dossier in the automatic document
feeder, with a printed sheet in front of each paper. The sheet carries a QR
with the dossier code and the component (thành phần hồ sơ) that follows, so
one scan becomes one document per component, named and filed where it
belongs. Separator pages are recognised and dropped: they are not content.

Splitting keeps originals intact: image files are never touched, and a PDF
or TIFF batch is cut into page ranges by copying the pages' image streams
(pikepdf) or frames (lossless), never by re-encoding them.
"""

from __future__ import annotations

import io
from dataclasses import dataclass, field

import img2pdf
import pikepdf
from PIL import Image, ImageDraw, ImageFont

from .errors import IntakeError
from .formats import ScanFormat
from .intake import ScanFile
from .page_images import page_pictures
from .qr import READ_SIZE, qr_image, read_qr

MAGIC = "SOHOA-SEP"
VERSION = "1"
SHEET_DPI = 200
FONT_PATH = "/usr/share/fonts/truetype/liberation2/LiberationSans-Regular.ttf"


class BadSeparator(IntakeError):
    """A separator sheet was asked for with a value that cannot be printed in its QR."""

    code = "bad_separator"


class SeparatorMismatch(IntakeError):
    """The separator sheets do not fit the request (another dossier, no content pages)."""

    code = "separator_mismatch"


@dataclass(frozen=True)
class Separator:
    """What a separator sheet says: the dossier, the component code and its name."""

    dossier: str
    component: str
    label: str = ""

    def payload(self) -> str:
        for value in (self.dossier, self.component, self.label):
            if "|" in value or "\n" in value:
                raise BadSeparator("mã hồ sơ, mã thành phần và tên không được chứa '|' hay xuống "
                                   "dòng (separator values may not contain '|' or line breaks)")
        if not self.dossier.strip() or not self.component.strip():
            raise BadSeparator("tờ phân tách cần mã hồ sơ và mã thành phần "
                               "(a separator needs a dossier code and a component code)")
        return "|".join((MAGIC, VERSION, self.dossier, self.component, self.label))

    @classmethod
    def parse(cls, text: str) -> Separator | None:
        parts = text.split("|")
        if len(parts) != 5 or parts[0] != MAGIC or parts[1] != VERSION:
            return None
        return cls(parts[2], parts[3], parts[4])


@dataclass
class BatchPart:
    """The pages after one separator (or before the first), as (file, page) positions."""

    separator: Separator | None
    pages: list[tuple[int, int]] = field(default_factory=list)


def separator_sheet(separator: Separator) -> bytes:
    """A printable A4 PDF page: a large QR and the same facts in words for the officer."""
    width, height = round(8.27 * SHEET_DPI), round(11.69 * SHEET_DPI)
    page = Image.new("L", (width, height), 255)
    draw = ImageDraw.Draw(page)
    code = qr_image(separator.payload(), module_px=14)
    page.paste(code, ((width - code.width) // 2, round(2.2 * SHEET_DPI)))
    big = ImageFont.truetype(FONT_PATH, size=round(0.3 * SHEET_DPI))
    small = ImageFont.truetype(FONT_PATH, size=round(0.16 * SHEET_DPI))
    lines = [
        (big, "TỜ PHÂN TÁCH HỒ SƠ"),
        (small, "Đặt tờ này trước giấy tờ cần số hóa. Tờ này không được lưu."),
        (small, f"Hồ sơ: {separator.dossier}"),
        (small, f"Thành phần: {separator.component}"),
    ]
    if separator.label:
        lines.append((small, separator.label))
    y = round(0.9 * SHEET_DPI)
    for font, text in lines[:2]:
        draw.text((width // 2, y), text, font=font, fill=0, anchor="mt")
        y += round(0.45 * SHEET_DPI)
    y = round(2.2 * SHEET_DPI) + code.height + round(0.4 * SHEET_DPI)
    for font, text in lines[2:]:
        draw.text((width // 2, y), text, font=font, fill=0, anchor="mt")
        y += round(0.3 * SHEET_DPI)
    out = io.BytesIO()
    page.save(out, format="PNG", dpi=(SHEET_DPI, SHEET_DPI))
    with pikepdf.open(io.BytesIO(img2pdf.convert(out.getvalue()))) as pdf:
        sheet = io.BytesIO()
        pdf.save(sheet, min_version="1.7")  # img2pdf writes 1.3; intake wants ≥ 1.4
    return sheet.getvalue()


def find_separator(image: Image.Image) -> Separator | None:
    for text in read_qr(image):
        if (found := Separator.parse(text)) is not None:
            return found
    return None


def split_batch(scans: list[ScanFile]) -> list[BatchPart]:
    """Cut the pages of ``scans`` (in order) at each separator page; separators are dropped."""
    parts: list[BatchPart] = [BatchPart(None)]
    for page in page_pictures(scans, max_side=READ_SIZE):
        separator = find_separator(page.image) if page.image is not None else None
        if separator is not None:
            parts.append(BatchPart(separator))
        else:
            parts[-1].pages.append((page.file_index, page.page_index))
    return [part for part in parts if part.pages]


def part_files(part: BatchPart, scans: list[ScanFile]) -> list[ScanFile]:
    """The part's pages as files: whole files where possible, else page ranges of a file."""
    by_file: dict[int, list[int]] = {}
    for file_index, page_index in part.pages:
        by_file.setdefault(file_index, []).append(page_index)
    files = []
    for file_index, pages in by_file.items():
        scan = scans[file_index]
        if pages == list(range(scan.page_count)):
            files.append(scan)
        else:
            files.append(_subset(scan, pages))
    return files


def _subset(scan: ScanFile, pages: list[int]) -> ScanFile:
    stem = scan.name.rsplit(".", 1)[0]
    name = f"{stem}-p{pages[0] + 1}-{pages[-1] + 1}.{scan.name.rsplit('.', 1)[-1]}"
    info = tuple(scan.pages[i] for i in pages)
    if scan.format is ScanFormat.PDF:
        with pikepdf.open(io.BytesIO(scan.data)) as source:
            subset = pikepdf.new()
            subset.pages.extend(source.pages[i] for i in pages)
            out = io.BytesIO()
            subset.save(out)  # page objects copied: their image streams are untouched
        return ScanFile(name, out.getvalue(), ScanFormat.PDF, info)
    with Image.open(io.BytesIO(scan.data)) as image:
        frames = []
        for index in pages:
            image.seek(index)
            frames.append(image.copy())
    out = io.BytesIO()
    frames[0].save(out, format="TIFF", save_all=True, append_images=frames[1:],
                   compression="tiff_deflate", dpi=(scan.layout_dpi or 300,) * 2)
    return ScanFile(name, out.getvalue(), ScanFormat.TIFF, info, layout_dpi=scan.layout_dpi)
