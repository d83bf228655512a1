"""Dossier casework (giải quyết hồ sơ): the course of a dossier, its results, reading it.

Stopping the normal course (asking for more, parking, returning) needs a reason code
from the catalogue and a notice to the citizen; a result is filed as
``<dossier code>-KQ<n>`` into the owner's vault (9.B.17, 9.C.24) and a dossier
completes only with one there. The dossier code never changes (9.B.16): every change
is a row appended to its processing history, beside officials' opinions. Receiving a
dossier is ``vault.intake``.
"""

from __future__ import annotations

from datetime import UTC, date, datetime
from typing import Any

from sqlalchemy import exists, func, select
from sqlalchemy.orm import Session, selectinload

from kernel import OwnerId, Viewer, mask_ids_in_text, parse_owner_id

from .access import visible_dossiers
from .audit import audit
from .case_records import DossierRecord, NoticeRecord, notice_record, satisfied
from .case_rows import (
    FINAL,
    NEEDS_REASON,
    NEXT,
    RESULT_KIND,
    S,
    case_of,
    clean_reason,
    dossier_record_of,
    event,
    notify,
    results_of,
)
from .counters import next_value
from .errors import InvalidRecordValue, InvalidTransition
from .filing import Filing
from .models import Document, DocumentStatus, Dossier, DossierStatus, Notice, Owner
from .records import DocumentRecord, NewFile
from .store import VaultState, VaultStore


