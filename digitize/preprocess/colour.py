"""Suppression of red seals and blue ink in the OCR input.

A seal (con dấu) stamped over the signature block and ballpoint marks are the main
source of OCR errors on counter scans. They are coloured; printed text is black.
Where a seal covers black text the blend stays dark in every channel, so taking
the brightest channel and pushing saturated pixels towards white removes the seal
and the pen while keeping every black stroke.
"""

from __future__ import annotations

import cv2
import numpy as np
from numpy.typing import NDArray

Gray = NDArray[np.uint8]

#: How strongly colour saturation lightens a pixel; 1.0 sends pure red or blue to white.
DEFAULT_STRENGTH = 1.2


def suppress_coloured_ink(rgb: NDArray[np.uint8], strength: float = DEFAULT_STRENGTH) -> Gray:
    """Grey image in which coloured ink is paper and neutral ink keeps its darkness."""
    if rgb.ndim == 2:
        return rgb
    # Channel order does not matter (RGB, or OpenCV's BGR): only max and min are used.
    first, second, third = cv2.split(np.ascontiguousarray(rgb[..., :3]))
    brightest = cv2.max(cv2.max(first, second), third)
    saturation = cv2.subtract(brightest, cv2.min(cv2.min(first, second), third))
    # Saturating uint8 arithmetic: a full page takes milliseconds, not a second.
    return np.asarray(cv2.addWeighted(brightest, 1.0, saturation, strength, 0.0), dtype=np.uint8)
