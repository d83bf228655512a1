"""Recognise what a file really is from its first bytes, never from its name."""

from __future__ import annotations

from enum import StrEnum


class ScanFormat(StrEnum):
    PDF = "application/pdf"
    JPEG = "image/jpeg"
    PNG = "image/png"
    TIFF = "image/tiff"
    HEIC = "image/heic"  # iPhone photos; read through pillow-heif


#: ISO base-media brands of HEIF stills (HEIC from phones, and the generic ones).
_HEIF_BRANDS = {b"heic", b"heix", b"heim", b"heis", b"hevc", b"hevx", b"mif1", b"msf1"}


def sniff(data: bytes) -> ScanFormat | None:
    head = data[:1024]
    if head.startswith(b"\xff\xd8\xff"):
        return ScanFormat.JPEG
    if head.startswith(b"\x89PNG\r\n\x1a\n"):
        return ScanFormat.PNG
    if head[:4] in (b"II*\x00", b"MM\x00*"):
        return ScanFormat.TIFF
    if head[4:8] == b"ftyp" and head[8:12] in _HEIF_BRANDS:
        return ScanFormat.HEIC
    # PDF readers accept junk before the header (within 1 KiB); so do we.
    if b"%PDF-" in head:
        return ScanFormat.PDF
    return None

