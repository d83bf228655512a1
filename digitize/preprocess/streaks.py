"""Streak removal: the long straight lines a photocopier draws, out of the OCR input.

A dirty drum leaves thin vertical streaks down a copy, a roller a horizontal one
across it; copies of copies collect them. Tesseract's layout analysis takes each
vertical streak for a column gap and reads the page in strips, out of order, with
high confidence; a horizontal one cuts lines into blocks. Ruled lines of a form or
table go too: they carry no text. Only the OCR input changes; the stored scan keeps
every pixel (REGULATIONS 9.A.3).
"""

from __future__ import annotations

import cv2
import numpy as np
from numpy.typing import NDArray

from ._ink import dark_pixels, straight_runs

Gray = NDArray[np.uint8]


def remove_streaks(gray: Gray) -> tuple[Gray, bool]:
    """``gray`` with its long straight runs filled in from their surroundings, and
    whether there were any. Filled, not painted white: where a letter's stroke crosses
    the streak, the stroke is carried across (inpainting), so the letter stays whole."""
    runs = straight_runs(dark_pixels(gray))
    if not runs.any():
        return gray, False
    return np.asarray(cv2.inpaint(gray, runs, 3, cv2.INPAINT_TELEA), dtype=np.uint8), True
