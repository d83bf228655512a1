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
import unicodedata
import warnings
from dataclasses import dataclass, field
from pathlib import Path

import pillow_heif
from PIL import Image, UnidentifiedImageError

from .errors import (
    CorruptFile,
    EmptyFile,
    FileTooLarge,
    ImageTooLarge,
    PageTooSmall,
    TooManyPages,
    UnsupportedFormat,
)
from .formats import ScanFormat, sniff
from .limits import IntakeLimits
from .page_checks import PageInfo, check_page_size, require_dpi
from .pdf_intake import check_pdf
from .polyglot import refuse_polyglot

A4_INCHES = (210 / 25.4, 297 / 25.4)
pillow_heif.register_heif_opener()  # PIL opens HEIC photos as it opens JPEG
_SAFE_NAME = re.compile(r"[^\w.\- ]+", re.UNICODE)
#: Control, format (bidi overrides, zero-width) and surrogate characters, and the line
#: and paragraph separators.
_INVISIBLE = {"Cc", "Cf", "Cs", "Zl", "Zp"}


@dataclass(frozen=True)
class ScanFile:
    """One accepted input file: the original bytes, untouched, and what intake learned."""

    name: str
    data: bytes = field(repr=False)
    format: ScanFormat
    pages: tuple[PageInfo, ...]
    #: For images: the resolution to lay the pixels out at, so the page is 100 % scale.
    layout_dpi: float | None = None
    #: A PDF that already carries signatures: kept as it is, validated, and OCR'd from
    #: an unsigned rendering (`digitize.assemble`).
    signed: bool = False

    @property
    def page_count(self) -> int:
        return len(self.pages)

    @property
    def scanner_file(self) -> bool:
        """A raster scan as a scanner or a phone made it: no signature, no text of its own.
        Only such a file may go unkept once the PDF/A is made of it
        (``SOHOA_KEEP_SCANNER_FILE``); an electronic original is kept as it came."""
        return not self.signed and not any(page.has_text for page in self.pages)


def safe_filename(name: str, fallback: str = "scan") -> str:
    """A file name fit for messages and titles: NFC (macOS writes names decomposed), no
    folders, no control or direction-changing characters (U+202E turns ``gnp.exe`` into
    what reads as ``exe.png``), nothing but letters, digits, dots, dashes and spaces."""
    visible = "".join(ch for ch in unicodedata.normalize("NFC", name)
                      if unicodedata.category(ch) not in _INVISIBLE)
    base = Path(visible.replace("\\", "/")).name
    cleaned = _SAFE_NAME.sub("_", base).strip(" ._")
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
    refuse_polyglot(name, data, kind)
    if kind is ScanFormat.PDF:
        pages, signed = check_pdf(name, data, limits)
        return ScanFile(name, data, kind, pages, signed=signed)
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


# -- images ------------------------------------------------------------------------------

def _check_image(name: str, data: bytes, kind: ScanFormat, limits: IntakeLimits) -> ScanFile:
    if kind is ScanFormat.TIFF:
        _refuse_tiff_loop(name, data, limits.max_pages)
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


def _refuse_tiff_loop(name: str, data: bytes, max_pages: int) -> None:
    """Follow a TIFF's chain of pages (IFDs): one that points back into itself, or out of
    the file, is crafted; readers differ on where such a file ends."""
    order = "<" if data[:2] == b"II" else ">"
    (at,) = struct.unpack(order + "I", data[4:8])
    seen: set[int] = set()
    while at and len(seen) <= max_pages:
        if at in seen or at + 2 > len(data):
            raise CorruptFile(
                "tệp TIFF có chuỗi trang vòng lặp hoặc trỏ ra ngoài tệp (the TIFF's page "
                "chain loops or points outside the file)", filename=name)
        seen.add(at)
        (entries,) = struct.unpack(order + "H", data[at:at + 2])
        end = at + 2 + 12 * entries
        at = struct.unpack(order + "I", data[end:end + 4])[0] if end + 4 <= len(data) else at


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
    least = round(limits.min_page_mm / 25.4 * limits.min_dpi)
    if min(width, height) < least:
        raise PageTooSmall(
            f"trang {number}: ảnh chỉ có {width}×{height} điểm ảnh, cần ít nhất {least} điểm "
            f"ảnh mỗi cạnh (the image is only {width}×{height} pixels)", filename=name)
    require_dpi(name, number, dpi, limits, stated=stated is not None)
    check_page_size(name, number, width / dpi * 25.4, height / dpi * 25.4, limits,
                     f" ({width}×{height} điểm ảnh ở {dpi:.0f} dpi)")
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
