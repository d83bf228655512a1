"""Coverage: did the words read account for the ink on the page?

A stage can lose text without lowering the confidence of what it did read: a crop
that cut the header away, a line broken into fragments Tesseract discards, a band
of faint letters under a streak. So after reading, the page's text-like ink is
grouped into blocks (lines and paragraphs) and each block is looked for among the
words read. A block of many small marks in rows with no word on it is text that
was not read; when such blocks hold a sizeable share of the ink, the page gets a
warning naming where, and goes to staff instead of being stored as read.
A signature or a drawing is one or a few large strokes, not rows of small marks,
and does not count.
"""

from __future__ import annotations

from dataclasses import dataclass

import cv2
import numpy as np
from numpy.typing import NDArray
from ocrmypdf.models.ocr_element import OcrElement

from ..preprocess._ink import downscale, ink_mask

Gray = NDArray[np.uint8]

WORK_SIZE = 1400
#: A block with fewer marks than this is a signature, a seal's remains or a smudge.
MIN_MARKS = 12


@dataclass(frozen=True)
class Coverage:
    """The share of the page's text-like ink that no word read covers, and where the
    largest such block lies (fractions of the page's width and height, 0–1)."""

    unread_share: float
    where: tuple[float, float] | None = None

    def region_vi(self) -> str:
        """Where the unread block is, in words a person finds it by."""
        if self.where is None:
            return ""
        x, y = self.where
        row = "phần trên" if y < 1 / 3 else "phần giữa" if y < 2 / 3 else "phần dưới"
        side = "bên trái" if x < 0.4 else "bên phải" if x > 0.6 else ""
        return f"{row} trang" + (f", {side}" if side else "")


#: How much darker than the paper a pixel must be to count as ink here: lower than the
#: threshold Otsu finds on a page of crisp black text, so that faint, blurred or
#: washed-out letters (the ones most likely left unread) are seen as ink too.
INK_CONTRAST = 35


def coverage(image: Gray, page: OcrElement) -> Coverage:
    """How much of ``image``'s text-like ink the words of ``page`` (in ``image`` pixels)
    leave unread."""
    small, factor = downscale(image, WORK_SIZE)
    marks = ink_mask(small, contrast=INK_CONTRAST).astype(np.uint8)
    total = int(marks.sum())
    if total == 0:
        return Coverage(0.0)
    read = np.zeros_like(marks)
    for word in page.words:
        box = word.bbox
        if box is None or not word.text.strip():
            continue
        left, top = int(box.left * factor) - 3, int(box.top * factor) - 3
        right, bottom = int(box.right * factor) + 3, int(box.bottom * factor) + 3
        read[max(0, top):max(0, bottom), max(0, left):max(0, right)] = 1
    # Marks within a character height of each other form one block: a line, a paragraph.
    height = max(3, round(small.shape[0] * 0.008))
    blocks = cv2.dilate(marks, cv2.getStructuringElement(cv2.MORPH_RECT, (height * 3, height)))
    count, labels, _, centroids = cv2.connectedComponentsWithStats(blocks, connectivity=8)
    mark_count, mark_labels = cv2.connectedComponents(marks, connectivity=8)
    # Per block, over its ink pixels: how much ink, how much of it under a word read,
    # and how many separate marks.
    ink_at = marks > 0
    block_of = labels[ink_at].astype(np.int64)
    ink = np.bincount(block_of, minlength=count)
    covered = np.bincount(block_of, weights=read[ink_at].astype(np.float64), minlength=count)
    pairs = np.unique(block_of * (mark_count + 1) + mark_labels[ink_at])
    marks_in = np.bincount(pairs // (mark_count + 1), minlength=count)
    unread_blocks = [b for b in range(1, count) if ink[b] and covered[b] < 0.3 * ink[b]
                     and marks_in[b] >= MIN_MARKS]
    if not unread_blocks:
        return Coverage(0.0)
    largest = max(unread_blocks, key=lambda b: ink[b])
    where = (float(centroids[largest][0]) / small.shape[1],
             float(centroids[largest][1]) / small.shape[0])
    return Coverage(round(float(ink[unread_blocks].sum()) / total, 3), where)
