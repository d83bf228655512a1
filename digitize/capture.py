"""Capture checks at the counter (kiểm tra bản quét), before the citizen leaves.

Each check looks at the pages as scanned and names what is wrong with a
Vietnamese reason code and a sentence for the officer, so a page is rescanned
while the paper is still on the desk (REGULATIONS 9.A.3–5):

- ``do_phan_giai_thap``: the paper itself was captured below the legal dpi
  (a phone photo where the page fills only part of the frame);
- ``anh_mo``: the page is out of focus or shaken;
- ``sai_so_trang``: the page count differs from the count the officer declared;
- ``trang_trang``: the page is blank (kept, never dropped — only flagged);
- ``thieu_ban_chup_kep``: a page with handwritten notes has no second capture
  beside it (9.A.5: an annotated page is captured with and without the note);
- ``khong_phai_anh_mau``: the scan is grey or black-and-white, not colour;
- ``cccd_khac_chu_ho_so``: a căn cước card's QR names someone other than the
  dossier owner (when the caller gives the owner).

Blocking problems stop the request unless the officer confirms the scan as it
is; the others travel with the document as warnings. Thresholds were set on
the whole corpus (every page passes) and on pages degraded on purpose.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import StrEnum

import cv2
import numpy as np
from numpy.typing import NDArray

from .errors import IntakeError
from .idcard import CitizenCard, find_card
from .intake import A4_INCHES, ScanFile
from .limits import CaptureLimits
from .ocr.tesseract import word_confidences
from .page_images import PagePicture, page_pictures
from .preprocess.blank import detect_blank
from .preprocess.colour import suppress_coloured_ink
from .preprocess.perspective import find_page_quad

#: Sharpness is measured at this resolution, so a threshold means the same for any scan.
SHARPNESS_DPI = 150
PICTURE_SIDE = 1800


class CaptureCode(StrEnum):
    LOW_DPI = "do_phan_giai_thap"
    BLURRY = "anh_mo"
    PAGE_COUNT = "sai_so_trang"
    BLANK = "trang_trang"
    MISSING_DUAL_CAPTURE = "thieu_ban_chup_kep"
    NOT_COLOUR = "khong_phai_anh_mau"
    OWNER_MISMATCH = "cccd_khac_chu_ho_so"


@dataclass(frozen=True)
class CaptureProblem:
    code: CaptureCode
    page: int | None
    message: str
    blocking: bool

    def as_dict(self) -> dict[str, object]:
        return {"code": self.code.value, "page": self.page, "message": self.message,
                "blocking": self.blocking}


class CaptureRejected(IntakeError):
    """The scan failed a blocking capture check; ``problems`` lists every failure."""

    code = "capture_rejected"

    def __init__(self, problems: list[CaptureProblem]) -> None:
        self.problems = problems
        super().__init__("; ".join(p.message for p in problems if p.blocking)
                         + " (the scan failed the capture checks; rescan or confirm)")


@dataclass(frozen=True)
class CaptureReport:
    """What the capture pass found: problems, and the căn cước cards read on the way."""

    problems: list[CaptureProblem]
    #: (page number, card) for each page showing a căn cước QR.
    cards: list[tuple[int, CitizenCard]] = field(default_factory=list)


@dataclass(frozen=True)
class _Page:
    """What the dual-capture check needs of a page once its pixels are gone."""

    number: int
    ink: NDArray[np.uint8]  # a thumbnail with pen ink suppressed, for comparing two captures
    pen_ratio: float
    blank: bool


def check_capture(scans: list[ScanFile], *, declared_pages: int | None = None,
                  limits: CaptureLimits | None = None) -> list[CaptureProblem]:
    """Every problem found in the pages of ``scans`` (one document, pages in order)."""
    return inspect_capture(scans, declared_pages=declared_pages, limits=limits).problems


def inspect_capture(scans: list[ScanFile], *, declared_pages: int | None = None,
                    limits: CaptureLimits | None = None,
                    owner_id: str | None = None) -> CaptureReport:
    """One pass over the pages: each is decoded once, checked, and its pixels let go.

    With ``owner_id``, a căn cước card whose QR names someone else is a problem.
    """
    limits = limits or CaptureLimits()
    problems: list[CaptureProblem] = []
    total = sum(scan.page_count for scan in scans)
    if declared_pages is not None and declared_pages != total:
        problems.append(page_count_problem(total, declared_pages))
    pages: list[_Page] = []
    cards: list[tuple[int, CitizenCard]] = []
    for number, picture in enumerate(page_pictures(scans, max_side=PICTURE_SIDE), start=1):
        if picture.image is None:
            continue
        page, found = _check_page(number, picture, scans, limits)
        pages.append(page)
        problems.extend(found)
        if (card := find_card(picture.image)) is not None:
            cards.append((number, card))
            if owner_id is not None and card.personal_id != owner_id:
                problems.append(owner_mismatch_problem(number))
    problems.extend(_dual_capture(pages, limits))
    return CaptureReport(sorted(problems, key=lambda p: (p.page or 0, p.code.value)), cards)


def page_count_problem(scanned: int, declared: int) -> CaptureProblem:
    """REGULATIONS 9.A.4: the PDF has as many pages as the paper the officer counted."""
    return CaptureProblem(
        CaptureCode.PAGE_COUNT, None,
        f"số trang quét được ({scanned}) khác số trang bản giấy đã khai ({declared}); "
        f"kiểm tra trang bị sót hoặc bị kéo hai tờ", blocking=True)


def owner_mismatch_problem(page: int) -> CaptureProblem:
    """The căn cước scanned is not the dossier owner's: a wrong card, or a wrong dossier."""
    return CaptureProblem(
        CaptureCode.OWNER_MISMATCH, page,
        f"trang {page}: số định danh trên thẻ căn cước khác số định danh của chủ hồ sơ; "
        f"kiểm tra lại thẻ hoặc hồ sơ", blocking=True)


