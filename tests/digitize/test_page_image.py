"""Taking a page's scan out of the working PDF without rendering it."""

from __future__ import annotations

import io
from pathlib import Path

import pikepdf
from PIL import Image

from digitize._exec.page_image import extract_page_image, with_jfif_density

from ..inputs import image_bytes, image_pdf, text_page


def test_a_jpeg_page_is_handed_over_byte_for_byte(tmp_path: Path):
    jpeg = image_bytes(text_page(200, mode="RGB"), "JPEG", 200)
    pdf = tmp_path / "scan.pdf"
    pdf.write_bytes(image_pdf(jpeg))
    page = extract_page_image(pdf, 1)
    assert page is not None and page.jpeg == jpeg


def test_a_png_page_is_decoded_losslessly(tmp_path: Path):
    original = text_page(200)
    pdf = tmp_path / "scan.pdf"
    pdf.write_bytes(image_pdf(image_bytes(original, "PNG", 200)))
    page = extract_page_image(pdf, 1)
    assert page is not None and page.pixels is not None
    assert page.pixels.tobytes() == original.tobytes()


def test_a_page_with_text_is_left_to_the_renderer(tmp_path: Path):
    pdf_path = tmp_path / "scan.pdf"
    pdf_path.write_bytes(image_pdf(image_bytes(text_page(200), "JPEG", 200)))
    with pikepdf.open(pdf_path, allow_overwriting_input=True) as pdf:
        page = pdf.pages[0]
        page.obj.Resources.Font = pikepdf.Dictionary(F1=pikepdf.Dictionary(Type=pikepdf.Name.Font))
        page.contents_add(pikepdf.Stream(pdf, b"BT /F1 12 Tf (x) Tj ET"))
        pdf.save(pdf_path)
    assert extract_page_image(pdf_path, 1) is None


def test_jfif_density_is_written_or_added():
    jpeg = image_bytes(text_page(100), "JPEG", 100)
    patched = with_jfif_density(jpeg, (300, 300))
    assert Image.open(io.BytesIO(patched)).info["dpi"] == (300, 300)
    assert len(patched) == len(jpeg)
    bare = b"\xff\xd8" + jpeg[2 + 2 + int.from_bytes(jpeg[4:6], "big"):]  # APP0 removed
    added = with_jfif_density(bare, (200, 200))
    assert Image.open(io.BytesIO(added)).info["dpi"] == (200, 200)
    assert Image.open(io.BytesIO(added)).size == Image.open(io.BytesIO(jpeg)).size
