"""Background and uneven-illumination normalisation.

Photocopies, dark scans and phone photos have paper that is grey, yellow or lit
from one side. Dividing by a smooth estimate of the paper brings the paper to
white everywhere, so Tesseract's global threshold works across the whole page.
"""

from __future__ import annotations

import cv2
import numpy as np
from numpy.typing import NDArray

Gray = NDArray[np.uint8]

#: The paper is estimated on a copy this many times smaller (speed; paper varies slowly).
_SCALE = 8


def estimate_paper(gray: Gray, text_height_px: int = 60) -> Gray:
    """A smooth image of the paper alone: text removed by a grey closing, then blurred."""
    small = cv2.resize(gray, (max(1, gray.shape[1] // _SCALE), max(1, gray.shape[0] // _SCALE)),
                       interpolation=cv2.INTER_AREA)
    size = max(3, (text_height_px // _SCALE) | 1)
    kernel = cv2.getStructuringElement(cv2.MORPH_RECT, (size, size))
    paper = cv2.morphologyEx(small, cv2.MORPH_CLOSE, kernel)
    paper = cv2.medianBlur(paper, 5)
    return np.asarray(cv2.resize(paper, (gray.shape[1], gray.shape[0]), interpolation=cv2.INTER_LINEAR),
                      dtype=np.uint8)


def normalise_background(gray: Gray, text_height_px: int = 60) -> Gray:
    """Paper to white, ink contrast stretched; keeps grey levels for the LSTM recogniser."""
    paper = np.maximum(estimate_paper(gray, text_height_px), 1).astype(np.uint8)
    flat = cv2.divide(gray, paper, scale=255.0)
    # Stretch so the darkest ink (ignoring specks) is near black: dark and low-contrast
    # pages then look like clean ones.
    ink = float(np.percentile(flat[::4, ::4], 0.5))
    if ink < 200:
        lut = np.clip((np.arange(256) - ink) * (255.0 / (255.0 - ink)), 0, 255).astype(np.uint8)
        flat = cv2.LUT(flat, lut)
    return np.asarray(flat, dtype=np.uint8)
