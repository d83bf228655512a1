"""The register of conversions between paper and electronic (chuyển đổi), their look-up
codes, and the revocation of results; the row types are in ``vault.conversions``."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime

from sqlalchemy import func, select, union
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session, selectinload

from kernel import local_day, mask_ids_in_text
from storage import sha256_hex

from .audit import audit
from .conversions import (
    ConversionRecord,
    DocumentStanding,
    LookupRecord,
    NewConversion,
    copy_symbol,
    next_copy_number,
    normalise_code,
)
from .errors import (
    AlreadyCertified,
    CodeConflict,
    DocumentRevoked,
    InvalidRecordValue,
    InvalidTransition,
    NotAResult,
    NotFound,
)
from .models import (
    Conversion,
    Document,
    DocumentStatus,
    FileHistory,
    FileRole,
    FileVersion,
)
from .records import DocumentRecord, NewFile
from .store import VaultStore


class ConversionRegister(VaultStore):
    """Certified copies, paper copies, look-up and revocation (REGULATIONS 9.E, 9.C.25)."""

    # -- conversions, look-up and revocation ----------------------------------------------
    def certify(self, document_id: str, new: NewFile, conversion: NewConversion, *,
                source_sha256: str, actor: str) -> ConversionRecord:
        """Store the agency's certified electronic copy (``FileRole.CERTIFIED``) and record
        its conversion in one transaction, so a look-up code is never without its file."""
        with self._sessions() as session:
            document = self._issuable(session, document_id)
            vault_key = document.owner.vault_key
        blob = self._store_file(vault_key, new.data, new.media_type)
        with self._unit() as session:
            document = self._issuable(session, document_id)
            parent = self._version(session, document_id, FileRole(new.parent[0]),
                                   new.parent[1]) if new.parent else None
            session.add(FileVersion(
                document_id=document_id, role=new.role, part=new.part, blob_key=blob.key,
                sha256=blob.sha256, size=len(new.data), media_type=new.media_type,
                filename=new.filename, parent_id=parent.id if parent else None))
            row = _conversion_row(document_id, conversion, source_sha256)
            row.output_sha256 = blob.sha256
            session.add(row)
            audit(session, actor, "document.certified", "document", document_id,
                  {"code": row.code, "sha256": blob.sha256})
            try:
                session.flush()
            except IntegrityError:
                raise _already_certified() from None
            return ConversionRecord.of(row)

    def check_issuable(self, document_id: str, *, certifying: bool = False) -> None:
        """Raise unless copies may be made of the document now (record stored, not revoked;
        when ``certifying``, no certified copy yet): checked before slow signing work."""
        with self._sessions() as session:
            self._issuable(session, document_id)
            if certifying and session.scalar(select(FileVersion.id).where(
                    FileVersion.document_id == document_id,
                    FileVersion.role == FileRole.CERTIFIED.value)) is not None:
                raise _already_certified()

    def issue_copy(self, document_id: str, conversion: NewConversion, *, source_sha256: str,
                   render: Callable[[ConversionRecord], bytes], actor: str,
                   attempts: int = 3) -> tuple[ConversionRecord, bytes]:
        """Record a paper copy and make it with ``render`` inside the same transaction.

        A formal copy gets the agency's next register number; it is taken only if the copy
        is made, so the register has no gaps. Two clerks taking the same number at once
        collide on the unique constraint and the later one tries again.
        """
        for attempt in range(attempts):
            try:
                with self._unit() as session:
                    self._issuable(session, document_id)
                    row = _conversion_row(document_id, conversion, source_sha256)
                    if conversion.copy_form:
                        row.copy_year = local_day(conversion.issued_at).year
                        row.copy_number = next_copy_number(session, conversion.agency_code,
                                                           row.copy_year)
                        row.copy_symbol = copy_symbol(row.copy_number, conversion.copy_form,
                                                      conversion.agency_abbreviation)
                    session.add(row)
                    session.flush()
                    output = render(ConversionRecord.of(row))
                    row.output_sha256 = sha256_hex(output)
                    audit(session, actor, "document.copy_issued", "document", document_id, {
                        "code": row.code, "direction": row.direction,
                        "copy_symbol": row.copy_symbol, "sha256": row.output_sha256})
                    session.flush()
                    return ConversionRecord.of(row), output
            except IntegrityError:
                if attempt == attempts - 1:
                    raise CodeConflict("số bản sao vừa được cấp cho bản khác, hãy thử lại "
                                       "(the copy number was taken meanwhile; try again)") from None
        raise AssertionError("unreachable")

    def lookup(self, code: str) -> LookupRecord:
        """A look-up code's conversion and its document's standing; NotFound if unknown."""
        normal = normalise_code(code)
        with self._sessions() as session:
            row = session.scalar(select(Conversion).where(Conversion.code == normal)
                                 .options(selectinload(Conversion.document))) if normal else None
            if row is None:
                raise NotFound("không có mã tra cứu này (unknown look-up code)")
            return LookupRecord(ConversionRecord.of(row), DocumentStanding.of(row.document))

    def conversions_of(self, document_id: str) -> list[ConversionRecord]:
        with self._sessions() as session:
            rows = session.scalars(select(Conversion).where(Conversion.document_id == document_id)
                                   .order_by(Conversion.issued_at, Conversion.id))
            return [ConversionRecord.of(row) for row in rows]

    def standing_of_file(self, sha256: str) -> DocumentStanding | None:
        """The document a file belongs to — any stored file, any earlier content of one, or a
        copy made from it — found by the file's SHA-256; None when the vault never saw it."""
        with self._sessions() as session:
            found = session.scalar(union(
                select(FileVersion.document_id).where(FileVersion.sha256 == sha256),
                select(FileVersion.document_id)
                .join(FileHistory, FileHistory.file_version_id == FileVersion.id)
                .where(FileHistory.sha256 == sha256),
                select(Conversion.document_id).where(Conversion.output_sha256 == sha256),
            ).limit(1))
            document = session.get(Document, found) if found else None
            return DocumentStanding.of(document) if document else None

    def revoke(self, document_id: str, reason: str, *, actor: str,
               now: datetime | None = None) -> DocumentRecord:
        """Mark a result revoked (REGULATIONS 9.C.25): kept and readable, but every copy of it,
        on paper or electronic, answers as invalid from now on. The reason is shown on the
        public look-up page, so an ID typed into it is stored masked."""
        reason = mask_ids_in_text(" ".join(reason.split()))
        if not reason:
            raise InvalidRecordValue("cần ghi lý do thu hồi (a revocation needs a reason)")
        with self._unit() as session:
            document = self._document(session, document_id)
            if document.revoked_at is not None:
                raise DocumentRevoked(f"tài liệu đã bị thu hồi lúc {document.revoked_at.isoformat()} "
                                      f"(the document is already revoked)")
            if document.kind != "RESULT":
                raise NotAResult("chỉ thu hồi kết quả giải quyết TTHC, không thu hồi thành phần "
                                 "hồ sơ (only a result is revoked, not a dossier component)")
            document.revoked_at = now or datetime.now(UTC)
            document.revocation_reason = reason
            document.revoked_by = actor
            copies = session.scalar(select(func.count()).select_from(Conversion)
                                    .where(Conversion.document_id == document_id))
            audit(session, actor, "document.revoked", "document", document_id,
                  {"reason": reason[:500], "copies_invalidated": copies})
            session.flush()
            return self._record(session, document_id)

    @classmethod
    def _issuable(cls, session: Session, document_id: str) -> Document:
        """A document copies may be made of: its record stored and it not revoked."""
        document = cls._document(session, document_id)
        if document.revoked_at is not None:
            raise DocumentRevoked("tài liệu đã bị thu hồi, không cấp bản sao "
                                  "(the document is revoked; no copies are issued)")
        if document.status != DocumentStatus.STORED.value:
            raise InvalidTransition("bản ghi số hóa chưa được xác nhận và lưu, chưa cấp bản sao "
                                    "(store the digitisation record before issuing copies)")
        return document


def _already_certified() -> AlreadyCertified:
    return AlreadyCertified("tài liệu đã có bản sao điện tử của cơ quan "
                            "(the document already has a certified copy)")


def _conversion_row(document_id: str, new: NewConversion, source_sha256: str) -> Conversion:
    return Conversion(
        code=new.code, document_id=document_id, direction=new.direction.value,
        issued_at=new.issued_at, converter=new.converter, agency_code=new.agency_code,
        agency_name=new.agency_name, source_sha256=source_sha256, copy_form=new.copy_form,
        register_entry=new.register_entry)
