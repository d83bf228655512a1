"""The archive's work (lưu trữ hồ sơ TTHC điện tử): due list, export, validation,
transfer, holds, disposal, import.

Each step leaves an audit event; nothing here reads a dossier except through the
vault's access rule, and nothing is destroyed except by ``approve_disposal``, after
a second person's decision, once the retention period has run and no hold stands.
"""

from __future__ import annotations

import dataclasses
import logging
import os
import shutil
import tempfile
import uuid
from collections.abc import Callable, Iterable, Iterator, Sequence
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from functools import partial
from pathlib import Path
from typing import Any, TypeVar

from sqlalchemy import func, select
from sqlalchemy.orm import Session, sessionmaker

from archive import (
    DossierPackage,
    PackageError,
    ValidationReport,
    WrittenPackage,
    open_package,
    validate_package,
    write_package,
)
from archive.pdfcheck import PdfChecker, RememberingChecker
from digitize.extract import DocTypeCatalogue
from kernel import VIETNAM, Role, Viewer, local_day
from retention import (
    RetentionSchedule,
    add_years,
    disposable_on,
    holds,
    transfer_due,
    transfer_notice_from,
)
from retention.disposal import DestructionRecord, check_second_person, destruction_record_pdf
from retention.schedule import TRANSFER_NOTICE
from signing import SignatureRequest, TrustServices, sign_pdf
from storage import RetentionLocked
from storage.encryption import EncryptingBlobStore
from vault import DossierRecord, Forbidden, InvalidTransition, NotFound, Vault
from vault.archival import ArchivalDossier
from vault.audit import audit
from vault.counters import next_value
from vault.keys import VaultKeyring
from vault.models import Dossier

from .checks import PooledChecker, offline, signature_problems
from .models import ArchivalTransfer, Disposal, DisposalStatus
from .packaging import RECORD_FORMAT, PackagingContext, build_package, signature_events

log = logging.getLogger(__name__)
T = TypeVar("T")
#: Destruction records are kept in archival storage under a key of their own, never shredded.
RECORDS_VAULT = "destruction-records"


class ArchiveRefused(InvalidTransition):
    """An archive step is not allowed now (409): package invalid, already transferred…"""


@dataclass(frozen=True)
class DueItem:
    """One row of the transfer due list (9.D.30)."""

    code: str
    agency: str
    procedure: str | None
    status: str
    ended_on: date
    notice_from: date
    due_on: date
    maintenance: str
    #: overdue, due_soon (within the 30-day notice), or pending.
    state: str

    def as_dict(self) -> dict[str, Any]:
        return {**dataclasses.asdict(self), "ended_on": self.ended_on.isoformat(),
                "notice_from": self.notice_from.isoformat(), "due_on": self.due_on.isoformat()}


@dataclass(frozen=True)
class ExportedPackage(WrittenPackage):
    """A package written and then validated: its report says whether an archive takes it."""

    report: ValidationReport


@dataclass(frozen=True)
class TransferRecord:
    dossier_code: str
    file_code: str
    package_checksum: str
    files: int
    payload_bytes: int
    maintenance: str
    retain_until: date | None
    handed_over_by: str
    received_by: str
    transferred_at: datetime
    locked: bool
    disposed_at: datetime | None

    @classmethod
    def of(cls, row: ArchivalTransfer) -> TransferRecord:
        return cls(row.dossier_code, row.file_code, row.package_checksum, row.files,
                   row.payload_bytes, row.maintenance, row.retain_until, row.handed_over_by,
                   row.received_by, row.transferred_at, row.locked, row.disposed_at)

    def as_dict(self) -> dict[str, Any]:
        data = dataclasses.asdict(self)
        for name in ("retain_until", "transferred_at", "disposed_at"):
            value = data[name]
            data[name] = value.isoformat() if value else None
        return data


