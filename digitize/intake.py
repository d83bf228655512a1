"""Intake: check each file a scanner or citizen hands us before anything is stored.

A file passes only if it is what it claims to be, readable to the end, not
encrypted, within the size, page and pixel limits, and scanned at the legal
resolution (REGULATIONS 9.A.3: PDF ≥ 1.4, ≥ 200 dpi). The checks read headers
before decoding, so a decompression bomb is refused before it is expanded.
"""

from __future__ import annotations

import io
import re
import struct
import tempfile
import warnings
from dataclasses import dataclass, field
from pathlib import Path

import pikepdf
import pillow_heif
from ocrmypdf.pdfinfo import PdfInfo
from PIL import Image, UnidentifiedImageError

from .errors import (
    ActiveContent,
    CorruptFile,
    EmptyFile,
    EncryptedPdf,
    FileTooLarge,
    ImageTooLarge,
    PdfVersionTooOld,
    ResolutionTooLow,
    TooManyPages,
    UnsupportedFormat,
)
from .formats import ScanFormat, sniff
from .limits import IntakeLimits

A4_INCHES = (210 / 25.4, 297 / 25.4)
pillow_heif.register_heif_opener()  # PIL opens HEIC photos as it opens JPEG
_SAFE_NAME = re.compile(r"[^\w.\- ]+", re.UNICODE)


@dataclass(frozen=True)
class PageInfo:
    """One page as received: its pixels and the resolution it was scanned at."""

    width_px: int
    height_px: int
    dpi: float | None
    colour: str
    #: The page already carries text (a scanner's own OCR, or a born-digital page).
    has_text: bool = False


@dataclass(frozen=True)
class ScanFile:
    """One accepted input file: the original bytes, untouched, and what intake learned."""

    name: str
    data: bytes = field(repr=False)
    format: ScanFormat
    pages: tuple[PageInfo, ...]
    #: For images: the resolution to lay the pixels out at, so the page is 100 % scale.
    layout_dpi: float | None = None

    @property
    def page_count(self) -> int:
        return len(self.pages)


def safe_filename(name: str, fallback: str = "scan") -> str:
    """A file name fit for a download header: no folders, no control characters."""
    base = Path(name.replace("\\", "/")).name
    cleaned = _SAFE_NAME.sub("_", base).strip(" .")
    return cleaned[:200] or fallback


def check_file(name: str, data: bytes, limits: IntakeLimits) -> ScanFile:
    """Validate one file and describe its pages; raise an ``IntakeError`` naming the problem."""
    name = safe_filename(name)
    if not data:
        raise EmptyFile("tệp rỗng, 0 byte (the file is empty)", filename=name)
    if len(data) > limits.max_file_bytes:
        raise FileTooLarge(
            f"tệp {len(data):,} byte vượt giới hạn {limits.max_file_bytes:,} byte "
            f"(file exceeds the size limit)",
            filename=name,
        )
    kind = sniff(data)
    if kind is None:
        raise UnsupportedFormat(
            "không phải PDF, JPEG, PNG, TIFF hay HEIC — nội dung tệp không khớp định dạng ảnh "
            "quét (not a PDF, JPEG, PNG, TIFF or HEIC file, whatever its name says)",
            filename=name,
        )
    if kind is ScanFormat.PDF:
        return _check_pdf(name, data, limits)
    return _check_image(name, data, kind, limits)


def check_batch(files: list[tuple[str, bytes]], limits: IntakeLimits) -> list[ScanFile]:
    """Validate files that together form one document; limits apply to the whole."""
    if not files:
        raise EmptyFile("không có tệp nào được gửi (no file was given)")
    total = sum(len(data) for _, data in files)
    if total > limits.max_total_bytes:
        raise FileTooLarge(
            f"tổng dung lượng {total:,} byte vượt giới hạn {limits.max_total_bytes:,} byte "
            f"(the files together exceed the size limit)"
        )
    checked = [check_file(name, data, limits) for name, data in files]
    pages = sum(f.page_count for f in checked)
    if pages > limits.max_pages:
        raise TooManyPages(
            f"{pages} trang vượt giới hạn {limits.max_pages} trang (too many pages)"
        )
    return checked


# -- PDF ---------------------------------------------------------------------------------

