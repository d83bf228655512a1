"""The page images a PDF/A keeps (issue 30, item 5): a colour scan in a fraction of its
bytes, every stroke still where it was at the scan's resolution, seals still red, and
the kept page read by OCR as the scan itself is."""

from __future__ import annotations

import io
import subprocess
from difflib import SequenceMatcher

import cv2
import img2pdf
import numpy as np
import pikepdf
from PIL import Image

from archive.pdfcheck import pdf_facts
from digitize.recompress import KeptImages, recompress_images
from tests.inputs import render_page
from tests.pages import add_blue_pen, add_red_seal, document_page

DPI = 200


def _scanned(image: Image.Image, seed: int = 3) -> Image.Image:
    """The page as a scanner gives it: cream paper with grain, a little sensor noise."""
    rng = np.random.default_rng(seed)
    pixels = np.asarray(image.convert("RGB"), dtype=np.float32)
    paper = np.array([246, 242, 228], dtype=np.float32) / 255
    grain = rng.normal(0, 7, pixels.shape[:2])[..., None]
    noisy = pixels * paper + grain + rng.normal(0, 3, pixels.shape)
    return Image.fromarray(noisy.clip(0, 255).astype(np.uint8), "RGB")


def _pdf(image: Image.Image, **save: object) -> bytes:
    out = io.BytesIO()
    image.save(out, format="JPEG", quality=92, subsampling=0, dpi=(DPI, DPI), **save)
    return bytes(img2pdf.convert(out.getvalue(),
                                 layout_fun=img2pdf.get_fixed_dpi_layout_fun((DPI, DPI))))


def _words(image: Image.Image) -> list[str]:
    png = io.BytesIO()
    image.save(png, format="PNG", dpi=(DPI, DPI))
    text = subprocess.run(["tesseract", "-", "-", "-l", "vie"], input=png.getvalue(),
                          capture_output=True, check=True, env={"OMP_THREAD_LIMIT": "1"}).stdout
    return text.decode().split()


def test_a_colour_scan_is_kept_in_a_fraction_of_its_bytes_and_reads_the_same() -> None:
    page = add_blue_pen(add_red_seal(document_page(DPI, mode="RGB")))
    scan = _pdf(_scanned(page.image))
    kept = recompress_images(scan, KeptImages())
    assert len(kept) * 3 < len(scan), (len(kept), len(scan))
    assert pdf_facts(kept)[0] is None  # sound structure: opens without repair, streams decode

    before, after = render_page(scan, dpi=DPI).convert("RGB"), render_page(kept, dpi=DPI).convert("RGB")
    assert after.size == before.size  # same page, same scale
    # Every stroke where it was, at the scan's resolution: each dark pixel of either is
    # within a pixel of a dark pixel of the other (edges are sharp now, not grey).
    ink_before = np.asarray(before.convert("L")) < 120
    ink_after = np.asarray(after.convert("L")) < 120
    near = np.ones((3, 3), np.uint8)
    kept_near = cv2.dilate(ink_after.astype(np.uint8), near).astype(bool)
    scanned_near = cv2.dilate(ink_before.astype(np.uint8), near).astype(bool)
    assert (ink_before & kept_near).sum() > 0.98 * ink_before.sum()
    assert (ink_after & scanned_near).sum() > 0.98 * ink_after.sum()
    # The seal is still red where its ink is.
    assert page.seal_box is not None
    left, top, right, bottom = page.seal_box
    seal_before = np.asarray(before.crop(page.seal_box), dtype=np.int16)
    seal_after = np.asarray(after.crop((left, top, right, bottom)), dtype=np.int16)
    reddish = (seal_before[..., 0] - seal_before[..., 1]) > 60
    assert reddish.sum() > 500
    assert ((seal_after[..., 0] - seal_after[..., 1])[reddish] > 40).mean() > 0.8
    # And OCR reads the kept page as it reads the scan (legibility is checked by OCR):
    # against the page's own text, within a word or two of two hundred.
    truth = " ".join(page.text).split()
    read_before = SequenceMatcher(a=truth, b=_words(before)).ratio()
    read_after = SequenceMatcher(a=truth, b=_words(after)).ratio()
    assert read_before > 0.9 and read_after >= read_before - 0.015, (read_before, read_after)


def test_bitonal_and_small_images_are_left_as_they_are() -> None:
    bitonal = io.BytesIO()
    document_page(DPI).image.convert("1").save(bitonal, format="PNG", dpi=(DPI, DPI))
    fax = bytes(img2pdf.convert(bitonal.getvalue()))
    assert recompress_images(fax, KeptImages()) == fax
    logo = _pdf(_scanned(Image.new("RGB", (300, 300), "white")))
    assert recompress_images(logo, KeptImages()) == logo


def test_a_picture_is_kept_as_one_jpeg_not_split() -> None:
    rng = np.random.default_rng(5)
    photo = Image.fromarray(rng.integers(0, 200, (1200, 900, 3), dtype=np.uint8), "RGB")
    source = _pdf(photo.resize((1800, 2400)))
    kept = recompress_images(source, KeptImages(quality=40))
    assert len(kept) < len(source)
    with pikepdf.open(io.BytesIO(kept)) as pdf:
        images = [o for o in pdf.objects if isinstance(o, pikepdf.Stream)
                  and o.get("/Subtype") == "/Image"]
        assert len(images) == 1 and images[0].get("/Filter") == "/DCTDecode"
        assert not any(isinstance(o, pikepdf.Stream) and o.get("/Subtype") == "/Form"
                       for o in pdf.objects)
