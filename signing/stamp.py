"""Visible stamps: where they go on the page and what they say.

The operator stamp sits at the top-left of page 1 and shows who scanned the
paper and when (TT 01/2023 Art. 8(1), REGULATIONS 9.A.7), in Vietnam time.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta, timezone
from pathlib import Path

from pyhanko.pdf_utils.font.opentype import GlyphAccumulatorFactory
from pyhanko.pdf_utils.layout import AxisAlignment, Margins, SimpleBoxLayoutRule
from pyhanko.pdf_utils.text import TextBoxStyle
from pyhanko.stamp import TextStampStyle

VIETNAM_TIME = timezone(timedelta(hours=7), "ICT")

#: Stamp geometry in PDF points: inset from the page corner, and size.
STAMP_INSET = (14.0, 8.0)
STAMP_SIZE = (210.0, 30.0)
STAMP_FONT_SIZE = 8


@dataclass(frozen=True)
class Box:
    x1: float
    y1: float
    x2: float
    y2: float

    def as_tuple(self) -> tuple[int, int, int, int]:
        return (round(self.x1), round(self.y1), round(self.x2), round(self.y2))


def top_left_box(page_box: tuple[float, float, float, float]) -> Box:
    """The stamp rectangle at the top-left of a page whose box is (x1, y1, x2, y2)."""
    left, _bottom, _right, top = page_box
    width, height = STAMP_SIZE
    inset_x, inset_y = STAMP_INSET
    return Box(left + inset_x, top - inset_y - height, left + inset_x + width, top - inset_y)


def vietnam_time(moment: datetime) -> str:
    """``24/11/2026 09:15:03 (UTC+07:00)``: how the stamp shows a time."""
    local = moment.astimezone(VIETNAM_TIME)
    return local.strftime("%d/%m/%Y %H:%M:%S") + " (UTC+07:00)"


def operator_stamp_lines(operator: str, scanned_at: datetime) -> str:
    return f"Người số hóa: {operator}\nThời gian quét: {vietnam_time(scanned_at)}"


def operator_stamp_style(font_path: Path, text: str) -> TextStampStyle:
    """A plain black text stamp with a thin border; no image (nothing to hide the page)."""
    font = GlyphAccumulatorFactory(str(font_path), font_size=STAMP_FONT_SIZE)
    return TextStampStyle(
        stamp_text=text,
        text_box_style=TextBoxStyle(font=font, font_size=STAMP_FONT_SIZE, leading=10),
        border_width=1,
        border_color=(0, 0, 0),
        inner_content_layout=SimpleBoxLayoutRule(
            x_align=AxisAlignment.ALIGN_MIN, y_align=AxisAlignment.ALIGN_MID,
            margins=Margins(left=4, right=4, top=2, bottom=2),
        ),
    )