class Casework(VaultStore):
    """Move dossiers along, file their results, read them; the owner's notices."""

    def __init__(self, state: VaultState, *, filing: Filing) -> None:
        super().__init__(state)
        #: Results are filed into the owner's vault like any document.
        self._filing = filing

    # -- the course of the dossier --------------------------------------------------------
    def transition(self, code: str, target: DossierStatus, *, viewer: Viewer,
                   reason_code: str | None = None, notice: str | None = None,
                   now: datetime | None = None) -> DossierRecord:
        """Move the dossier to ``target``. Asking for more, parking and returning need a
        reason code valid for it and the notice the citizen receives; completing needs
        every required component, every record of the dossier reviewed and stored (so
        none waits unread when the dossier closes) and a result in the owner's vault."""
        moment = now or datetime.now(UTC)
        with self._unit() as session:
            dossier = case_of(session, code, viewer, work=True, lock=True)
            current = DossierStatus(dossier.status)
            if target not in NEXT.get(current, frozenset()):
                raise InvalidTransition(f"hồ sơ {code} đang ở trạng thái {current.value}, không "
                                        f"chuyển sang {target.value} được (not allowed)")
            text = clean_reason(notice)
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
                results = ", ".join(r.result_code or r.title for r in results_of(session, dossier))
                text = (f"Hồ sơ {code} đã có kết quả ({results}); kết quả điện tử đã được lưu "
                        f"vào Kho dữ liệu của bạn." + (f" {text}" if text else ""))
            if target in FINAL:
                dossier.ended_at = moment
            dossier.status = target.value
            event(session, dossier, viewer.actor, "STATUS", from_status=current.value,
                   to_status=target.value, reason_code=reason_code, text=text)
            audit(session, viewer.actor, "dossier.status", "dossier", code, {
                "from": current.value, "to": target.value, "reason_code": reason_code})
            if text is not None or target in NEEDS_REASON or target is S.COMPLETED:
                body = f"{reason_name}. {text}" if reason_name else (text or "")
                notify(session, dossier, target.value, reason_code, body)
            session.flush()
            return dossier_record_of(session, dossier)

    def _check_completable(self, session: Session, dossier: Dossier) -> None:
        blockers = self._blockers(session, dossier)
        if blockers:
            raise InvalidTransition(f"hồ sơ {dossier.code} chưa hoàn thành được: "
                                    + "; ".join(blockers))

    def completion_blockers(self, code: str, *, viewer: Viewer) -> list[str]:
        """What stands between the dossier and its completion, each as a sentence: the
        screens offer "completed" only when nothing does."""
        with self._sessions() as session:
            return self._blockers(session, case_of(session, code, viewer, work=True))

    @staticmethod
    def _blockers(session: Session, dossier: Dossier) -> list[str]:
        blockers = []
        missing = sorted({c.name for c in dossier.components if c.required}
                         - {c.name for c in dossier.components
                            if satisfied(c.document_id, c.source)})
        if missing:
            blockers.append(f"còn thiếu thành phần {', '.join(missing)} (required components "
                            "missing)")
        waiting = [d.title for d in session.scalars(select(Document).where(
            Document.dossier_id == dossier.id, Document.revoked_at.is_(None),
            Document.status != DocumentStatus.STORED.value).order_by(Document.id))]
        if waiting:
            blockers.append(f"còn {len(waiting)} tài liệu chưa được kiểm tra và lưu bản ghi: "
                            f"{', '.join(waiting)} (records not yet reviewed)")
        if not any(not r.revoked for r in results_of(session, dossier)):
            blockers.append("chưa có kết quả trong Kho của người nộp (no result in the "
                            "owner's vault yet)")
        return blockers

    def amend(self, code: str, *, due_on: date, reason: str, viewer: Viewer) -> DossierRecord:
        """Move the promised date (gia hạn, TT 03/2025 Mẫu 04): the old and new values and
        the reason go into the history and a notice; the code stays as it is."""
        why = clean_reason(reason)
        if why is None:
            raise InvalidRecordValue("cần ghi lý do điều chỉnh (a reason is required)")
        with self._unit() as session:
            dossier = case_of(session, code, viewer, work=True, lock=True)
            old = dossier.due_on
            if due_on < dossier.received_on:
                raise InvalidRecordValue("ngày hẹn trả trước ngày tiếp nhận "
                                         "(the due date is before the receipt date)")
            dossier.due_on = due_on
            changes: dict[str, object] = {
                "due_on": [old.isoformat() if old else None, due_on.isoformat()]}
            event(session, dossier, viewer.actor, "AMENDED", text=why, details=changes)
            audit(session, viewer.actor, "dossier.amended", "dossier", code, changes)
            notify(session, dossier, "AMENDED", None,
                    f"Hồ sơ {code}: ngày hẹn trả kết quả đổi thành {due_on:%d/%m/%Y}. "
                    f"Lý do: {why}")
            session.flush()
            return dossier_record_of(session, dossier)

    def add_opinion(self, code: str, *, text: str, official: str, position: str | None,
                    viewer: Viewer) -> DossierRecord:
        """An official's opinion (ý kiến) on the dossier, kept for the archive (9.D.27)."""
        body, name = clean_reason(text), clean_reason(official)
        if body is None or name is None:
            raise InvalidRecordValue("ý kiến cần nội dung và họ tên cán bộ "
                                     "(an opinion needs its text and the official's name)")
        with self._unit() as session:
            dossier = case_of(session, code, viewer, work=True)
            event(session, dossier, viewer.actor, "OPINION", text=mask_ids_in_text(body),
                   official=name, position=clean_reason(position))
            audit(session, viewer.actor, "dossier.opinion", "dossier", code, {})
            session.flush()
            return dossier_record_of(session, dossier)

    def file_result(self, code: str, *, files: list[NewFile], page_count: int, title: str,
                    doc_type: str, fields: dict[str, Any], viewer: Viewer) -> DocumentRecord:
        """File the agency's signed result into the owner's vault as ``<code>-KQ<n>``."""
        with self._sessions() as session:
            dossier = case_of(session, code, viewer, work=True)
            owner, agency = parse_owner_id(dossier.owner.identifier), dossier.agency.code

        def finish(session: Session, document: Document) -> None:
            held = case_of(session, code, viewer, work=True, lock=True)
            prefix = f"{held.code}-KQ"
            number = next_value(session, f"result:{held.id}", lambda: session.scalar(
                select(func.count()).select_from(Document).where(
                    Document.dossier_id == held.id, Document.kind == RESULT_KIND)) or 0)
            document.kind = RESULT_KIND
            document.result_code = f"{prefix}{number}"
            document.status = DocumentStatus.STORED.value
            for name, value in fields.items():
                setattr(document, name, value)
            event(session, held, viewer.actor, "RESULT", details={
                "document": document.id, "result_code": document.result_code})

        return self._filing.file_document(
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

    def check_case_work(self, code: str, *, viewer: Viewer) -> str:
        """Raise unless ``viewer`` may work on dossier ``code`` now (before slow work);
        the code of the agency the dossier is with, which acts on it."""
        with self._sessions() as session:
            return case_of(session, code, viewer, work=True).agency.code

    def dossier(self, code: str, *, viewer: Viewer) -> DossierRecord:
        with self._sessions() as session:
            return dossier_record_of(session, case_of(session, code, viewer))

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
            return [dossier_record_of(session, d) for d in rows]

    def notices(self, owner: OwnerId, *, viewer: Viewer, limit: int = 100) -> list[NoticeRecord]:
        """What the owner was told about their dossiers, newest first."""
        self._check_holder(owner, viewer)
        with self._sessions() as session:
            rows = session.scalars(
                select(Notice).join(Owner, Owner.id == Notice.owner_id)
                .where(self._is_owner(owner)).options(selectinload(Notice.dossier))
                .order_by(Notice.id.desc()).limit(limit))
            return [notice_record(n) for n in rows]


__all__ = ["NEEDS_REASON", "NEXT", "Casework"]
