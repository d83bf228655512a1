"""Recompress the page images of a PDF/A for keeping (nén ảnh trang để lưu trữ).

The electronic copy the law asks for is the signed PDF/A, which must show the paper
fully and legibly at 200 dpi or more; the scanner's own file need not be kept
(issue 30). A 200-dpi colour A4 page is 1654 × 2339 pixels. As one JPEG it stays near
300 KB even at modest quality: text edges are the detail JPEG codes worst, and a
scan's paper grain fills the rest. So a page is split as DjVu and the Internet
Archive's PDFs split it (mixed raster content, ITU-T T.44):

- the **ink** (text, seals, signatures, hand-written notes) as a bitonal mask at the
  full scan resolution, CCITT Group 4 coded: every stroke at ≥ 200 dpi, sharp;
- the ink's **colours** at a third of the resolution (JPEG), painted through the mask,
  so a red seal stays red and a blue signature blue;
- the **paper** without the ink at half the resolution (JPEG): its tone, stains,
  pictures and whatever is not ink.

A pixel is ink when it differs from the paper around it (estimated at an eighth of
the resolution, ink removed by a maximum filter) by more than ``ink_contrast`` in some
colour channel. Pages mostly dark (a photograph, an ID card's portrait) are written
as one JPEG at ``quality`` instead, as are pages where the split would be larger.

This stage runs after OCR, in the OCR worker (under its memory limit, never in the
server: the images are the untrusted scan's), so Tesseract has read the full-quality
image; the benchmark (``bench/storage_per_page.py``) reads the kept pages again to show
they read as well. The page's geometry is untouched: the image becomes a form of the same unit
square, drawn by the same operators. Bitonal images, masks, images with a soft mask or
a decode array, and anything pikepdf cannot decode are left as they are.
"""

from __future__ import annotations

import io
from dataclasses import dataclass

import cv2
import numpy as np
import pikepdf
from numpy.typing import NDArray
from PIL import Image, TiffImagePlugin

#: Images smaller than this (in pixels) are logos and stamps, not pages: not worth it.
MIN_PIXELS = 200_000
_COLOUR_SPACES = {"/DeviceRGB": "RGB", "/DeviceGray": "L"}


@dataclass(frozen=True)
class KeptImages:
    """How the page images are kept (settings ``SOHOA_OCR_KEPT_IMAGE_QUALITY`` and
    ``SOHOA_OCR_KEPT_INK_CONTRAST``; the rest are the shape of the method)."""

    #: JPEG quality of the colour layers and of pages kept as one JPEG (1–95).
    quality: int = 60
    #: Difference from the paper, 0–255 in some channel, that makes a pixel ink.
    ink_contrast: int = 48
    #: Share of ink above which a page is a picture, kept as one JPEG.
    max_ink_share: float = 0.3
    #: Resolution divisors of the ink colours and of the paper (at 200 dpi: 67 and 100).
    colour_step: int = 3
    paper_step: int = 2


def recompress_images(pdf: bytes, kept: KeptImages) -> bytes:
    """``pdf`` with its grey and colour page images split into ink and paper (or as one
    JPEG); the same bytes when nothing got smaller."""
    changed = False
    with pikepdf.open(io.BytesIO(pdf)) as document:
        for obj in list(document.objects):
            if isinstance(obj, pikepdf.Stream) and obj.get("/Subtype") == "/Image":
                changed |= _recompress(document, obj, kept)
        if not changed:
            return pdf
        out = io.BytesIO()
        document.save(out)
        return out.getvalue()


def _recompress(document: pikepdf.Pdf, image: pikepdf.Stream, kept: KeptImages) -> bool:
    mode = _mode(image)
    if mode is None or int(image.get("/Width", 0)) * int(image.get("/Height", 0)) < MIN_PIXELS:
        return False
    try:
        picture = pikepdf.PdfImage(image).as_pil_image()
    except (pikepdf.PdfError, NotImplementedError, ValueError, OSError):
        return False
    if picture.mode != mode:
        return False
    pixels = np.asarray(picture.convert("RGB"))
    before = len(image.read_raw_bytes())
    layers = _split(pixels, kept)
    if layers is not None:
        ink, colours, paper = layers
        mask = _mask_stream(document, ink)
        foreground = _jpeg_stream(document, colours, mode, kept.quality)
        foreground["/Mask"] = mask
        background = _jpeg_stream(document, paper, mode, kept.quality)
        size = sum(len(s.read_raw_bytes()) for s in (mask, foreground, background))
        if size < before:
            _as_form(image, {"/Paper": background, "/Ink": foreground})
            return True
    whole = _jpeg(pixels, mode, kept.quality)
    if len(whole) >= before:
        return False
    image.write(whole, filter=pikepdf.Name.DCTDecode, decode_parms=None)
    return True


