"""Operations on OCRmyPDF's `OcrElement` tree: coordinates, text, confidence."""

from __future__ import annotations

import numpy as np
from ocrmypdf.models.ocr_element import Baseline, BoundingBox, OcrElement

from ..preprocess import Transform


def _walk(element: OcrElement) -> list[OcrElement]:
    found = [element]
    for child in element.children:
        found.extend(_walk(child))
    return found


def _mapped_baseline(line: OcrElement, old: BoundingBox, transform: Transform) -> Baseline | None:
    """The line's baseline through the mapped end points, relative to its new box (hOCR)."""
    base, box = line.baseline, line.bbox
    if base is None or box is None:
        return base
    start_y = old.bottom + base.intercept
    ends = np.array([[old.left, start_y], [old.right, start_y + base.slope * old.width]])
    (x0, y0), (x1, y1) = transform.to_original(ends)
    slope = (y1 - y0) / (x1 - x0) if abs(x1 - x0) > 1e-6 else 0.0
    return Baseline(float(slope), float(y0 + slope * (box.left - x0) - box.bottom))


def map_to_original(page: OcrElement, transform: Transform, size: tuple[float, float],
                    dpi: float) -> OcrElement:
    """The page tree, changed in place, in original-image pixels (`size` is width, height).

    All boxes are mapped in one matrix product: a page has a few thousand of them,
    and mapping them one by one costs more than the preprocessing itself.
    """
    page.dpi = dpi
    width, height = size
    elements = [e for e in _walk(page) if e.bbox is not None and e is not page]
    page.bbox = BoundingBox(0, 0, width, height)
    if transform.is_identity or not elements:
        return page
    old = [e.bbox for e in elements]
    corners = np.array([[(b.left, b.top), (b.right, b.top), (b.right, b.bottom), (b.left, b.bottom)]
                        for b in old if b is not None], dtype=np.float64)
    mapped = transform.to_original(corners.reshape(-1, 2)).reshape(-1, 4, 2)
    lows, highs = mapped.min(axis=1), mapped.max(axis=1)
    lows = np.maximum(lows, 0.0)
    highs = np.minimum(highs, [width, height])
    for element, before, low, high in zip(elements, old, lows, highs, strict=True):
        element.bbox = BoundingBox(float(low[0]), float(low[1]),
                                   float(max(high[0], low[0])), float(max(high[1], low[1])))
        if element.baseline is not None and before is not None:
            element.baseline = _mapped_baseline(element, before, transform)
    return page


def tree_text(page: OcrElement) -> str:
    """Plain text: words joined by spaces, lines by newlines, paragraphs by a blank line."""
    paragraphs = []
    for paragraph in page.paragraphs or [page]:
        lines = [" ".join(word.text for word in line.words if word.text.strip())
                 for line in paragraph.lines]
        text = "\n".join(line for line in lines if line)
        if text:
            paragraphs.append(text)
    return "\n\n".join(paragraphs)


def mean_confidence(page: OcrElement) -> float | None:
    """Tesseract's word confidence averaged over characters (0–1), None without words."""
    total = weight = 0.0
    for word in page.words:
        if word.confidence is None or not word.text.strip():
            continue
        total += word.confidence * len(word.text)
        weight += len(word.text)
    return round(total / weight, 4) if weight else None
