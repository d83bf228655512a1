"""The rules and rows every part of dossier casework shares: where a dossier may go
next, who may work on it, finding it for a viewer, its history events and notices.

``vault.intake`` opens dossiers and attaches their components, ``vault.casework``
moves them along and files their results; both stand on these.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import UTC, date, datetime
from typing import Any

from sqlalchemy import or_, select
from sqlalchemy.orm import Session

from kernel import Role, Viewer, mask_ids_in_text

from .access import visible_dossiers
from .case_records import DossierRecord, ResultRecord, dossier_record
from .errors import AgencyCodeExpired, Forbidden, InvalidTransition, NotFound
from .models import (
    Agency,
    Document,
    DocumentStatus,
    Dossier,
    DossierComponent,
    DossierEvent,
    DossierStatus,
    Notice,
)
from .procedures import Procedure, ProcedureCatalogue, RequiredComponent

S = DossierStatus
#: Where a dossier may go from each status; RETURNED and COMPLETED are final.
NEXT: dict[DossierStatus, frozenset[DossierStatus]] = {
    S.RECEIVED: frozenset({S.PROCESSING, S.SUPPLEMENT, S.PARKED, S.RETURNED, S.COMPLETED}),
    S.PROCESSING: frozenset({S.SUPPLEMENT, S.PARKED, S.RETURNED, S.COMPLETED}),
    S.SUPPLEMENT: frozenset({S.PROCESSING, S.RETURNED}),
    S.PARKED: frozenset({S.PROCESSING, S.RETURNED}),
}
#: Where the work ends (công việc kết thúc): the year to transfer it to the archive starts.
FINAL = frozenset({S.RETURNED, S.COMPLETED})
#: Transitions that stop the normal course: each needs a reason code and a notice.
NEEDS_REASON = frozenset({S.SUPPLEMENT, S.PARKED, S.RETURNED})
#: The shortest written reason accepted for scanning what the vault already holds.
MIN_REASON_CHARS = 10
RESULT_KIND = "RESULT"


def check_agency_staff(agency_code: str, viewer: Viewer) -> None:
    if not works_for(viewer, agency_code):
        raise Forbidden("chỉ cán bộ của cơ quan mới tiếp nhận hồ sơ tại cơ quan đó "
                        "(only the agency's staff receive dossiers there)")


def agency_on(session: Session, code: str, day: date) -> Agency:
    agency = session.scalar(select(Agency).where(Agency.code == code))
    if agency is None:
        raise NotFound(f"không có cơ quan mã {code} (no agency {code})")
    if agency.valid_to is not None and day > agency.valid_to:
        successor = session.get(Agency, agency.successor_id) if agency.successor_id else None
        then = f"; nay là {successor.code} (now {successor.code})" if successor else ""
        raise AgencyCodeExpired(f"mã cơ quan {code} hết hiệu lực từ {agency.valid_to:%d/%m/%Y}"
                                f"{then} (the agency code is no longer valid)")
    return agency


def case_of(session: Session, code: str, viewer: Viewer, *, work: bool = False,
          lock: bool = False) -> Dossier:
    """The dossier ``viewer`` may see; with ``work``, one the viewer's agency received
    and still open for work (Forbidden for the owner or the archive)."""
    query = select(Dossier).where(Dossier.code == code, visible_dossiers(viewer))
    dossier = session.scalar(query.with_for_update() if lock else query)
    if dossier is None:
        raise NotFound(f"không tìm thấy hồ sơ {code} (no dossier {code})")
    if work:
        if not works_for(viewer, dossier.agency.code):
            raise Forbidden("chỉ cơ quan tiếp nhận mới xử lý hồ sơ "
                            "(only the receiving agency works on the dossier)")
        if dossier.ended_at is not None or dossier.archived_at:
            raise InvalidTransition(f"hồ sơ {code} đã kết thúc ({dossier.status}) "
                                    "(the dossier is closed)")
    return dossier


def dossier_record_of(session: Session, dossier: Dossier) -> DossierRecord:
    return dossier_record(dossier, results_of(session, dossier))


def catalogued(procedures: ProcedureCatalogue, dossier: Dossier) -> Procedure | None:
    """The procedure of the catalogue the dossier was opened for, if it names one."""
    return procedures.find(dossier.procedure) if dossier.procedure else None


def works_for(viewer: Viewer, agency_code: str) -> bool:
    """Staff of that agency, or the service itself."""
    return viewer.role is Role.SYSTEM or (viewer.role is Role.STAFF
                                          and viewer.agency == agency_code)


def vault_matches(session: Session, owner_pk: int, component: RequiredComponent,
                  today: date) -> list[Document]:
    """The owner's documents that satisfy ``component``: its type, stored, not revoked and
    still valid today; newest first."""
    return list(session.scalars(select(Document).where(
        Document.owner_id == owner_pk, Document.doc_type.in_(component.doc_types),
        Document.status == DocumentStatus.STORED.value, Document.revoked_at.is_(None),
        or_(Document.valid_until.is_(None), Document.valid_until >= today))
        .order_by(Document.created_at.desc(), Document.id)))


def vault_picks(session: Session, owner_pk: int, components: Iterable[RequiredComponent],
                today: date) -> list[tuple[RequiredComponent, Document]]:
    """For each component, the newest valid vault document that satisfies it and that
    no earlier component took: what reuse by default attaches (``intake``) and what the
    counter is told it will attach (``owner_check``)."""
    picks: list[tuple[RequiredComponent, Document]] = []
    used: set[str] = set()
    for component in components:
        match = next((d for d in vault_matches(session, owner_pk, component, today)
                      if d.id not in used), None)
        if match is not None:
            used.add(match.id)
            picks.append((component, match))
    return picks


def results_of(session: Session, dossier: Dossier) -> list[ResultRecord]:
    rows = session.scalars(select(Document).where(
        Document.dossier_id == dossier.id, Document.kind == RESULT_KIND,
        Document.owner_id == dossier.owner_id).order_by(Document.created_at, Document.id))
    return [ResultRecord(d.id, d.result_code, d.title, d.revoked_at is not None) for d in rows]


def fill(row: DossierComponent, document_id: str, source: str, reason: str | None,
          actor: str) -> None:
    row.document_id, row.source, row.reason = document_id, source, reason
    row.attached_at, row.attached_by = datetime.now(UTC), actor


def event(session: Session, dossier: Dossier, actor: str, kind: str, *,
           from_status: str | None = None, to_status: str | None = None,
           reason_code: str | None = None, text: str | None = None, official: str | None = None,
           position: str | None = None, details: dict[str, Any] | None = None) -> None:
    session.add(DossierEvent(dossier_id=dossier.id, actor=actor, kind=kind,
                             from_status=from_status, to_status=to_status,
                             reason_code=reason_code, text=text, official=official,
                             position=position, details=details or {}))


def notify(session: Session, dossier: Dossier, kind: str, reason_code: str | None,
            text: str) -> None:
    session.add(Notice(owner_id=dossier.owner_id, dossier_id=dossier.id, kind=kind,
                       reason_code=reason_code, text=mask_ids_in_text(text)))


def clean_reason(text: str | None) -> str | None:
    return " ".join((text or "").split()) or None