class Archives:
    def __init__(self, *, vault: Vault, sessions: sessionmaker[Session],
                 schedule: RetentionSchedule, catalogue: DocTypeCatalogue,
                 store: EncryptingBlobStore, keyring: VaultKeyring, trust: TrustServices,
                 rights: str, language: str, permanent_lock_years: int,
                 record_signature: Callable[[], SignatureRequest],
                 font: Callable[[], Path], workers: int = 0) -> None:
        self.vault = vault
        self._sessions = sessions
        self.schedule = schedule
        self._catalogue = catalogue
        #: Archival storage: sealed under each package's own key, locked where it can be.
        self.store = store
        self._keyring = keyring
        self._trust = trust
        #: Checks packages' PDFs here, signatures offline: only what the files carry and
        #: the configured roots.
        self.checker = PdfChecker(partial(signature_problems, trust=offline(trust)))
        #: Worker processes for ``export_many``.
        self.workers = workers or os.cpu_count() or 1
        self._rights, self._language = rights, language
        self._permanent_lock = permanent_lock_years
        self._record_signature = record_signature
        self._font = font

    # -- due list (9.D.30) -------------------------------------------------------------------
    def due(self, *, viewer: Viewer, today: date, everything: bool = False,
            limit: int = 500) -> list[DueItem]:
        """Ended dossiers not yet transferred: those inside the 30-day notice or overdue, or
        with ``everything``, all of them. Oldest deadline first."""
        cutoff = None
        if not everything:
            # transfer_notice_from(ended) <= today  ⇔  ended <= today + notice − 1 year
            latest_end = _ended_by_for_notice(today)
            cutoff = datetime.combine(latest_end + timedelta(days=1), time(), tzinfo=VIETNAM)
        rows = self.vault.ended_dossiers(viewer=viewer, ended_before=cutoff, limit=limit)
        items = []
        for row in rows:
            ended = local_day(row.ended_at)
            due, notice = transfer_due(ended), transfer_notice_from(ended)
            state = "overdue" if today > due else "due_soon" if today >= notice else "pending"
            items.append(DueItem(row.code, row.agency, row.procedure, row.status, ended,
                                 notice, due, self.schedule.for_procedure(
                                     row.procedure).retention.maintenance, state))
        return items

    # -- export and validation (9.D.27–33) ---------------------------------------------------
    def export(self, code: str, into: Path, *, viewer: Viewer,
               now: datetime | None = None) -> ExportedPackage:
        """Write dossier ``code`` as a package under ``into`` and validate what was written;
        refused while the dossier is open. An invalid package is left in place for the
        archivist to see, with its report."""
        return self._export(code, into, viewer, now)[0]

    def export_many(self, codes: Sequence[str], into: Path, *, viewer: Viewer,
                    progress: Callable[[int, int], None] | None = None
                    ) -> list[ExportedPackage]:
        """Export several dossiers at once, in input order: threads gather and write them
        while worker processes check their PDFs and signatures (``archive_workers``).
        The first failure stops the rest; packages already written stay."""
        workers = min(self.workers, len(codes))
        if workers < 2:
            return _counted((self.export(c, into, viewer=viewer) for c in codes),
                            len(codes), progress)
        with PooledChecker(self._trust, workers) as pooled:
            threads = ThreadPoolExecutor(workers + 1, thread_name_prefix="archive-export")
            try:
                return _counted(threads.map(
                    lambda code: self._export(code, into, viewer, None, pooled)[0], codes),
                    len(codes), progress)
            finally:
                threads.shutdown(cancel_futures=True)

    def _export(self, code: str, into: Path, viewer: Viewer, now: datetime | None,
                pooled: PooledChecker | None = None
                ) -> tuple[ExportedPackage, DossierPackage, ArchivalDossier]:
        """Write and validate, the checks here or in ``pooled``'s workers; the PREMIS
        validation events and the validation share their verdicts, so each signed file
        is checked once."""
        dossier = self.vault.archival_dossier(code, viewer=viewer)
        procedure = self.vault.procedures.find(dossier.dossier.procedure or "")
        moment = (now or datetime.now(UTC)).replace(microsecond=0)
        context = PackagingContext(
            rule=self.schedule.for_procedure(dossier.dossier.procedure),
            procedure_name=procedure.name if procedure else None,
            type_name=self._type_name, rights=self._rights, language=self._language,
            now=moment, actor=viewer.actor)
        package = build_package(dossier, context)
        checker = RememberingChecker(pooled or self.checker)
        written = write_package(package, into, on_payload=signature_events(checker, moment))
        report = (pooled.validate(written.path, checker) if pooled
                  else validate_package(written.path, checker=checker))
        with self._unit() as session:
            audit(session, viewer.actor, "archive.export", "dossier", code, {
                "files": written.files, "bytes": written.payload_bytes,
                "checksum": written.checksum, "valid": report.valid})
        exported = ExportedPackage(written.path, written.files, written.payload_bytes,
                                   written.checksum, report)
        return exported, package, dossier

    def validate(self, path: Path) -> ValidationReport:
        """The package's validation report, every signature checked offline."""
        return validate_package(path, checker=self.checker)

    def _type_name(self, code: str) -> str:
        known = self._catalogue.get(code)
        return known.name if known else code

    # -- transfer (nộp lưu) ------------------------------------------------------------------
    def transfer(self, code: str, *, viewer: Viewer, now: datetime | None = None
                 ) -> TransferRecord:
        """Package, validate and store dossier ``code`` in archival storage, locked until its
        retention ends, and record who handed what over when. Archivists receive."""
        _archivist(viewer)
        moment = (now or datetime.now(UTC)).replace(microsecond=0)
        with self._sessions() as session:
            if session.scalar(select(ArchivalTransfer.id)
                              .where(ArchivalTransfer.dossier_code == code)):
                raise ArchiveRefused(f"hồ sơ {code} đã nộp lưu (already transferred)")
        with _scratch() as scratch:
            written, package, dossier = self._export(code, scratch, viewer, moment)
            _refuse_invalid(written.report, "gói không hợp lệ, không nộp lưu")
            rule = self.schedule.for_procedure(dossier.dossier.procedure)
            disposal = rule.retention.disposal_from(local_day(dossier.ended_at))
            lock_until = _lock_end(disposal, moment, self._permanent_lock)
            storage_vault = f"aip-{uuid.uuid4().hex}"  # 36 characters, as vault names are
            objects = self._store_package(written.path, storage_vault, lock_until)
        locked = self.store.locked_until(objects[0]["key"]) is not None if objects else False
        with self._unit() as session:
            row = ArchivalTransfer(
                dossier_id=_dossier_id(session, code), dossier_code=code,
                file_code=package.metadata.file_code, title=package.metadata.Title,
                package_checksum=written.checksum, files=written.files,
                payload_bytes=written.payload_bytes, maintenance=rule.retention.maintenance,
                retain_until=disposal, handed_over_by=_hander(dossier.dossier.history),
                received_by=viewer.actor, transferred_at=moment, storage_vault=storage_vault,
                locked=locked, objects=objects)
            session.add(row)
            audit(session, viewer.actor, "archive.transfer", "dossier", code, {
                "checksum": written.checksum, "files": written.files, "locked": locked,
                "retain_until": disposal.isoformat() if disposal else "permanent"})
            session.flush()
            record = TransferRecord.of(row)
        self.vault.mark_archived(code, moment, viewer=viewer)
        return record

    def _store_package(self, root: Path, storage_vault: str,
                       lock_until: datetime | None) -> list[dict[str, Any]]:
        """Every file of the bag into archival storage under the package's own data key."""
        objects = []
        for number, path in enumerate(sorted(p for p in root.rglob("*") if p.is_file())):
            relative = path.relative_to(root).as_posix()
            data = path.read_bytes()
            key = f"{storage_vault}/{number:05d}"
            if lock_until is not None:
                info = self.store.put_locked(key, data, retain_until=lock_until)
            else:
                info = self.store.put(key, data)
            objects.append({"path": relative, "key": key, "sha256": info.sha256,
                            "size": info.size})
        return objects

    def transfers(self, *, viewer: Viewer) -> list[TransferRecord]:
        _archivist(viewer)
        with self._sessions() as session:
            return [TransferRecord.of(r) for r in session.scalars(
                select(ArchivalTransfer).order_by(ArchivalTransfer.transferred_at))]

    def restore_package(self, code: str, into: Path, *, viewer: Viewer) -> Path:
        """Write the transferred package of ``code`` back out of archival storage, each
        object checked against the hash recorded at transfer."""
        _archivist(viewer)
        with self._sessions() as session:
            row = _transfer(session, code)
            if row.disposed_at is not None:
                raise ArchiveRefused(f"hồ sơ {code} đã bị hủy lúc {row.disposed_at:%d/%m/%Y} "
                                     "(destroyed)")
            objects = list(row.objects)
        target = into / code
        if target.exists():
            raise ArchiveRefused(f"{target} đã tồn tại (already exists)")
        for item in objects:
            data = self.store.get(item["key"], expected_sha256=item["sha256"])
            out = target / item["path"]
            out.parent.mkdir(parents=True, exist_ok=True)
            out.write_bytes(data)
        return target

    # -- import -----------------------------------------------------------------------------
    def import_package(self, path: Path, *, viewer: Viewer) -> DossierRecord:
        """Re-ingest a package: only a valid one, and only a dossier not already here."""
        _archivist(viewer)
        _refuse_invalid(self.validate(path), "gói không hợp lệ, không nhập")
        opened = open_package(path)
        if opened.record.get("format") != RECORD_FORMAT:
            raise PackageError(f"{path}: không phải gói do sohoa tạo ({RECORD_FORMAT}); "
                               "chưa hỗ trợ nhập (not a sohoa package)")
        return self.vault.restore_dossier(opened.record, opened.read, viewer=viewer)

    # -- holds -------------------------------------------------------------------------------
    def place_hold(self, code: str, reason: str, *, viewer: Viewer) -> int:
        _archivist(viewer)
        reason = _required(reason, "lý do phong tỏa (a reason for the hold)")
        with self._unit() as session:
            hold = holds.place(session, _dossier_id(session, code), reason, by=viewer.actor,
                               at=datetime.now(UTC))
            audit(session, viewer.actor, "archive.hold", "dossier", code, {"hold": hold.id})
            return hold.id

    def release_hold(self, hold_id: int, reason: str, *, viewer: Viewer) -> None:
        _archivist(viewer)
        reason = _required(reason, "lý do gỡ phong tỏa (a reason for the release)")
        with self._unit() as session:
            hold = holds.release(session, hold_id, reason, by=viewer.actor, at=datetime.now(UTC))
            code = session.get_one(Dossier, hold.dossier_id).code
            audit(session, viewer.actor, "archive.release_hold", "dossier", code,
                  {"hold": hold_id})

    def holds(self, code: str, *, viewer: Viewer) -> list[dict[str, Any]]:
        _archivist(viewer)
        with self._sessions() as session:
            rows = holds.holds_on(session, _dossier_id(session, code))
            return [{"id": h.id, "reason": h.reason, "placed_by": h.placed_by,
                     "placed_at": h.placed_at.isoformat(), "released_by": h.released_by,
                     "released_at": h.released_at.isoformat() if h.released_at else None,
                     "release_reason": h.release_reason, "standing": h.released_at is None}
                    for h in rows]

    # -- disposal (9.D.34–35) ----------------------------------------------------------------
    def review_list(self, *, viewer: Viewer, today: date) -> list[dict[str, Any]]:
        """Transferred dossiers whose retention has run (danh mục hồ sơ hết giá trị), with
        their standing holds and any pending proposal: what an archivist reviews."""
        _archivist(viewer)
        out = []
        with self._sessions() as session:
            for row in session.scalars(select(ArchivalTransfer).where(
                    ArchivalTransfer.disposed_at.is_(None),
                    ArchivalTransfer.retain_until.is_not(None),
                    ArchivalTransfer.retain_until <= today)
                    .order_by(ArchivalTransfer.retain_until)):
                pending = session.scalar(select(Disposal.id).where(
                    Disposal.dossier_id == row.dossier_id,
                    Disposal.status == DisposalStatus.PROPOSED.value))
                out.append({**TransferRecord.of(row).as_dict(),
                            "holds": holds.standing(session, row.dossier_id),
                            "proposal": pending})
        return out

    def propose_disposal(self, code: str, reason: str, *, viewer: Viewer,
                         today: date | None = None) -> str:
        _archivist(viewer)
        reason = _required(reason, "lý do hủy (a reason)")
        with self._unit() as session:
            row = _transfer(session, code, lock=True)
            self._check_disposable(session, row, today or datetime.now(UTC).date())
            if session.scalar(select(Disposal.id).where(
                    Disposal.dossier_id == row.dossier_id,
                    Disposal.status == DisposalStatus.PROPOSED.value)):
                raise ArchiveRefused(f"hồ sơ {code} đã có đề nghị hủy đang chờ duyệt "
                                     "(a proposal is already pending)")
            proposal = Disposal(dossier_id=row.dossier_id, reason=reason,
                                proposed_by=viewer.actor, proposed_at=datetime.now(UTC))
            session.add(proposal)
            session.flush()
            audit(session, viewer.actor, "archive.propose_disposal", "dossier", code,
                  {"disposal": proposal.id})
            return proposal.id

    def reject_disposal(self, disposal_id: str, reason: str, *, viewer: Viewer) -> None:
        _archivist(viewer)
        reason = _required(reason, "lý do từ chối (a reason)")
        with self._unit() as session:
            proposal = _pending(session, disposal_id)
            proposal.status = DisposalStatus.REJECTED.value
            proposal.decided_by, proposal.decided_at = viewer.actor, datetime.now(UTC)
            proposal.decision = reason
            audit(session, viewer.actor, "archive.reject_disposal", "disposal", disposal_id, {})

    def approve_disposal(self, disposal_id: str, decision: str, *, viewer: Viewer,
                         now: datetime | None = None) -> dict[str, Any]:
        """A second person approves on the head's ``decision``; the destruction follows.

        In an order a crash cannot half-do: first the destruction record (biên bản hủy)
        is numbered, signed and stored and the proposal marked DESTROYING, in one
        transaction (a failure there, a TSA that does not answer, leaves everything as
        it was); only then are the package's data key destroyed and its objects
        deleted, each step one that can be done again; then DONE. Whatever was
        destroyed, the record exists, and `finish_disposals` (run by ``sohoa fsck``)
        completes an interrupted one."""
        _archivist(viewer)
        decision = _required(decision, "số quyết định hủy của thủ trưởng (the head's decision)")
        moment = (now or datetime.now(UTC)).replace(microsecond=0)
        # The records' data key exists before the transaction below takes the number: made
        # inside it, its own transaction would wait on ours (SQLite has one writer).
        self._keyring.key_for(RECORDS_VAULT)
        with self._unit() as session:
            proposal = _pending(session, disposal_id, lock=True)
            check_second_person(proposal.proposed_by, viewer.actor)
            dossier = session.get_one(Dossier, proposal.dossier_id)
            row = _transfer(session, dossier.code, lock=True)
            due = self._check_disposable(session, row, moment.date())
            for item in row.objects:
                locked = self.store.locked_until(item["key"])
                if locked is not None:
                    raise ArchiveRefused(f"hồ sơ {dossier.code}: đối tượng còn bị khóa đến "
                                         f"{locked:%d/%m/%Y} (still locked in storage)")
            assert dossier.ended_at is not None
            # A sequence per year, taken in this transaction: two approvals at once get
            # two numbers, and a failed one gives its number back.
            year = moment.year
            sequence = next_value(session, f"destruction-record:{year}",
                                  partial(_count_done, session, year))
            number = f"{year}-{sequence:04d}/BBH"
            record = DestructionRecord(
                number=number, agency=dossier.agency.name, dossier_code=dossier.code,
                file_code=row.file_code, title=row.title, maintenance=row.maintenance,
                work_ended=local_day(dossier.ended_at), disposal_from=due, reason=proposal.reason,
                decision=decision, proposed_by=proposal.proposed_by, approved_by=viewer.actor,
                destroyed_at=moment, package_checksum=row.package_checksum,
                files=tuple((o["path"], o["sha256"], o["size"]) for o in row.objects))
            pdf = sign_pdf(destruction_record_pdf(record, self._font()),
                           self._record_signature(), self._trust, now=moment)
            key = f"{RECORDS_VAULT}/{proposal.id}"
            info = self.store.put(key, pdf, content_type="application/pdf")
            _disposal_step(disposal_id, "record stored")
            row.disposed_at = moment
            proposal.status = DisposalStatus.DESTROYING.value
            proposal.decided_by, proposal.decided_at = viewer.actor, moment
            proposal.decision = decision
            proposal.record_key, proposal.record_sha256 = key, info.sha256
            proposal.tombstone = {
                "dossier_code": dossier.code, "file_code": row.file_code,
                "maintenance": row.maintenance, "work_ended": dossier.ended_at.isoformat(),
                "transferred_at": row.transferred_at.isoformat(),
                "package_checksum": row.package_checksum, "record_number": number,
                "files": [{k: o[k] for k in ("path", "sha256", "size")} for o in row.objects]}
            audit(session, viewer.actor, "archive.dispose", "dossier", dossier.code, {
                "disposal": disposal_id, "record": number, "record_sha256": info.sha256})
        _disposal_step(disposal_id, "approved")
        status = DisposalStatus.DESTROYING
        try:
            self._destroy(disposal_id)
            status = DisposalStatus.DONE
        except Exception:  # noqa: BLE001 - storage or keyring down: fsck finishes it
            log.exception("disposal %s: approved and recorded; its destruction will be "
                          "finished by 'sohoa fsck'", disposal_id)
        return {"disposal": disposal_id, "status": status.value, "record_number": number,
                "record_sha256": info.sha256, "tombstone": proposal.tombstone}

    def finish_disposals(self) -> list[str]:
        """Complete every disposal a crash left DESTROYING (its record is stored): the
        key destroyed, the objects deleted, then DONE. Returns their ids."""
        with self._sessions() as session:
            waiting = list(session.scalars(select(Disposal.id).where(
                Disposal.status == DisposalStatus.DESTROYING.value)))
        for disposal_id in waiting:
            log.warning("finishing the interrupted disposal %s", disposal_id)
            self._destroy(disposal_id)
        return waiting

    def _destroy(self, disposal_id: str) -> None:
        """The destruction proper, each step safe to repeat: the key first (from this
        moment every copy anywhere is unreadable), then the objects, then DONE."""
        with self._sessions() as session:
            proposal = session.get_one(Disposal, disposal_id)
            row = _transfer(session, session.get_one(Dossier, proposal.dossier_id).code)
            storage_vault, keys = row.storage_vault, [o["key"] for o in row.objects]
        self._keyring.shred(storage_vault)
        _disposal_step(disposal_id, "key destroyed")
        for key in keys:
            self.store.delete(key)  # an object deleted before an interruption is no error
            _disposal_step(disposal_id, "object deleted")
        with self._unit() as session:
            proposal = session.get_one(Disposal, disposal_id, with_for_update=True)
            proposal.status = DisposalStatus.DONE.value
        _disposal_step(disposal_id, "done")

    def disposals(self, *, viewer: Viewer, limit: int = 500) -> list[dict[str, Any]]:
        """Every proposal, newest first: pending ones for a second person to decide, done
        ones with their destruction record (biên bản hủy)."""
        _archivist(viewer)
        with self._sessions() as session:
            rows = session.execute(
                select(Disposal, Dossier.code).join(Dossier, Dossier.id == Disposal.dossier_id)
                .order_by(Disposal.proposed_at.desc()).limit(limit)).all()
            return [{"id": d.id, "dossier_code": code, "status": d.status, "reason": d.reason,
                     "proposed_by": d.proposed_by, "proposed_at": d.proposed_at,
                     "decided_by": d.decided_by, "decided_at": d.decided_at,
                     "decision": d.decision,
                     "record_number": (d.tombstone or {}).get("record_number")}
                    for d, code in rows]

    def destruction_record(self, disposal_id: str, *, viewer: Viewer) -> bytes:
        _archivist(viewer)
        with self._sessions() as session:
            proposal = session.get(Disposal, disposal_id)
            if proposal is None or proposal.record_key is None:
                raise NotFound(f"không có biên bản hủy {disposal_id} (no destruction record)")
            return self.store.get(proposal.record_key, expected_sha256=proposal.record_sha256)

    def _check_disposable(self, session: Session, row: ArchivalTransfer, today: date) -> date:
        if row.disposed_at is not None:
            raise ArchiveRefused(f"hồ sơ {row.dossier_code} đã bị hủy (already destroyed)")
        dossier = session.get_one(Dossier, row.dossier_id)
        assert dossier.ended_at is not None
        rule = self.schedule.for_procedure(dossier.procedure)
        return disposable_on(session, row.dossier_id, row.dossier_code, rule.retention,
                             local_day(dossier.ended_at), today)

    @contextmanager
    def _unit(self) -> Iterator[Session]:
        with self._sessions() as session, session.begin():
            yield session


