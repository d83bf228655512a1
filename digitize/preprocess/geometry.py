"""Geometric changes made to the OCR image, so results map back onto the original.

The OCR image may be rotated (deskew), or warped (perspective of a photographed
page). The text layer must sit on the original pixels, which stay unchanged in the
PDF/A. A `Transform` is a 3×3 homography from original to OCR-image coordinates.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field

import numpy as np
from numpy.typing import NDArray


def _identity() -> NDArray[np.float64]:
    return np.eye(3, dtype=np.float64)


@dataclass(frozen=True)
class Transform:
    """Original → OCR-image mapping; `to_original` maps points back."""

    matrix: NDArray[np.float64] = field(default_factory=_identity)

    @property
    def is_identity(self) -> bool:
        return bool(np.allclose(self.matrix, np.eye(3)))

    def then(self, other: Transform) -> Transform:
        """This change followed by `other`."""
        return Transform(other.matrix @ self.matrix)

    @staticmethod
    def rotation(angle_deg: float, centre: tuple[float, float]) -> Transform:
        """Rotation by `angle_deg` counter-clockwise (as PIL) about `centre` in image pixels."""
        theta = math.radians(angle_deg)
        cos, sin = math.cos(theta), math.sin(theta)
        cx, cy = centre
        # Image y points down, so a counter-clockwise turn on screen is clockwise in (x, y).
        m = np.array([[cos, sin, cx - cos * cx - sin * cy],
                      [-sin, cos, cy + sin * cx - cos * cy],
                      [0.0, 0.0, 1.0]])
        return Transform(m)

    @staticmethod
    def scale(factor: float) -> Transform:
        """Uniform resize by `factor` about the origin."""
        return Transform(np.diag([factor, factor, 1.0]))

    def to_original(self, points: NDArray[np.float64]) -> NDArray[np.float64]:
        """Map an (N, 2) array of OCR-image points onto the original image."""
        inverse = np.linalg.inv(self.matrix)
        homogeneous = np.hstack([points, np.ones((len(points), 1))]) @ inverse.T
        return np.asarray(homogeneous[:, :2] / homogeneous[:, 2:3], dtype=np.float64)

    def box_to_original(self, box: tuple[float, float, float, float]) -> tuple[float, float, float, float]:
        """The axis-aligned box around the four mapped corners of (left, top, right, bottom)."""
        left, top, right, bottom = box
        corners = np.array([[left, top], [right, top], [right, bottom], [left, bottom]], float)
        mapped = self.to_original(corners)
        return (float(mapped[:, 0].min()), float(mapped[:, 1].min()),
                float(mapped[:, 0].max()), float(mapped[:, 1].max()))
