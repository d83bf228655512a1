"""An officer's day (việc hôm nay): what the counter received today, what is open by
status, what waits for a person to review, what is due — for the agency the officer
works for, on one screen, so nothing waits unseen."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

from sqlalchemy import func, select

from kernel import Role, Viewer

from .errors import Forbidden
from .models import Agency, Document, DocumentStatus, Dossier
from .store import VaultStore

#: Dossiers due within this many days count as due now.
DUE_SOON_DAYS = 2


@dataclass(frozen=True)
class DueDossier:
    code: str
    procedure: str | None
    status: str
    due_on: date


@dataclass(frozen=True)
class WaitingDocument:
    id: str
    title: str
    dossier: str
    status: str


@dataclass(frozen=True)
class Workload:
    received_today: int
    open_by_status: dict[str, int]
    due: tuple[DueDossier, ...]  # open and due by the day after tomorrow, earliest first
    waiting: tuple[WaitingDocument, ...]  # records of open dossiers not stored yet


class Workloads(VaultStore):
    """Read the work of an agency's counter; staff only, their own agency only."""

    def workload(self, viewer: Viewer, *, today: date, limit: int = 20) -> Workload:
        if viewer.role is not Role.STAFF or not viewer.agency:
            raise Forbidden("chỉ cán bộ của một cơ quan xem việc của cơ quan mình "
                            "(only an agency's staff see its work)")
        with self._sessions() as session:
            agency = session.scalar(select(Agency.id).where(Agency.code == viewer.agency))
            mine = (Dossier.agency_id == agency)
            open_ = mine & Dossier.ended_at.is_(None) & Dossier.archived_at.is_(None)
            received = session.scalar(select(func.count()).select_from(Dossier).where(
                mine, Dossier.received_on == today)) or 0
            by_status = dict(session.execute(select(Dossier.status, func.count()).where(
                open_).group_by(Dossier.status)).all())
            due = session.execute(select(Dossier.code, Dossier.procedure, Dossier.status,
                                         Dossier.due_on).where(
                open_, Dossier.due_on <= today + timedelta(days=DUE_SOON_DAYS))
                .order_by(Dossier.due_on, Dossier.code).limit(limit)).all()
            waiting = session.execute(select(Document, Dossier.code).join(
                Dossier, Document.dossier_id == Dossier.id).where(
                open_, Document.revoked_at.is_(None),
                Document.status != DocumentStatus.STORED.value)
                .order_by(Document.created_at).limit(limit)).all()
            return Workload(received, by_status,
                            tuple(DueDossier(c, p, s, d) for c, p, s, d in due if d),
                            tuple(WaitingDocument(d.id, d.title, code, d.status)
                                  for d, code in waiting))
