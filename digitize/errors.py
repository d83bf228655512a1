"""Why a scan was refused or could not be processed, in words for the counter.

Every error carries a stable ``code`` (for programs and tests) and a message
that is Vietnamese first, English second, naming the file and the problem, so
the officer can fix it before the citizen leaves. Messages never contain
personal IDs.
"""

from __future__ import annotations

import re

from kernel import DomainError

#: How qpdf names the file it read from memory ("stream <_io.BytesIO object at 0x…>: ").
_READER_NAME = re.compile(r"^(?:stream )?<[^>]*>:?\s*|\(?<_io\.[^>]*>\)?:?\s*")


def parser_words(exc: BaseException) -> str:
    """A parser's own message, without the memory addresses and buffer names it adds."""
    return _READER_NAME.sub("", str(exc)).strip()[:300]


class DigitizeError(DomainError):
    """Base class: something about the input or the processing went wrong."""

    code = "digitize_error"
    http_status = 500

    def __init__(self, message: str, *, filename: str | None = None) -> None:
        self.filename = filename
        self.message = f"{filename}: {message}" if filename else message
        super().__init__(self.message)

    def __reduce__(self) -> tuple[object, ...]:
        # Errors cross process boundaries (the parsing sandbox, job workers): rebuild
        # them with every attribute, whatever their own __init__ takes.
        return (_rebuild, (type(self), self.args, self.__dict__))


def _rebuild(cls: type[DigitizeError], args: tuple[object, ...],
             state: dict[str, object]) -> DigitizeError:
    error = cls.__new__(cls)
    Exception.__init__(error, *args)
    error.__dict__.update(state)
    return error


class IntakeError(DigitizeError):
    """The input is not an acceptable scan; nothing was stored."""

    code = "invalid_input"
    http_status = 422


class EmptyFile(IntakeError):
    code = "empty_file"


class UnsupportedFormat(IntakeError):
    code = "unsupported_format"
    http_status = 415


class CorruptFile(IntakeError):
    code = "corrupt_file"


class EncryptedPdf(IntakeError):
    code = "encrypted_pdf"


class ActiveContent(IntakeError):
    """A PDF carrying scripts, launch actions, forms or attached files: never a scan."""

    code = "active_content"


class PolyglotFile(IntakeError):
    """A file that is also another format: a web page, a script or an archive."""

    code = "polyglot_file"


class PageTooSmall(IntakeError):
    """A page smaller than any paper a counter scans (or a handful of pixels): no room
    for the officer's stamp, nothing for OCR to read."""

    code = "page_too_small"


class BadPageBox(IntakeError):
    """A PDF page whose box is empty, inverted, turned by a non-right angle or not a box."""

    code = "bad_page_box"


class PdfVersionTooOld(IntakeError):
    code = "pdf_version_too_old"


class ResolutionTooLow(IntakeError):
    code = "resolution_too_low"


class FileTooLarge(IntakeError):
    code = "file_too_large"
    http_status = 413


class TooManyPages(IntakeError):
    code = "too_many_pages"
    http_status = 413


class ImageTooLarge(IntakeError):
    """Too many pixels: a decompression bomb, or a scan far beyond any counter's needs."""

    code = "image_too_large"
    http_status = 413


class OcrFailed(DigitizeError):
    """OCR or PDF/A production failed on an input that passed intake."""

    code = "ocr_failed"


class OcrTimeout(OcrFailed):
    code = "ocr_timeout"
