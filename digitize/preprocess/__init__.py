"""Preprocessing: turn a counter scan into the image Tesseract reads best.

Each stage is a small function of a numpy image, tested alone; `prepare` composes
them in the order OCRmyPDF's own preprocessing uses (geometry first, then tone).
Only the OCR input is changed: the stored scan and the visible PDF/A page keep the
original pixels (REGULATIONS 9.A.3), and every geometric change is recorded in a
`Transform` so word boxes can be mapped back onto the original page.
"""

from .blank import BlankVerdict, detect_blank
from .colour import suppress_coloured_ink
from .geometry import Transform
from .illumination import normalise_background
from .orientation import OrientationGuess, detect_orientation
from .perspective import find_page_quad, warp_to_quad
from .prepare import PreparedPage, prepare
from .skew import estimate_skew, rotate_image

__all__ = [
    "BlankVerdict",
    "OrientationGuess",
    "PreparedPage",
    "Transform",
    "detect_blank",
    "detect_orientation",
    "estimate_skew",
    "find_page_quad",
    "normalise_background",
    "prepare",
    "rotate_image",
    "suppress_coloured_ink",
    "warp_to_quad",
]
