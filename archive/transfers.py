"""Transfer records (hồ sơ nộp lưu): which dossier was handed over to the agency archive,
by whom, when, as which package, and where its objects are kept.

The table is the archive's own: the counter's dossiers are referred to by id and code
only, so this package needs nothing of the vault's. Every question asked of the
records is a function here; the composition layer never queries the table itself.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from sqlalchemy import JSON, BigInteger, Boolean, Date, ForeignKey, Integer, String, select
from sqlalchemy.orm import Mapped, Session, mapped_column

from kernel import Base, UTCDateTime, utcnow


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


@dataclass(frozen=True)
class TransferRecord:
    """What a transfer record says, detached from the database session."""

    dossier_code: str
    file_code: str
    package_checksum: str
    files: int
    payload_bytes: int
    maintenance: str
    retain_until: date | None
    handed_over_by: str
    received_by: str
    transferred_at: datetime
    locked: bool
    disposed_at: datetime | None

    @classmethod
    def of(cls, row: ArchivalTransfer) -> TransferRecord:
        return cls(row.dossier_code, row.file_code, row.package_checksum, row.files,
                   row.payload_bytes, row.maintenance, row.retain_until, row.handed_over_by,
                   row.received_by, row.transferred_at, row.locked, row.disposed_at)

    def as_dict(self) -> dict[str, Any]:
        data = dataclasses.asdict(self)
        for name in ("retain_until", "transferred_at", "disposed_at"):
            value = data[name]
            data[name] = value.isoformat() if value else None
        return data


def record(session: Session, **fields: Any) -> ArchivalTransfer:
    """Add the record of a transfer just made; its columns are ``fields``."""
    row = ArchivalTransfer(**fields)
    session.add(row)
    session.flush()
    return row


def mark_disposed(row: ArchivalTransfer, at: datetime) -> None:
    """The package's objects are being destroyed: the record stays, saying when."""
    row.disposed_at = at


def of_dossier(session: Session, code: str, *, lock: bool = False) -> ArchivalTransfer | None:
    """The transfer record of dossier ``code``, if it was transferred (locked for update
    when the caller is about to change it)."""
    query = select(ArchivalTransfer).where(ArchivalTransfer.dossier_code == code)
    return session.scalar(query.with_for_update() if lock else query)


def of_dossier_id(session: Session, dossier_id: int) -> ArchivalTransfer | None:
    return session.scalar(select(ArchivalTransfer)
                          .where(ArchivalTransfer.dossier_id == dossier_id))


def in_order(session: Session) -> list[ArchivalTransfer]:
    """Every transfer, oldest first."""
    return list(session.scalars(select(ArchivalTransfer)
                                .order_by(ArchivalTransfer.transferred_at)))


def past_retention(session: Session, today: date) -> list[ArchivalTransfer]:
    """Transfers still kept whose retention ran out by ``today``, earliest end first: the
    candidates for the review list (danh mục hồ sơ hết giá trị)."""
    return list(session.scalars(select(ArchivalTransfer).where(
        ArchivalTransfer.disposed_at.is_(None), ArchivalTransfer.retain_until.is_not(None),
        ArchivalTransfer.retain_until <= today).order_by(ArchivalTransfer.retain_until)))


def kept(session: Session) -> list[ArchivalTransfer]:
    """Transfers whose objects are still in archival storage (not destroyed)."""
    return list(session.scalars(select(ArchivalTransfer)
                                .where(ArchivalTransfer.disposed_at.is_(None))))
