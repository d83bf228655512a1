"""The disposal desk (hủy tài liệu hết giá trị): holds, the review list, proposals, a
second person's decision and the destruction itself (REGULATIONS 9.D.34–35).

The rules are retention's (`retention.holds.disposable_on`, `check_second_person`,
the proposals in `retention.disposals`); the transfer records are the archive's
(`archive.transfers`). This desk puts them in order: nothing is destroyed except by
`approve`, after a second person's decision, once the retention period has run and no
hold stands, and only after the signed destruction record is stored.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, date, datetime
from functools import partial
from pathlib import Path
from typing import TYPE_CHECKING, Any

from sqlalchemy.orm import Session, sessionmaker

from archive import transfers
from archive.transfers import TransferRecord
from kernel import Viewer, local_day
from retention import (
    DestructionRecord,
    RetentionSchedule,
    check_second_person,
    destruction_record_pdf,
    disposable_on,
    disposals,
    holds,
)
from retention.disposals import DisposalStatus
from signing import SignatureRequest, TrustServices, sign_pdf
from storage.encryption import EncryptingBlobStore
from vault import DossierRef, NotFound, dossier_codes, dossier_ref
from vault.audit import audit
from vault.counters import next_value
from vault.keys import VaultKeyring

from .desk import ArchiveRefused, require_archivist, required, transferred, unit

if TYPE_CHECKING:
    from archive.transfers import ArchivalTransfer

log = logging.getLogger(__name__)
#: Destruction records are kept in archival storage under a key of their own, never shredded.
RECORDS_VAULT = "destruction-records"


@dataclass(frozen=True)
class RecordSigning:
    """How destruction records are signed: the request of the agency (by code) that
    performs the destruction, the trust services, the font of the record."""

    request: Callable[[str], SignatureRequest]
    trust: TrustServices
    font: Callable[[], Path]


class Disposals:
    def __init__(self, *, sessions: sessionmaker[Session], schedule: RetentionSchedule,
                 store: EncryptingBlobStore, keyring: VaultKeyring,
                 signing: RecordSigning) -> None:
        self._sessions = sessions
        self._schedule = schedule
        #: Archival storage, where the packages and the destruction records are.
        self.store = store
        self._keyring = keyring
        self._signing = signing

    # -- holds (lệnh phong tỏa) ---------------------------------------------------------------
    def place_hold(self, code: str, reason: str, *, viewer: Viewer) -> int:
        require_archivist(viewer)
        reason = required(reason, "lý do phong tỏa (a reason for the hold)")
        with unit(self._sessions) as session:
            hold = holds.place(session, dossier_ref(session, code=code).id, reason,
                               by=viewer.actor, at=datetime.now(UTC))
            audit(session, viewer.actor, "archive.hold", "dossier", code, {"hold": hold.id})
            return hold.id

    def release_hold(self, hold_id: int, reason: str, *, viewer: Viewer) -> None:
        require_archivist(viewer)
        reason = required(reason, "lý do gỡ phong tỏa (a reason for the release)")
        with unit(self._sessions) as session:
            hold = holds.release(session, hold_id, reason, by=viewer.actor, at=datetime.now(UTC))
            code = dossier_ref(session, dossier_id=hold.dossier_id).code
            audit(session, viewer.actor, "archive.release_hold", "dossier", code,
                  {"hold": hold_id})

    def holds(self, code: str, *, viewer: Viewer) -> list[dict[str, Any]]:
        require_archivist(viewer)
        with self._sessions() as session:
            rows = holds.holds_on(session, dossier_ref(session, code=code).id)
            return [{"id": h.id, "reason": h.reason, "placed_by": h.placed_by,
                     "placed_at": h.placed_at.isoformat(), "released_by": h.released_by,
                     "released_at": h.released_at.isoformat() if h.released_at else None,
                     "release_reason": h.release_reason, "standing": h.released_at is None}
                    for h in rows]

    # -- the review list and proposals (9.D.34) ------------------------------------------------
    def review_list(self, *, viewer: Viewer, today: date) -> list[dict[str, Any]]:
        """Transferred dossiers whose retention has run (danh mục hồ sơ hết giá trị), with
        their standing holds and any pending proposal: what an archivist reviews."""
        require_archivist(viewer)
        with self._sessions() as session:
            return [{**TransferRecord.of(row).as_dict(),
                     "holds": holds.standing(session, row.dossier_id),
                     "proposal": disposals.pending_for(session, row.dossier_id)}
                    for row in transfers.past_retention(session, today)]

    def propose(self, code: str, reason: str, *, viewer: Viewer,
                today: date | None = None) -> str:
        require_archivist(viewer)
        reason = required(reason, "lý do hủy (a reason)")
        with unit(self._sessions) as session:
            row = transferred(session, code, lock=True)
            self._check_disposable(session, row, dossier_ref(session, dossier_id=row.dossier_id),
                                   today or datetime.now(UTC).date())
            proposal = disposals.propose(session, row.dossier_id, code, reason,
                                         by=viewer.actor, at=datetime.now(UTC))
            audit(session, viewer.actor, "archive.propose_disposal", "dossier", code,
                  {"disposal": proposal.id})
            return proposal.id

    def reject(self, disposal_id: str, reason: str, *, viewer: Viewer) -> None:
        require_archivist(viewer)
        reason = required(reason, "lý do từ chối (a reason)")
        with unit(self._sessions) as session:
            disposals.reject(session, disposal_id, reason, by=viewer.actor, at=datetime.now(UTC))
            audit(session, viewer.actor, "archive.reject_disposal", "disposal", disposal_id, {})

    # -- the decision and the destruction (9.D.35) ---------------------------------------------
    def approve(self, disposal_id: str, decision: str, *, viewer: Viewer,
                now: datetime | None = None) -> dict[str, Any]:
        """A second person approves on the head's ``decision``; the destruction follows.

        In an order a crash cannot half-do: first the destruction record (biên bản hủy)
        is numbered, signed and stored and the proposal marked DESTROYING, in one
        transaction (a failure there, a TSA that does not answer, leaves everything as
        it was); only then are the package's data key destroyed and its objects
        deleted, each step one that can be done again; then DONE. Whatever was
        destroyed, the record exists, and `finish_interrupted` (run by ``sohoa fsck``)
        completes an interrupted one."""
        require_archivist(viewer)
        decision = required(decision, "số quyết định hủy của thủ trưởng (the head's decision)")
        moment = (now or datetime.now(UTC)).replace(microsecond=0)
        # The records' data key exists before the transaction below takes the number: made
        # inside it, its own transaction would wait on ours (SQLite has one writer).
        self._keyring.key_for(RECORDS_VAULT)
        with unit(self._sessions) as session:
            proposal = disposals.pending(session, disposal_id, lock=True)
            check_second_person(proposal.proposed_by, viewer.actor)
            dossier = dossier_ref(session, dossier_id=proposal.dossier_id)
            row = transferred(session, dossier.code, lock=True)
            due = self._check_disposable(session, row, dossier, moment.date())
            self._check_unlocked(row)
            record = self._record(session, dossier, row, moment, due=due, reason=proposal.reason,
                                  decision=decision, proposed_by=proposal.proposed_by,
                                  approved_by=viewer.actor)
            pdf = sign_pdf(destruction_record_pdf(record, self._signing.font()),
                           self._signing.request(viewer.agency or dossier.agency_code),
                           self._signing.trust, now=moment)
            key = f"{RECORDS_VAULT}/{proposal.id}"
            info = self.store.put(key, pdf, content_type="application/pdf")
            _step(disposal_id, "record stored")
            transfers.mark_disposed(row, moment)
            tombstone = _tombstone(dossier, row, record.number)
            disposals.begin_destruction(proposal, by=viewer.actor, at=moment, decision=decision,
                                        record_key=key, record_sha256=info.sha256,
                                        tombstone=tombstone)
            audit(session, viewer.actor, "archive.dispose", "dossier", dossier.code, {
                "disposal": disposal_id, "record": record.number, "record_sha256": info.sha256})
        _step(disposal_id, "approved")
        status = DisposalStatus.DESTROYING
        try:
            self._destroy(disposal_id)
            status = DisposalStatus.DONE
        except Exception:  # noqa: BLE001 - storage or keyring down: fsck finishes it
            log.exception("disposal %s: approved and recorded; its destruction will be "
                          "finished by 'sohoa fsck'", disposal_id)
        return {"disposal": disposal_id, "status": status.value, "record_number": record.number,
                "record_sha256": info.sha256, "tombstone": tombstone}

    def finish_interrupted(self) -> list[str]:
        """Complete every disposal a crash left DESTROYING (its record is stored): the
        key destroyed, the objects deleted, then DONE. Returns their ids."""
        with self._sessions() as session:
            waiting = disposals.destroying(session)
        for disposal_id in waiting:
            log.warning("finishing the interrupted disposal %s", disposal_id)
            self._destroy(disposal_id)
        return waiting

    def listing(self, *, viewer: Viewer, limit: int = 500) -> list[dict[str, Any]]:
        """Every proposal, newest first: pending ones for a second person to decide, done
        ones with their destruction record (biên bản hủy)."""
        require_archivist(viewer)
        with self._sessions() as session:
            rows = disposals.recent(session, limit)
            codes = dossier_codes(session, (d.dossier_id for d in rows))
            return [{"id": d.id, "dossier_code": codes.get(d.dossier_id), "status": d.status,
                     "reason": d.reason, "proposed_by": d.proposed_by,
                     "proposed_at": d.proposed_at, "decided_by": d.decided_by,
                     "decided_at": d.decided_at, "decision": d.decision,
                     "record_number": (d.tombstone or {}).get("record_number")}
                    for d in rows]

    def destruction_record(self, disposal_id: str, *, viewer: Viewer) -> bytes:
        require_archivist(viewer)
        with self._sessions() as session:
            proposal = disposals.get(session, disposal_id)
            if proposal is None or proposal.record_key is None:
                raise NotFound(f"không có biên bản hủy {disposal_id} (no destruction record)")
            return self.store.get(proposal.record_key, expected_sha256=proposal.record_sha256)

    def _destroy(self, disposal_id: str) -> None:
        """The destruction proper, each step safe to repeat: the key first (from this
        moment every copy anywhere is unreadable), then the objects, then DONE."""
        with self._sessions() as session:
            proposal = disposals.get(session, disposal_id)
            assert proposal is not None
            row = transfers.of_dossier_id(session, proposal.dossier_id)
            assert row is not None
            storage_vault, keys = row.storage_vault, [o["key"] for o in row.objects]
        self._keyring.shred(storage_vault)
        _step(disposal_id, "key destroyed")
        for key in keys:
            self.store.delete(key)  # an object deleted before an interruption is no error
            _step(disposal_id, "object deleted")
        with unit(self._sessions) as session:
            disposals.finish(session, disposal_id)
        _step(disposal_id, "done")

    def _check_disposable(self, session: Session, row: ArchivalTransfer, dossier: DossierRef,
                          today: date) -> date:
        if row.disposed_at is not None:
            raise ArchiveRefused(f"hồ sơ {row.dossier_code} đã bị hủy (already destroyed)")
        assert dossier.ended_at is not None
        rule = self._schedule.for_procedure(dossier.procedure)
        return disposable_on(session, row.dossier_id, row.dossier_code, rule.retention,
                             local_day(dossier.ended_at), today)

    def _check_unlocked(self, row: ArchivalTransfer) -> None:
        for item in row.objects:
            locked = self.store.locked_until(item["key"])
            if locked is not None:
                raise ArchiveRefused(f"hồ sơ {row.dossier_code}: đối tượng còn bị khóa đến "
                                     f"{locked:%d/%m/%Y} (still locked in storage)")

    @staticmethod
    def _record(session: Session, dossier: DossierRef, row: ArchivalTransfer, moment: datetime,
                *, due: date, reason: str, decision: str, proposed_by: str,
                approved_by: str) -> DestructionRecord:
        """The record of this destruction, numbered from a sequence per year taken in the
        caller's transaction: two approvals at once get two numbers, and a failed one
        gives its number back."""
        assert dossier.ended_at is not None
        year = moment.year
        sequence = next_value(session, f"destruction-record:{year}",
                              partial(disposals.issued_in, session, year))
        return DestructionRecord(
            number=f"{year}-{sequence:04d}/BBH", agency=dossier.agency_name,
            dossier_code=dossier.code, file_code=row.file_code, title=row.title,
            maintenance=row.maintenance, work_ended=local_day(dossier.ended_at),
            disposal_from=due, reason=reason, decision=decision, proposed_by=proposed_by,
            approved_by=approved_by, destroyed_at=moment,
            package_checksum=row.package_checksum,
            files=tuple((o["path"], o["sha256"], o["size"]) for o in row.objects))


def _tombstone(dossier: DossierRef, row: ArchivalTransfer, number: str) -> dict[str, Any]:
    """What remains of the dossier once destroyed: its metadata and hashes."""
    assert dossier.ended_at is not None
    return {"dossier_code": dossier.code, "file_code": row.file_code,
            "maintenance": row.maintenance, "work_ended": dossier.ended_at.isoformat(),
            "transferred_at": row.transferred_at.isoformat(),
            "package_checksum": row.package_checksum, "record_number": number,
            "files": [{k: o[k] for k in ("path", "sha256", "size")} for o in row.objects]}


def _step(disposal_id: str, step: str) -> None:
    """Each step of a destruction is logged, so an operator sees where one stopped."""
    log.info("disposal %s: %s", disposal_id, step, extra={"disposal_step": step})
