"""What a signature looks like on the page, and where it sits (NĐ 30/2020, Appendix I).

Four forms, each an ``Appearance`` — a page, a rectangle and a pyHanko stamp style:

- the **operator stamp** (TT 01/2023 Art. 8(1), REGULATIONS 9.A.7): top-left of
  page 1, who scanned the paper and when;
- the **copy stamp** (chữ ký số của cơ quan trên bản sao điện tử, REGULATIONS
  9.E.37): top-right of page 1, no image; the copy form ("SAO Y", "SAO LỤC",
  "TRÍCH SAO"), the copying agency and the signing time as date, hh:mm:ss and
  the +07:00 zone per ISO 8601, in a Times-New-Roman-compatible font, 10 pt, black;
- the **certified-copy stamp** of a paper → electronic conversion (9.E.38): the
  copy stamp with the conversion mark under it and, optionally, a QR of the mark,
  time, agency and look-up URL on its left;
- on issued results (REGULATIONS 9.F.43–44), two signatures: the competent
  person's, shown as their blue signature image, and the agency's, shown as
  its red seal at actual size covering about the left third of that image.

Texts may hold ``%(signed_at)s``; the signer fills it with the very moment that
goes into the signature, so stamp and signature never disagree.
"""

from __future__ import annotations

import io
from dataclasses import dataclass, replace
from datetime import datetime
from enum import Enum
from functools import cached_property
from pathlib import Path
from typing import ClassVar, Protocol

from PIL import Image
from pyhanko.pdf_utils.font.opentype import GlyphAccumulatorFactory
from pyhanko.pdf_utils.images import PdfImage
from pyhanko.pdf_utils.layout import AxisAlignment, Margins, SimpleBoxLayoutRule
from pyhanko.pdf_utils.text import TextBoxStyle
from pyhanko.stamp import BaseStampStyle, StaticStampStyle, TextStampStyle

from .clock import vietnam_time
from .errors import BadSigningInput
from .fonts import text_width
from .qr_data import qr_pdf_content

SIGNED_AT = "%(signed_at)s"
COPY_FORMS = ("SAO Y", "SAO LỤC", "TRÍCH SAO")
#: Side of a stamp's QR in points (22 mm): modules of about 0.4 mm, which phones read
#: from a print as well as from a screen.
QR_SIDE = 62.0

#: Inset of a corner stamp from the page's edges, in PDF points.
CORNER_INSET = (14.0, 8.0)
POINTS_PER_MM = 72 / 25.4


class Corner(Enum):
    TOP_LEFT = "top-left"
    TOP_RIGHT = "top-right"
    BOTTOM_LEFT = "bottom-left"
    BOTTOM_RIGHT = "bottom-right"


@dataclass(frozen=True)
class Box:
    """A rectangle in PDF points, (x1, y1) bottom-left."""

    x1: float
    y1: float
    x2: float
    y2: float

    def as_tuple(self) -> tuple[int, int, int, int]:
        return (round(self.x1), round(self.y1), round(self.x2), round(self.y2))


class Appearance(Protocol):
    """A visible signature: the page (0-based, -1 for the last), its box there, its style."""

    @property
    def page(self) -> int: ...

    def box(self, page_box: Box) -> Box: ...

    def style(self) -> BaseStampStyle: ...


