"""Recorded PDF verdicts (kết quả kiểm tra chữ ký số): what the checks of a PDF found,
kept with the SHA-256 of the bytes they were made on and the moment they were made.

A file's signatures are checked when it is signed or received; exporting it to the
archive months later may reuse that verdict instead of checking again, because the
verdict is a function of the bytes alone (offline: the roots and what the file
carries) and the export hashes the bytes it writes: a verdict is found only for bytes
whose SHA-256 is the one it was made on. The PREMIS validation event then carries the
verdict's own date. A package from elsewhere is checked in full (``validate_package``
with no recorded verdicts).
"""

from __future__ import annotations

from collections.abc import Collection, Mapping
from datetime import datetime

from sqlalchemy import JSON, Boolean, String, select, tuple_
from sqlalchemy.orm import Mapped, Session, mapped_column

from kernel import Base, UTCDateTime

from .pdfcheck import PdfVerdict

#: A verdict's key: the SHA-256 of the bytes, and whether their signatures were checked.
VerdictKey = tuple[str, bool]


class RecordedVerdict(Base):
    """The checks of one PDF's bytes: structure, version, PDF/A claim and (``signed``)
    its signatures, as ``archive.pdfcheck`` made them at ``checked_at``."""

    __tablename__ = "pdf_verdicts"

    sha256: Mapped[str] = mapped_column(String(64), primary_key=True)
    signed: Mapped[bool] = mapped_column(Boolean, primary_key=True)
    problem: Mapped[str | None] = mapped_column(String(1000))
    version: Mapped[str] = mapped_column(String(8))
    pdfa: Mapped[bool] = mapped_column(Boolean)
    #: What is wrong with its signatures (empty: all valid); None: it carries none.
    signatures: Mapped[list[str] | None] = mapped_column(JSON)
    checked_at: Mapped[datetime] = mapped_column(UTCDateTime)


def recorded(session: Session, sha256s: Collection[str]) -> dict[VerdictKey, PdfVerdict]:
    """The verdicts recorded for these contents, each with its date."""
    if not sha256s:
        return {}
    rows = session.scalars(select(RecordedVerdict).where(RecordedVerdict.sha256.in_(sha256s)))
    return {(r.sha256, r.signed): PdfVerdict(r.problem, r.version, r.pdfa, r.signatures,
                                             checked_at=r.checked_at) for r in rows}


def record(session: Session, verdicts: Mapping[VerdictKey, PdfVerdict], at: datetime) -> None:
    """Keep ``verdicts`` (made at ``at`` unless they carry their own date); a content
    already recorded keeps its first verdict."""
    if not verdicts:
        return
    known = set(session.execute(select(RecordedVerdict.sha256, RecordedVerdict.signed).where(
        tuple_(RecordedVerdict.sha256, RecordedVerdict.signed).in_(list(verdicts)))).tuples())
    session.add_all(
        RecordedVerdict(sha256=sha256, signed=signed, problem=v.problem, version=v.version,
                        pdfa=v.pdfa, signatures=v.signatures, checked_at=v.checked_at or at)
        for (sha256, signed), v in verdicts.items() if (sha256, signed) not in known)
