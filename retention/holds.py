"""Legal holds (lệnh phong tỏa, tạm dừng hủy): kept here, beside the disposal rules, so
that no disposal can be judged without them (TT 13/2023 Art. 7; REGULATIONS 9.D.35).

The archive places and releases holds through these functions; whether a dossier may
be destroyed today is asked of `disposable_on`, which counts the standing holds itself
instead of taking a count from its caller.
"""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import ForeignKey, Integer, String, func, select
from sqlalchemy.orm import Mapped, Session, mapped_column

from kernel import Base, DomainError, UTCDateTime, utcnow

from .disposal import disposal_rule
from .schedule import Retention


class LegalHold(Base):
    """A hold (lệnh phong tỏa / tạm dừng hủy) that blocks disposal while it stands."""

    __tablename__ = "legal_holds"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    dossier_id: Mapped[int] = mapped_column(ForeignKey("dossiers.id"), index=True)
    reason: Mapped[str] = mapped_column(String(500))
    placed_by: Mapped[str] = mapped_column(String(255))
    placed_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    released_by: Mapped[str | None] = mapped_column(String(255))
    released_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    release_reason: Mapped[str | None] = mapped_column(String(500))


class HoldNotFound(DomainError):
    """No standing hold with this number: never placed, or released already."""

    code = "not_found"
    http_status = 404


def place(session: Session, dossier_id: int, reason: str, *, by: str, at: datetime) -> LegalHold:
    hold = LegalHold(dossier_id=dossier_id, reason=reason, placed_by=by, placed_at=at)
    session.add(hold)
    session.flush()
    return hold


def release(session: Session, hold_id: int, reason: str, *, by: str, at: datetime) -> LegalHold:
    hold = session.get(LegalHold, hold_id, with_for_update=True)
    if hold is None or hold.released_at is not None:
        raise HoldNotFound(f"không có lệnh phong tỏa {hold_id} đang hiệu lực (no standing hold)")
    hold.released_at, hold.released_by, hold.release_reason = at, by, reason
    return hold


def holds_on(session: Session, dossier_id: int) -> list[LegalHold]:
    """Every hold ever placed on the dossier, oldest first."""
    return list(session.scalars(select(LegalHold).where(LegalHold.dossier_id == dossier_id)
                                .order_by(LegalHold.id)))


def standing(session: Session, dossier_id: int) -> int:
    """How many holds on the dossier are not released."""
    return session.scalar(select(func.count()).select_from(LegalHold).where(
        LegalHold.dossier_id == dossier_id, LegalHold.released_at.is_(None))) or 0


def disposable_on(session: Session, dossier_id: int, code: str, retention: Retention,
                  work_ended: date, today: date) -> date:
    """The day destruction became allowed; `DisposalRefused` while the dossier is kept
    permanently, its period has not run, or a hold stands."""
    return disposal_rule(code, retention, work_ended, today,
                         holds=standing(session, dossier_id))
