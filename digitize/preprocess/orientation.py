"""Orientation: is the page upright, or turned by 90°, 180° or 270°?

Citizens' photos and loose sheets in a feeder arrive sideways or upside down.
Line direction tells 0/180 from 90/270 (text lines give a sharp projection
profile only along their own direction). Up from down is read from the lines
themselves: Vietnamese puts far more ink above the x-height band (tone marks,
circumflexes, capitals, ascenders) than below it (descenders, the dot below), so
an upright line is heavier on top. This is cheap enough to run on every page;
a low confidence means the page has too little text to tell.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from numpy.typing import NDArray

from ._ink import downscale, ink_mask, ink_points
from .skew import best_angle, profile_sharpness

Gray = NDArray[np.uint8]

WORK_SIZE = 1000


@dataclass(frozen=True)
class OrientationGuess:
    """`turn`: how far the content is turned counter-clockwise (0, 90, 180, 270).

    `confidence` runs from 0 (no idea) to 1 (certain); `skew_deg` is the residual tilt.
    """

    turn: int
    confidence: float
    skew_deg: float = 0.0


def _line_asymmetry(points: NDArray[np.float64], angle: float) -> tuple[float, int]:
    """(ink above − ink below the core band) / (above + below), and how many lines."""
    offsets = points[:, 1] + points[:, 0] * np.tan(np.radians(angle))
    offsets -= offsets.min()
    rows = np.bincount(offsets.astype(np.int64)).astype(np.float64)
    occupied = rows > max(1.0, 0.03 * rows.max())
    above = below = 0.0
    lines = 0
    start = None
    for index, flag in enumerate(np.append(occupied, False)):
        if flag and start is None:
            start = index
        elif not flag and start is not None:
            band = rows[start:index]
            start = None
            if len(band) < 4:
                continue
            core = np.nonzero(band >= 0.5 * band.max())[0]
            above += float(band[: core[0]].sum())
            below += float(band[core[-1] + 1:].sum())
            lines += 1
    total = above + below
    return ((above - below) / total if total else 0.0), lines


def _quarter_turned_back(points: NDArray[np.float64], height: int) -> NDArray[np.float64]:
    """Ink `points` of a page `height` pixels tall, turned a quarter clockwise.

    That undoes a 90° counter-clockwise turn; a 270° turn then looks upside down,
    which the line asymmetry tells apart.
    """
    x, y = points[:, 0], points[:, 1]
    return np.stack([height - 1 - y, x], axis=1)


def detect_orientation(gray: Gray, max_skew: float = 15.0) -> OrientationGuess:
    """Guess the page's turn from its ink; confidence 0 when there is too little text."""
    small, _ = downscale(gray, WORK_SIZE)
    mask = ink_mask(small)
    if mask.sum() < 500:
        return OrientationGuess(0, 0.0)
    upright = ink_points(mask, 80_000)
    sideways = _quarter_turned_back(upright, mask.shape[0])
    angle_0 = best_angle(upright, max_skew, precision=0.1)
    angle_90 = best_angle(sideways, max_skew, precision=0.1)
    sharp_0 = profile_sharpness(upright, angle_0)
    sharp_90 = profile_sharpness(sideways, angle_90)
    base, angle = (0, angle_0) if sharp_0 >= sharp_90 else (90, angle_90)
    axis_confidence = abs(sharp_0 - sharp_90) / max(sharp_0, sharp_90)
    points = upright if base == 0 else sideways
    asymmetry, lines = _line_asymmetry(points, angle)
    turn = base if asymmetry >= 0 else base + 180
    # Five clear lines with a 10 % imbalance are already convincing.
    confidence = min(1.0, abs(asymmetry) / 0.10) * min(1.0, lines / 5) * min(1.0, axis_confidence / 0.2)
    skew = angle if turn == base else -angle
    return OrientationGuess(turn, round(confidence, 3), round(skew, 2))
