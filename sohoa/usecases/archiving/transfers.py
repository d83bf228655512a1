"""The transfer desk (nộp lưu hồ sơ TTHC điện tử): the due list, export, validation,
transfer into archival storage, restoring a package and importing one.

Each step leaves an audit event, and nothing here reads a dossier except through the
vault's access rule. The records of what was transferred are the archive's
(`archive.transfers`); holds and disposal are the other desk's (`.disposals`).
"""

from __future__ import annotations

import dataclasses
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

from sqlalchemy.orm import Session, sessionmaker

from archive import (
    DossierPackage,
    PackageError,
    PdfChecker,
    PdfItem,
    RememberingChecker,
    ValidationReport,
    WrittenPackage,
    open_package,
    transfers,
    validate_package,
    verdicts,
    write_package,
)
from archive.transfers import TransferRecord
from archive.validate import SIGNED_ROLES
from digitize.extract import DocTypeCatalogue
from kernel import VIETNAM, Viewer, local_day
from retention import RetentionSchedule, add_years, transfer_due, transfer_notice_from
from retention.schedule import TRANSFER_NOTICE
from signing import TrustServices
from storage.encryption import EncryptingBlobStore
from vault import DossierRecord, NewFile, Vault, dossier_ref
from vault.archival import ArchivalDossier
from vault.audit import audit

from .checks import PooledChecker, offline, signature_problems
from .desk import ArchiveRefused, require_archivist, transferred, unit
from .packaging import RECORD_FORMAT, PackagingContext, build_package, signature_events

T = TypeVar("T")


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


