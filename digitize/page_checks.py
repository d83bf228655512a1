"""What intake learns of each page, and the checks every page passes, PDF or image.

The law asks for ≥ 200 dpi (REGULATIONS 9.A.3); a page must also be paper-sized:
smaller than a 3×4 cm photo there is no room for the officer's stamp, larger than
A0 it is no scan.
"""

from __future__ import annotations

from dataclasses import dataclass

from .errors import ImageTooLarge, PageTooSmall, ResolutionTooLow
from .limits import IntakeLimits


@dataclass(frozen=True)
class PageInfo:
    """One page as received: its pixels and the resolution it was scanned at."""

    width_px: int
    height_px: int
    dpi: float | None
    colour: str
    #: The page already carries text (a scanner's own OCR, or a born-digital page).
    has_text: bool = False



def check_page_size(name: str, number: int, width_mm: float, height_mm: float,
                     limits: IntakeLimits, pixels: str = "") -> None:
    short, long_ = sorted((width_mm, height_mm))
    size = f"{width_mm:.0f}×{height_mm:.0f} mm{pixels}"
    if short < limits.min_page_mm:
        raise PageTooSmall(
            f"trang {number}: khổ {size} nhỏ hơn mức tối thiểu {limits.min_page_mm:.0f} mm "
            f"mỗi cạnh; hãy quét cả tờ giấy (the page is smaller than "
            f"{limits.min_page_mm:.0f} mm)", filename=name)
    if long_ > limits.max_page_mm:
        raise ImageTooLarge(
            f"trang {number}: khổ {size} lớn hơn mức tối đa {limits.max_page_mm:.0f} mm "
            f"(the page is larger than {limits.max_page_mm:.0f} mm)", filename=name)



def require_dpi(
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
