"""A document's first page, small, for lists and cards: what people recognise a paper by.

Drawn once when the document is filed (from the service's own PDF/A or signed copy),
so a list never reads or logs a document to show its picture.
"""

from __future__ import annotations

import base64
import io

import pypdfium2 as pdfium

#: Width of the picture in pixels: a list row or a phone card.
THUMBNAIL_WIDTH = 160


def thumbnail(pdf: bytes, *, width: int = THUMBNAIL_WIDTH) -> str | None:
    """Page 1 as a ``data:image/jpeg`` URL, or None if the PDF cannot be drawn."""
    try:
        document = pdfium.PdfDocument(pdf)
    except pdfium.PdfiumError:
        return None
    try:
        if len(document) == 0:
            return None
        page = document[0]
        image = page.render(scale=width / max(page.get_width(), 1)).to_pil().convert("RGB")
    except pdfium.PdfiumError:
        return None
    finally:
        document.close()
    out = io.BytesIO()
    image.save(out, "JPEG", quality=70, optimize=True)
    return "data:image/jpeg;base64," + base64.b64encode(out.getvalue()).decode()