def blocking(problems: list[CaptureProblem]) -> list[CaptureProblem]:
    return [p for p in problems if p.blocking]


def _check_page(number: int, picture: PagePicture, scans: list[ScanFile],
                limits: CaptureLimits) -> tuple[_Page, list[CaptureProblem]]:
    assert picture.image is not None
    rgb = np.asarray(picture.image.convert("RGB"))
    grey = np.asarray(cv2.cvtColor(rgb, cv2.COLOR_RGB2GRAY), dtype=np.uint8)
    red, green, blue = (rgb[..., i].astype(np.int16) for i in range(3))
    pen = (blue - red > 40) & (blue - green > 15) & (blue < 230)
    thumbnail = np.asarray(cv2.resize(rgb, (200, 283), interpolation=cv2.INTER_AREA), dtype=np.uint8)
    ink = (255 - suppress_coloured_ink(thumbnail)).astype(np.uint8)
    # Thin strokes fade when the page is shrunk: the ink threshold is scaled down with it.
    blank = detect_blank(grey, min_ink_ratio=0.0002).blank
    found = []
    n = number
    info = scans[picture.file_index].pages[picture.page_index]
    if blank:
        found.append(CaptureProblem(CaptureCode.BLANK, n,
                                    f"trang {n}: trang trắng — giữ lại nếu bản giấy cũng trắng",
                                    blocking=False))
    elif (sharpness := _sharpness(grey, picture.dpi)) < limits.min_sharpness:
        if _reads_well(grey, picture.dpi, limits):
            # Faint or soft, yet OCR reads it: a warning, not a refusal (the measure of
            # edges must not overrule what recognition manages on the same page).
            found.append(CaptureProblem(CaptureCode.BLURRY, n,
                                        f"trang {n}: ảnh hơi mờ hoặc nhạt (độ nét "
                                        f"{sharpness:.1f}) nhưng vẫn đọc được; kiểm tra lại "
                                        f"chữ nhận dạng", blocking=False))
        else:
            found.append(CaptureProblem(CaptureCode.BLURRY, n,
                                        f"trang {n}: ảnh bị mờ (độ nét {sharpness:.1f} < "
                                        f"{limits.min_sharpness:.1f}); hãy quét hoặc chụp lại",
                                        blocking=True))
    effective = _effective_dpi(grey, info.width_px)
    if effective is not None and effective + 0.5 < limits.min_dpi:
        found.append(CaptureProblem(CaptureCode.LOW_DPI, n,
                                    f"trang {n}: tờ giấy chỉ đạt {effective:.0f} dpi trong ảnh "
                                    f"(tối thiểu {limits.min_dpi:.0f}); chụp gần hơn để tờ giấy "
                                    f"đầy khung hình", blocking=True))
    if info.colour.lower() not in ("rgb", "rgba", "ycbcr", "cmyk", "p", "icc", "devicergb"):
        found.append(CaptureProblem(CaptureCode.NOT_COLOUR, n,
                                    f"trang {n}: bản quét không phải ảnh màu; quy định yêu cầu "
                                    f"quét màu", blocking=limits.require_colour))
    return _Page(number, ink, float(pen.mean()), blank), found


