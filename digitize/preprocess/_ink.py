"""Ink pixels of a page, shared by the skew, orientation and blank stages."""

from __future__ import annotations

import cv2
import numpy as np
from numpy.typing import NDArray

Gray = NDArray[np.uint8]


def downscale(gray: Gray, longest: int) -> tuple[Gray, float]:
    """A copy whose longer side is at most `longest` pixels, and the factor used."""
    height, width = gray.shape[:2]
    factor = min(1.0, longest / max(height, width))
    if factor >= 1.0:
        return gray, 1.0
    size = (max(1, round(width * factor)), max(1, round(height * factor)))
    return np.asarray(cv2.resize(gray, size, interpolation=cv2.INTER_AREA), dtype=np.uint8), factor


def ink_mask(gray: Gray, *, max_blob_fraction: float = 0.05,
             contrast: float | None = None) -> NDArray[np.bool_]:
    """Dark pixels that belong to text-sized marks (Otsu threshold, big blobs dropped).

    Scanner lids, copier edges and photos are large dark areas; they would outweigh
    the text in any statistic about lines, so components taller or wider than
    `max_blob_fraction` of the page are removed. So are straight streaks however
    broken (a photocopier's drum and rollers draw them across the whole page): a
    dashed vertical streak is a column of text-sized marks, and would pass for a
    line of text turned sideways.

    Ink is what Otsu's threshold finds, or, with ``contrast``, anything darker than the
    paper (the median) by that much: faint and blurred letters too.
    """
    if contrast is None:
        binary = dark_pixels(gray)
    else:
        binary = np.asarray(np.where(gray < float(np.median(gray)) - contrast, 255, 0),
                            dtype=np.uint8)
    binary = np.asarray(cv2.bitwise_and(binary, cv2.bitwise_not(straight_runs(binary))),
                        dtype=np.uint8)
    count, labels, stats, _ = cv2.connectedComponentsWithStats(binary, connectivity=8)
    limit_h = max(3, int(gray.shape[0] * max_blob_fraction))
    limit_w = max(3, int(gray.shape[1] * max_blob_fraction * 4))
    keep = (stats[:, cv2.CC_STAT_HEIGHT] <= limit_h) & (stats[:, cv2.CC_STAT_WIDTH] <= limit_w)
    keep[0] = False
    return np.asarray(keep[labels], dtype=np.bool_)


def dark_pixels(gray: Gray) -> Gray:
    """255 where ``gray`` is darker than Otsu's threshold, 0 elsewhere."""
    _, binary = cv2.threshold(gray, 0, 255, cv2.THRESH_BINARY_INV | cv2.THRESH_OTSU)
    return np.asarray(binary, dtype=np.uint8)


def straight_runs(binary: Gray) -> Gray:
    """255 on the long straight runs of ``binary`` (255 = dark), vertical or horizontal.

    Gaps of a few pixels are bridged first (drum streaks are dotted), then what stays
    dark along a run longer than any glyph (6 % of the page's height; 30 % of its
    width, longer than any word with its neighbours bridged) is kept, grown by a pixel
    to take the streak's fringe."""
    height, width = binary.shape
    bridge_px = max(3, round(min(height, width) / 150))
    found = np.zeros_like(binary)
    for bridge, run in (((1, bridge_px), (1, max(9, int(height * 0.06)))),
                        ((bridge_px, 1), (max(9, int(width * 0.30)), 1))):
        closed = cv2.morphologyEx(binary, cv2.MORPH_CLOSE,
                                  cv2.getStructuringElement(cv2.MORPH_RECT, bridge))
        opened = cv2.morphologyEx(closed, cv2.MORPH_OPEN,
                                  cv2.getStructuringElement(cv2.MORPH_RECT, run))
        found = np.asarray(cv2.bitwise_or(found, opened), dtype=np.uint8)
    return np.asarray(cv2.dilate(found, np.ones((3, 3), np.uint8)), dtype=np.uint8)


def ink_points(mask: NDArray[np.bool_], limit: int, seed: int = 0) -> NDArray[np.float64]:
    """(N, 2) array of x, y coordinates of ink pixels, evenly subsampled to `limit`."""
    ys, xs = np.nonzero(mask)
    points = np.stack([xs, ys], axis=1).astype(np.float64)
    if len(points) > limit:
        step = len(points) / limit
        points = points[(np.arange(limit) * step).astype(np.int64)]
    return points
