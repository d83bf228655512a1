"""Every look inside untrusted bytes, each run in the parsing sandbox.

The counter's checks (intake, separator sheets, capture) and the structural
check of a PDF before the signature verifier or the signer reads it are the
places where sohoa decodes what a stranger sent. Each public function here runs
its work in a limited child (`digitize.sandbox`); the functions whose names
start with ``_in_child`` are what the child executes. A file that passes here
has been fully parsed once under limits, so the trusted process only handles
streams already known to decode within them.
"""

from __future__ import annotations

import io
from dataclasses import replace

import pikepdf

from .capture import CaptureReport, inspect_capture
from .errors import CorruptFile, EncryptedPdf, TooManyPages, parser_words
from .intake import ScanFile, check_batch
from .limits import CaptureLimits, IntakeLimits, SandboxLimits
from .sandbox import run_isolated
from .separators import BatchPart, part_files, split_batch


def inspect_batch(files: list[tuple[str, bytes]], limits: IntakeLimits,
                  sandbox: SandboxLimits) -> list[ScanFile]:
    """`check_batch` in the sandbox: the accepted files, or the `IntakeError` naming why not."""
    size = sum(len(data) for _, data in files)
    described = run_isolated(_in_child_check_batch, files, limits,
                             limits=sandbox.for_bytes(size))
    # The child sends back what it learned, not the bytes: the caller has them already.
    return [replace(scan, data=data) for scan, (_, data) in zip(described, files, strict=True)]


def split_isolated(scans: list[ScanFile],
                   sandbox: SandboxLimits) -> list[tuple[BatchPart, list[ScanFile]]]:
    """The batch cut at its separator sheets, each part with its files (see `split_batch`)."""
    return run_isolated(_in_child_split, scans, limits=sandbox.for_pixels(_pixels(scans)))


def capture_isolated(scans: list[ScanFile], limits: CaptureLimits, owner_id: str | None,
                     sandbox: SandboxLimits) -> CaptureReport:
    """`inspect_capture` of one document's pages in the sandbox."""
    return run_isolated(_in_child_capture, scans, limits, owner_id,
                        limits=sandbox.for_pixels(_pixels(scans)))


def _pixels(scans: list[ScanFile]) -> int:
    return sum(page.width_px * page.height_px for scan in scans for page in scan.pages)


def inspect_pdf(data: bytes, max_pages: int, sandbox: SandboxLimits,
                name: str = "tệp PDF") -> int:
    """Parse every object and decode every stream of a PDF; its page count.

    Done before pyHanko (which parses in the trusted process) reads a PDF that
    came from outside: an object stream that inflates to gigabytes, or objects
    nested beyond reason, fail here, in the sandbox.
    """
    return run_isolated(_in_child_walk_pdf, data, max_pages, name,
                        limits=sandbox.for_bytes(len(data)))


# -- in the child ------------------------------------------------------------------------

def _in_child_check_batch(files: list[tuple[str, bytes]],
                          limits: IntakeLimits) -> list[ScanFile]:
    return [replace(scan, data=b"") for scan in check_batch(files, limits)]


def _in_child_split(scans: list[ScanFile]) -> list[tuple[BatchPart, list[ScanFile]]]:
    return [(part, part_files(part, scans)) for part in split_batch(scans)]


def _in_child_capture(scans: list[ScanFile], limits: CaptureLimits,
                      owner_id: str | None) -> CaptureReport:
    return inspect_capture(scans, limits=limits, owner_id=owner_id)


def _in_child_walk_pdf(data: bytes, max_pages: int, name: str) -> int:
    try:
        with pikepdf.open(io.BytesIO(data)) as pdf:
            pages = len(pdf.pages)
            if pages == 0:
                raise CorruptFile("tệp PDF không có trang nào (the PDF has no pages)",
                                  filename=name)
            if pages > max_pages:
                raise TooManyPages(f"{pages} trang vượt giới hạn {max_pages} trang "
                                   f"(too many pages)", filename=name)
            for obj in pdf.objects:
                if isinstance(obj, pikepdf.Stream) and _generic_filters(obj):
                    obj.read_bytes()
    except pikepdf.PasswordError:
        raise EncryptedPdf("tệp PDF có mật khẩu (the PDF is password-protected)",
                           filename=name) from None
    except pikepdf.PdfError as exc:
        raise CorruptFile(f"không đọc được tệp PDF (unreadable PDF): {parser_words(exc)}",
                          filename=name) from None
    return pages


#: Filters any PDF reader (pyHanko too) may apply; image codecs are left to the OCR sandbox.
_GENERIC_FILTERS = {"/FlateDecode", "/LZWDecode", "/ASCII85Decode", "/ASCIIHexDecode",
                    "/RunLengthDecode", "/Fl", "/LZW", "/A85", "/AHx", "/RL"}


def _generic_filters(stream: pikepdf.Stream) -> bool:
    filters = stream.get("/Filter")
    if filters is None:
        return False
    names = [str(f) for f in filters] if isinstance(filters, pikepdf.Array) else [str(filters)]
    return all(name in _GENERIC_FILTERS for name in names)
