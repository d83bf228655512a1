"""Disposal proposals and what remains of a destruction (đề nghị hủy, biên bản hủy).

A destruction goes PROPOSED → DESTROYING → DONE (or PROPOSED → REJECTED): one person
proposes, another decides (`check_second_person`), and the step that cannot be undone
begins only once the signed record is stored. The rules that say whether a dossier
may be destroyed at all are `holds.disposable_on`; this module keeps the proposals and
refuses a second proposal for a dossier while one waits.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import UTC, datetime
from enum import StrEnum
from typing import Any

from sqlalchemy import JSON, ForeignKey, String, func, select
from sqlalchemy.orm import Mapped, Session, mapped_column

from kernel import Base, DomainError, UTCDateTime, new_uuid, utcnow

from .disposal import DisposalRefused


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


class ProposalNotFound(DomainError):
    """No proposal with this id waits for a decision."""

    code = "not_found"
    http_status = 404


def pending_for(session: Session, dossier_id: int) -> str | None:
    """The id of the proposal waiting for a decision on the dossier, if one does."""
    return session.scalar(select(Disposal.id).where(
        Disposal.dossier_id == dossier_id, Disposal.status == DisposalStatus.PROPOSED.value))


def propose(session: Session, dossier_id: int, code: str, reason: str, *, by: str,
            at: datetime) -> Disposal:
    """Put the dossier on the review list for a second person's decision; refused while
    a proposal for it already waits."""
    if pending_for(session, dossier_id):
        raise DisposalRefused(f"hồ sơ {code} đã có đề nghị hủy đang chờ duyệt "
                              "(a proposal is already pending)")
    proposal = Disposal(dossier_id=dossier_id, reason=reason, proposed_by=by, proposed_at=at)
    session.add(proposal)
    session.flush()
    return proposal


def pending(session: Session, disposal_id: str, *, lock: bool = False) -> Disposal:
    """The proposal ``disposal_id`` while it waits for a decision."""
    query = select(Disposal).where(Disposal.id == disposal_id,
                                   Disposal.status == DisposalStatus.PROPOSED.value)
    proposal = session.scalar(query.with_for_update() if lock else query)
    if proposal is None:
        raise ProposalNotFound(f"không có đề nghị hủy {disposal_id} đang chờ duyệt "
                               "(no pending proposal)")
    return proposal


def reject(session: Session, disposal_id: str, reason: str, *, by: str, at: datetime) -> None:
    proposal = pending(session, disposal_id, lock=True)
    proposal.status = DisposalStatus.REJECTED.value
    proposal.decided_by, proposal.decided_at, proposal.decision = by, at, reason


def begin_destruction(proposal: Disposal, *, by: str, at: datetime, decision: str,
                      record_key: str, record_sha256: str, tombstone: dict[str, Any]) -> None:
    """The decision is taken and its signed record stored: from here the destruction
    is carried to its end, after a crash too (`destroying`)."""
    proposal.status = DisposalStatus.DESTROYING.value
    proposal.decided_by, proposal.decided_at, proposal.decision = by, at, decision
    proposal.record_key, proposal.record_sha256 = record_key, record_sha256
    proposal.tombstone = tombstone


def finish(session: Session, disposal_id: str) -> None:
    proposal = session.get_one(Disposal, disposal_id, with_for_update=True)
    proposal.status = DisposalStatus.DONE.value


def destroying(session: Session) -> list[str]:
    """Destructions approved and recorded but not finished (a crash came between)."""
    return list(session.scalars(select(Disposal.id).where(
        Disposal.status == DisposalStatus.DESTROYING.value)))


def get(session: Session, disposal_id: str) -> Disposal | None:
    return session.get(Disposal, disposal_id)


def recent(session: Session, limit: int) -> Sequence[Disposal]:
    """Every proposal, newest first."""
    return session.scalars(select(Disposal).order_by(Disposal.proposed_at.desc())
                           .limit(limit)).all()


def records_kept(session: Session) -> list[tuple[str, str | None]]:
    """Storage key and SHA-256 of every destruction record issued."""
    return [(key, sha256) for key, sha256 in session.execute(
        select(Disposal.record_key, Disposal.record_sha256)
        .where(Disposal.record_key.is_not(None))) if key]


def issued_in(session: Session, year: int) -> int:
    """Destruction records issued in ``year``: where the year's numbering starts when its
    sequence is first used (numbers restart each 1 January)."""
    start = datetime(year, 1, 1, tzinfo=UTC)
    return session.scalar(select(func.count()).select_from(Disposal).where(
        Disposal.status.in_([DisposalStatus.DONE.value, DisposalStatus.DESTROYING.value]),
        Disposal.decided_at >= start, Disposal.decided_at < start.replace(year=year + 1))) or 0
