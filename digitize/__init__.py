"""Digitisation: from scanner output to a searchable PDF/A and its text.

Intake checks what counters and citizens hand in (PDF, JPEG, PNG, TIFF), the
pipeline assembles pages in order and runs OCR (Tesseract ``vie`` through
OCRmyPDF). Originals are never modified. This package knows nothing of HTTP or
the database.
"""

from .errors import (
    CorruptFile,
    DigitizeError,
    EmptyFile,
    EncryptedPdf,
    FileTooLarge,
    ImageTooLarge,
    IntakeError,
    OcrFailed,
    OcrTimeout,
    PdfVersionTooOld,
    ResolutionTooLow,
    TooManyPages,
    UnsupportedFormat,
)
from .formats import ScanFormat, sniff
from .intake import ScanFile, check_batch, check_file, safe_filename
from .limits import IntakeLimits, OcrSettings
from .page_checks import PageInfo
from .pipeline import DigitisedScan, Progress, digitise, validate

__all__ = [
    "CorruptFile",
    "DigitisedScan",
    "DigitizeError",
    "EmptyFile",
    "EncryptedPdf",
    "FileTooLarge",
    "ImageTooLarge",
    "IntakeError",
    "IntakeLimits",
    "OcrFailed",
    "OcrSettings",
    "OcrTimeout",
    "PageInfo",
    "PdfVersionTooOld",
    "Progress",
    "ResolutionTooLow",
    "ScanFile",
    "ScanFormat",
    "TooManyPages",
    "UnsupportedFormat",
    "check_batch",
    "check_file",
    "digitise",
    "safe_filename",
    "sniff",
    "validate",
]
