"""Digitisation: from scanner output to a searchable PDF/A and its text.

Intake checks what counters and citizens hand in (PDF, JPEG, PNG, TIFF), the
pipeline assembles pages in order and runs OCR (Tesseract ``vie`` through
OCRmyPDF). Originals are never modified. This package knows nothing of HTTP or
the database.

Names load their modules on first use (`kernel.lazy`): reading the limits does not
import OCRmyPDF.
"""

from typing import TYPE_CHECKING

from kernel.lazy import exports

#: Each name this package offers, by the module it comes from (loaded on first use).
_MODULES = {
    "errors": ("CorruptFile", "DigitizeError", "EmptyFile", "EncryptedPdf", "FileTooLarge",
        "ImageTooLarge", "IntakeError", "OcrFailed", "OcrTimeout", "PdfVersionTooOld",
        "ResolutionTooLow", "TooManyPages", "UnsupportedFormat"),
    "formats": ("ScanFormat", "sniff"),
    "intake": ("ScanFile", "check_batch", "check_file", "safe_filename"),
    "limits": ("IntakeLimits", "OcrSettings"),
    "page_checks": ("PageInfo",),
    "pipeline": ("DigitisedScan", "Progress", "digitise", "validate"),
}
__getattr__ = exports(__name__, _MODULES)

if TYPE_CHECKING:
    from .errors import (
        CorruptFile as CorruptFile,
        DigitizeError as DigitizeError,
        EmptyFile as EmptyFile,
        EncryptedPdf as EncryptedPdf,
        FileTooLarge as FileTooLarge,
        ImageTooLarge as ImageTooLarge,
        IntakeError as IntakeError,
        OcrFailed as OcrFailed,
        OcrTimeout as OcrTimeout,
        PdfVersionTooOld as PdfVersionTooOld,
        ResolutionTooLow as ResolutionTooLow,
        TooManyPages as TooManyPages,
        UnsupportedFormat as UnsupportedFormat,
    )
    from .formats import (
        ScanFormat as ScanFormat,
        sniff as sniff,
    )
    from .intake import (
        ScanFile as ScanFile,
        check_batch as check_batch,
        check_file as check_file,
        safe_filename as safe_filename,
    )
    from .limits import (
        IntakeLimits as IntakeLimits,
        OcrSettings as OcrSettings,
    )
    from .page_checks import (
        PageInfo as PageInfo,
    )
    from .pipeline import (
        DigitisedScan as DigitisedScan,
        Progress as Progress,
        digitise as digitise,
        validate as validate,
    )

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
