"""One file, one format: a scan that is also a web page, a script or an archive is refused.

A polyglot is a file that two programs read as two different things: a PDF whose
first bytes are an HTML page (browsers and PDF readers both skip what they do not
expect), a PNG that is also a ZIP, a PDF with an archive after its end. Scanners and
our own tools never write one, so any of these is a sign of a crafted file; it is
refused before anything is stored, whatever a reader would have made of it. What
phones add to their pictures (a JPEG's second picture or its thumbnails, an MP4 of a
"live" photo) is not among the formats looked for and stays allowed.
"""

from __future__ import annotations

import re
import struct

from .errors import PolyglotFile
from .formats import ScanFormat

#: Signatures of what must not ride inside a scan, each long enough (six bytes or more,
#: or five with a delimiter) that compressed pixels do not spell it by chance.
_FOREIGN = re.compile(
    rb"%PDF-\d\.\d|<html[\s>]|<script[\s>]|<!doctype\s+html|<svg[\s>]|<iframe[\s>]"
    rb"|<body[\s>]|<\?php\s|javascript:|Rar!\x1a\x07|7z\xbc\xaf\x27\x1c",
    re.IGNORECASE)
_NAMES = {b"%pdf-": "PDF", b"rar!\x1a": "RAR", b"7z\xbc\xaf\x27": "7-Zip"}
#: A PDF may end with these (PDF whitespace) after its last ``%%EOF``, and nothing else.
_PDF_WHITESPACE = b" \t\r\n\x0c\x00"


def refuse_polyglot(name: str, data: bytes, kind: ScanFormat) -> None:
    """Raise `PolyglotFile` naming what else ``data`` is, if it is anything else."""
    if kind is ScanFormat.PDF:
        _pdf_edges(name, data)
    else:
        if kind is ScanFormat.PNG:
            _png_end(name, data)
        found = _FOREIGN.search(data)
        if found:
            raise PolyglotFile(
                f"ảnh có chứa một tệp {_what(found.group())} ở byte {found.start():,}; bản quét "
                f"không chứa tệp khác — hãy lưu lại ảnh từ máy quét (the image carries "
                f"{_what(found.group())} inside it)", filename=name)
    if _zip_directory(data):
        raise PolyglotFile(
            "tệp đồng thời là một tệp nén ZIP; bản quét không chứa tệp khác (the file is "
            "also a ZIP archive)", filename=name)


def _what(found: bytes) -> str:
    head = found[:5].lower()
    return _NAMES.get(head, "HTML/mã lệnh (HTML or script)")


def _pdf_edges(name: str, data: bytes) -> None:
    if not data.startswith(b"%PDF-"):
        raise PolyglotFile(
            f"có {data.find(b'%PDF-'):,} byte lạ trước phần đầu PDF (%PDF-); tệp từ máy quét "
            f"bắt đầu ngay bằng %PDF- (unexpected data before the PDF header)", filename=name)
    end = data.rfind(b"%%EOF")
    tail = data[end + 5:] if end >= 0 else b""
    if tail.strip(_PDF_WHITESPACE):
        raise PolyglotFile(
            f"có {len(tail):,} byte lạ sau dấu kết thúc %%EOF của PDF (unexpected data after "
            f"the end of the PDF)", filename=name)


def _png_end(name: str, data: bytes) -> None:
    """Bytes after a PNG's IEND are no part of the image: a ZIP, a script riding along."""
    at = 8
    while at + 8 <= len(data):
        (length,) = struct.unpack(">I", data[at:at + 4])
        kind = data[at + 4:at + 8]
        at += 12 + length
        if kind == b"IEND":
            break
    if at < len(data):
        raise PolyglotFile(
            f"có {len(data) - at:,} byte lạ sau phần kết thúc ảnh PNG; hãy lưu lại ảnh từ máy "
            f"quét (unexpected data after the end of the PNG image)", filename=name)


def _zip_directory(data: bytes) -> bool:
    """Whether a ZIP reader would open ``data``: its end-of-directory record sits within
    the last 64 KiB, with a comment that runs exactly to the end of the file."""
    window = max(0, len(data) - 65_557)
    at = data.rfind(b"PK\x05\x06", window)
    while at >= 0:
        if at + 22 <= len(data):
            (comment,) = struct.unpack("<H", data[at + 20:at + 22])
            if at + 22 + comment == len(data):
                return True
        at = data.rfind(b"PK\x05\x06", window, at)
    return False
