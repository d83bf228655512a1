"""The quality report of one page, and the plain warnings staff see at the counter.

Staff decide, before the citizen leaves, whether a page must be scanned again
(REGULATIONS 9.A.4–5). Each warning is one Vietnamese sentence naming the page
and what to do, and carries a stable code for programs.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from typing import Any


@dataclass(frozen=True)
class PageWarning:
    code: str
    message: str


@dataclass(frozen=True)
class PageQuality:
    """What the pipeline measured on one page (numbered from 1)."""

    page: int
    dpi: float
    colour: bool
    #: Counter-clockwise turn of the scan that was undone (0, 90, 180, 270).
    rotation: int = 0
    skew_deg: float = 0.0
    perspective_corrected: bool = False
    blank: bool = False
    ink_ratio: float = 0.0
    #: Tesseract's mean word confidence, 0–1; None when no word was read.
    confidence: float | None = None
    words: int = 0
    timed_out: bool = False
    #: Long straight streaks (a copier's drum, rollers; ruled lines) were taken out of
    #: the OCR input.
    streaks_removed: bool = False
    #: Share of the page's text-like ink no word read covers (`digitize.ocr.coverage`),
    #: and where the largest such block is, in words.
    unread_share: float = 0.0
    unread_where: str = ""
    #: Share of the letters read that form valid Vietnamese syllables (1.0: all).
    syllable_share: float = 1.0
    #: Share of the characters read in words Tesseract was unsure of.
    weak_share: float = 0.0
    #: The character error rate to expect on this page (0–1), from the signals above
    #: (`digitize.ocr.estimate`); None when nothing was read.
    expected_cer: float | None = None
    #: Seconds spent per stage on this page ("prepare", "ocr"): where the time goes.
    seconds: dict[str, float] = field(default_factory=dict)
    warnings: tuple[PageWarning, ...] = field(default_factory=tuple)

    def as_dict(self) -> dict[str, Any]:
        data = asdict(self)
        data["warnings"] = [asdict(w) for w in self.warnings]
        return data

    @staticmethod
    def from_dict(data: dict[str, Any]) -> PageQuality:
        warnings = tuple(PageWarning(**w) for w in data.get("warnings", ()))
        return PageQuality(**{**data, "warnings": warnings})


@dataclass(frozen=True)
class QualityThresholds:
    """When a page earns a warning; all are settings."""

    min_confidence: float = 0.80
    min_dpi: float = 200.0
    max_skew_deg: float = 3.0
    #: Text-like ink left unread beyond this share sends the page to staff.
    max_unread_share: float = 0.08
    #: Pages expected to have more character errors than this go to review.
    max_expected_cer: float = 0.05


def page_warnings(quality: PageQuality,
                  thresholds: QualityThresholds | None = None) -> tuple[PageWarning, ...]:
    """The warnings for one page, most serious first."""
    limits = thresholds or QualityThresholds()
    n = quality.page
    found: list[PageWarning] = []
    if quality.timed_out:
        found.append(PageWarning("ocr_timeout",
                                 f"trang {n}: nhận dạng quá thời gian, trang không có lớp chữ; nên quét lại"))
    if quality.blank:
        found.append(PageWarning("blank_page", f"trang {n}: trang trắng (vẫn được giữ trong bản số hóa)"))
    if quality.dpi and quality.dpi < limits.min_dpi:
        found.append(PageWarning("low_dpi", f"trang {n}: độ phân giải {quality.dpi:.0f} dpi "
                                            f"thấp hơn {limits.min_dpi:.0f} dpi"))
    if quality.unread_share > limits.max_unread_share:
        where = f" ({quality.unread_where})" if quality.unread_where else ""
        found.append(PageWarning(
            "unread_text", f"trang {n}: một vùng có chữ{where} không đọc được (khoảng "
                           f"{quality.unread_share:.0%} lượng chữ trên trang); cần xem lại "
                           f"bản quét và nội dung trước khi lưu"))
    if quality.expected_cer is not None and quality.expected_cer > limits.max_expected_cer:
        found.append(PageWarning(
            "many_errors", f"trang {n}: chữ nhận dạng dự kiến sai khoảng "
                           f"{quality.expected_cer:.0%} số ký tự; cần đối chiếu với bản quét "
                           f"trước khi lưu"))
    if (not quality.blank and quality.confidence is not None
            and quality.confidence < limits.min_confidence):
        found.append(PageWarning("low_confidence",
                                 f"trang {n}: độ tin cậy thấp ({quality.confidence:.0%}), nên quét lại"))
    if abs(quality.skew_deg) > limits.max_skew_deg:
        found.append(PageWarning("skewed", f"trang {n}: bản quét nghiêng {abs(quality.skew_deg):.1f}° "
                                           "(đã chỉnh khi nhận dạng)"))
    if quality.rotation:
        found.append(PageWarning("rotated", f"trang {n}: trang bị xoay {quality.rotation}° (đã xoay lại)"))
    return tuple(found)
