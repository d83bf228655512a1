"""Inputs the tests make for themselves: pages with Vietnamese text, and bad files.

Nothing here reads ``../shared``: a user's clone without it runs every test.
"""

from __future__ import annotations

import io
import re
import struct
import subprocess
import zlib
from pathlib import Path

import pikepdf
from PIL import Image, ImageDraw, ImageFont

FONT = Path("/usr/share/fonts/truetype/liberation2/LiberationSerif-Regular.ttf")

LINES = [
    "ỦY BAN NHÂN DÂN TỈNH THỬ NGHIỆM",
    "Số: 95/2024/QĐ-UBND",
    "QUYẾT ĐỊNH",
    "Về việc ban hành quy chế số hóa hồ sơ",
    "Căn cứ Luật Tổ chức chính quyền địa phương;",
    "Điều 1. Ban hành kèm theo Quyết định này quy chế.",
]


def text_page(dpi: int = 300, *, mode: str = "L", lines: list[str] | None = None) -> Image.Image:
    """An A4 page at ``dpi`` with a few lines of Vietnamese, black on white."""
    width, height = round(8.27 * dpi), round(11.69 * dpi)
    page = Image.new(mode, (width, height), "white")
    draw = ImageDraw.Draw(page)
    font = ImageFont.truetype(str(FONT), size=round(14 / 72 * dpi))
    y = round(1.2 * dpi)
    for line in lines or LINES:
        draw.text((round(1.2 * dpi), y), line, font=font, fill="black")
        y += round(0.35 * dpi)
    return page


def image_bytes(image: Image.Image, fmt: str, dpi: int | None) -> bytes:
    out = io.BytesIO()
    kwargs = {"dpi": (dpi, dpi)} if dpi else {}
    image.save(out, format=fmt, **kwargs)
    return out.getvalue()


def multipage_tiff(pages: list[Image.Image], dpi: int) -> bytes:
    out = io.BytesIO()
    pages[0].save(out, format="TIFF", save_all=True, append_images=pages[1:], dpi=(dpi, dpi),
                  compression="tiff_deflate")
    return out.getvalue()


def image_pdf(image_data: bytes, *, version: str | None = None,
              encrypt: bool = False) -> bytes:
    """An image-only PDF page made with img2pdf (the image at its stated dpi)."""
    import img2pdf

    data = bytes(img2pdf.convert(image_data))  # img2pdf writes PDF 1.3
    with pikepdf.open(io.BytesIO(data)) as pdf:
        out = io.BytesIO()
        kwargs: dict[str, object] = (
            {"force_version": version} if version else {"min_version": "1.4"}
        )
        if encrypt:
            kwargs["encryption"] = pikepdf.Encryption(owner="owner-pw", user="user-pw")
        pdf.save(out, **kwargs)
        return out.getvalue()


def png_bomb(width: int = 40_000, height: int = 40_000) -> bytes:
    """A tiny PNG that claims ``width``×``height`` grey pixels (1.6 Gpx by default)."""
    def chunk(kind: bytes, body: bytes) -> bytes:
        return (struct.pack(">I", len(body)) + kind + body
                + struct.pack(">I", zlib.crc32(kind + body) & 0xFFFFFFFF))

    header = struct.pack(">IIBBBBB", width, height, 8, 0, 0, 0, 0)
    row = b"\x00" + b"\x00" * width
    compressor = zlib.compressobj(9)
    body = b"".join(compressor.compress(row) for _ in range(64)) + compressor.flush()
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", body) + chunk(b"IEND", b"")


def first_page_text(pdf: Path) -> str:
    """Page 1's text as poppler's pdftotext extracts it (what a reader's viewer copies)."""
    return subprocess.run(["pdftotext", "-f", "1", "-l", "1", str(pdf), "-"],
                          capture_output=True, text=True, check=True).stdout


def render_page(pdf: bytes, *, page: int = 1, dpi: int = 200) -> Image.Image:
    """One page rendered by poppler's pdftoppm, as a viewer or a printer would show it."""
    png = subprocess.run(["pdftoppm", "-f", str(page), "-l", str(page), "-r", str(dpi), "-png",
                          "-"], input=pdf, capture_output=True, check=True).stdout
    return Image.open(io.BytesIO(png))


def word_boxes(pdf: bytes) -> list[tuple[str, float, float]]:
    """Each word (or line) of page 1 with its top and bottom in points, from pdftotext -bbox."""
    html = subprocess.run(["pdftotext", "-bbox", "-f", "1", "-l", "1", "-", "-"], input=pdf,
                          capture_output=True, check=True).stdout.decode()
    return [(m.group(3), float(m.group(1)), float(m.group(2))) for m in re.finditer(
        r'<word xMin="[\d.]+" yMin="([\d.]+)" xMax="[\d.]+" yMax="([\d.]+)">([^<]*)</word>', html)]


def text_pdf(text: str) -> bytes:
    """A born-electronic one-page PDF 1.7 with a line of text (fpdf2), like a result an
    agency's software prints."""
    from fpdf import FPDF

    pdf = FPDF()
    pdf.add_page()
    pdf.set_font("helvetica", size=14)
    pdf.cell(0, 10, text)
    pdf.pdf_version = "1.7"
    return bytes(pdf.output())
