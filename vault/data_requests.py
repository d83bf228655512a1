"""Another agency asks for the data of a dossier (yêu cầu chia sẻ dữ liệu giữa cơ quan nhà
nước); the agency that holds it shares or refuses, and a refusal is recorded with its
written reason and its legal basis (REGULATIONS 58, NĐ 194/2025).

A request names the dossier, why the data is needed and on what legal ground. The
holding agency answers it: sharing makes a grant (`vault.grants`) of the dossier's
documents to the asking agency, for a set time, which the owner sees among their
grants and can revoke like any other; refusing needs both a reason and a legal basis,
kept with the request and in the audit trail, so the asking agency is told why.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from enum import StrEnum
from typing import Any

from sqlalchemy import ForeignKey, String, Text, or_, select
from sqlalchemy.orm import Mapped, Session, mapped_column, relationship

from kernel import Base, Role, UTCDateTime, Viewer, new_uuid, utcnow

from .audit import audit
from .errors import Forbidden, InvalidRecordValue, InvalidTransition, NotFound
from .grants import Grant, GrantItem
from .models import Agency, Document, Dossier
from .search_log import note_changed
from .store import VaultStore

#: The shortest reason or legal basis a refusal may give: a word is not a reason.
MIN_WORDS = 10


class RequestStatus(StrEnum):
    PENDING = "pending"
    SHARED = "shared"
    REFUSED = "refused"


class DataRequest(Base):
    """One agency's request for the data of a dossier another agency holds."""

    __tablename__ = "data_requests"

    id: Mapped[str] = mapped_column(String(36), primary_key=True, default=new_uuid)
    dossier_id: Mapped[int] = mapped_column(ForeignKey("dossiers.id"), index=True)
    requester_id: Mapped[int] = mapped_column(ForeignKey("agencies.id"), index=True)
    holder_id: Mapped[int] = mapped_column(ForeignKey("agencies.id"), index=True)
    purpose: Mapped[str] = mapped_column(Text)
    requester_basis: Mapped[str] = mapped_column(Text)
    requested_by: Mapped[str] = mapped_column(String(255))
    requested_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    status: Mapped[str] = mapped_column(String(16), default=RequestStatus.PENDING.value,
                                        index=True)
    decided_by: Mapped[str | None] = mapped_column(String(255))
    decided_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    #: A refusal's written reason and legal basis (both required to refuse).
    reason: Mapped[str | None] = mapped_column(Text)
    legal_basis: Mapped[str | None] = mapped_column(Text)
    grant_id: Mapped[str | None] = mapped_column(ForeignKey("grants.id"))

    dossier: Mapped[Dossier] = relationship()
    requester: Mapped[Agency] = relationship(foreign_keys=[requester_id])
    holder: Mapped[Agency] = relationship(foreign_keys=[holder_id])


@dataclass(frozen=True)
class DataRequestRecord:
    id: str
    dossier: str
    requester: str  # names, for people; codes below for programs
    holder: str
    requester_code: str
    holder_code: str
    purpose: str
    requester_basis: str
    requested_by: str
    requested_at: datetime
    status: str
    decided_by: str | None
    decided_at: datetime | None
    reason: str | None
    legal_basis: str | None
    grant: str | None

    @classmethod
    def of(cls, row: DataRequest) -> DataRequestRecord:
        return cls(row.id, row.dossier.code, row.requester.name, row.holder.name,
                   row.requester.code, row.holder.code, row.purpose, row.requester_basis,
                   row.requested_by, row.requested_at, row.status, row.decided_by,
                   row.decided_at, row.reason, row.legal_basis, row.grant_id)

    def as_dict(self) -> dict[str, Any]:
        return {"id": self.id, "dossier": self.dossier, "requester": self.requester,
                "requester_code": self.requester_code, "holder": self.holder,
                "holder_code": self.holder_code, "purpose": self.purpose,
                "requester_basis": self.requester_basis, "requested_by": self.requested_by,
                "requested_at": self.requested_at.isoformat(), "status": self.status,
                "decided_by": self.decided_by,
                "decided_at": self.decided_at.isoformat() if self.decided_at else None,
                "reason": self.reason, "legal_basis": self.legal_basis, "grant": self.grant}


def _text(value: str, what: str, *, words: int = 1) -> str:
    cleaned = " ".join((value or "").split())
    if len(cleaned) < words:
        raise InvalidRecordValue(f"cần ghi {what} (at least {words} characters)")
    return cleaned


def _staff(viewer: Viewer) -> str:
    if viewer.role is not Role.STAFF or not viewer.agency:
        raise Forbidden("chỉ cán bộ của một cơ quan mới yêu cầu hoặc trả lời yêu cầu chia sẻ "
                        "dữ liệu (staff of an agency only)")
    return viewer.agency


