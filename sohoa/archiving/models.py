"""Rows of the archive: transfers (nộp lưu) and disposals (hủy tài liệu); holds are
retention's (`retention.holds`)."""

from __future__ import annotations

from datetime import date, datetime
from enum import StrEnum
from typing import Any

from sqlalchemy import JSON, BigInteger, Boolean, Date, ForeignKey, Integer, String
from sqlalchemy.orm import Mapped, mapped_column

from kernel import Base, UTCDateTime, new_uuid, utcnow


class ArchivalTransfer(Base):
    """One dossier handed over to the agency archive: who, when, which package.

    The package's objects sit in archival storage under their own data key
    (``storage_vault``), locked until ``retain_until`` (None: kept permanently).
    """

    __tablename__ = "archival_transfers"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    dossier_id: Mapped[int] = mapped_column(ForeignKey("dossiers.id"), unique=True)
    dossier_code: Mapped[str] = mapped_column(String(64), unique=True)
    file_code: Mapped[str] = mapped_column(String(80))
    title: Mapped[str] = mapped_column(String(500))
    package_checksum: Mapped[str] = mapped_column(String(64))
    files: Mapped[int] = mapped_column(Integer)
    payload_bytes: Mapped[int] = mapped_column(BigInteger)
    maintenance: Mapped[str] = mapped_column(String(30))
    retain_until: Mapped[date | None] = mapped_column(Date)
    handed_over_by: Mapped[str] = mapped_column(String(255))
    received_by: Mapped[str] = mapped_column(String(255))
    transferred_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    storage_vault: Mapped[str] = mapped_column(String(64), unique=True)
    #: Whether the storage holds the objects under a retention lock (S3 Object Lock).
    locked: Mapped[bool] = mapped_column(Boolean, default=False)
    #: Every object of the package: path in the package, storage key, SHA-256, size.
    objects: Mapped[list[dict[str, Any]]] = mapped_column(JSON, default=list)
    disposed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)


class DisposalStatus(StrEnum):
    PROPOSED = "PROPOSED"  # on the review list (danh mục tài liệu hết giá trị)
    #: Approved, its destruction record signed and stored; the package's key and objects
    #: are being destroyed (``sohoa fsck`` finishes one a crash interrupted).
    DESTROYING = "DESTROYING"
    DONE = "DONE"  # approved by a second person and carried out
    REJECTED = "REJECTED"


class Disposal(Base):
    """The destruction of an archived dossier: proposed by one person, approved by
    another, then carried out. What remains is this row — the tombstone with the
    metadata and hashes — and the signed destruction record (biên bản hủy)."""

    __tablename__ = "disposals"

    id: Mapped[str] = mapped_column(String(36), primary_key=True, default=new_uuid)
    dossier_id: Mapped[int] = mapped_column(ForeignKey("dossiers.id"), index=True)
    status: Mapped[str] = mapped_column(String(16), default=DisposalStatus.PROPOSED.value)
    reason: Mapped[str] = mapped_column(String(500))
    proposed_by: Mapped[str] = mapped_column(String(255))
    proposed_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    decided_by: Mapped[str | None] = mapped_column(String(255))
    decided_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    #: The head's decision the destruction rests on (số quyết định), or why it was refused.
    decision: Mapped[str | None] = mapped_column(String(255))
    record_key: Mapped[str | None] = mapped_column(String(255))
    record_sha256: Mapped[str | None] = mapped_column(String(64))
    tombstone: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
