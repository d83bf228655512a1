"""Recompress the page images of a PDF/A for keeping (nén ảnh trang để lưu trữ).

The electronic copy the law asks for is the signed PDF/A, which must show the paper
fully and legibly at 200 dpi or more; the scanner's own file need not be kept
(issue 30). A 200-dpi colour A4 page is 1654 × 2339 pixels: a scanner's JPEG of it
(high quality, full-resolution colour) is 500–800 KB; the same pixels as a baseline
JPEG of moderate quality with the colour at half resolution (4:2:0, as every camera
and the JPEG standard's own examples do) are a third of that, and the text, which
lives in the brightness channel, keeps its full resolution.

This stage runs after OCR, so Tesseract has read the full-quality image. Every
8-bit grey or colour image of the PDF is decoded and written again as JPEG at
``quality``, at the same pixel size (the page stays at 100 % scale and its dpi), and
kept only when smaller. Bitonal images (fax-coded or 1-bit: already small, and
JPEG blurs their edges), masks, images with a soft mask or a decode array and
anything pikepdf cannot decode are left as they are.

Why not OCRmyPDF's ``--optimize``: it re-encodes JPEG images only (at 4:2:0, the same
way) and leaves PNG and TIFF scans as lossless Flate, so a colour PNG scan would stay
several megabytes; one stage for every colour image keeps the rule the same
whatever the scanner wrote.
"""

from __future__ import annotations

import io

import pikepdf

#: Images smaller than this (in pixels) are logos and stamps, not pages: not worth it.
MIN_PIXELS = 200_000
_COLOUR_SPACES = {"/DeviceRGB": "RGB", "/DeviceGray": "L"}


def recompress_images(pdf: bytes, quality: int) -> bytes:
    """``pdf`` with its grey and colour page images as JPEG at ``quality`` (1–95),
    chroma at half resolution; the same bytes when nothing got smaller."""
    changed = False
    with pikepdf.open(io.BytesIO(pdf)) as document:
        for obj in document.objects:
            if isinstance(obj, pikepdf.Stream) and obj.get("/Subtype") == "/Image":
                changed |= _recompress(obj, quality)
        if not changed:
            return pdf
        out = io.BytesIO()
        document.save(out)
        return out.getvalue()


def _recompress(image: pikepdf.Stream, quality: int) -> bool:
    mode = _mode(image)
    if mode is None or int(image.get("/Width", 0)) * int(image.get("/Height", 0)) < MIN_PIXELS:
        return False
    try:
        picture = pikepdf.PdfImage(image).as_pil_image()
    except (pikepdf.PdfError, NotImplementedError, ValueError, OSError):
        return False
    if picture.mode != mode:
        return False
    out = io.BytesIO()
    picture.save(out, format="JPEG", quality=quality, subsampling="4:2:0", optimize=True)
    data = out.getvalue()
    if len(data) >= len(image.read_raw_bytes()):
        return False
    image.write(data, filter=pikepdf.Name.DCTDecode, decode_parms=None)
    return True


def _mode(image: pikepdf.Stream) -> str | None:
    """The Pillow mode of an image this stage may re-encode; None for the others."""
    if (image.get("/BitsPerComponent") != 8 or image.get("/ImageMask") or "/SMask" in image
            or "/Decode" in image or "/Mask" in image):
        return None
    space = image.get("/ColorSpace")
    if isinstance(space, pikepdf.Name):
        return _COLOUR_SPACES.get(str(space))
    if isinstance(space, pikepdf.Array) and len(space) == 2 and space[0] == "/ICCBased":
        return {1: "L", 3: "RGB"}.get(int(space[1].get("/N", 0)))
    return None
