"""Blank-page detection: flag, never drop (REGULATIONS 9.A.4: page count = original).

A blank back side fed through the scanner still counts as a page of the paper
original; it is flagged so staff can see it, and kept.
"""

from __future__ import annotations

from dataclasses import dataclass

import cv2
import numpy as np
from numpy.typing import NDArray

from ._ink import downscale

Gray = NDArray[np.uint8]


@dataclass(frozen=True)
class BlankVerdict:
    blank: bool
    #: Share of the page covered by marks large enough to be writing.
    ink_ratio: float
    marks: int


def detect_blank(gray: Gray, *, min_marks: int = 12, min_ink_ratio: float = 0.0005) -> BlankVerdict:
    """Blank when fewer than `min_marks` writing-sized marks or almost no ink remain.

    Dust, speckle and JPEG noise are smaller than any character at 100 dpi, so
    marks below 3×3 px on the working copy are ignored.
    """
    small, _ = downscale(gray, 1200)
    _, binary = cv2.threshold(small, 0, 255, cv2.THRESH_BINARY_INV | cv2.THRESH_OTSU)
    # Otsu on an empty page splits the noise; require real contrast with the paper.
    paper = float(np.percentile(small, 90))
    binary[small > paper - 60] = 0
    count, _, stats, _ = cv2.connectedComponentsWithStats(binary, connectivity=8)
    sizes = stats[1:]
    writing = (sizes[:, cv2.CC_STAT_WIDTH] >= 3) & (sizes[:, cv2.CC_STAT_HEIGHT] >= 3)
    limit = 0.2 * max(small.shape)
    writing &= (sizes[:, cv2.CC_STAT_WIDTH] < limit) & (sizes[:, cv2.CC_STAT_HEIGHT] < limit)
    marks = int(writing.sum())
    ratio = float(sizes[writing, cv2.CC_STAT_AREA].sum()) / small.size
    return BlankVerdict(marks < min_marks or ratio < min_ink_ratio, round(ratio, 5), marks)
