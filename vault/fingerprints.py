"""Fingerprints of scans not kept (dấu vết bản quét): the SHA-256 of each file a scanner
gave for a document, when the file itself was not stored.

The electronic copy the law asks for is the signed PDF/A; the scanner's own file is
kept only when ``SOHOA_KEEP_SCANNER_FILE`` is set (issue 30). Its hash is kept
regardless, so the same scan sent a second time is still known for what it is: the
counter's check before scanning and filing once in a dossier (issue 29) look here as
they look at the originals that are kept.
"""

from __future__ import annotations

from sqlalchemy import ForeignKey, Integer, String
from sqlalchemy.orm import Mapped, mapped_column

from kernel import Base


class ScanFingerprint(Base):
    """One scanner file a document was digitised from, by its SHA-256 only."""

    __tablename__ = "scan_fingerprints"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    document_id: Mapped[str] = mapped_column(ForeignKey("documents.id"), index=True)
    sha256: Mapped[str] = mapped_column(String(64), index=True)