@dataclass(frozen=True)
class TextStamp:
    """Black text in a thin frame, in a corner of a page, optionally with a QR on its left;
    no signature image."""

    text: str
    font_path: Path
    corner: Corner
    font_size: int = 10
    page: int = 0
    qr_text: str | None = None
    #: A time the signer writes for ``%(signed_at)s``, to size the box by.
    SAMPLE_TIME: ClassVar[str] = "2026-11-24T09:15:03+07:00"
    MARGIN: ClassVar[tuple[int, int]] = (4, 3)

    @property
    def leading(self) -> int:
        return round(self.font_size * 1.2)

    @property
    def size(self) -> tuple[float, float]:
        """Width and height in points: the text as set in the font, plus the QR's square."""
        shown = self.text.replace(SIGNED_AT, self.SAMPLE_TIME)
        margin_x, margin_y = self.MARGIN
        height = float(self.leading * len(shown.splitlines()) + 2 * margin_y + 2)
        width = text_width(self.font_path, shown, self.font_size) + 2 * margin_x + 2
        if self.qr_text:
            height = max(height, QR_SIDE)
            width += height
        return width, height

    def box(self, page_box: Box) -> Box:
        width, height = self.size
        page_width = page_box.x2 - page_box.x1
        # On a small page (a receipt, an ID photo) the insets shrink with it.
        inset_x, inset_y = (min(inset, page_width / 20) for inset in CORNER_INSET)
        # A name too long for the page is shrunk to fit rather than cut off: pyHanko
        # scales the text down, but it needs room for the frame's own margins.
        width = min(width, page_width - 2 * inset_x)
        least = 2 * self.MARGIN[0] + 2 + (height if self.qr_text else 0) + 12
        if width < least or height > page_box.y2 - page_box.y1 - 2 * inset_y:
            raise BadSigningInput(
                f"trang {page_width / POINTS_PER_MM:.0f} mm quá nhỏ để đặt dấu chữ ký số "
                f"(the page is too small to carry the signature stamp)")
        left = (page_box.x1 + inset_x if self.corner in (Corner.TOP_LEFT, Corner.BOTTOM_LEFT)
                else page_box.x2 - inset_x - width)
        if self.corner in (Corner.BOTTOM_LEFT, Corner.BOTTOM_RIGHT):
            bottom = page_box.y1 + inset_y
            return Box(left, bottom, left + width, bottom + height)
        top = page_box.y2 - inset_y
        return Box(left, top - height, left + width, top)

    def style(self) -> TextStampStyle:
        # The same size goes to the font factory and the text box (TOOLCHAIN.md).
        font = GlyphAccumulatorFactory(str(self.font_path), font_size=self.font_size)
        margin_x, margin_y = self.MARGIN
        qr_room = round(self.size[1]) if self.qr_text else 0
        style = TextStampStyle(
            stamp_text=self.text,
            # No padding of the text box's own (pyHanko's default is 10 pt each side): the
            # box is sized to the text, and padding would make the layout shrink the text
            # below the 10 pt the decree asks.
            text_box_style=TextBoxStyle(
                font=font, font_size=self.font_size, leading=self.leading,
                box_layout_rule=SimpleBoxLayoutRule(
                    x_align=AxisAlignment.ALIGN_MIN, y_align=AxisAlignment.ALIGN_MID,
                    margins=Margins(0, 0, 0, 0))),
            border_width=1,
            border_color=(0, 0, 0),
            inner_content_layout=SimpleBoxLayoutRule(
                x_align=AxisAlignment.ALIGN_MIN, y_align=AxisAlignment.ALIGN_MID,
                margins=Margins(left=margin_x + qr_room, right=margin_x, top=margin_y,
                                bottom=margin_y),
            ),
        )
        if not self.qr_text:
            return style
        return replace(style, background=qr_pdf_content(self.qr_text), background_opacity=1.0,
                       background_layout=SimpleBoxLayoutRule(
                           x_align=AxisAlignment.ALIGN_MIN, y_align=AxisAlignment.ALIGN_MID,
                           margins=Margins(margin_y, margin_y, margin_y, margin_y)))


def operator_stamp(operator: str, scanned_at: datetime, font_path: Path) -> TextStamp:
    """The scanning officer's stamp, top-left of page 1 (REGULATIONS 9.A.7)."""
    text = f"Người số hóa: {operator}\nThời gian quét: {vietnam_time(scanned_at)}"
    return TextStamp(text, font_path, Corner.TOP_LEFT, font_size=8)


def copy_stamp(copy_form: str, agency: str, font_path: Path) -> TextStamp:
    """The agency's copy signature, top-right of page 1, Times-compatible 10 pt (9.E.37)."""
    return TextStamp(_copy_lines(copy_form, agency), font_path, Corner.TOP_RIGHT)


def attestation_stamps(statement: str, certifier: str, position: str, agency: str,
                       font_path: Path) -> tuple[TextStamp, TextStamp]:
    """The two stamps of a copy certified from its original (chứng thực bản sao từ bản
    chính, REGULATIONS 61), at the foot of its last page: the certifying person's, with
    the certification statement (lời chứng) and their name, bottom right; the agency's,
    bottom left."""
    person = f"{statement}\n{position}\n{certifier}\nKý số: {SIGNED_AT}"
    return (TextStamp(person, font_path, Corner.BOTTOM_RIGHT, font_size=9, page=-1),
            TextStamp(f"{agency}\nĐóng dấu số: {SIGNED_AT}", font_path, Corner.BOTTOM_LEFT,
                      font_size=9, page=-1))


def register_copy_stamp(agency: str, register_entry: str, lookup_code: str,
                        font_path: Path) -> TextStamp:
    """The agency's stamp on a copy issued from its register (cấp bản sao từ sổ gốc,
    REGULATIONS 60), top right of page 1: what it is, the agency, the register entry it
    comes from and its look-up code."""
    return TextStamp(f"BẢN SAO TỪ SỔ GỐC\n{agency}\n{register_entry}\nMã tra cứu: {lookup_code}"
                     f"\nThời gian ký: {SIGNED_AT}", font_path, Corner.TOP_RIGHT)