def _check_pdf(name: str, data: bytes, limits: IntakeLimits) -> ScanFile:
    if b"%%EOF" not in data[-2048:]:
        raise CorruptFile(
            "tệp PDF bị cắt cụt hoặc hỏng: không có dấu kết thúc %%EOF "
            "(the PDF is truncated: it has no end-of-file marker)",
            filename=name,
        )
    try:
        with pikepdf.open(io.BytesIO(data)) as pdf:
            if pdf.is_encrypted:
                raise EncryptedPdf(
                    "tệp PDF được mã hóa; hãy quét lại hoặc gỡ mật khẩu "
                    "(the PDF is encrypted; rescan or remove the password)",
                    filename=name,
                )
            version = pdf.pdf_version
            page_count = len(pdf.pages)
            if page_count <= limits.max_pages:
                _refuse_active_content(name, pdf)
    except pikepdf.PasswordError:
        raise EncryptedPdf(
            "tệp PDF có mật khẩu (the PDF is password-protected)", filename=name
        ) from None
    except pikepdf.PdfError as exc:
        raise CorruptFile(f"không đọc được tệp PDF (unreadable PDF): {exc}", filename=name) from None
    if _version_tuple(version) < _version_tuple(limits.min_pdf_version):
        raise PdfVersionTooOld(
            f"PDF phiên bản {version} thấp hơn mức tối thiểu {limits.min_pdf_version} "
            f"(PDF version {version} is below the minimum {limits.min_pdf_version})",
            filename=name,
        )
    if page_count == 0:
        raise CorruptFile("tệp PDF không có trang nào (the PDF has no pages)", filename=name)
    if page_count > limits.max_pages:
        raise TooManyPages(
            f"{page_count} trang vượt giới hạn {limits.max_pages} trang (too many pages)",
            filename=name,
        )
    return ScanFile(name, data, ScanFormat.PDF, tuple(_pdf_pages(name, data, limits)))


#: Keys that make a PDF do something when opened; a scanner writes none of them.
_ACTIVE_KEYS = {"/JS", "/JavaScript", "/EmbeddedFiles", "/XFA", "/RichMedia", "/Launch",
                "/EmbeddedFile"}
_ACTIVE_ACTIONS = {"/JavaScript", "/Launch", "/ImportData", "/SubmitForm", "/GoToE",
                   "/RichMediaExecute", "/Rendition", "/Sound", "/Movie"}


def _refuse_active_content(name: str, pdf: pikepdf.Pdf) -> None:
    """Scripts, launch actions, XFA forms and attachments are refused, not carried.

    The original is kept byte for byte as evidence and staff open it later; a
    scan has no business carrying any of these (ISO 19005 forbids them in PDF/A).
    Direct dictionaries (an annotation's action, the name tree) are walked too.
    """
    seen: set[tuple[int, int]] = set()
    stack: list[object] = list(pdf.objects)
    while stack:
        obj = stack.pop()
        if isinstance(obj, pikepdf.Object) and obj.is_indirect:
            if obj.objgen in seen:
                continue
            seen.add(obj.objgen)
        if isinstance(obj, pikepdf.Array):
            stack.extend(obj)
        elif isinstance(obj, pikepdf.Dictionary | pikepdf.Stream):
            _check_active(name, obj)
            stack.extend(obj.values())


def _check_active(name: str, obj: pikepdf.Dictionary | pikepdf.Stream) -> None:
    action = obj.get("/S")
    found = set(obj.keys()) & _ACTIVE_KEYS or (
        {str(action)} & _ACTIVE_ACTIONS if isinstance(action, pikepdf.Name) else set())
    if found:
        raise ActiveContent(
            f"tệp PDF chứa nội dung chủ động ({', '.join(sorted(found))}): mã lệnh, tệp "
            f"đính kèm hoặc biểu mẫu; bản quét không được có những thứ này "
            f"(the PDF carries scripts, attachments or forms; a scan never does)",
            filename=name)


def _pdf_pages(name: str, data: bytes, limits: IntakeLimits) -> list[PageInfo]:
    """Measure each page's scanned image where it is placed, as OCRmyPDF sees it."""
    with tempfile.NamedTemporaryFile(suffix=".pdf") as tmp:
        tmp.write(data)
        tmp.flush()
        try:
            info = PdfInfo(Path(tmp.name))
        except Exception as exc:  # noqa: BLE001 - any parse failure is a corrupt file
            raise CorruptFile(f"không phân tích được tệp PDF (cannot parse PDF): {exc}",
                              filename=name) from None
    pages: list[PageInfo] = []
    for page in info.pages:
        if page is None:
            raise CorruptFile("không phân tích được một trang PDF (a page could not be parsed)",
                              filename=name)
        page_area = float(page.width_inches) * float(page.height_inches)
        if page_area * limits.min_dpi ** 2 > limits.max_page_pixels:
            # Read at the legal dpi, a page this size has more pixels than any scan.
            raise ImageTooLarge(
                f"trang {page.pageno + 1}: khổ giấy {float(page.width_inches) * 2.54:.0f}×"
                f"{float(page.height_inches) * 2.54:.0f} cm quá lớn (the page is far too large)",
                filename=name)
        scan = None
        for image in page.images:
            pixels = int(image.width) * int(image.height)
            if pixels > limits.max_page_pixels:
                raise ImageTooLarge(
                    f"trang {page.pageno + 1}: ảnh {image.width}×{image.height} điểm ảnh vượt "
                    f"giới hạn {limits.max_page_pixels:,} (image has too many pixels)",
                    filename=name,
                )
            dpi_x, dpi_y = float(image.dpi.x), float(image.dpi.y)
            if dpi_x <= 0 or dpi_y <= 0:
                continue
            placed = (image.width / dpi_x) * (image.height / dpi_y)
            # Only an image covering most of the page is the scan; a logo is not.
            if placed >= 0.5 * page_area and (scan is None or placed > scan[0]):
                scan = (placed, image, min(dpi_x, dpi_y))
        if scan is None:
            pages.append(PageInfo(0, 0, None, "none", has_text=bool(page.has_text)))
            continue
        _, image, dpi = scan
        _require_dpi(name, page.pageno + 1, dpi, limits)
        pages.append(PageInfo(int(image.width), int(image.height), round(dpi, 1),
                              str(getattr(image.color, "name", image.color)),
                              has_text=bool(page.has_text)))
    return pages


