"""The audit trail, kept as one hash chain (REGULATIONS 9.D.35 access logs).

``audit`` adds an event to the caller's transaction, so it is stored with the
change or not at all. The events of a transaction are linked into the chain as
it commits: the transaction takes the lock on the chain's head row last, holds it
only for the commit, and so never waits on a lock while holding the head — no
deadlock, and the chain has one order even when ids from a PostgreSQL sequence
commit out of order.

Each event's hash covers its place, the previous hash and every field, so a row
changed, removed or inserted afterwards shows at that place (``verify_chain``);
the head row holds the last place and hash, so cutting events off the end shows
too. What the chain cannot show is an attacker who rewrites the whole chain and
the head together: anchor the head elsewhere (``sohoa audit verify`` prints it)
to close that.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import JSON, BigInteger, Integer, String, Text, event, select, update
from sqlalchemy.orm import Mapped, Session, mapped_column

from kernel import Base, UTCDateTime, utcnow


class AuditEvent(Base):
    """Who did what to which record, and when. Details never hold an ID in clear.

    Events form one hash chain (``vault.audit``): each carries its place ``seq``, the
    previous event's hash and its own, so a changed, removed or inserted row breaks the
    chain where it happened (REGULATIONS 9.D.35).
    """

    __tablename__ = "audit_events"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    seq: Mapped[int] = mapped_column(BigInteger, unique=True)
    prev_hash: Mapped[str] = mapped_column(String(64))
    hash: Mapped[str] = mapped_column(String(64))
    at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, index=True)
    actor: Mapped[str] = mapped_column(String(255))
    action: Mapped[str] = mapped_column(String(64))
    subject_type: Mapped[str] = mapped_column(String(32))
    subject_id: Mapped[str] = mapped_column(String(64), index=True)
    details: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    note: Mapped[str | None] = mapped_column(Text)


class AuditHead(Base):
    """The end of the audit chain: one row, locked by each transaction as it commits."""

    __tablename__ = "audit_head"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    seq: Mapped[int] = mapped_column(BigInteger)
    hash: Mapped[str] = mapped_column(String(64))


GENESIS = "0" * 64
_PENDING = "sohoa_audit_pending"


def audit(session: Session, actor: str, action: str, subject_type: str, subject_id: str,
          details: dict[str, object], note: str | None = None) -> AuditEvent:
    """Add an event in the caller's transaction. ``details`` must never hold a personal ID
    in clear."""
    row = AuditEvent(at=datetime.now(UTC), actor=actor, action=action,
                     subject_type=subject_type, subject_id=subject_id, details=details,
                     note=note)
    session.info.setdefault(_PENDING, []).append(row)
    return row


def event_hash(prev_hash: str, seq: int, at: datetime, actor: str, action: str,
               subject_type: str, subject_id: str, details: dict[str, Any],
               note: str | None) -> str:
    """The hash of one event (format v1; changing it breaks every stored chain)."""
    body = json.dumps(
        [1, seq, prev_hash, at.astimezone(UTC).isoformat(timespec="microseconds"), actor,
         action, subject_type, subject_id, details, note],
        sort_keys=True, ensure_ascii=False, separators=(",", ":"), default=str)
    return hashlib.sha256(body.encode()).hexdigest()


def _hash_of(row: AuditEvent, prev_hash: str, seq: int) -> str:
    return event_hash(prev_hash, seq, row.at, row.actor, row.action, row.subject_type,
                      row.subject_id, row.details or {}, row.note)


@event.listens_for(Session, "before_commit")
def _link_pending(session: Session) -> None:
    pending: list[AuditEvent] = session.info.pop(_PENDING, [])
    if not pending:
        return
    with session.no_autoflush:
        # The UPDATE takes the head's row lock (PostgreSQL) or the write lock (SQLite)
        # before the head is read, so no two transactions link from the same place.
        first, prev_hash = session.execute(
            update(AuditHead).where(AuditHead.id == 1)
            .values(seq=AuditHead.seq + len(pending))
            .returning(AuditHead.seq, AuditHead.hash)).one()
        seq = first - len(pending)
        for row in pending:
            seq += 1
            row.seq, row.prev_hash = seq, prev_hash
            row.hash = prev_hash = _hash_of(row, prev_hash, seq)
            session.add(row)
        session.execute(update(AuditHead).where(AuditHead.id == 1).values(hash=prev_hash))
    session.flush()


@event.listens_for(Session, "after_rollback")
def _forget_pending(session: Session) -> None:
    session.info.pop(_PENDING, None)


@dataclass(frozen=True)
class ChainReport:
    """What ``verify_chain`` found: how many events hold, and the first that does not."""

    events: int
    head_seq: int
    head_hash: str
    broken_at: int | None = None
    problem: str | None = None

    @property
    def intact(self) -> bool:
        return self.broken_at is None and self.problem is None

    def as_dict(self) -> dict[str, Any]:
        return {"intact": self.intact, "events": self.events, "head_seq": self.head_seq,
                "head_hash": self.head_hash, "broken_at": self.broken_at,
                "problem": self.problem}


def verify_chain(rows: Iterable[AuditEvent], head_seq: int, head_hash: str) -> ChainReport:
    """Walk the events in ``seq`` order and recompute every link."""
    expected_seq, prev_hash, count = 1, GENESIS, 0
    for row in rows:
        count += 1
        if row.seq != expected_seq:
            return ChainReport(count, head_seq, head_hash, expected_seq,
                               f"thiếu sự kiện số {expected_seq} (event {expected_seq} missing)")
        if row.prev_hash != prev_hash or _hash_of(row, prev_hash, row.seq) != row.hash:
            return ChainReport(count, head_seq, head_hash, row.seq,
                               f"sự kiện số {row.seq} đã bị sửa (event {row.seq} was altered)")
        prev_hash, expected_seq = row.hash, expected_seq + 1
    if (expected_seq - 1, prev_hash) != (head_seq, head_hash):
        return ChainReport(count, head_seq, head_hash, expected_seq,
                           "cuối chuỗi không khớp đầu mối (the chain's end does not match "
                           "its head: events were removed from the end)")
    return ChainReport(count, head_seq, head_hash)


def check_chain(session: Session, batch: int = 5000) -> ChainReport:
    """Verify the whole stored chain, reading it in batches."""
    head = session.get(AuditHead, 1)
    if head is None:
        return ChainReport(0, 0, "", 0, "không có đầu mối chuỗi (the chain's head is missing)")

    def rows() -> Iterable[AuditEvent]:
        after = 0
        while True:
            chunk = session.scalars(select(AuditEvent).where(AuditEvent.seq > after)
                                    .order_by(AuditEvent.seq).limit(batch)).all()
            if not chunk:
                return
            yield from chunk
            after = chunk[-1].seq
            session.expunge_all()

    return verify_chain(rows(), head.seq, head.hash)