def certified_copy_stamp(copy_form: str, agency: str, mark: str, font_path: Path,
                         qr_text: str | None = None) -> TextStamp:
    """The copy signature of a paper → electronic conversion (REGULATIONS 9.E.37–38): the
    "SAO Y" lines, then the conversion mark; the agency's full name and the signing time,
    which is the conversion time, are already in them. The optional QR on the left
    carries the same data (NĐ 137/2024 Art. 4)."""
    mark = " ".join(mark.split())
    if not mark:
        raise BadSigningInput("ký hiệu chuyển đổi không được để trống (the conversion mark "
                              "is empty)")
    return TextStamp(f"{_copy_lines(copy_form, agency)}\n{mark}", font_path, Corner.TOP_RIGHT,
                     qr_text=qr_text)


def act_stamp(agency: str, act: str, font_path: Path,
              corner: Corner = Corner.BOTTOM_RIGHT) -> TextStamp:
    """An agency's signature on a paper it hands out (a receipt, a printable copy): the
    agency, the act and the signing time at the foot of the last page, clear of the
    national header, the QR and the copy's own blocks."""
    return TextStamp(f"{agency}\n{act}\nThời gian ký: {SIGNED_AT}", font_path, corner,
                     font_size=9, page=-1)


def issued_stamp(agency: str, notation: str, font_path: Path) -> TextStamp:
    """The agency's signature on a document it issues without images: top-right of page 1,
    the agency, the number and symbol and the signing time, 10 pt (REGULATIONS 9.F.45)."""
    notation = " ".join(notation.split())
    if not notation:
        raise BadSigningInput("văn bản ban hành cần số, ký hiệu (an issued document needs its "
                              "number and symbol)")
    return TextStamp(f"{agency}\nSố: {notation}\nThời gian ký: {SIGNED_AT}", font_path,
                     Corner.TOP_RIGHT)


def _copy_lines(copy_form: str, agency: str) -> str:
    form = copy_form.strip().upper()
    if form not in COPY_FORMS:
        raise BadSigningInput(f"hình thức sao phải là {', '.join(COPY_FORMS)} "
                              f"(copy form must be one of them), không phải {copy_form!r}")
    return f"{form}\n{agency}\nThời gian ký: {SIGNED_AT}"


@dataclass(frozen=True)
class ImageStamp:
    """A transparent PNG at its actual size, centred on a point of a page.

    The size comes from the PNG's resolution — a seal must appear at its real
    size — or ``default_dpi`` when the file does not say. ``centre_mm`` is
    measured from the page's top-left corner, as people measure on paper.
    """

    png: bytes
    centre_mm: tuple[float, float]
    page: int = -1
    default_dpi: float = 300.0

    @cached_property
    def picture(self) -> Image.Image:
        try:
            image = Image.open(io.BytesIO(self.png))
            image.load()
        except (OSError, ValueError) as exc:
            raise BadSigningInput(f"ảnh chữ ký/ảnh dấu không đọc được (signature or seal image "
                                  f"unreadable): {exc}") from None
        if image.format != "PNG" or "A" not in image.getbands() and "transparency" not in image.info:
            raise BadSigningInput("ảnh chữ ký và ảnh dấu phải là PNG nền trong suốt "
                                  "(signature and seal images must be transparent PNGs)")
        return image.convert("RGBA")

    @property
    def size(self) -> tuple[float, float]:
        """Width and height in points."""
        dpi = self.picture.info.get("dpi") or (self.default_dpi, self.default_dpi)
        scale = 72 / float(dpi[0] or self.default_dpi)
        return self.picture.width * scale, self.picture.height * scale

    def box(self, page_box: Box) -> Box:
        width, height = self.size
        cx = page_box.x1 + self.centre_mm[0] * POINTS_PER_MM
        cy = page_box.y2 - self.centre_mm[1] * POINTS_PER_MM
        return Box(cx - width / 2, cy - height / 2, cx + width / 2, cy + height / 2)

    def style(self) -> StaticStampStyle:
        # No margin: the picture fills the box, which has the picture's real size.
        return StaticStampStyle(
            background=PdfImage(self.picture), background_opacity=1.0, border_width=0,
            background_layout=SimpleBoxLayoutRule(
                x_align=AxisAlignment.ALIGN_MID, y_align=AxisAlignment.ALIGN_MID,
                margins=Margins(0, 0, 0, 0)),
        )


def seal_over(seal_png: bytes, signature: ImageStamp) -> ImageStamp:
    """The agency seal (red, actual size, 9.F.44), covering the left third of ``signature``."""
    seal = ImageStamp(seal_png, (0.0, 0.0), signature.page)
    sig_width = signature.size[0] / POINTS_PER_MM
    seal_width = seal.size[0] / POINTS_PER_MM
    sig_left = signature.centre_mm[0] - sig_width / 2
    # The seal's right edge falls one third of the way into the signature image.
    centre_x = sig_left + sig_width / 3 - seal_width / 2
    return ImageStamp(seal_png, (centre_x, signature.centre_mm[1]), signature.page)
