"""Limits on what a counter accepts and how long processing may take; all are settings."""

from __future__ import annotations

import math
from dataclasses import dataclass, replace
from typing import Annotated

from annotated_types import Ge, Gt, Interval, MinLen

#: A share from 0 to 1.
Share = Annotated[float, Interval(ge=0, le=1)]


@dataclass(frozen=True)
class IntakeLimits:
    """What intake accepts. Defaults follow the law where it speaks (REGULATIONS 9.A.3)."""

    max_file_bytes: int = 200 * 1024 * 1024
    max_total_bytes: int = 500 * 1024 * 1024
    max_pages: int = 500
    #: An A4 page at 600 dpi is 35 Mpx; anything far beyond is refused before decoding.
    max_page_pixels: int = 60_000_000
    min_dpi: float = 200.0
    min_pdf_version: str = "1.4"
    #: A page's shorter side may not be shorter (a 3×4 cm ID photo passes; a stamp fits).
    min_page_mm: float = 25.0
    #: Nor its longer side longer: A0 is 1189 mm.
    max_page_mm: float = 1300.0


@dataclass(frozen=True)
class OcrSettings:
    """How OCR runs: Tesseract ``vie`` through OCRmyPDF, with bounded time.

    The one definition of the OCR options: the service's settings nest it as is
    (``settings.ocr``, variables ``SOHOA_OCR_*``) and check the ranges annotated here
    when they are loaded."""

    language: Annotated[str, MinLen(1)] = "vie"
    jobs: Annotated[int, Ge(1)] = 2
    page_timeout_seconds: Annotated[float, Gt(0)] = 180.0
    #: Whole-document limit on top of the per-page one; 0 means pages × per-page + 60 s.
    document_timeout_seconds: Annotated[float, Ge(0)] = 0.0
    #: Tesseract page segmentation mode; 3 (automatic) keeps columns apart.
    psm: Annotated[int, Interval(ge=0, le=13)] = 3
    #: Turn pages scanned sideways or upside down (0/90/180/270) before reading.
    rotate_pages: bool = True
    #: Straighten tilted pages in the OCR input (the stored scan is not touched).
    deskew: bool = True
    #: Hide red seals and blue ink from OCR (the stored scan stays in colour).
    suppress_colour: bool = True
    #: Flatten uneven paper and low contrast in the OCR input.
    normalise_background: bool = True
    #: Straighten phone photos whose paper edges are visible, for OCR.
    perspective: bool = True
    #: Read pages scanned finer than this at this resolution (0: as scanned). At 200 dpi
    #: body text is as tall as Tesseract's line model wants; 300 dpi only costs time
    #: (corpus CER 0.48 % at 200 vs 0.59 % at 300, `bench/ocr_pipeline.py`).
    ocr_dpi: Annotated[float, Ge(0)] = 200.0
    #: OCRmyPDF's optimisation level for the PDF/A (0 keeps the scan's own image streams).
    optimize: Annotated[int, Interval(ge=0, le=3)] = 0
    #: JPEG quality of the page images kept in the PDF/A, split into ink and paper after
    #: OCR has read them at full quality (`digitize.recompress`); 0 keeps the scan's own.
    kept_image_quality: Annotated[int, Interval(ge=0, le=95)] = 60
    #: Difference from the paper around it (0–255, in some colour) that makes a pixel
    #: ink, kept sharp at the full resolution; fainter marks go with the paper layer.
    kept_ink_contrast: Annotated[int, Interval(ge=1, le=255)] = 48
    #: Read the lines Tesseract is unsure of with a second engine (AsterNet) too, and
    #: keep per line the better reading (`digitize.ocr.second_engine`).
    second_engine: bool = False
    #: Lines read with less confidence than this (or with invalid syllables) are re-read.
    second_engine_below: Share = 0.85
    #: Pages whose mean word confidence is below this get a "scan again" warning.
    min_confidence: Share = 0.80
    #: Pages whose expected character error rate (`digitize.ocr.estimate`) is above
    #: this get a warning and go to review.
    max_expected_cer: Share = 0.05
    #: Memory each OCR process may allocate, OCRmyPDF's page workers and Tesseract alike
    #: (MB; 0: unlimited). A page that lied its way through intake (a JBIG2 stream
    #: decoding far beyond its stated size) stops there instead of starving the host.
    memory_mb: Annotated[int, Ge(0)] = 3072

    def timeout_for(self, pages: int) -> float:
        if self.document_timeout_seconds > 0:
            return self.document_timeout_seconds
        return pages * self.page_timeout_seconds + 60.0


@dataclass(frozen=True)
class CaptureLimits:
    """Every threshold of the capture checks; the service reads them from settings."""

    min_dpi: float = 200.0
    #: Steepest text edges per unit of contrast at 150 dpi. Corpus pages: 2.2 and up;
    #: the same pages blurred by 3 px at 200 dpi: 1.8 and below.
    min_sharpness: float = 2.0
    #: Share of the page covered by blue or violet pen ink that makes it "annotated".
    min_pen_ratio: float = 0.0004
    #: How alike two captures of the same page are (ink correlation, pen ink removed).
    dual_capture_similarity: float = 0.75
    require_colour: bool = False
    require_dual_capture: bool = False
    #: A page below `min_sharpness` that Tesseract still reads this many words of, with
    #: confidence, is only warned about: legible work is not refused.
    min_readable_words: int = 20


@dataclass(frozen=True)
class SandboxLimits:
    """What one parse of one untrusted input may use; all are settings.

    Intake answers in the request, so its parse is held to what a person at a
    counter can wait for: a bomb is refused within ``wall_seconds``.
    """

    #: The child's whole address space, code and libraries included (about 600 MB of
    #: it is the preloaded parsers, so a parse has the rest).
    memory_mb: int = 1024
    cpu_seconds: int = 30
    wall_seconds: float = 30.0
    #: More time for more input, so a large honest batch is not taken for a bomb: a
    #: bomb is small on the wire (and its pixels are refused from the headers before
    #: decoding), so it gets ``wall_seconds``. Intake decodes about 3 MB/s of scans
    #: here; the capture checks analyse about 35 megapixels a second (twice the time
    #: is allowed, for slower machines).
    seconds_per_mb: float = 1.0
    seconds_per_megapixel: float = 0.06

    def for_bytes(self, size: int) -> SandboxLimits:
        """These limits for parsing ``size`` bytes: never less time than the base."""
        return self._at_least(size / (1024 * 1024) * self.seconds_per_mb)

    def for_pixels(self, pixels: int) -> SandboxLimits:
        """These limits for analysing pages of ``pixels`` in all."""
        return self._at_least(pixels / 1_000_000 * self.seconds_per_megapixel)

    def _at_least(self, seconds: float) -> SandboxLimits:
        return replace(self, wall_seconds=max(self.wall_seconds, seconds),
                       cpu_seconds=max(self.cpu_seconds, math.ceil(seconds)))