class Archives:
    def __init__(self, *, vault: Vault, sessions: sessionmaker[Session],
                 schedule: RetentionSchedule, catalogue: DocTypeCatalogue,
                 store: EncryptingBlobStore, trust: TrustServices, rights: str, language: str,
                 permanent_lock_years: int, workers: int = 0) -> None:
        self.vault = vault
        self._sessions = sessions
        self.schedule = schedule
        self._catalogue = catalogue
        #: Archival storage: sealed under each package's own key, locked where it can be.
        self.store = store
        self._trust = trust
        #: Checks packages' PDFs here, signatures offline: only what the files carry and
        #: the configured roots.
        self.checker = PdfChecker(partial(signature_problems, trust=offline(trust)))
        #: Worker processes for ``export_many``.
        self.workers = workers or os.cpu_count() or 1
        self._rights, self._language = rights, language
        self._permanent_lock = permanent_lock_years

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
        rows = self.vault.archival.ended_dossiers(viewer=viewer, ended_before=cutoff, limit=limit)
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
        dossier = self.vault.archival.archival_dossier(code, viewer=viewer)
        procedure = self.vault.procedures.find(dossier.dossier.procedure or "")
        moment = (now or datetime.now(UTC)).replace(microsecond=0)
        context = PackagingContext(
            rule=self.schedule.for_procedure(dossier.dossier.procedure),
            procedure_name=procedure.name if procedure else None,
            type_name=self._type_name, rights=self._rights, language=self._language,
            now=moment, actor=viewer.actor)
        package = build_package(dossier, context)
        with self._sessions() as session:
            known = verdicts.recorded(session, {f.sha256 for d in dossier.documents
                                                for f in d.files})
        # Verdicts recorded when the files were signed or received answer for the bytes
        # written now only when those hash the same (RememberingChecker hashes them).
        checker = RememberingChecker(pooled or self.checker, known)
        written = write_package(package, into, on_payload=signature_events(checker, moment))
        report = (pooled.validate(written.path, checker) if pooled
                  else validate_package(written.path, checker=checker))
        with unit(self._sessions) as session:
            verdicts.record(session, {key: verdict for key, verdict in checker.remembered.items()
                                      if key not in known}, moment)
            audit(session, viewer.actor, "archive.export", "dossier", code, {
                "files": written.files, "bytes": written.payload_bytes,
                "checksum": written.checksum, "valid": report.valid})
        exported = ExportedPackage(written.path, written.files, written.payload_bytes,
                                   written.checksum, report)
        return exported, package, dossier

    def validate(self, path: Path) -> ValidationReport:
        """The package's validation report, every signature checked offline. Nothing
        recorded here is reused: the package may come from anywhere."""
        return validate_package(path, checker=self.checker)

    def validate_many(self, paths: Sequence[Path],
                      progress: Callable[[int, int], None] | None = None
                      ) -> list[ValidationReport]:
        """``validate`` of each package, in input order, packages spread over worker
        processes (``archive_workers``)."""
        workers = min(self.workers, len(paths))
        if workers < 2:
            return _counted((self.validate(p) for p in paths), len(paths), progress)
        with PooledChecker(self._trust, workers) as pooled:
            return _counted(pooled.validate_each(paths), len(paths), progress)

    def record_verdicts(self, files: Sequence[NewFile], *,
                        now: datetime | None = None) -> None:
        """Check the PDFs among ``files`` as an export would (their signatures too, for
        the signed roles), now, and keep each verdict under the SHA-256 of its bytes
        (``archive.verdicts``): the files' export reuses them. Called where a file is
        signed or received."""
        pdfs = [PdfItem(Path(f.filename), f.role in SIGNED_ROLES, f.data) for f in files
                if f.media_type == "application/pdf"]
        found = RememberingChecker(self.checker)
        found.check(pdfs)
        with unit(self._sessions) as session:
            verdicts.record(session, found.remembered, now or datetime.now(UTC))

    def _type_name(self, code: str) -> str:
        known = self._catalogue.get(code)
        return known.name if known else code

    # -- transfer (nộp lưu) ------------------------------------------------------------------
    def transfer(self, code: str, *, viewer: Viewer, now: datetime | None = None
                 ) -> TransferRecord:
        """Package, validate and store dossier ``code`` in archival storage, locked until its
        retention ends, and record who handed what over when. Archivists receive."""
        require_archivist(viewer)
        moment = (now or datetime.now(UTC)).replace(microsecond=0)
        with self._sessions() as session:
            if transfers.of_dossier(session, code) is not None:
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
        with unit(self._sessions) as session:
            row = transfers.record(
                session, dossier_id=dossier_ref(session, code=code).id, dossier_code=code,
                file_code=package.metadata.file_code, title=package.metadata.Title,
                package_checksum=written.checksum, files=written.files,
                payload_bytes=written.payload_bytes, maintenance=rule.retention.maintenance,
                retain_until=disposal, handed_over_by=_hander(dossier.dossier.history),
                received_by=viewer.actor, transferred_at=moment, storage_vault=storage_vault,
                locked=locked, objects=objects)
            audit(session, viewer.actor, "archive.transfer", "dossier", code, {
                "checksum": written.checksum, "files": written.files, "locked": locked,
                "retain_until": disposal.isoformat() if disposal else "permanent"})
            record = TransferRecord.of(row)
        self.vault.archival.mark_archived(code, moment, viewer=viewer)
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
        require_archivist(viewer)
        with self._sessions() as session:
            return [TransferRecord.of(r) for r in transfers.in_order(session)]

    def restore_package(self, code: str, into: Path, *, viewer: Viewer) -> Path:
        """Write the transferred package of ``code`` back out of archival storage, each
        object checked against the hash recorded at transfer."""
        require_archivist(viewer)
        with self._sessions() as session:
            row = transferred(session, code)
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
        require_archivist(viewer)
        _refuse_invalid(self.validate(path), "gói không hợp lệ, không nhập")
        opened = open_package(path)
        if opened.record.get("format") != RECORD_FORMAT:
            raise PackageError(f"{path}: không phải gói do sohoa tạo ({RECORD_FORMAT}); "
                               "chưa hỗ trợ nhập (not a sohoa package)")
        return self.vault.archival.restore_dossier(opened.record, opened.read, viewer=viewer)


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


__all__ = ["ArchiveRefused", "Archives", "DueItem", "ExportedPackage", "TransferRecord"]
