"""Limits on what a counter accepts and how long processing may take; all are settings."""

from __future__ import annotations

from dataclasses import dataclass


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


@dataclass(frozen=True)
class OcrSettings:
    """How OCR runs: Tesseract ``vie`` through OCRmyPDF, with bounded time."""

    language: str = "vie"
    jobs: int = 2
    page_timeout_seconds: float = 180.0
    #: Whole-document limit on top of the per-page one; 0 means pages × per-page + 60 s.
    document_timeout_seconds: float = 0.0
    deskew: bool = False
    rotate_pages: bool = False
    optimize: int = 1

    def timeout_for(self, pages: int) -> float:
        if self.document_timeout_seconds > 0:
            return self.document_timeout_seconds
        return pages * self.page_timeout_seconds + 60.0
