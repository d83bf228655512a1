"""Certifying an electronic copy from its original (chứng thực bản sao điện tử từ bản
chính, REGULATIONS 61; NĐ 23/2015, NĐ 45/2020 Art. 10), one step after another.

The law fixes the order: the citizen presents the original paper; the officer checks
it; it is scanned at the counter; the certification statement (lời chứng) is entered;
the certifying person signs, then the agency; and the act is entered in the
electronic register of certifications (sổ chứng thực). Each step here is a method that
refuses unless the step before it is done, naming what is missing, so a copy cannot be
issued with a step left out. The register number is taken in the transaction that
stores the copy, so the register has no gaps; what the copy says of the original and
of the check is sealed under the owner's vault key like every record about a person.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from enum import StrEnum
from typing import Any

from sqlalchemy import ForeignKey, Integer, LargeBinary, String, UniqueConstraint, func, select
from sqlalchemy.orm import Mapped, Session, mapped_column, relationship

from kernel import Base, OwnerId, Role, UTCDateTime, Viewer, local_day, new_uuid, utcnow
from storage.sealing import SealedField, SealedRow, listen, new_row_id

from .audit import audit
from .counters import next_value
from .errors import Forbidden, InvalidRecordValue, InvalidTransition, NotFound
from .models import (
    Agency,
    Conversion,
    ConversionDirection,
    Document,
    FileRole,
    FileVersion,
    Owner,
    vault_of_owner,
)
from .records import stored_filename
from .store import VaultStore


class Step(StrEnum):
    PRESENTED = "presented"  # the original was presented (xuất trình bản chính)
    CHECKED = "checked"  # the officer checked it (kiểm tra, đối chiếu bản chính)
    SCANNED = "scanned"  # it was scanned at the counter (chụp, số hóa bản chính)
    STATED = "stated"  # the certification statement was entered (ghi lời chứng)
    ISSUED = "issued"  # signed by the certifier then the agency, and registered
    REFUSED = "refused"  # the check found it may not be certified (NĐ 23/2015 Art. 22)


#: How each step is named when it is missing.
STEP_NAMES = {Step.PRESENTED: "xuất trình bản chính", Step.CHECKED: "kiểm tra bản chính",
              Step.SCANNED: "số hóa bản chính tại quầy", Step.STATED: "ghi lời chứng",
              Step.ISSUED: "ký và vào sổ chứng thực"}
ORDER = (Step.PRESENTED, Step.CHECKED, Step.SCANNED, Step.STATED, Step.ISSUED)


class Certification(SealedRow, Base):
    """One certification of a copy from its original, step by step (việc chứng thực)."""

    __tablename__ = "certifications"
    __table_args__ = (UniqueConstraint("agency_code", "register_year", "register_number"),)

    id: Mapped[str] = mapped_column(String(36), primary_key=True, default=new_uuid)
    agency_code: Mapped[str] = mapped_column(String(32), index=True)
    owner_id: Mapped[int] = mapped_column(ForeignKey("owners.id"), index=True)
    step: Mapped[str] = mapped_column(String(16))
    presented_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    presented_by: Mapped[str] = mapped_column(String(255))
    checked_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    checked_by: Mapped[str | None] = mapped_column(String(255))
    document_id: Mapped[str | None] = mapped_column(ForeignKey("documents.id"), index=True)
    scanned_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    stated_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    stated_by: Mapped[str | None] = mapped_column(String(255))
    certifier: Mapped[str | None] = mapped_column(String(255))
    issued_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    register_year: Mapped[int | None] = mapped_column(Integer)
    register_number: Mapped[int | None] = mapped_column(Integer)
    register_book: Mapped[str | None] = mapped_column(String(40))
    lookup_code: Mapped[str | None] = mapped_column(String(32))
    sealed: Mapped[bytes | None] = mapped_column(LargeBinary)

    #: What the original is, what the check found, and the statement, as entered.
    original: SealedField[str] = SealedField("", length=500)
    check_note: SealedField[str | None] = SealedField(None, multiline=True, length=2000)
    statement: SealedField[str | None] = SealedField(None, multiline=True, length=1000)

    owner: Mapped[Owner] = relationship()

    def sealing_vault(self, session: Session) -> str:
        return vault_of_owner(session, self.__dict__.get("owner"), self.owner_id)

    def sealing_row(self) -> str:
        return f"certifications:{new_row_id(self)}"


listen(Certification)


@dataclass(frozen=True)
class RegisterEntry:
    """The certification's entry in the register: its number in the year, and its book."""

    year: int
    number: int
    book: str
    issued_at: datetime


