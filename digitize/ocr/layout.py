"""Reading order of the two-column national header (quốc hiệu, tên cơ quan).

Page 1 of an administrative document (NĐ 30/2020) starts with two centred
columns side by side: the issuing body and "Số: …" on the left, the national
motto and the place and date on the right. Tesseract reads them row by row,
interleaving the two; the right order is the left column, then the right one.

The header is found from geometry alone: the first row of text has a wide gap
in the middle of the page, and the rows below it that do not cross that gap
belong to the header. A page without such a gap is left as it is.
"""

from __future__ import annotations

import unicodedata
from dataclasses import replace

from ocrmypdf.models.ocr_element import BoundingBox, OcrClass, OcrElement

#: The gap between the columns is at least this share of the page width …
MIN_GAP = 0.04
#: … and lies in this band of the page (the left column is the narrower one).
GAP_BAND = (0.2, 0.7)
#: The header occupies at most the top part of the page.
MAX_HEADER_DEPTH = 0.4


def _rows(lines: list[OcrElement]) -> list[list[OcrElement]]:
    """Lines grouped into rows of vertically overlapping lines, top to bottom."""
    rows: list[list[OcrElement]] = []
    for line in sorted(lines, key=lambda item: item.bbox.top if item.bbox else 0.0):
        box = line.bbox
        assert box is not None
        if rows:
            last = rows[-1]
            top = min(item.bbox.top for item in last if item.bbox)
            bottom = max(item.bbox.bottom for item in last if item.bbox)
            overlap = min(bottom, box.bottom) - max(top, box.top)
            if overlap > 0.5 * min(box.height, bottom - top):
                last.append(line)
                continue
        rows.append([line])
    return rows


def _is_text(word: OcrElement) -> bool:
    """A word with a letter or digit; a lone mark between the columns is scanner noise."""
    return word.bbox is not None and any(
        c.isalnum() and unicodedata.category(c) != "Lm" for c in word.text)


def _column_split(row: list[OcrElement], width: float) -> float | None:
    """The x of the widest gap between words of the first row, if it separates columns."""
    words = sorted((w for line in row for w in line.words if _is_text(w)), key=lambda w: w.bbox.left)  # type: ignore[union-attr]
    best: tuple[float, float] | None = None
    for left, right in zip(words, words[1:], strict=False):
        assert left.bbox and right.bbox
        gap = right.bbox.left - left.bbox.right
        if best is None or gap > best[0]:
            best = (gap, (left.bbox.right + right.bbox.left) / 2)
    if best is None or best[0] < MIN_GAP * width:
        return None
    if not GAP_BAND[0] * width <= best[1] <= GAP_BAND[1] * width:
        return None
    return best[1]


def _line_of(words: list[OcrElement], template: OcrElement) -> OcrElement:
    boxes = [w.bbox for w in words if w.bbox]
    box = BoundingBox(min(b.left for b in boxes), min(b.top for b in boxes),
                      max(b.right for b in boxes), max(b.bottom for b in boxes))
    baseline = template.baseline
    if baseline is not None and template.bbox is not None:
        # Same line through the same points, expressed from the new box's corner.
        shift = (box.left - template.bbox.left) * baseline.slope
        baseline = replace(baseline, intercept=baseline.intercept + shift + template.bbox.bottom - box.bottom)
    return replace(template, bbox=box, baseline=baseline, children=list(words))


def _paragraph(lines: list[OcrElement]) -> OcrElement:
    boxes = [line.bbox for line in lines if line.bbox]
    box = BoundingBox(min(b.left for b in boxes), min(b.top for b in boxes),
                      max(b.right for b in boxes), max(b.bottom for b in boxes))
    return OcrElement(ocr_class=OcrClass.PARAGRAPH, bbox=box, children=lines)


def _without(element: OcrElement, removed: set[int]) -> OcrElement | None:
    """The subtree with the `removed` lines taken out; None if nothing is left."""
    if id(element) in removed:
        return None
    if element.ocr_class in OcrClass.LINE_TYPES or not element.children:
        return element
    kept = [c for c in (_without(child, removed) for child in element.children) if c is not None]
    return replace(element, children=kept) if kept else None


def order_national_header(page: OcrElement) -> OcrElement:
    """The page with the header's left column read before its right column."""
    if page.bbox is None:
        return page
    width, height = page.bbox.width, page.bbox.height
    lines = [line for line in page.lines if line.bbox and line.words]
    rows = _rows(lines)
    if not rows:
        return page
    split = _column_split(rows[0], width)
    if split is None:
        return page
    left_lines: list[OcrElement] = []
    right_lines: list[OcrElement] = []
    header: set[int] = set()
    header_rows = 0
    for row in rows:
        words = [w for line in row for w in line.words if _is_text(w)]
        if not words or any(w.bbox.left < split < w.bbox.right for w in words):  # type: ignore[union-attr]
            break
        if max(w.bbox.bottom for w in words) > MAX_HEADER_DEPTH * height:  # type: ignore[union-attr]
            break
        header_rows += 1
        for line in row:
            header.add(id(line))
            left = [w for w in line.words if w.bbox and (w.bbox.left + w.bbox.right) / 2 < split]
            right = [w for w in line.words if w.bbox and (w.bbox.left + w.bbox.right) / 2 >= split]
            if left:
                left_lines.append(_line_of(left, line))
            if right:
                right_lines.append(_line_of(right, line))
    # The national header has at least two rows (name and motto); one gappy line is not it.
    if not left_lines or not right_lines or header_rows < 2:
        return page
    body = [c for c in (_without(child, header) for child in page.children) if c is not None]
    return replace(page, children=[_paragraph(left_lines), _paragraph(right_lines), *body])
