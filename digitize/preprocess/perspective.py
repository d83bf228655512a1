"""Perspective correction for phone photos whose paper edges are visible.

A citizen photographing a page on a desk gives a trapezoid of paper on a darker
background. Finding the four paper corners and warping them to a rectangle
makes the lines straight and parallel again, which Tesseract needs. A scan (no
desk visible) has no such quadrilateral and is left alone.

A warp also crops: whatever lies outside the quadrilateral is gone. So it is
applied only on strong evidence of paper on a desk: at least three of the four
sides are real edges (inside the picture, with darker background beyond them
along most of their length), the paper's proportions are those of a sheet, and
no text lies outside it. A photocopy's dark roller bands, a scanner lid's shadow
or drum streaks make a bright region between dark ones too; they fail these tests.
"""

from __future__ import annotations

import cv2
import numpy as np
from numpy.typing import NDArray

from ._ink import downscale, ink_mask
from .geometry import Transform

Gray = NDArray[np.uint8]
Quad = NDArray[np.float64]


def _order(corners: NDArray[np.float64]) -> Quad:
    """Top-left, top-right, bottom-right, bottom-left."""
    total = corners.sum(axis=1)
    diff = corners[:, 0] - corners[:, 1]
    return np.array([corners[np.argmin(total)], corners[np.argmax(diff)],
                     corners[np.argmax(total)], corners[np.argmin(diff)]])


def find_page_quad(gray: Gray, *, min_area: float = 0.3, max_area: float = 0.97,
                   min_contrast: float = 40.0) -> Quad | None:
    """The paper's four corners in `gray` pixels, or None when no edge is visible."""
    small, factor = downscale(gray, 900)
    _, paper = cv2.threshold(small, 0, 255, cv2.THRESH_BINARY | cv2.THRESH_OTSU)
    inside = small[paper > 0]
    outside = small[paper == 0]
    if inside.size == 0 or outside.size == 0 or inside.mean() - outside.mean() < min_contrast:
        return None
    kernel = cv2.getStructuringElement(cv2.MORPH_RECT, (15, 15))
    paper = cv2.morphologyEx(paper, cv2.MORPH_CLOSE, kernel)
    contours, _ = cv2.findContours(paper, cv2.RETR_EXTERNAL, cv2.CHAIN_APPROX_SIMPLE)
    if not contours:
        return None
    largest = max(contours, key=cv2.contourArea)
    share = cv2.contourArea(largest) / small.size
    if not min_area <= share <= max_area:
        return None
    hull = cv2.convexHull(largest)
    approx = cv2.approxPolyDP(hull, 0.02 * cv2.arcLength(hull, True), True)
    if len(approx) != 4:
        return None
    quad = _order(approx.reshape(4, 2).astype(np.float64))
    if not (_sheet_shaped(quad) and _edges_seen(small, quad, min_contrast) >= 3
            and not _text_outside(small, quad)):
        return None
    return quad / factor


#: Longer side over shorter of the sheets people photograph: square forms to legal.
SHEET_PROPORTIONS = (1.0, 1.8)


def _sheet_shaped(quad: Quad) -> bool:
    sides = [float(np.linalg.norm(quad[(i + 1) % 4] - quad[i])) for i in range(4)]
    width, height = (sides[0] + sides[2]) / 2, (sides[1] + sides[3]) / 2
    if min(width, height) <= 0:
        return False
    low, high = SHEET_PROPORTIONS
    return low <= max(width, height) / min(width, height) <= high


def _edges_seen(small: Gray, quad: Quad, min_contrast: float) -> int:
    """How many of the quad's sides are paper edges: inside the picture (not its
    border) and, along at least 80 % of their length, darker just outside than
    just inside."""
    height, width = small.shape
    margin = max(3, int(0.012 * max(height, width)))
    centre = quad.mean(axis=0)
    seen = 0
    for index in range(4):
        start, end = quad[index], quad[(index + 1) % 4]
        samples = np.linspace(0.1, 0.9, 24)
        points = start + np.outer(samples, end - start)
        outward = (points.mean(axis=0) - centre)
        outward /= max(float(np.linalg.norm(outward)), 1e-6)
        outside = np.round(points + outward * margin).astype(int)
        inside = np.round(points - outward * margin).astype(int)
        within = ((outside[:, 0] >= 0) & (outside[:, 0] < width)
                  & (outside[:, 1] >= 0) & (outside[:, 1] < height))
        if within.mean() < 0.8:
            continue  # the side runs along the picture's border: no background seen
        inner = small[np.clip(inside[within, 1], 0, height - 1),
                      np.clip(inside[within, 0], 0, width - 1)].astype(float)
        outer = small[outside[within, 1], outside[within, 0]].astype(float)
        if float(np.mean(inner - outer > min_contrast / 2)) >= 0.8:
            seen += 1
    return seen


def _text_outside(small: Gray, quad: Quad) -> bool:
    """Whether text-sized marks lie outside the quad: then it is not the paper's edge
    (a band or a shadow across the page), and warping would cut text away."""
    inside = np.zeros(small.shape, np.uint8)
    cv2.fillConvexPoly(inside, np.round(quad).astype(np.int32), 1)
    grown = cv2.dilate(inside, np.ones((9, 9), np.uint8)).astype(bool)
    marks = ink_mask(small)
    outside = marks & ~grown
    return bool(outside.sum() > max(50, 0.02 * marks.sum()))


def warp_to_quad(image: NDArray[np.uint8], quad: Quad) -> tuple[NDArray[np.uint8], Transform]:
    """The paper inside `quad` as an upright rectangle, and the transform used."""
    top = np.linalg.norm(quad[1] - quad[0])
    bottom = np.linalg.norm(quad[2] - quad[3])
    left = np.linalg.norm(quad[3] - quad[0])
    right = np.linalg.norm(quad[2] - quad[1])
    width, height = int(max(top, bottom)), int(max(left, right))
    target = np.array([[0, 0], [width - 1, 0], [width - 1, height - 1], [0, height - 1]], float)
    matrix = cv2.getPerspectiveTransform(quad.astype(np.float32), target.astype(np.float32))
    fill = (255,) * (image.shape[2] if image.ndim == 3 else 1)
    warped = cv2.warpPerspective(image, matrix, (width, height), flags=cv2.INTER_LINEAR,
                                 borderMode=cv2.BORDER_CONSTANT, borderValue=fill)
    return np.asarray(warped, dtype=np.uint8), Transform(matrix.astype(np.float64))