@dataclass(frozen=True)
class CertificationRecord:
    id: str
    agency_code: str
    step: str
    original: str
    check_note: str | None
    document_id: str | None
    statement: str | None
    certifier: str | None
    register: RegisterEntry | None
    lookup_code: str | None

    @classmethod
    def of(cls, row: Certification) -> CertificationRecord:
        entry = (RegisterEntry(row.register_year, row.register_number, row.register_book or "",
                               row.issued_at)
                 if row.register_year and row.register_number and row.issued_at else None)
        return cls(row.id, row.agency_code, row.step, row.original, row.check_note,
                   row.document_id, row.statement, row.certifier, entry, row.lookup_code)

    def as_dict(self) -> dict[str, Any]:
        entry = self.register
        return {"id": self.id, "agency": self.agency_code, "step": self.step,
                "next_step": _next(self.step), "original": self.original,
                "check_note": self.check_note, "document": self.document_id,
                "statement": self.statement, "certifier": self.certifier,
                "register": {"year": entry.year, "number": entry.number, "book": entry.book,
                             "issued_at": entry.issued_at.isoformat()} if entry else None,
                "lookup_code": self.lookup_code}


def _next(step: str) -> str | None:
    if step not in ORDER or step == Step.ISSUED:
        return None
    return ORDER[ORDER.index(Step(step)) + 1].value


def register_book(year: int) -> str:
    """``01/2026-SCT/BS``: the year's book of the register of copies certified."""
    return f"01/{year}-SCT/BS"


class Certifications(VaultStore):
    """The steps of certifying copies from originals, and the register."""

    def present(self, owner: OwnerId, original: str, *, viewer: Viewer) -> CertificationRecord:
        """Step 1: the citizen presents the original (what it is, as written on it)."""
        agency = _staff(viewer)
        described = " ".join(original.split())
        if len(described) < 3:
            raise InvalidRecordValue("cần ghi tên giấy tờ bản chính (name the original)")
        self._create_owner(owner)
        with self._unit() as session:
            holder = self._owner(session, owner, create=False)
            assert holder is not None
            row = Certification(agency_code=agency, owner_id=holder.id, step=Step.PRESENTED,
                                presented_at=datetime.now(UTC), presented_by=viewer.actor)
            row.original = described
            session.add(row)
            session.flush()
            audit(session, viewer.actor, "certification.presented", "certification", row.id, {})
            return CertificationRecord.of(row)

    def check(self, certification_id: str, *, fit: bool, note: str,
              viewer: Viewer) -> CertificationRecord:
        """Step 2: the officer checked the original; ``fit`` False refuses the certification
        (an original that may not be certified, NĐ 23/2015 Art. 22), with why."""
        text = " ".join(note.split())
        if not fit and len(text) < 10:
            raise InvalidRecordValue("từ chối chứng thực cần ghi lý do (a refusal needs a "
                                     "reason)")
        with self._unit() as session:
            row = _at(session, certification_id, viewer, Step.PRESENTED)
            row.step = Step.CHECKED if fit else Step.REFUSED
            row.checked_at, row.checked_by, row.check_note = datetime.now(UTC), viewer.actor, (
                text or None)
            audit(session, viewer.actor, f"certification.{row.step}", "certification", row.id,
                  {})
            return CertificationRecord.of(row)

    def scanned(self, certification_id: str, document_id: str, *,
                viewer: Viewer) -> CertificationRecord:
        """Step 3: the original was scanned at this counter after it was checked: the
        scan is a document of the same owner, digitised by this agency since the check."""
        with self._unit() as session:
            row = _at(session, certification_id, viewer, Step.CHECKED)
            document = session.get(Document, document_id)
            agency = session.scalar(select(Agency.id).where(Agency.code == row.agency_code))
            if document is None or document.owner_id != row.owner_id \
                    or document.agency_id != agency:
                raise NotFound("không có bản số hóa này của người yêu cầu tại cơ quan (no such "
                               "scan of this owner at this agency)")
            assert row.checked_at is not None
            if document.scanned_at < row.checked_at:
                raise InvalidTransition("bản số hóa phải được quét sau khi kiểm tra bản chính "
                                        "(scan the original after checking it)")
            roles = set(session.scalars(select(FileVersion.role).where(
                FileVersion.document_id == document_id)))
            if FileRole.SIGNED.value not in roles:
                raise InvalidTransition("bản số hóa chưa được ký số (the scan is not signed yet)")
            if FileRole.CERTIFIED.value in roles:
                raise InvalidTransition("bản số hóa này đã có bản sao chứng thực (this scan is "
                                        "already certified)")
            row.step, row.document_id, row.scanned_at = Step.SCANNED, document_id, datetime.now(UTC)
            audit(session, viewer.actor, "certification.scanned", "certification", row.id,
                  {"document": document_id})
            return CertificationRecord.of(row)

    def state(self, certification_id: str, statement: str, *,
              viewer: Viewer) -> CertificationRecord:
        """Step 4: the certification statement (lời chứng), as the copy will print it."""
        text = "\n".join(" ".join(line.split()) for line in statement.strip().splitlines())
        if len(text) < 20:
            raise InvalidRecordValue("cần nhập lời chứng (enter the certification statement)")
        with self._unit() as session:
            row = _at(session, certification_id, viewer, Step.SCANNED)
            row.step, row.statement = Step.STATED, text
            row.stated_at, row.stated_by = datetime.now(UTC), viewer.actor
            audit(session, viewer.actor, "certification.stated", "certification", row.id, {})
            return CertificationRecord.of(row)

    def ready(self, certification_id: str, *, viewer: Viewer) -> CertificationRecord:
        """The certification, if every step before signing is done (else which is not)."""
        with self._sessions() as session:
            return CertificationRecord.of(_at(session, certification_id, viewer, Step.STATED))

    def issue(self, certification_id: str, *, certifier: str, lookup_code: str,
              render: Callable[[RegisterEntry], bytes], viewer: Viewer) -> CertificationRecord:
        """Steps 5 and 6: the next number of the register, the copy signed by ``render``
        (the certifier, then the agency) with it, stored beside the scan, all in one
        transaction: a copy that fails to sign takes no number."""
        with self._unit() as session:
            row = _at(session, certification_id, viewer, Step.STATED, lock=True)
            document = session.get(Document, row.document_id)
            assert document is not None
            moment = datetime.now(UTC)
            year = local_day(moment).year

            def highest() -> int:
                return session.scalar(select(func.max(Certification.register_number)).where(
                    Certification.agency_code == row.agency_code,
                    Certification.register_year == year)) or 0

            number = next_value(session, f"certification:{row.agency_code}:{year}", highest)
            entry = RegisterEntry(year, number, register_book(year), moment)
            output = render(entry)
            blob = self._store_file(document.owner.vault_key, output, "application/pdf")
            signed = session.scalar(select(FileVersion).where(
                FileVersion.document_id == document.id,
                FileVersion.role == FileRole.SIGNED.value).order_by(FileVersion.id.desc()))
            session.add(FileVersion(
                document_id=document.id, role=FileRole.CERTIFIED.value, blob_key=blob.key,
                sha256=blob.sha256, size=len(output), media_type="application/pdf",
                filename=stored_filename(FileRole.CERTIFIED.value, 1, "application/pdf"),
                parent_id=signed.id if signed else None))
            session.add(Conversion(
                code=lookup_code, document_id=document.id,
                direction=ConversionDirection.CERTIFIED_FROM_ORIGINAL.value, issued_at=moment,
                converter=certifier[:255], agency_code=row.agency_code,
                agency_name=_agency_name(session, row.agency_code),
                source_sha256=signed.sha256 if signed else "", output_sha256=blob.sha256,
                register_entry=f"Sổ chứng thực {entry.book}, số {number}"))
            row.step, row.certifier, row.issued_at = Step.ISSUED, certifier[:255], moment
            row.register_year, row.register_number = year, number
            row.register_book, row.lookup_code = entry.book, lookup_code
            audit(session, viewer.actor, "certification.issued", "certification", row.id, {
                "document": document.id, "register": f"{number}/{entry.book}",
                "sha256": blob.sha256, "code": lookup_code})
            session.flush()
            return CertificationRecord.of(row)

    def get(self, certification_id: str, *, viewer: Viewer) -> CertificationRecord:
        with self._sessions() as session:
            return CertificationRecord.of(_mine(session, certification_id, viewer))


