"""Put accepted files together, pages in the order given, into one PDF for OCR.

Images are embedded losslessly at the resolution they were scanned at, so the
page is at 100 % scale (REGULATIONS 9.A.3): JPEG bytes go in as they are, PNG
and TIFF without recompression loss (img2pdf). The originals themselves are
never changed; this PDF is a derived working copy.
"""

from __future__ import annotations

import io

import img2pdf
import pikepdf
from PIL import Image

from .errors import CorruptFile
from .formats import ScanFormat
from .intake import ScanFile


def assemble(files: list[ScanFile]) -> bytes:
    """One PDF holding every page of ``files``, in order."""
    parts = [_as_pdf(f) for f in files]
    if len(parts) == 1:
        return parts[0]
    combined = pikepdf.new()
    sources = [pikepdf.open(io.BytesIO(part)) for part in parts]
    try:
        for source in sources:
            combined.pages.extend(source.pages)
        out = io.BytesIO()
        combined.save(out)
        return out.getvalue()
    finally:
        for source in sources:
            source.close()


def _as_pdf(scan: ScanFile) -> bytes:
    if scan.format is ScanFormat.PDF:
        return _unsigned_rendering(scan.data) if scan.signed else scan.data
    dpi = scan.layout_dpi or 300.0
    layout = img2pdf.get_fixed_dpi_layout_fun((dpi, dpi))
    if scan.format is ScanFormat.HEIC:
        # PDF cannot hold HEVC pictures: the working copy gets a high-quality JPEG of the
        # same pixels (upright, as the phone showed it). The stored original stays HEIC.
        return bytes(img2pdf.convert(_heic_as_jpeg(scan), layout_fun=layout))
    try:
        return bytes(img2pdf.convert(scan.data, layout_fun=layout, rotation=img2pdf.Rotation.ifvalid))
    except (img2pdf.ImageOpenError, img2pdf.AlphaChannelError, ValueError, OSError):
        # img2pdf refuses alpha channels and some TIFF codings; flatten those frames
        # to lossless PNG first. Only the working copy changes, not the original.
        frames = [_flatten(frame) for frame in _frames(scan)]
        try:
            return bytes(img2pdf.convert(frames, layout_fun=layout))
        except Exception as exc:  # noqa: BLE001 - report any failure against the file
            raise CorruptFile(f"không chuyển được ảnh sang PDF (cannot convert image): {exc}",
                              filename=scan.name) from None


def _unsigned_rendering(data: bytes) -> bytes:
    """A signed PDF's pages as they look, without the signatures: every annotation's
    appearance (the visible signature stamps included) drawn into its page, the form
    and the permissions dictionary gone. OCRmyPDF refuses to touch a signed file, and
    would break its signatures if told to; the original is stored unchanged beside."""
    with pikepdf.open(io.BytesIO(data)) as pdf:
        pdf.flatten_annotations("all")
        for key in ("/AcroForm", "/Perms"):
            if key in pdf.Root:
                del pdf.Root[key]
        out = io.BytesIO()
        pdf.save(out)
        return out.getvalue()


HEIC_JPEG_QUALITY = 92


def _heic_as_jpeg(scan: ScanFile) -> bytes:
    with Image.open(io.BytesIO(scan.data)) as image:
        out = io.BytesIO()
        image.convert("RGB").save(out, format="JPEG", quality=HEIC_JPEG_QUALITY, subsampling=0)
    return out.getvalue()


def _frames(scan: ScanFile) -> list[Image.Image]:
    frames: list[Image.Image] = []
    with Image.open(io.BytesIO(scan.data)) as image:
        for index in range(getattr(image, "n_frames", 1)):
            image.seek(index)
            frames.append(image.copy())
    return frames


def _flatten(frame: Image.Image) -> bytes:
    if frame.mode in ("RGBA", "LA", "PA") or (frame.mode == "P" and "transparency" in frame.info):
        rgba = frame.convert("RGBA")
        background = Image.new("RGB", rgba.size, "white")
        background.paste(rgba, mask=rgba.getchannel("A"))
        frame = background
    elif frame.mode not in ("RGB", "L", "1"):
        frame = frame.convert("RGB")
    out = io.BytesIO()
    frame.save(out, format="PNG")
    return out.getvalue()
