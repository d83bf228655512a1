"""Deskew: the angle of the text lines, estimated on a downscaled copy.

Tesseract's layout analysis drops whole paragraphs once lines tilt past about
2.3° (TOOLCHAIN.md). The angle is found by projection profiles: the ink of a
page projected along the true line direction gives the sharpest histogram. A
coarse search over the allowed range is refined around the best angle.
"""

from __future__ import annotations

import cv2
import numpy as np
from numpy.typing import NDArray

from ._ink import downscale, ink_mask, ink_points

Gray = NDArray[np.uint8]

#: The working copy's longer side; a 0.1° error moves a line end by about 2 px here.
WORK_SIZE = 1400


def profile_sharpness(points: NDArray[np.float64], angle_deg: float) -> float:
    """How sharply the points fall into lines when projected at `angle_deg` (CCW)."""
    offsets = points[:, 1] + points[:, 0] * np.tan(np.radians(angle_deg))
    offsets -= offsets.min()
    counts = np.bincount(offsets.astype(np.int64)).astype(np.float64)
    return float(np.dot(counts, counts))


def best_angle(points: NDArray[np.float64], max_angle: float, precision: float = 0.02) -> float:
    """The angle in ±`max_angle` with the sharpest profile, to within `precision` degrees."""
    step = 0.5
    centre, span = 0.0, max_angle
    while True:
        candidates = np.arange(centre - span, centre + span + step / 2, step)
        scores = [profile_sharpness(points, a) for a in candidates]
        centre = float(candidates[int(np.argmax(scores))])
        if step <= precision:
            return centre
        span, step = step, step / 5


def estimate_skew(gray: Gray, max_angle: float = 15.0) -> float:
    """The counter-clockwise tilt of the text in degrees (0.0 on a page without text)."""
    small, _ = downscale(gray, WORK_SIZE)
    mask = ink_mask(small)
    if mask.sum() < 200:
        return 0.0
    return round(best_angle(ink_points(mask, 60_000), max_angle), 2)


def rotate_image(image: NDArray[np.uint8], angle_deg: float, fill: int = 255) -> NDArray[np.uint8]:
    """`image` turned `angle_deg` counter-clockwise about its centre, same size, paper fill."""
    height, width = image.shape[:2]
    matrix = cv2.getRotationMatrix2D((width / 2, height / 2), angle_deg, 1.0)
    border = (fill,) * (image.shape[2] if image.ndim == 3 else 1)
    turned = cv2.warpAffine(image, matrix, (width, height), flags=cv2.INTER_LINEAR,
                            borderMode=cv2.BORDER_CONSTANT, borderValue=border)
    return np.asarray(turned, dtype=np.uint8)
