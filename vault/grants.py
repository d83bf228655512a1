"""Reuse with consent (tái sử dụng dữ liệu, REGULATIONS 9.C.23): grants of vault documents.

The owner applies for a procedure at an agency and attaches documents from the
vault by reference. The preview lists exactly what the agency will be able to
read; confirming opens the dossier and creates a grant — agency, dossier,
purpose, expiry — that the owner can revoke at any time. Staff of that agency
then read the documents through the grant (``vault.access``), each read logged
with the grant, instead of asking the citizen for paper again.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import ForeignKey, Integer, String, UniqueConstraint, select
from sqlalchemy.orm import Mapped, Session, mapped_column, relationship, selectinload

from kernel import Base, UTCDateTime, new_uuid, utcnow

from .errors import DocumentRevoked, InvalidRecordValue, NotFound
from .models import Agency, Document, Dossier, Owner


class Grant(Base):
    """The owner's consent for an agency to read some vault documents (REGULATIONS 9.C.23).

    Made when the owner confirms an application that reuses documents from the vault;
    it names the agency, the dossier, the purpose and an expiry, and the owner can
    revoke it at any time. Staff read through it and every read is logged with it.
    """

    __tablename__ = "grants"

    id: Mapped[str] = mapped_column(String(36), primary_key=True, default=new_uuid)
    owner_id: Mapped[int] = mapped_column(ForeignKey("owners.id"), index=True)
    agency_id: Mapped[int] = mapped_column(ForeignKey("agencies.id"), index=True)
    dossier_id: Mapped[int | None] = mapped_column(ForeignKey("dossiers.id"), index=True)
    purpose: Mapped[str] = mapped_column(String(500))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    expires_at: Mapped[datetime] = mapped_column(UTCDateTime)
    revoked_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    created_by: Mapped[str] = mapped_column(String(255))

    owner: Mapped[Owner] = relationship()
    agency: Mapped[Agency] = relationship()
    dossier: Mapped[Dossier | None] = relationship()
    items: Mapped[list[GrantItem]] = relationship(back_populates="grant")


class GrantItem(Base):
    """One document a grant covers."""

    __tablename__ = "grant_items"
    __table_args__ = (UniqueConstraint("grant_id", "document_id"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    grant_id: Mapped[str] = mapped_column(ForeignKey("grants.id"), index=True)
    document_id: Mapped[str] = mapped_column(ForeignKey("documents.id"), index=True)

    grant: Mapped[Grant] = relationship(back_populates="items")
    document: Mapped[Document] = relationship()


@dataclass(frozen=True)
class SharedDocument:
    id: str
    title: str
    doc_type: str
    kind: str
    result_code: str | None
    files: tuple[tuple[str, str], ...]  # (role, SHA-256) the agency will be able to read

    def as_dict(self) -> dict[str, Any]:
        return {"id": self.id, "title": self.title, "doc_type": self.doc_type,
                "kind": self.kind, "result_code": self.result_code,
                "files": [{"role": r, "sha256": h} for r, h in self.files]}


@dataclass(frozen=True)
class GrantRecord:
    id: str
    agency_code: str
    agency_name: str
    dossier: str | None
    purpose: str
    created_at: datetime
    expires_at: datetime
    revoked_at: datetime | None
    documents: tuple[SharedDocument, ...]

    def status(self, now: datetime | None = None) -> str:
        if self.revoked_at is not None:
            return "revoked"
        return "expired" if self.expires_at <= (now or datetime.now(UTC)) else "live"

    def as_dict(self) -> dict[str, Any]:
        return {"id": self.id, "agency": {"code": self.agency_code, "name": self.agency_name},
                "dossier": self.dossier, "purpose": self.purpose, "status": self.status(),
                "created_at": self.created_at.isoformat(),
                "expires_at": self.expires_at.isoformat(),
                "revoked_at": self.revoked_at.isoformat() if self.revoked_at else None,
                "documents": [d.as_dict() for d in self.documents]}


def shareable(session: Session, owner: Owner, document_ids: list[str]) -> list[Document]:
    """The owner's documents named, in order; refused if one is not theirs or is revoked."""
    if not document_ids:
        raise InvalidRecordValue("chưa chọn tài liệu nào để chia sẻ (no document chosen)")
    if len(set(document_ids)) != len(document_ids):
        raise InvalidRecordValue("một tài liệu được chọn hai lần (a document is chosen twice)")
    rows = {d.id: d for d in session.scalars(
        select(Document).where(Document.id.in_(document_ids), Document.owner_id == owner.id)
        .options(selectinload(Document.versions)))}
    missing = [d for d in document_ids if d not in rows]
    if missing:
        raise NotFound(f"không tìm thấy tài liệu {missing[0]} trong kho (no such document in "
                       "the vault)")
    revoked = [rows[d].title for d in document_ids if rows[d].revoked_at is not None]
    if revoked:
        raise DocumentRevoked(f"tài liệu đã bị thu hồi, không dùng lại được: {revoked[0]} "
                              "(a revoked document cannot be reused)")
    return [rows[d] for d in document_ids]


def shared_document(document: Document) -> SharedDocument:
    return SharedDocument(
        document.id, document.title, document.doc_type, document.kind, document.result_code,
        tuple((v.role, v.sha256) for v in sorted(document.versions,
                                                  key=lambda v: (v.role, v.part))))


def agency_named(session: Session, code: str) -> Agency:
    agency = session.scalar(select(Agency).where(Agency.code == code))
    if agency is None:
        raise NotFound(f"không có cơ quan mã {code} (no agency {code})")
    return agency


def grant_record(grant: Grant) -> GrantRecord:
    return GrantRecord(
        grant.id, grant.agency.code, grant.agency.name,
        grant.dossier.code if grant.dossier else None, grant.purpose, grant.created_at,
        grant.expires_at, grant.revoked_at,
        tuple(shared_document(item.document) for item in grant.items))


def grant_query() -> Any:
    return select(Grant).options(
        selectinload(Grant.agency), selectinload(Grant.dossier),
        selectinload(Grant.items).selectinload(GrantItem.document)
        .selectinload(Document.versions))