def _version_tuple(version: str) -> tuple[int, ...]:
    try:
        return tuple(int(part) for part in version.split(".")[:2])
    except ValueError:
        return (0,)


# -- images ------------------------------------------------------------------------------

def _check_image(name: str, data: bytes, kind: ScanFormat, limits: IntakeLimits) -> ScanFile:
    if kind is ScanFormat.PNG:
        _refuse_png_trailer(name, data)
    pages: list[PageInfo] = []
    layout_dpi: float | None = None
    with warnings.catch_warnings():
        warnings.simplefilter("error", Image.DecompressionBombWarning)
        try:
            with Image.open(io.BytesIO(data)) as image:
                frames = getattr(image, "n_frames", 1)
                if frames > limits.max_pages:
                    raise TooManyPages(
                        f"{frames} trang vượt giới hạn {limits.max_pages} trang (too many pages)",
                        filename=name,
                    )
                for index in range(frames):
                    image.seek(index)
                    page, dpi = _check_frame(name, index + 1, image, limits)
                    pages.append(page)
                    layout_dpi = dpi if layout_dpi is None else min(layout_dpi, dpi)
        except (Image.DecompressionBombError, Image.DecompressionBombWarning):
            raise ImageTooLarge(
                "ảnh có số điểm ảnh quá lớn (nghi là 'bom giải nén') "
                "(the image has far too many pixels: a decompression bomb)",
                filename=name,
            ) from None
        except (UnidentifiedImageError, OSError, SyntaxError, ValueError, EOFError) as exc:
            raise CorruptFile(f"ảnh bị hỏng hoặc bị cắt cụt (corrupt or truncated image): {exc}",
                              filename=name) from None
    return ScanFile(name, data, kind, tuple(pages), layout_dpi=layout_dpi)


def _refuse_png_trailer(name: str, data: bytes) -> None:
    """Bytes after a PNG's IEND are no part of the image: a polyglot (a ZIP, a script)
    riding along into the vault, or a file that the PDF writer would refuse later."""
    at = 8
    while at + 8 <= len(data):
        (length,) = struct.unpack(">I", data[at:at + 4])
        kind = data[at + 4:at + 8]
        at += 12 + length
        if kind == b"IEND":
            break
    if at < len(data):
        raise CorruptFile(
            f"có {len(data) - at:,} byte lạ sau phần kết thúc ảnh PNG; hãy lưu lại ảnh từ máy "
            f"quét (unexpected data after the end of the PNG image)", filename=name)


def _check_frame(
    name: str, number: int, image: Image.Image, limits: IntakeLimits
) -> tuple[PageInfo, float]:
    width, height = image.size
    if width * height > limits.max_page_pixels:
        raise ImageTooLarge(
            f"trang {number}: ảnh {width}×{height} điểm ảnh vượt giới hạn "
            f"{limits.max_page_pixels:,} (the image has too many pixels)",
            filename=name,
        )
    stated = _stated_dpi(image)
    if stated is not None:
        dpi = stated
    else:
        # No resolution in the file: lay it out on A4, and judge the dpi that gives.
        short, long_ = sorted((width, height))
        dpi = min(short / A4_INCHES[0], long_ / A4_INCHES[1])
    _require_dpi(name, number, dpi, limits, stated=stated is not None)
    image.load()  # decode now: a truncated file fails here, not in the OCR step
    return PageInfo(width, height, round(dpi, 1), image.mode), dpi


def _stated_dpi(image: Image.Image) -> float | None:
    dpi = image.info.get("dpi")
    if not dpi:
        return None
    try:
        values = [float(v) for v in dpi]
    except (TypeError, ValueError):
        return None
    # 1×1 is how some writers say "unknown"; treat it as unstated.
    if min(values) <= 1.0:
        return None
    # PNG stores pixels per metre: 300 dpi reads back as 299.9994.
    return round(min(values), 1)


def _require_dpi(
    name: str, page: int, dpi: float, limits: IntakeLimits, *, stated: bool = True
) -> None:
    if dpi + 0.5 < limits.min_dpi:
        how = "" if stated else " (tính theo khổ A4 vì tệp không ghi độ phân giải)"
        raise ResolutionTooLow(
            f"trang {page}: độ phân giải {dpi:.0f} dpi thấp hơn mức tối thiểu "
            f"{limits.min_dpi:.0f} dpi{how}; hãy quét lại ở ít nhất {limits.min_dpi:.0f} dpi "
            f"(page {page} is {dpi:.0f} dpi, below the legal minimum of {limits.min_dpi:.0f} dpi)",
            filename=name,
        )
