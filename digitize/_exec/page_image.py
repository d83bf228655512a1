"""Take a page's scan straight out of the PDF instead of rendering the page.

Our working PDF holds one full-page image per page (img2pdf or a scanner).
Rendering that page with PDFium decodes the image, paints it and re-encodes a
PNG, which the OCR stage then decodes again. When a page is exactly one image
covering the page, its JPEG bytes *are* the raster at native resolution, so we
hand them over as they are (with the resolution written into the JFIF header)
and nothing is decoded twice. Anything else goes to OCRmyPDF's own rasteriser.
"""

from __future__ import annotations

import functools
import io
import struct
from dataclasses import dataclass
from pathlib import Path
from typing import Any, cast

import pikepdf
from PIL import Image

_CONTENT_OPS = {"q", "Q", "cm", "Do"}


@dataclass(frozen=True)
class PageImage:
    """The single image of a page: its encoded bytes or decoded pixels, and its size."""

    jpeg: bytes | None
    pixels: Image.Image | None
    width: int
    height: int


def _covers_page(page: pikepdf.Page) -> pikepdf.Object | None:
    """The image XObject if the page is exactly one image painted over the whole page."""
    if int(page.obj.get("/Rotate", 0)) % 360:
        return None
    resources: Any = page.obj.get("/Resources", {})
    if "/Font" in resources:
        return None
    xobjects: Any = resources.get("/XObject", {})
    if len(xobjects) != 1:
        return None
    image = next(iter(xobjects.values()))
    if image.get("/Subtype") != "/Image" or "/SMask" in image or "/Mask" in image:
        return None
    ops = list(pikepdf.parse_content_stream(page))
    if {str(op.operator) for op in ops} - _CONTENT_OPS or sum(str(op.operator) == "Do" for op in ops) != 1:
        return None
    matrices = [op.operands for op in ops if str(op.operator) == "cm"]
    if len(matrices) != 1:
        return None
    a, b, c, d, e, f = (float(v) for v in matrices[0])
    box = [float(v) for v in page.mediabox]
    width, height = box[2] - box[0], box[3] - box[1]
    if abs(b) > 0.01 or abs(c) > 0.01 or abs(a - width) > 1 or abs(d - height) > 1:
        return None
    if abs(e - box[0]) > 1 or abs(f - box[1]) > 1:
        return None
    return cast(pikepdf.Object, image)


@functools.lru_cache(maxsize=8)
def _extract(pdf_path: Path, modified_ns: int, pageno: int) -> PageImage | None:
    with pikepdf.open(pdf_path) as pdf:
        image = _covers_page(pdf.pages[pageno - 1])
        if image is None:
            return None
        width, height = int(image.Width), int(image.Height)
        colourspace = image.get("/ColorSpace")
        plain = (colourspace in ("/DeviceGray", "/DeviceRGB") and int(image.get("/BitsPerComponent", 8)) == 8
                 and "/Decode" not in image)
        if plain and image.get("/Filter") == "/DCTDecode" and "/DecodeParms" not in image:
            return PageImage(bytes(image.read_raw_bytes()), None, width, height)
        try:
            pixels = pikepdf.PdfImage(cast(pikepdf.Stream, image)).as_pil_image()
        except (pikepdf.PdfError, NotImplementedError, ValueError):
            return None
        return PageImage(None, pixels, width, height)


def extract_page_image(pdf_path: Path, pageno: int) -> PageImage | None:
    """The page's image (page numbers from 1), or None when the page is more than one image.

    OCRmyPDF asks for each page twice (a preview for orientation, then the page),
    so the result is kept for the next call on the same unchanged file.
    """
    return _extract(Path(pdf_path), Path(pdf_path).stat().st_mtime_ns, pageno)


def with_jfif_density(jpeg: bytes, dpi: tuple[int, int]) -> bytes:
    """The JPEG with its JFIF header stating `dpi` (a JFIF APP0 is added when missing)."""
    x, y = (max(1, min(65535, round(v))) for v in dpi)
    if jpeg[2:4] == b"\xff\xe0" and jpeg[6:11] == b"JFIF\x00":
        return jpeg[:13] + struct.pack(">BHH", 1, x, y) + jpeg[18:]
    app0 = b"\xff\xe0" + struct.pack(">H5sBBBHHBB", 16, b"JFIF\x00", 1, 2, 1, x, y, 0, 0)
    return jpeg[:2] + app0 + jpeg[2:]


def decode(page: PageImage) -> Image.Image:
    if page.pixels is not None:
        return page.pixels
    assert page.jpeg is not None
    return Image.open(io.BytesIO(page.jpeg))