def _ended_by_for_notice(today: date) -> date:
    """The latest end date whose transfer notice has started by ``today`` (the notice
    date grows with the end date, so step from a year and a month back)."""
    probe = add_years(today + TRANSFER_NOTICE, -1)
    while transfer_notice_from(probe + timedelta(days=1)) <= today:
        probe += timedelta(days=1)
    while transfer_notice_from(probe) > today:
        probe -= timedelta(days=1)
    return probe


def _lock_end(disposal: date | None, now: datetime, permanent_years: int) -> datetime | None:
    """Until when storage keeps the objects locked: the disposal date, or for permanent
    records ``permanent_years`` ahead; None when the period has already run."""
    if disposal is None:
        return now.replace(year=now.year + permanent_years)
    end = datetime.combine(disposal, time(), tzinfo=UTC)
    return end if end > now else None


def _archivist(viewer: Viewer) -> None:
    if viewer.role not in (Role.ARCHIVIST, Role.SYSTEM):
        raise Forbidden("chỉ người làm lưu trữ (archivists only)")


def _counted(items: Iterable[T], total: int,
             progress: Callable[[int, int], None] | None) -> list[T]:
    """``items`` as a list, telling ``progress`` of each one as it comes."""
    done = []
    for item in items:
        done.append(item)
        if progress:
            progress(len(done), total)
    return done


