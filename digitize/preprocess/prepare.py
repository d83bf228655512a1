"""The preprocessing pipeline: the stages composed for one page.

colour ink → perspective → illumination → streaks → deskew → blank check.
Geometry is fixed before tone so the illumination estimate sees the paper;
streaks are found on the flattened page (where a shadow is no longer dark) and
removed before deskew, whose line statistics they would otherwise dominate.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import cv2
import numpy as np
from numpy.typing import NDArray

from ..limits import OcrSettings
from .blank import BlankVerdict, detect_blank
from .colour import suppress_coloured_ink
from .geometry import Transform
from .illumination import normalise_background
from .perspective import find_page_quad, warp_to_quad
from .skew import estimate_skew, rotate_image
from .streaks import remove_streaks

Gray = NDArray[np.uint8]


_OCR = OcrSettings()


@dataclass(frozen=True)
class PrepareOptions:
    """Which stages run. The switches a deployment sets are `OcrSettings`' (their
    defaults are taken from there, so each is written once); the rest are tuning."""

    suppress_colour: bool = _OCR.suppress_colour
    perspective: bool = _OCR.perspective
    normalise: bool = _OCR.normalise_background
    #: Paint long straight lines (copier streaks, ruled lines) as paper in the OCR input.
    remove_streaks: bool = True
    deskew: bool = _OCR.deskew
    #: Tilts smaller than this are left alone: rotating costs time and blurs strokes.
    min_skew_deg: float = 0.15
    max_skew_deg: float = 15.0
    #: Pages scanned finer than this are read at this resolution (0: as scanned).
    ocr_dpi: float = _OCR.ocr_dpi


@dataclass(frozen=True)
class PreparedPage:
    """The OCR input for one page and what was done to make it."""

    image: Gray = field(repr=False)
    transform: Transform
    #: Resolution of `image` (lower than the scan's when it was downscaled for OCR).
    dpi: float
    skew_deg: float
    perspective_corrected: bool
    colour: bool
    blank: BlankVerdict
    streaks_removed: bool = False


def prepare(pixels: NDArray[np.uint8], dpi: float, options: PrepareOptions | None = None) -> PreparedPage:
    """Run the stages on one upright page (orientation is fixed before, from a preview)."""
    options = options or PrepareOptions()
    colour = pixels.ndim == 3
    transform = Transform()
    if options.ocr_dpi and dpi > options.ocr_dpi * 1.05:
        factor = options.ocr_dpi / dpi
        height, width = pixels.shape[:2]
        pixels = np.asarray(cv2.resize(pixels, (round(width * factor), round(height * factor)),
                                       interpolation=cv2.INTER_AREA), dtype=np.uint8)
        transform = Transform.scale(factor)
        dpi = options.ocr_dpi
    gray = suppress_coloured_ink(pixels) if colour and options.suppress_colour else (
        pixels if not colour else pixels.mean(axis=2).astype(np.uint8))
    quad = find_page_quad(gray) if options.perspective else None
    if quad is not None:
        gray, warp = warp_to_quad(gray, quad)
        transform = transform.then(warp)
    if options.normalise:
        gray = normalise_background(gray, text_height_px=max(16, int(dpi * 0.2)))
    streaks = False
    if options.remove_streaks:
        gray, streaks = remove_streaks(gray)
    skew = estimate_skew(gray, options.max_skew_deg) if options.deskew else 0.0
    if abs(skew) >= options.min_skew_deg:
        height, width = gray.shape
        gray = rotate_image(gray, -skew)
        transform = transform.then(Transform.rotation(-skew, (width / 2, height / 2)))
    else:
        skew = 0.0
    return PreparedPage(gray, transform, dpi, skew, quad is not None, colour, detect_blank(gray),
                        streaks)
