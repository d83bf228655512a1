"""Receiving a dossier (tiếp nhận hồ sơ): its code, its components, reuse by default.

A dossier opened for a catalogued procedure lists the components it requires and
attaches, by reference, the owner's vault documents that satisfy them — type
matches, still valid, not revoked ("dẫn nguồn tài liệu từ Kho", REGULATIONS 55–57)
— through a grant to the receiving agency that the owner sees and can revoke.
Scanning a component the vault already satisfies needs the officer's written
reason, kept with the component and in the history.
"""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session

from kernel import OwnerId, OwnerKind, Viewer, local_day

from .access import access_to, visible_dossiers
from .audit import audit
from .case_records import DossierRecord
from .case_rows import (
    MIN_REASON_CHARS,
    S,
    agency_on,
    case_of,
    catalogued,
    check_agency_staff,
    clean_reason,
    dossier_record_of,
    event,
    fill,
    notify,
    vault_matches,
    vault_picks,
)
from .dossiers import open_dossier as new_dossier_row
from .errors import (
    AlreadyFiled,
    DossierMismatch,
    InvalidRecordValue,
    NotFound,
    ReuseReasonRequired,
)
from .filing import with_original
from .grants import Grant, GrantItem
from .models import Agency, Document, Dossier, DossierComponent, Owner
from .owner_check import NewOwner, confirmed_name
from .procedures import Procedure
from .scan_skips import skip_scan
from .search_log import note_changed
from .store import VaultStore