def _reads_well(grey: NDArray[np.uint8], dpi: float | None, limits: CaptureLimits) -> bool:
    """Whether Tesseract reads the page with confidence: most of its words at 70 or more,
    and enough of them to be text, not a few marks."""
    confidences = word_confidences(grey, dpi=dpi or 150.0)
    confident = sum(1 for c in confidences if c >= 70)
    return confident >= limits.min_readable_words and confident >= 0.75 * len(confidences)


def _sharpness(grey: NDArray[np.uint8], dpi: float | None) -> float:
    """Steepness of the sharpest edges (99.5th percentile gradient) over ink contrast."""
    scale = SHARPNESS_DPI / dpi if dpi else 1.0
    work = cv2.resize(grey, None, fx=scale, fy=scale, interpolation=cv2.INTER_AREA)
    gx = cv2.Sobel(work, cv2.CV_32F, 1, 0)
    gy = cv2.Sobel(work, cv2.CV_32F, 0, 1)
    steep = float(np.percentile(cv2.magnitude(gx, gy), 99.5))
    contrast = float(np.percentile(work, 90) - np.percentile(work, 1))
    return steep / max(contrast, 1.0)


def _effective_dpi(grey: NDArray[np.uint8], full_width_px: int) -> float | None:
    """The dpi of the paper itself when a photo shows its edges and it is A4-shaped."""
    quad = find_page_quad(grey)
    if quad is None:
        return None
    sides = [float(np.linalg.norm(quad[i] - quad[(i + 1) % 4])) for i in range(4)]
    short = (sides[0] + sides[2]) / 2 if sides[0] < sides[1] else (sides[1] + sides[3]) / 2
    long_ = (sides[1] + sides[3]) / 2 if sides[0] < sides[1] else (sides[0] + sides[2]) / 2
    if not 1.3 <= long_ / max(short, 1.0) <= 1.52:
        return None  # not A4 (an ID card, a receipt): its size on paper is unknown
    to_original = full_width_px / grey.shape[1]
    return float(min(short / A4_INCHES[0], long_ / A4_INCHES[1]) * to_original)


def _dual_capture(pages: list[_Page], limits: CaptureLimits) -> list[CaptureProblem]:
    found = []
    for index, page in enumerate(pages):
        if page.blank or page.pen_ratio < limits.min_pen_ratio:
            continue
        neighbours = pages[max(0, index - 1):index] + pages[index + 1:index + 2]
        twin = any(_alike(page.ink, other.ink) >= limits.dual_capture_similarity
                   and other.pen_ratio < page.pen_ratio / 2 for other in neighbours)
        if not twin:
            found.append(CaptureProblem(
                CaptureCode.MISSING_DUAL_CAPTURE, page.number,
                f"trang {page.number}: có bút tích/ghi chú; cần chụp thêm bản đã gỡ ghi chú "
                f"ngay sau trang này", blocking=limits.require_dual_capture))
    return found


def _alike(a: NDArray[np.uint8], b: NDArray[np.uint8]) -> float:
    """Correlation of two ink thumbnails, after a blur that forgives small shifts."""
    fa = cv2.GaussianBlur(a.astype(np.float32), (0, 0), 2.0).ravel()
    fb = cv2.GaussianBlur(b.astype(np.float32), (0, 0), 2.0).ravel()
    fa -= fa.mean()
    fb -= fb.mean()
    denominator = float(np.linalg.norm(fa) * np.linalg.norm(fb))
    return float(fa @ fb) / denominator if denominator else 0.0


__all__ = ["CaptureCode", "CaptureLimits", "CaptureProblem", "CaptureRejected", "CaptureReport",
           "blocking", "check_capture", "inspect_capture", "owner_mismatch_problem",
           "page_count_problem"]