def _split(pixels: NDArray[np.uint8], kept: KeptImages
           ) -> tuple[NDArray[np.uint8], NDArray[np.uint8], NDArray[np.uint8]] | None:
    """The ink mask (full size, 255 where ink), the ink's colours and the paper without
    ink (smaller); None for a page that is mostly dark (a picture)."""
    height, width = pixels.shape[:2]
    small = cv2.resize(pixels, (max(1, width // 8), max(1, height // 8)),
                       interpolation=cv2.INTER_AREA)
    paper_small = cv2.medianBlur(cv2.dilate(small, np.ones((5, 5), np.uint8)), 5)
    paper = cv2.resize(paper_small, (width, height), interpolation=cv2.INTER_LINEAR)
    red, green, blue = cv2.split(cv2.absdiff(pixels, paper))
    ink = np.asarray(cv2.threshold(cv2.max(cv2.max(red, green), blue), kept.ink_contrast,
                                   255, cv2.THRESH_BINARY)[1], dtype=np.uint8)
    if cv2.countNonZero(ink) > kept.max_ink_share * width * height:
        return None
    colours = _ink_colours(pixels, ink, kept.colour_step)
    clean = cv2.copyTo(paper, ink, pixels.copy())
    step = kept.paper_step
    paper_layer = cv2.resize(clean, (max(1, width // step), max(1, height // step)),
                             interpolation=cv2.INTER_AREA)
    return ink, colours, np.asarray(paper_layer, dtype=np.uint8)


def _ink_colours(pixels: NDArray[np.uint8], ink: NDArray[np.uint8],
                 step: int) -> NDArray[np.uint8]:
    """The mean colour of the ink in each ``step``-square block; blocks without ink take
    their neighbours' (normalised averaging), so no paper colour bleeds into a stroke.
    Full-size arrays stay 8-bit: a page's memory is a few times its pixels, not tens."""
    height, width = ink.shape
    size = (max(1, -(-width // step)), max(1, -(-height // step)))
    inked = cv2.bitwise_and(pixels, pixels, mask=ink)
    sums = cv2.resize(inked, size, interpolation=cv2.INTER_AREA).astype(np.float32)
    counts = cv2.resize(ink, size, interpolation=cv2.INTER_AREA).astype(np.float32) / 255
    spread = cv2.blur(sums, (9, 9)) / np.maximum(cv2.blur(counts, (9, 9)), 1e-6)[..., None]
    own = sums / np.maximum(counts, 1e-6)[..., None]
    colours = np.where(counts[..., None] > 0, own, spread)
    return np.clip(colours, 0, 255).astype(np.uint8)


def _jpeg(pixels: NDArray[np.uint8], mode: str, quality: int) -> bytes:
    out = io.BytesIO()
    Image.fromarray(pixels).convert(mode).save(out, format="JPEG", quality=quality,
                                                subsampling="4:2:0", optimize=True)
    return out.getvalue()


def _jpeg_stream(document: pikepdf.Pdf, pixels: NDArray[np.uint8], mode: str,
                 quality: int) -> pikepdf.Stream:
    height, width = pixels.shape[:2]
    stream = pikepdf.Stream(document, _jpeg(pixels, mode, quality))
    stream.update({"/Type": pikepdf.Name.XObject, "/Subtype": pikepdf.Name.Image,
                   "/Width": width, "/Height": height, "/BitsPerComponent": 8,
                   "/ColorSpace": pikepdf.Name("/DeviceRGB" if mode == "RGB" else "/DeviceGray"),
                   "/Filter": pikepdf.Name.DCTDecode})
    return document.make_indirect(stream)


def _mask_stream(document: pikepdf.Pdf, ink: NDArray[np.uint8]) -> pikepdf.Stream:
    """The ink as a stencil mask: CCITT Group 4, ink black (painted), paper white."""
    height, width = ink.shape
    tiff = io.BytesIO()
    # Paper white, ink black, one strip holding the page.
    Image.fromarray(cv2.bitwise_not(ink)).convert("1").save(
        tiff, format="TIFF", compression="group4", tiffinfo={278: height})
    with Image.open(tiff) as coded:
        assert isinstance(coded, TiffImagePlugin.TiffImageFile)
        offset, length = coded.tag_v2[273][0], coded.tag_v2[279][0]
        inverted = coded.tag_v2.get(262) == 1  # BlackIsZero: Pillow's usual choice
    data = tiff.getvalue()[offset: offset + length]
    stream = pikepdf.Stream(document, data)
    stream.update({"/Type": pikepdf.Name.XObject, "/Subtype": pikepdf.Name.Image,
                   "/Width": width, "/Height": height, "/ImageMask": True,
                   "/BitsPerComponent": 1, "/Filter": pikepdf.Name.CCITTFaxDecode,
                   "/DecodeParms": pikepdf.Dictionary(K=-1, Columns=width, Rows=height,
                                                      BlackIs1=inverted)})
    return document.make_indirect(stream)


def _as_form(image: pikepdf.Stream, layers: dict[str, pikepdf.Stream]) -> None:
    """Turn the image object into a form drawing ``layers`` over the same unit square,
    so every page that drew the image draws the layers in its place."""
    for key in list(image.keys()):
        if key not in ("/Type", "/Length"):
            del image[key]
    image.write(b" ".join(f"{name} Do".encode() for name in layers))
    image.update({"/Type": pikepdf.Name.XObject, "/Subtype": pikepdf.Name.Form,
                  "/BBox": pikepdf.Array([0, 0, 1, 1]),
                  "/Resources": pikepdf.Dictionary(XObject=pikepdf.Dictionary(layers))})


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