class Intake(VaultStore):
    """Open dossiers and attach what satisfies their components."""

    # -- opening ------------------------------------------------------------------------
    def open_dossier(
        self, agency_code: str, owner: OwnerId, *, procedure: str | None = None,
        actor: str, now: datetime | None = None,
    ) -> str:
        """Receive a dossier for ``owner`` at ``agency_code`` on the server's authority (the
        command line); returns its new code. Staff go through ``open_case``."""
        return self.open_case(agency_code, owner, procedure=procedure,
                              viewer=Viewer.system(actor), now=now).code

    def check_dossier(self, code: str, owner: OwnerId, *, viewer: Viewer) -> None:
        """Raise unless dossier ``code`` exists, ``viewer`` may see it and it belongs to
        ``owner``."""
        with self._sessions() as session:
            if session.scalar(select(Dossier.id).where(
                    Dossier.code == code, visible_dossiers(viewer))) is None:
                raise NotFound(f"không tìm thấy hồ sơ {code} (no dossier {code})")
            holder = self._owner(session, owner, create=False)
            self._dossier_for(session, code, holder.id if holder else None)

    def open_case(
        self, agency_code: str, owner: OwnerId, *, procedure: str | None, viewer: Viewer,
        due_on: date | None = None, reuse_days: int = 90, now: datetime | None = None,
        new_owner: NewOwner | None = None,
    ) -> DossierRecord:
        """Receive a dossier at ``agency_code``. For a catalogued procedure, each required
        component is matched against the owner's vault and the newest valid document of
        its type is attached by reference, through a grant the owner is told of. For an
        ID no vault has, staff must confirm a new owner with a name (``owner_check``)."""
        check_agency_staff(agency_code, viewer)
        moment = now or datetime.now(UTC)
        with self._sessions() as session:
            agency_on(session, agency_code, local_day(moment))
            known = self._owner(session, owner, create=False) is not None
        # A KDD-… reference names an owner registered with their block, or no one.
        new = not known and owner.kind is not OwnerKind.UNIDENTIFIED
        name = confirmed_name(owner, new_owner, viewer) if new else None
        self._create_owner(owner, name=name)
        with self._unit() as session:
            agency = agency_on(session, agency_code, local_day(moment))
            holder = self._owner(session, owner, create=False)
            assert holder is not None
            dossier, found = self.start(session, agency, holder, moment, procedure,
                                         viewer.actor, due_on)
            reused = self._reuse_from_vault(session, dossier, found, local_day(moment))
            if reused:
                grant = Grant(owner_id=holder.id, agency_id=agency.id, dossier_id=dossier.id,
                              purpose=f"Dẫn nguồn từ Kho cho hồ sơ {dossier.code}",
                              created_at=moment, expires_at=moment + timedelta(days=reuse_days),
                              created_by=viewer.actor)
                session.add(grant)
                session.flush()
                session.add_all(GrantItem(grant_id=grant.id, document_id=d) for d in reused)
                note_changed(session, reused)  # the agency now finds them by search too
                audit(session, viewer.actor, "grant.created", "grant", grant.id, {
                    "agency": agency.code, "dossier": dossier.code, "by": "counter",
                    "documents": reused, "expires_at": grant.expires_at.isoformat()})
                notify(session, dossier, "REUSED", None,
                        f"Hồ sơ {dossier.code} dùng lại {len(reused)} giấy tờ từ Kho dữ liệu "
                        f"của bạn; bạn không phải nộp lại bản giấy. Bạn có thể xem và thu hồi "
                        f"quyền chia sẻ trong mục Chia sẻ.")
            session.flush()
            return dossier_record_of(session, dossier)

    def start(self, session: Session, agency: Agency, holder: Owner, moment: datetime,
               procedure: str | None, actor: str,
               due_on: date | None) -> tuple[Dossier, Procedure | None]:
        """The dossier row with its code, its component rows and its first history event."""
        found = self.procedures.find(procedure) if procedure else None
        dossier = new_dossier_row(session, agency, holder, local_day(moment), procedure)
        dossier.status = S.RECEIVED.value
        dossier.due_on = due_on
        session.add_all(DossierComponent(dossier_id=dossier.id, code=c.code, name=c.name,
                                         required=c.required)
                        for c in (found.components if found else ()))
        event(session, dossier, actor, "OPENED", to_status=S.RECEIVED.value,
               details={"procedure": procedure, "catalogued": found is not None})
        audit(session, actor, "dossier.opened", "dossier", dossier.code, {"agency": agency.code})
        session.flush()
        return dossier, found

    def _reuse_from_vault(self, session: Session, dossier: Dossier, procedure: Procedure | None,
                          today: date) -> list[str]:
        """Attach the newest valid vault document to each component it satisfies."""
        if procedure is None:
            return []
        rows = {row.code: row for row in dossier.components}
        picks = vault_picks(session, dossier.owner_id,
                            [procedure.component(code) for code in rows], today)
        for component, match in picks:
            fill(rows[component.code], match.id, "VAULT", None, "system:reuse")
            event(session, dossier, "system:reuse", "COMPONENT", details={
                "component": component.code, "document": match.id, "source": "VAULT"})
        return [match.id for _component, match in picks]

    def attach_shared(self, session: Session, dossier: Dossier, documents: list[Document],
                      actor: str) -> None:
        """The owner's own choice of documents for an application, each on the first
        component of its type still open (``Sharing.apply_with_documents``)."""
        for document in documents:
            row = next((r for r in dossier.components if r.document_id is None
                        and self._component_takes(dossier, r.code, document.doc_type)), None)
            if row is not None:
                fill(row, document.id, "VAULT", None, actor)
                event(session, dossier, actor, "COMPONENT", details={
                    "component": row.code, "document": document.id, "source": "VAULT"})

    def _component_takes(self, dossier: Dossier, code: str, doc_type: str) -> bool:
        found = catalogued(self.procedures, dossier)
        return found is not None and doc_type in found.component(code).doc_types

    def check_upload(self, code: str, component: str, reason: str | None, *,
                     viewer: Viewer, today: date | None = None,
                     sha256s: frozenset[str] = frozenset()) -> None:
        """Before scanning ``component`` of dossier ``code``: refused when the owner's vault
        already satisfies it and no written reason is given (REGULATIONS 9.C.23, 56), and
        when a scan of the same bytes (``sha256s``) is already filed for it — a second
        click, a file sent twice — unless a written reason says why it is filed again."""
        with self._sessions() as session:
            dossier = case_of(session, code, viewer, work=True)
            if catalogued(self.procedures, dossier) and not any(r.code == component
                                                     for r in dossier.components):
                raise InvalidRecordValue(f"hồ sơ {code} không có thành phần {component} "
                                         f"(the dossier has no component {component})")
            why = clean_reason(reason)
            filed = _same_scan(session, dossier, component, sha256s)
            if filed is not None and (why is None or len(why) < MIN_REASON_CHARS):
                raise AlreadyFiled(
                    f"bản quét này đã được lưu cho thành phần {component} của hồ sơ {code} "
                    f"(tài liệu {filed}); chỉ lưu lại khi ghi rõ lý do, tối thiểu "
                    f"{MIN_REASON_CHARS} ký tự (this scan is already filed for the "
                    "component; give a written reason to file it again)", document_id=filed)
            self._reuse_reason(session, dossier, component, reason, None,
                               today or local_day(datetime.now(UTC)))

    def filed_scan(self, code: str, component: str, sha256s: frozenset[str], *,
                   viewer: Viewer) -> str | None:
        """The document already filed for ``component`` from a scan of these bytes: a job
        accepted twice before the first was filed finds the first one here."""
        with self._sessions() as session:
            return _same_scan(session, case_of(session, code, viewer), component, sha256s)

    def attach(self, code: str, component: str, document_id: str, *, viewer: Viewer,
               reason: str | None = None) -> DossierRecord:
        """Record that ``document_id`` satisfies ``component``. A document scanned into this
        dossier is a SCAN, and needs ``reason`` when the vault already had the component;
        any other document of the owner's the agency can see is referenced (VAULT)."""
        with self._unit() as session:
            dossier = case_of(session, code, viewer, work=True, lock=True)
            document = session.get(Document, document_id)
            if document is None or access_to(session, viewer, document) is None:
                raise NotFound(f"không tìm thấy tài liệu {document_id} (no document {document_id})")
            if document.owner_id != dossier.owner_id:
                raise DossierMismatch(f"tài liệu không thuộc người nộp hồ sơ {code} "
                                      "(the document belongs to someone else)")
            source = "SCAN" if document.dossier_id == dossier.id else "VAULT"
            why = None
            if source == "SCAN":
                why = self._reuse_reason(session, dossier, component, reason, document.id,
                                         local_day(datetime.now(UTC)))
            rows = [r for r in dossier.components if r.code == component]
            if not rows and catalogued(self.procedures, dossier):
                raise NotFound(f"hồ sơ {code} không có thành phần {component} "
                               f"(the dossier has no component {component})")
            if any(r.document_id == document_id for r in rows):
                return dossier_record_of(session, dossier)
            row = next((r for r in rows if r.document_id is None), None)
            if row is None:  # a second paper for a component, or one of a free-text procedure
                row = DossierComponent(dossier_id=dossier.id, code=component,
                                       name=rows[0].name if rows else component,
                                       required=False)
                session.add(row)
            fill(row, document_id, source, why, viewer.actor)
            event(session, dossier, viewer.actor, "COMPONENT", text=why, details={
                "component": component, "document": document_id, "source": source})
            audit(session, viewer.actor, "dossier.component", "dossier", code, {
                "component": component, "document": document_id, "source": source,
                "reason": why})
            session.flush()
            session.expire(dossier)
            return dossier_record_of(session, dossier)

    def skip_scan(self, code: str, component: str, reason_code: str, *, viewer: Viewer,
                  note: str | None = None) -> DossierRecord:
        """Receive ``component`` without copying it, for a reason the circular allows
        (`scan_skips`); the skip and its code go into the history and the audit trail."""
        with self._unit() as session:
            dossier = case_of(session, code, viewer, work=True, lock=True)
            skip_scan(session, dossier, component, reason_code, note,
                      catalogued(self.procedures, dossier), viewer.actor)
            session.flush()
            session.expire(dossier)
            return dossier_record_of(session, dossier)

    def _reuse_reason(self, session: Session, dossier: Dossier, component: str,
                      reason: str | None, exclude: str | None, today: date) -> str | None:
        found = catalogued(self.procedures, dossier)
        if found is None:
            return clean_reason(reason)
        wanted = found.component(component)
        held = [d for d in vault_matches(session, dossier.owner_id, wanted, today)
                if d.id != exclude and d.dossier_id != dossier.id]
        why = clean_reason(reason)
        if held and (why is None or len(why) < MIN_REASON_CHARS):
            raise ReuseReasonRequired(
                f"Kho dữ liệu của công dân đã có {len(held)} giấy tờ đáp ứng thành phần "
                f"{wanted.code} ({wanted.name}); chỉ yêu cầu nộp lại khi ghi rõ lý do, tối "
                f"thiểu {MIN_REASON_CHARS} ký tự (the vault already satisfies this "
                f"component; give a written reason to ask for it again)")
        return why


def _same_scan(session: Session, dossier: Dossier, component: str,
               sha256s: frozenset[str]) -> str | None:
    """The document of ``component`` whose original scan has one of these SHA-256s."""
    documents = [r.document_id for r in dossier.components
                 if r.code == component and r.document_id]
    return with_original(session, sha256s, Document.id.in_(documents)) if documents else None


__all__ = ["Intake"]