def _staff(viewer: Viewer) -> str:
    if viewer.role is not Role.STAFF or not viewer.agency:
        raise Forbidden("chỉ cán bộ của cơ quan chứng thực (staff of the certifying agency "
                        "only)")
    return viewer.agency


def _mine(session: Session, certification_id: str, viewer: Viewer, *,
          lock: bool = False) -> Certification:
    agency = _staff(viewer)
    row = session.get(Certification, certification_id, with_for_update=lock)
    if row is None or row.agency_code != agency:
        raise NotFound("không có việc chứng thực này tại cơ quan (no such certification here)")
    return row


def _at(session: Session, certification_id: str, viewer: Viewer, done: Step, *,
        lock: bool = False) -> Certification:
    """The certification, if its last step is ``done``; otherwise the error names the step
    it is missing (or that it was refused or issued already)."""
    row = _mine(session, certification_id, viewer, lock=lock)
    if row.step == done:
        return row
    if row.step == Step.REFUSED:
        raise InvalidTransition("bản chính không đủ điều kiện chứng thực: "
                                f"{row.check_note} (the original was refused)")
    if row.step == Step.ISSUED:
        raise InvalidTransition("bản sao này đã được chứng thực (already issued)")
    wanted = ORDER[ORDER.index(done) + 1]
    missing = [STEP_NAMES[s] for s in ORDER[ORDER.index(Step(row.step)) + 1:ORDER.index(wanted)]]
    if missing:
        raise InvalidTransition(f"chưa {', '.join(missing)}: các bước chứng thực phải theo "
                                "thứ tự (a step is missing; the steps go in order)")
    raise InvalidTransition(f"bước {STEP_NAMES[wanted]} đã xong (this step is done)")


def _agency_name(session: Session, code: str) -> str:
    return session.scalar(select(Agency.name).where(Agency.code == code)) or code
