"""Perspective correction for phone photos whose paper edges are visible.

A citizen photographing a page on a desk gives a trapezoid of paper on a darker
background. Finding the four paper corners and warping them to a rectangle
makes the lines straight and parallel again, which Tesseract needs. A scan (no
desk visible) has no such quadrilateral and is left alone.
"""

from __future__ import annotations

import cv2
import numpy as np
from numpy.typing import NDArray

from ._ink import downscale
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
    return _order(approx.reshape(4, 2).astype(np.float64) / factor)


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