class DataRequests(VaultStore):
    """Requests between agencies for a dossier's data, and their answers."""

    def ask(self, dossier_code: str, *, purpose: str, legal_basis: str,
            viewer: Viewer) -> DataRequestRecord:
        """Ask the agency that holds dossier ``dossier_code`` for its data."""
        asking = _staff(viewer)
        purpose = _text(purpose, "mục đích sử dụng dữ liệu (the purpose)", words=MIN_WORDS)
        basis = _text(legal_basis, "căn cứ pháp lý của yêu cầu (the legal basis)",
                      words=MIN_WORDS)
        with self._unit() as session:
            dossier = session.scalar(select(Dossier).where(Dossier.code == dossier_code))
            requester = session.scalar(select(Agency).where(Agency.code == asking))
            if dossier is None or requester is None:
                raise NotFound(f"không tìm thấy hồ sơ {dossier_code} (no such dossier)")
            if dossier.agency_id == requester.id:
                raise InvalidRecordValue("hồ sơ do chính cơ quan bạn tiếp nhận, không cần yêu "
                                         "cầu chia sẻ (your agency holds this dossier)")
            row = DataRequest(dossier_id=dossier.id, requester_id=requester.id,
                              holder_id=dossier.agency_id, purpose=purpose,
                              requester_basis=basis, requested_by=viewer.actor,
                              requested_at=datetime.now(UTC))
            session.add(row)
            session.flush()
            audit(session, viewer.actor, "data_request.asked", "data_request", row.id,
                  {"dossier": dossier.code, "requester": requester.code,
                   "holder": dossier.agency.code})
            return DataRequestRecord.of(row)

    def of_agency(self, *, viewer: Viewer) -> list[DataRequestRecord]:
        """The requests the viewer's agency made or received, newest first."""
        agency = _staff(viewer)
        with self._sessions() as session:
            own = select(Agency.id).where(Agency.code == agency).scalar_subquery()
            rows = session.scalars(select(DataRequest).where(or_(
                DataRequest.requester_id == own, DataRequest.holder_id == own))
                .order_by(DataRequest.requested_at.desc()))
            return [DataRequestRecord.of(row) for row in rows]

    def share(self, request_id: str, *, days: int, viewer: Viewer) -> DataRequestRecord:
        """Share: a grant of the dossier's documents to the asking agency for ``days``."""
        if not 1 <= days <= 365:
            raise InvalidRecordValue("thời hạn chia sẻ từ 1 đến 365 ngày (days: 1 to 365)")
        with self._unit() as session:
            row = self._pending(session, request_id, viewer)
            moment = datetime.now(UTC)
            grant = Grant(owner_id=row.dossier.owner_id, agency_id=row.requester_id,
                          dossier_id=row.dossier_id, purpose=row.purpose[:500],
                          created_at=moment, expires_at=moment + timedelta(days=days),
                          created_by=viewer.actor)
            session.add(grant)
            session.flush()
            documents = list(session.scalars(select(Document.id).where(
                Document.dossier_id == row.dossier_id)))
            session.add_all(GrantItem(grant_id=grant.id, document_id=d) for d in documents)
            note_changed(session, documents)
            row.status, row.grant_id = RequestStatus.SHARED.value, grant.id
            row.decided_by, row.decided_at = viewer.actor, moment
            audit(session, viewer.actor, "data_request.shared", "data_request", row.id,
                  {"dossier": row.dossier.code, "requester": row.requester.code,
                   "grant": grant.id, "expires_at": grant.expires_at.isoformat()})
            return DataRequestRecord.of(row)

    def refuse(self, request_id: str, *, reason: str, legal_basis: str,
               viewer: Viewer) -> DataRequestRecord:
        """Refuse, with a written reason and the legal basis (both required)."""
        reason = _text(reason, "lý do từ chối bằng văn bản (a written reason)",
                       words=MIN_WORDS)
        basis = _text(legal_basis, "căn cứ pháp lý của việc từ chối (the legal basis)",
                      words=MIN_WORDS)
        with self._unit() as session:
            row = self._pending(session, request_id, viewer)
            row.status, row.reason, row.legal_basis = RequestStatus.REFUSED.value, reason, basis
            row.decided_by, row.decided_at = viewer.actor, datetime.now(UTC)
            audit(session, viewer.actor, "data_request.refused", "data_request", row.id,
                  {"dossier": row.dossier.code, "requester": row.requester.code,
                   "reason": reason, "legal_basis": basis})
            return DataRequestRecord.of(row)

    @staticmethod
    def _pending(session: Session, request_id: str, viewer: Viewer) -> DataRequest:
        agency = _staff(viewer)
        row = session.get(DataRequest, request_id, with_for_update=True)
        if row is None or row.holder.code != agency:
            raise NotFound("không có yêu cầu này gửi cơ quan bạn (no such request to your "
                           "agency)")
        if row.status != RequestStatus.PENDING.value:
            raise InvalidTransition("yêu cầu đã được trả lời (the request was answered)")
        return row