def _refuse_invalid(report: ValidationReport, refusal: str) -> None:
    if not report.valid:
        problems = "; ".join(p for c in report.checks for p in c.problems)
        raise ArchiveRefused(f"{refusal} (the package is not valid): {problems[:1500]}")


def _required(text: str, what: str) -> str:
    cleaned = " ".join((text or "").split())
    if not cleaned:
        raise ArchiveRefused(f"cần {what}")
    return cleaned[:500]


def _dossier_id(session: Session, code: str) -> int:
    found = session.scalar(select(Dossier.id).where(Dossier.code == code))
    if found is None:
        raise NotFound(f"không tìm thấy hồ sơ {code} (no dossier {code})")
    return found


def _transfer(session: Session, code: str, *, lock: bool = False) -> ArchivalTransfer:
    query = select(ArchivalTransfer).where(ArchivalTransfer.dossier_code == code)
    row = session.scalar(query.with_for_update() if lock else query)
    if row is None:
        _dossier_id(session, code)  # NotFound for a code that names nothing
        raise ArchiveRefused(f"hồ sơ {code} chưa nộp lưu (not transferred to the archive)")
    return row


def _pending(session: Session, disposal_id: str, *, lock: bool = False) -> Disposal:
    query = select(Disposal).where(Disposal.id == disposal_id,
                                   Disposal.status == DisposalStatus.PROPOSED.value)
    proposal = session.scalar(query.with_for_update() if lock else query)
    if proposal is None:
        raise NotFound(f"không có đề nghị hủy {disposal_id} đang chờ duyệt "
                       "(no pending proposal)")
    return proposal


