"""Dossier casework (giải quyết hồ sơ): components, reuse by default, transitions, results.

A dossier opened for a catalogued procedure lists the components it requires and
attaches, by reference, the owner's vault documents that satisfy them — type
matches, still valid, not revoked ("dẫn nguồn tài liệu từ Kho", REGULATIONS 55–57)
— through a grant to the receiving agency that the owner sees and can revoke.
Scanning a component the vault already satisfies needs the officer's written
reason, kept with the component and in the history. Stopping the normal course
(asking for more, parking, returning) needs a reason code from the catalogue and
a notice to the citizen; a result is filed as ``<dossier code>-KQ<n>`` into the
owner's vault (9.B.17, 9.C.24) and a dossier completes only with one there.

The dossier code never changes (9.B.16): every change is a row appended to its
processing history, beside officials' opinions.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, date, datetime, timedelta
from typing import TYPE_CHECKING, Any

from sqlalchemy import exists, func, or_, select
from sqlalchemy.orm import Session, selectinload

from kernel import OwnerId, Role, Viewer, local_day, mask_ids_in_text, parse_owner_id

from .access import access_to, visible_dossiers
from .audit import audit
from .case_records import (
    DossierRecord,
    NoticeRecord,
    ResultRecord,
    dossier_record,
    notice_record,
)
from .counters import next_value
from .dossiers import open_dossier
from .errors import (
    AgencyCodeExpired,
    DossierMismatch,
    Forbidden,
    InvalidRecordValue,
    InvalidTransition,
    NotFound,
    ReuseReasonRequired,
)
from .grants import Grant, GrantItem
from .models import (
    Agency,
    Document,
    DocumentStatus,
    Dossier,
    DossierComponent,
    DossierEvent,
    DossierStatus,
    Notice,
    Owner,
)
from .procedures import Procedure, RequiredComponent
from .store import VaultStore

if TYPE_CHECKING:
    from .records import DocumentRecord, NewFile

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


class Casework(VaultStore):
    """Open, work on and complete dossiers; the owner's notices."""

    #: Filing itself is ``Vault.file_document``; results go through it.
    file_document: Callable[..., DocumentRecord]

    # -- opening ------------------------------------------------------------------------
    def open_case(
        self, agency_code: str, owner: OwnerId, *, procedure: str | None, viewer: Viewer,
        due_on: date | None = None, reuse_days: int = 90, now: datetime | None = None,
    ) -> DossierRecord:
        """Receive a dossier at ``agency_code``. For a catalogued procedure, each required
        component is matched against the owner's vault and the newest valid document of
        its type is attached by reference, through a grant the owner is told of."""
        self._check_agency_staff(agency_code, viewer)
        moment = now or datetime.now(UTC)
        with self._sessions() as session:
            self._agency_on(session, agency_code, local_day(moment))
        self._create_owner(owner)
        with self._unit() as session:
            agency = self._agency_on(session, agency_code, local_day(moment))
            holder = self._owner(session, owner, create=False)
            assert holder is not None
            dossier, found = self._start(session, agency, holder, moment, procedure,
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
                audit(session, viewer.actor, "grant.created", "grant", grant.id, {
                    "agency": agency.code, "dossier": dossier.code, "by": "counter",
                    "documents": reused, "expires_at": grant.expires_at.isoformat()})
                _notify(session, dossier, "REUSED", None,
                        f"Hồ sơ {dossier.code} dùng lại {len(reused)} giấy tờ từ Kho dữ liệu "
                        f"của bạn; bạn không phải nộp lại bản giấy. Bạn có thể xem và thu hồi "
                        f"quyền chia sẻ trong mục Chia sẻ.")
            session.flush()
            return self._dossier_record(session, dossier)

    def _start(self, session: Session, agency: Agency, holder: Owner, moment: datetime,
               procedure: str | None, actor: str,
               due_on: date | None) -> tuple[Dossier, Procedure | None]:
        """The dossier row with its code, its component rows and its first history event."""
        found = self.procedures.find(procedure) if procedure else None
        dossier = open_dossier(session, agency, holder, local_day(moment), procedure)
        dossier.status = S.RECEIVED.value
        dossier.due_on = due_on
        session.add_all(DossierComponent(dossier_id=dossier.id, code=c.code, name=c.name,
                                         required=c.required)
                        for c in (found.components if found else ()))
        _event(session, dossier, actor, "OPENED", to_status=S.RECEIVED.value,
               details={"procedure": procedure, "catalogued": found is not None})
        audit(session, actor, "dossier.opened", "dossier", dossier.code, {"agency": agency.code})
        session.flush()
        return dossier, found

    def _reuse_from_vault(self, session: Session, dossier: Dossier, procedure: Procedure | None,
                          today: date) -> list[str]:
        """Attach the newest valid vault document to each component it satisfies."""
        if procedure is None:
            return []
        taken: list[str] = []
        for row in dossier.components:
            match = next((d for d in vault_matches(session, dossier.owner_id,
                                                   procedure.component(row.code), today)
                          if d.id not in taken), None)
            if match is not None:
                _fill(row, match.id, "VAULT", None, "system:reuse")
                taken.append(match.id)
                _event(session, dossier, "system:reuse", "COMPONENT", details={
                    "component": row.code, "document": match.id, "source": "VAULT"})
        return taken

    def attach_shared(self, session: Session, dossier: Dossier, documents: list[Document],
                      actor: str) -> None:
        """The owner's own choice of documents for an application, each on the first
        component of its type still open (``Sharing.apply_with_documents``)."""
        for document in documents:
            row = next((r for r in dossier.components if r.document_id is None
                        and self._component_takes(dossier, r.code, document.doc_type)), None)
            if row is not None:
                _fill(row, document.id, "VAULT", None, actor)
                _event(session, dossier, actor, "COMPONENT", details={
                    "component": row.code, "document": document.id, "source": "VAULT"})

    def _component_takes(self, dossier: Dossier, code: str, doc_type: str) -> bool:
        found = self._catalogued(dossier)
        return found is not None and doc_type in found.component(code).doc_types

    def _catalogued(self, dossier: Dossier) -> Procedure | None:
        return self.procedures.find(dossier.procedure) if dossier.procedure else None

    # -- components -----------------------------------------------------------------------
    def check_upload(self, code: str, component: str, reason: str | None, *,
                     viewer: Viewer, today: date | None = None) -> None:
        """Before scanning ``component`` of dossier ``code``: refused when the owner's vault
        already satisfies it and no written reason is given (REGULATIONS 9.C.23, 56)."""
        with self._sessions() as session:
            dossier = self._case(session, code, viewer, work=True)
            if self._catalogued(dossier) and not any(r.code == component
                                                     for r in dossier.components):
                raise InvalidRecordValue(f"hồ sơ {code} không có thành phần {component} "
                                         f"(the dossier has no component {component})")
            self._reuse_reason(session, dossier, component, reason, None,
                               today or local_day(datetime.now(UTC)))

    def attach(self, code: str, component: str, document_id: str, *, viewer: Viewer,
               reason: str | None = None) -> DossierRecord:
        """Record that ``document_id`` satisfies ``component``. A document scanned into this
        dossier is a SCAN, and needs ``reason`` when the vault already had the component;
        any other document of the owner's the agency can see is referenced (VAULT)."""
        with self._unit() as session:
            dossier = self._case(session, code, viewer, work=True, lock=True)
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
            if not rows and self._catalogued(dossier):
                raise NotFound(f"hồ sơ {code} không có thành phần {component} "
                               f"(the dossier has no component {component})")
            if any(r.document_id == document_id for r in rows):
                return self._dossier_record(session, dossier)
            row = next((r for r in rows if r.document_id is None), None)
            if row is None:  # a second paper for a component, or one of a free-text procedure
                row = DossierComponent(dossier_id=dossier.id, code=component,
                                       name=rows[0].name if rows else component,
                                       required=False)
                session.add(row)
            _fill(row, document_id, source, why, viewer.actor)
            _event(session, dossier, viewer.actor, "COMPONENT", text=why, details={
                "component": component, "document": document_id, "source": source})
            audit(session, viewer.actor, "dossier.component", "dossier", code, {
                "component": component, "document": document_id, "source": source,
                "reason": why})
            session.flush()
            session.expire(dossier)
            return self._dossier_record(session, dossier)

    def _reuse_reason(self, session: Session, dossier: Dossier, component: str,
                      reason: str | None, exclude: str | None, today: date) -> str | None:
        found = self._catalogued(dossier)
        if found is None:
            return _clean(reason)
        wanted = found.component(component)
        held = [d for d in vault_matches(session, dossier.owner_id, wanted, today)
                if d.id != exclude and d.dossier_id != dossier.id]
        why = _clean(reason)
        if held and (why is None or len(why) < MIN_REASON_CHARS):
            raise ReuseReasonRequired(
                f"Kho dữ liệu của công dân đã có {len(held)} giấy tờ đáp ứng thành phần "
                f"{wanted.code} ({wanted.name}); chỉ yêu cầu nộp lại khi ghi rõ lý do, tối "
                f"thiểu {MIN_REASON_CHARS} ký tự (the vault already satisfies this "
                f"component; give a written reason to ask for it again)")
        return why

    # -- the course of the dossier --------------------------------------------------------
    def transition(self, code: str, target: DossierStatus, *, viewer: Viewer,
                   reason_code: str | None = None, notice: str | None = None,
                   now: datetime | None = None) -> DossierRecord:
        """Move the dossier to ``target``. Asking for more, parking and returning need a
        reason code valid for it and the notice the citizen receives; completing needs
        every required component and a result in the owner's vault."""
        moment = now or datetime.now(UTC)
        with self._unit() as session:
            dossier = self._case(session, code, viewer, work=True, lock=True)
            current = DossierStatus(dossier.status)
            if target not in NEXT.get(current, frozenset()):
                raise InvalidTransition(f"hồ sơ {code} đang ở trạng thái {current.value}, không "
                                        f"chuyển sang {target.value} được (not allowed)")
            text = _clean(notice)
            reason_name = None
            if target in NEEDS_REASON:
                if not reason_code or text is None:
                    raise InvalidRecordValue(
                        f"chuyển hồ sơ sang {target.value} cần mã lý do và nội dung thông báo "
                        f"cho công dân (a reason code and a notice to the citizen are required)")
                reason_name = self.procedures.reason(reason_code, target.value).name
            elif reason_code is not None:
                self.procedures.reason(reason_code, target.value)
            if target is S.COMPLETED:
                self._check_completable(session, dossier)
                dossier.completed_at = moment
                results = ", ".join(r.result_code or r.title for r in _results(session, dossier))
                text = (f"Hồ sơ {code} đã có kết quả ({results}); kết quả điện tử đã được lưu "
                        f"vào Kho dữ liệu của bạn." + (f" {text}" if text else ""))
            if target in FINAL:
                dossier.ended_at = moment
            dossier.status = target.value
            _event(session, dossier, viewer.actor, "STATUS", from_status=current.value,
                   to_status=target.value, reason_code=reason_code, text=text)
            audit(session, viewer.actor, "dossier.status", "dossier", code, {
                "from": current.value, "to": target.value, "reason_code": reason_code})
            if text is not None or target in NEEDS_REASON or target is S.COMPLETED:
                body = f"{reason_name}. {text}" if reason_name else (text or "")
                _notify(session, dossier, target.value, reason_code, body)
            session.flush()
            return self._dossier_record(session, dossier)

    def _check_completable(self, session: Session, dossier: Dossier) -> None:
        missing = sorted({c.code for c in dossier.components if c.required}
                         - {c.code for c in dossier.components if c.document_id})
        if missing:
            raise InvalidTransition(f"hồ sơ {dossier.code} còn thiếu thành phần "
                                    f"{', '.join(missing)} (required components missing)")
        if not any(not r.revoked for r in _results(session, dossier)):
            raise InvalidTransition(f"hồ sơ {dossier.code} chưa có kết quả trong Kho của người "
                                    "nộp (no result in the owner's vault yet)")

    def amend(self, code: str, *, due_on: date, reason: str, viewer: Viewer) -> DossierRecord:
        """Move the promised date (gia hạn, TT 03/2025 Mẫu 04): the old and new values and
        the reason go into the history and a notice; the code stays as it is."""
        why = _clean(reason)
        if why is None:
            raise InvalidRecordValue("cần ghi lý do điều chỉnh (a reason is required)")
        with self._unit() as session:
            dossier = self._case(session, code, viewer, work=True, lock=True)
            old = dossier.due_on
            if due_on < dossier.received_on:
                raise InvalidRecordValue("ngày hẹn trả trước ngày tiếp nhận "
                                         "(the due date is before the receipt date)")
            dossier.due_on = due_on
            changes: dict[str, object] = {
                "due_on": [old.isoformat() if old else None, due_on.isoformat()]}
            _event(session, dossier, viewer.actor, "AMENDED", text=why, details=changes)
            audit(session, viewer.actor, "dossier.amended", "dossier", code, changes)
            _notify(session, dossier, "AMENDED", None,
                    f"Hồ sơ {code}: ngày hẹn trả kết quả đổi thành {due_on:%d/%m/%Y}. "
                    f"Lý do: {why}")
            session.flush()
            return self._dossier_record(session, dossier)

    def add_opinion(self, code: str, *, text: str, official: str, position: str | None,
                    viewer: Viewer) -> DossierRecord:
        """An official's opinion (ý kiến) on the dossier, kept for the archive (9.D.27)."""
        body, name = _clean(text), _clean(official)
        if body is None or name is None:
            raise InvalidRecordValue("ý kiến cần nội dung và họ tên cán bộ "
                                     "(an opinion needs its text and the official's name)")
        with self._unit() as session:
            dossier = self._case(session, code, viewer, work=True)
            _event(session, dossier, viewer.actor, "OPINION", text=mask_ids_in_text(body),
                   official=name, position=_clean(position))
            audit(session, viewer.actor, "dossier.opinion", "dossier", code, {})
            session.flush()
            return self._dossier_record(session, dossier)

    # -- results --------------------------------------------------------------------------
    def file_result(self, code: str, *, files: list[NewFile], page_count: int, title: str,
                    doc_type: str, fields: dict[str, Any], viewer: Viewer) -> DocumentRecord:
        """File the agency's signed result into the owner's vault as ``<code>-KQ<n>``."""
        with self._sessions() as session:
            dossier = self._case(session, code, viewer, work=True)
            owner, agency = parse_owner_id(dossier.owner.identifier), dossier.agency.code

        def finish(session: Session, document: Document) -> None:
            held = self._case(session, code, viewer, work=True, lock=True)
            prefix = f"{held.code}-KQ"
            number = next_value(session, f"result:{held.id}", lambda: session.scalar(
                select(func.count()).select_from(Document).where(
                    Document.dossier_id == held.id, Document.kind == RESULT_KIND)) or 0)
            document.kind = RESULT_KIND
            document.result_code = f"{prefix}{number}"
            document.status = DocumentStatus.STORED.value
            for name, value in fields.items():
                setattr(document, name, value)
            _event(session, held, viewer.actor, "RESULT", details={
                "document": document.id, "result_code": document.result_code})

        return self.file_document(
            owner=owner, title=title, page_count=page_count, operator=viewer.actor,
            scanned_at=datetime.now(UTC), files=files, actor=viewer.actor, dossier_code=code,
            agency_code=agency, doc_type=doc_type, finish=finish)

    def results_missing(self) -> list[str]:
        """Codes of completed dossiers with no result in the owner's vault: an error to
        report, since results always land in the vault (REGULATIONS 9.C.24)."""
        with self._sessions() as session:
            has_result = exists(select(Document.id).where(
                Document.dossier_id == Dossier.id, Document.kind == RESULT_KIND,
                Document.owner_id == Dossier.owner_id))
            return list(session.scalars(select(Dossier.code).where(
                Dossier.status == S.COMPLETED.value, ~has_result).order_by(Dossier.code)))

    # -- reading --------------------------------------------------------------------------
    def check_case_work(self, code: str, *, viewer: Viewer) -> None:
        """Raise unless ``viewer`` may work on dossier ``code`` now (before slow work)."""
        with self._sessions() as session:
            self._case(session, code, viewer, work=True)

    def dossier(self, code: str, *, viewer: Viewer) -> DossierRecord:
        with self._sessions() as session:
            return self._dossier_record(session, self._case(session, code, viewer))

    def find_dossiers(self, *, viewer: Viewer, status: DossierStatus | None = None,
                      code: str | None = None, limit: int = 100,
                      offset: int = 0) -> list[DossierRecord]:
        """The dossiers ``viewer`` may see, newest first; ``code`` matches a part of it."""
        query = select(Dossier).where(visible_dossiers(viewer))
        if status is not None:
            query = query.where(Dossier.status == status.value)
        if code:
            escaped = code.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
            query = query.where(Dossier.code.like(f"%{escaped}%", escape="\\"))
        with self._sessions() as session:
            rows = session.scalars(query.order_by(Dossier.received_on.desc(), Dossier.id.desc())
                                   .limit(limit).offset(offset)).all()
            return [self._dossier_record(session, d) for d in rows]

    def notices(self, owner: OwnerId, *, viewer: Viewer, limit: int = 100) -> list[NoticeRecord]:
        """What the owner was told about their dossiers, newest first."""
        self._check_holder(owner, viewer)
        with self._sessions() as session:
            rows = session.scalars(
                select(Notice).join(Owner, Owner.id == Notice.owner_id)
                .where(self._is_owner(owner)).options(selectinload(Notice.dossier))
                .order_by(Notice.id.desc()).limit(limit))
            return [notice_record(n) for n in rows]

    # -- checks ---------------------------------------------------------------------------
    @staticmethod
    def _check_agency_staff(agency_code: str, viewer: Viewer) -> None:
        if not _works_for(viewer, agency_code):
            raise Forbidden("chỉ cán bộ của cơ quan mới tiếp nhận hồ sơ tại cơ quan đó "
                            "(only the agency's staff receive dossiers there)")

    @staticmethod
    def _agency_on(session: Session, code: str, day: date) -> Agency:
        agency = session.scalar(select(Agency).where(Agency.code == code))
        if agency is None:
            raise NotFound(f"không có cơ quan mã {code} (no agency {code})")
        if agency.valid_to is not None and day > agency.valid_to:
            successor = session.get(Agency, agency.successor_id) if agency.successor_id else None
            then = f"; nay là {successor.code} (now {successor.code})" if successor else ""
            raise AgencyCodeExpired(f"mã cơ quan {code} hết hiệu lực từ {agency.valid_to:%d/%m/%Y}"
                                    f"{then} (the agency code is no longer valid)")
        return agency

    @staticmethod
    def _case(session: Session, code: str, viewer: Viewer, *, work: bool = False,
              lock: bool = False) -> Dossier:
        """The dossier ``viewer`` may see; with ``work``, one the viewer's agency received
        and still open for work (Forbidden for the owner or the archive)."""
        query = select(Dossier).where(Dossier.code == code, visible_dossiers(viewer))
        dossier = session.scalar(query.with_for_update() if lock else query)
        if dossier is None:
            raise NotFound(f"không tìm thấy hồ sơ {code} (no dossier {code})")
        if work:
            if not _works_for(viewer, dossier.agency.code):
                raise Forbidden("chỉ cơ quan tiếp nhận mới xử lý hồ sơ "
                                "(only the receiving agency works on the dossier)")
            if dossier.ended_at is not None or dossier.archived_at:
                raise InvalidTransition(f"hồ sơ {code} đã kết thúc ({dossier.status}) "
                                        "(the dossier is closed)")
        return dossier

    @staticmethod
    def _dossier_record(session: Session, dossier: Dossier) -> DossierRecord:
        return dossier_record(dossier, _results(session, dossier))


def _works_for(viewer: Viewer, agency_code: str) -> bool:
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


def _results(session: Session, dossier: Dossier) -> list[ResultRecord]:
    rows = session.scalars(select(Document).where(
        Document.dossier_id == dossier.id, Document.kind == RESULT_KIND,
        Document.owner_id == dossier.owner_id).order_by(Document.created_at, Document.id))
    return [ResultRecord(d.id, d.result_code, d.title, d.revoked_at is not None) for d in rows]


def _fill(row: DossierComponent, document_id: str, source: str, reason: str | None,
          actor: str) -> None:
    row.document_id, row.source, row.reason = document_id, source, reason
    row.attached_at, row.attached_by = datetime.now(UTC), actor


def _event(session: Session, dossier: Dossier, actor: str, kind: str, *,
           from_status: str | None = None, to_status: str | None = None,
           reason_code: str | None = None, text: str | None = None, official: str | None = None,
           position: str | None = None, details: dict[str, Any] | None = None) -> None:
    session.add(DossierEvent(dossier_id=dossier.id, actor=actor, kind=kind,
                             from_status=from_status, to_status=to_status,
                             reason_code=reason_code, text=text, official=official,
                             position=position, details=details or {}))


def _notify(session: Session, dossier: Dossier, kind: str, reason_code: str | None,
            text: str) -> None:
    session.add(Notice(owner_id=dossier.owner_id, dossier_id=dossier.id, kind=kind,
                       reason_code=reason_code, text=mask_ids_in_text(text)))


def _clean(text: str | None) -> str | None:
    return " ".join((text or "").split()) or None


__all__ = ["Casework", "NEXT", "NEEDS_REASON", "vault_matches"]