def _count_done(session: Session, year: int) -> int:
    """Destruction records issued in ``year`` before their numbers had a sequence (which
    starts from this count): numbers restart each 1 January."""
    start = datetime(year, 1, 1, tzinfo=UTC)
    return session.scalar(select(func.count()).select_from(Disposal).where(
        Disposal.status.in_([DisposalStatus.DONE.value, DisposalStatus.DESTROYING.value]),
        Disposal.decided_at >= start, Disposal.decided_at < start.replace(year=year + 1))) or 0


def _disposal_step(disposal_id: str, step: str) -> None:
    """Each step of a destruction is logged, so an operator sees where one stopped."""
    log.info("disposal %s: %s", disposal_id, step, extra={"disposal_step": step})


def _hander(history: Any) -> str:
    """Who handed the dossier over: the official who closed it."""
    closing = [h.actor for h in history if h.kind == "STATUS"]
    return closing[-1] if closing else "system"


@contextmanager
def _scratch() -> Iterator[Path]:
    folder = Path(tempfile.mkdtemp(prefix="sohoa-transfer-"))
    try:
        yield folder
    finally:
        shutil.rmtree(folder, ignore_errors=True)


__all__ = ["ArchiveRefused", "Archives", "DueItem", "PackageError", "RetentionLocked",
           "TransferRecord"]
