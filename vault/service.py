"""The vault service (kho dữ liệu điện tử của tổ chức, cá nhân): the one API every caller uses.

CLI, HTTP API, UI and job workers all call these methods, so a rule lives in
one place. Writes are crash-safe in the order the house rules set: blobs first
(each hash recorded by the store), then all rows in one transaction; a crash in
between leaves orphan blobs for ``fsck`` to report, never a row without its blob.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import UTC, date, datetime
from typing import Any

from sqlalchemy import func, select, union, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session, selectinload, sessionmaker

from storage import BlobInfo, BlobStore, sha256_hex, verify_bytes

from .access import (
    AccessPath,
    Action,
    Viewer,
    access_to,
    visible_documents,
    visible_dossiers,
)
from .access_log import AccessRecord, reads_of
from .audit import ChainReport, audit, check_chain
from .conversions import (
    ConversionRecord,
    DocumentStanding,
    LookupRecord,
    NewConversion,
    copy_symbol,
    next_copy_number,
    normalise_code,
)
from .digitisation import REQUIRED_FIELDS, DigitisationRecord, check_complete, check_transition
from .dossiers import local_day, open_dossier
from .errors import (
    AlreadyCertified,
    CodeConflict,
    DocumentRevoked,
    DossierMismatch,
    Forbidden,
    InvalidRecordValue,
    InvalidTransition,
    NotAnExtension,
    NotAResult,
    NotFound,
    UnknownVariant,
)
from .grants import (
    GrantRecord,
    SharedDocument,
    agency_named,
    grant_query,
    grant_record,
    shareable,
    shared_document,
)
from .ids import OwnerId, mask_ids_in_text
from .keys import VaultKeyring
from .models import (
    Agency,
    Conversion,
    Document,
    DocumentStatus,
    Dossier,
    FileHistory,
    FileRole,
    FileVersion,
    Grant,
    GrantItem,
    Owner,
)
from .records import AgencyRecord, DocumentRecord, FileRecord, NewFile, StoredFile

log = logging.getLogger(__name__)


class Vault:
    """Owners, their documents and files, dossiers, and the audit trail."""

    def __init__(self, sessions: sessionmaker[Session], blobs: BlobStore, *,
                 required_fields: tuple[str, ...] = REQUIRED_FIELDS,
                 keyring: VaultKeyring | None = None) -> None:
        """``blobs`` is normally an ``EncryptingBlobStore`` over ``keyring``; without a
        keyring, blob names are the content's SHA-256 (tests of the plain stores)."""
        self._sessions = sessions
        self._blobs = blobs
        self._keyring = keyring
        self.required_fields = required_fields

    @contextmanager
    def _unit(self) -> Iterator[Session]:
        with self._sessions() as session, session.begin():
            yield session

    # -- agencies and dossiers ------------------------------------------------------------
    def ensure_agency(self, code: str, name: str) -> None:
        """Create the agency if it is missing (the embedded default seeds one)."""
        with self._unit() as session:
            if session.scalar(select(Agency).where(Agency.code == code)) is None:
                session.add(Agency(code=code, name=name, valid_from=date.today()))

    def add_agency(self, code: str, name: str, *, valid_from: date | None = None,
                   valid_to: date | None = None, actor: str) -> AgencyRecord:
        if valid_from and valid_to and valid_to < valid_from:
            raise InvalidRecordValue("ngày hết hiệu lực trước ngày có hiệu lực "
                                     "(valid_to is before valid_from)")
        with self._unit() as session:
            if session.scalar(select(Agency.id).where(Agency.code == code)) is not None:
                raise CodeConflict(f"đã có cơ quan mã {code} (agency {code} exists)")
            agency = Agency(code=code, name=name, valid_from=valid_from or date.today(),
                            valid_to=valid_to)
            session.add(agency)
            audit(session, actor, "agency.added", "agency", code, {"name": name})
            return _agency_record(agency)

    def agencies(self) -> list[AgencyRecord]:
        with self._sessions() as session:
            return [_agency_record(a) for a in session.scalars(select(Agency).order_by(Agency.code))]

    def open_dossier(
        self, agency_code: str, owner: OwnerId, *, procedure: str | None = None,
        actor: str, now: datetime | None = None,
    ) -> str:
        """Receive a dossier for ``owner`` at ``agency_code``; returns its new code."""
        moment = now or datetime.now(UTC)
        with self._sessions() as session:
            if session.scalar(select(Agency.id).where(Agency.code == agency_code)) is None:
                raise NotFound(f"không có cơ quan mã {agency_code} (no agency {agency_code})")
        self._create_owner(owner)
        with self._unit() as session:
            agency = session.scalar(select(Agency).where(Agency.code == agency_code))
            holder = self._owner(session, owner, create=False)
            assert agency is not None and holder is not None
            dossier = open_dossier(session, agency, holder, local_day(moment), procedure)
            audit(session, actor, "dossier.opened", "dossier", dossier.code,
                        {"agency": agency.code})
            return dossier.code

    def check_dossier(self, code: str, owner: OwnerId, *, viewer: Viewer) -> None:
        """Raise unless dossier ``code`` exists, ``viewer`` may see it and it belongs to
        ``owner``."""
        with self._sessions() as session:
            if session.scalar(select(Dossier.id).where(
                    Dossier.code == code, visible_dossiers(viewer))) is None:
                raise NotFound(f"không tìm thấy hồ sơ {code} (no dossier {code})")
            holder = self._owner(session, owner, create=False)
            self._dossier_for(session, code, holder.id if holder else None)

    # -- filing -------------------------------------------------------------------------
    def file_document(
        self,
        *,
        owner: OwnerId,
        title: str,
        page_count: int,
        operator: str,
        scanned_at: datetime,
        files: list[NewFile],
        actor: str,
        dossier_code: str | None = None,
        agency_code: str | None = None,
        doc_type: str = "unknown",
        page_quality: list[dict[str, Any]] | None = None,
    ) -> DocumentRecord:
        """Store a digitised document and its files in ``owner``'s vault; ``agency_code``
        is the agency that digitised it (its staff keep the record)."""
        if not any(f.role == FileRole.ORIGINAL for f in files):
            raise ValueError("a document is filed with its original scan")
        with self._sessions() as session:
            holder = self._owner(session, owner, create=False)
            vault_key = holder.vault_key if holder else None
        if vault_key is None:
            vault_key = self._create_owner(owner)
        # Blobs first: each put records and returns the SHA-256 before any row exists.
        # A file found inside another (the scan's JPEG inside the signed PDF, the PDF/A
        # as the signed file's first revision) is stored once, as a byte range of it.
        infos: dict[tuple[str, int], BlobInfo] = {}
        for new in files:
            if new.within is None:
                key = self._blob_key(vault_key, new.data)
                infos[(new.role, new.part)] = self._blobs.put(key, new.data,
                                                              content_type=new.media_type)
        with self._unit() as session:
            holder = self._owner(session, owner, create=False)
            assert holder is not None
            dossier_id = None
            if dossier_code is not None:
                dossier_id = self._dossier_for(session, dossier_code, holder.id)
            agency_id = None
            if agency_code is not None:
                agency_id = session.scalar(select(Agency.id).where(Agency.code == agency_code))
                if agency_id is None:
                    raise NotFound(f"không có cơ quan mã {agency_code} (no agency {agency_code})")
            document = Document(
                owner_id=holder.id, dossier_id=dossier_id, agency_id=agency_id,
                doc_type=doc_type, title=title[:500],
                status=DocumentStatus.SCANNED.value, page_count=page_count,
                text_chars=_text_chars(files),
                operator_name=operator, scanned_at=scanned_at, page_quality=page_quality or [],
            )
            session.add(document)
            session.flush()
            by_ref: dict[tuple[str, int], FileVersion] = {}
            for new in files:
                parent = by_ref[new.parent] if new.parent else None
                blob = infos[new.within[0] if new.within else (new.role, new.part)]
                version = FileVersion(
                    document_id=document.id, role=new.role, part=new.part, blob_key=blob.key,
                    sha256=sha256_hex(new.data) if new.within else blob.sha256,
                    size=len(new.data), media_type=new.media_type, filename=new.filename,
                    parent_id=parent.id if parent else None,
                    offset=new.within[1] if new.within else None,
                )
                session.add(version)
                session.flush()
                by_ref[(new.role, new.part)] = version
            for new in files:
                if new.within is not None:
                    by_ref[(new.role, new.part)].within_id = by_ref[new.within[0]].id
            audit(session, actor, "document.filed", "document", document.id, {
                "pages": page_count, "dossier": dossier_code,
                "files": [f"{n.role}:{n.part}" for n in files],
            })
            session.flush()
            record = self._record(session, document.id)
        log.info("filed document %s (%d pages) for owner %s", record.id, page_count, owner.masked)
        return record

    # -- the digitisation record and its four steps ---------------------------------------
    def record_extraction(self, document_id: str, draft: DigitisationRecord,
                          extraction: list[dict[str, Any]], *, actor: str) -> DocumentRecord:
        """SCANNED → EXTRACTED: keep what was read, and fill the record as a draft."""
        with self._unit() as session:
            document = self._document(session, document_id)
            self._advance(session, document, DocumentStatus.EXTRACTED, actor)
            _apply(document, draft)
            document.extraction = extraction
            document.extraction_method = "OCR"
            session.flush()
            return self._record(session, document_id)

    def save_record(
        self, document_id: str, record: DigitisationRecord, *, code_prefix: str,
        make_code: Callable[[str, int], str], extraction: list[dict[str, Any]],
        method: str, actor: str,
    ) -> DocumentRecord:
        """Confirm the record: refused while a required field is empty (REGULATIONS 46).

        The first save gives the result code (EXTRACTED → CODED) and stores the
        record (CODED → STORED). Later saves correct the fields; the code stays.
        """
        with self._unit() as session:
            document = self._document(session, document_id)
            check_complete(record, self.required_fields, document.owner.identifier)
            status = DocumentStatus(document.status)
            if status not in (DocumentStatus.EXTRACTED, DocumentStatus.STORED):
                raise InvalidTransition(
                    f"tài liệu đang ở bước {status.value}: chưa bóc tách xong "
                    f"(the document is {status.value}; extract before saving its record)"
                )
            _apply(document, record)
            document.extraction = extraction
            document.extraction_method = method
            if status is DocumentStatus.EXTRACTED:
                document.result_code = self._free_code(session, code_prefix, make_code)
                self._advance(session, document, DocumentStatus.CODED, actor)
                self._advance(session, document, DocumentStatus.STORED, actor)
            else:
                audit(session, actor, "document.record_corrected", "document",
                            document_id, {"method": method})
            try:
                session.flush()
            except IntegrityError:
                raise CodeConflict("mã kết quả số hóa bị trùng, hãy lưu lại "
                                   "(result code taken at the same moment; save again)") from None
            return self._record(session, document_id)

    def _advance(self, session: Session, document: Document, target: DocumentStatus,
                 actor: str) -> None:
        check_transition(document.status, target)
        audit(session, actor, "document.status", "document", document.id,
                    {"from": document.status, "to": target.value,
                     "result_code": mask_ids_in_text(document.result_code or "") or None})
        document.status = target.value

    @staticmethod
    def _free_code(session: Session, prefix: str, make_code: Callable[[str, int], str]) -> str:
        escaped = prefix.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
        taken = session.scalar(select(func.count()).select_from(Document).where(
            Document.result_code.like(f"{escaped}%", escape="\\")
        )) or 0
        for sequence in range(taken + 1, taken + 1000):
            code = make_code(prefix, sequence)
            if session.scalar(select(Document.id).where(Document.result_code == code)) is None:
                return code
        raise CodeConflict(f"hết số thứ tự cho mã {mask_ids_in_text(prefix)} "
                           f"(no free code under this prefix)")

    # -- reading ------------------------------------------------------------------------
    def list_documents(self, owner: OwnerId, *, viewer: Viewer) -> list[DocumentRecord]:
        """The documents of ``owner``'s vault that ``viewer`` may see, newest first."""
        with self._sessions() as session:
            ids = session.scalars(
                select(Document.id).join(Owner, Owner.id == Document.owner_id)
                .where(Owner.identifier == owner.value, visible_documents(viewer))
                .order_by(Document.created_at.desc(), Document.id)
            ).all()
            return [self._record(session, doc_id) for doc_id in ids]

    def get_document(self, document_id: str, *, viewer: Viewer) -> DocumentRecord:
        """The document; one ``viewer`` may not see answers as not found."""
        with self._sessions() as session:
            self._access(session, document_id, viewer)
            return self._record(session, document_id)

    def authorise(self, document_id: str, viewer: Viewer, action: Action) -> AccessPath:
        """How ``viewer`` reaches the document; NotFound if they cannot see it, Forbidden if
        they can but may not do ``action`` (checked before slow work such as signing)."""
        with self._sessions() as session:
            path = self._access(session, document_id, viewer)
        if not path.permits(action):
            raise Forbidden("chỉ cơ quan tiếp nhận hồ sơ mới xử lý tài liệu này "
                            "(only the agency that received the dossier may do this)")
        return path

    def read_file(self, document_id: str, variant: str, *, viewer: Viewer, part: int = 1,
                  purpose: str | None = None) -> StoredFile:
        """The verified bytes of one variant. Every read goes into the access log with who,
        which agency, by which right (owner, dossier, grant, archive) and why."""
        try:
            role = FileRole(variant)
        except ValueError:
            known = ", ".join(r.value for r in FileRole)
            raise UnknownVariant(f"unknown variant {variant!r}: use one of {known}") from None
        with self._unit() as session:
            path = self._access(session, document_id, viewer)
            version = self._version(session, document_id, role, part)
            data = self._bytes(session, version)
            audit(session, viewer.actor, "document.read", "document", document_id, {
                "variant": role.value, "part": part, "access": path.access.value,
                "grant": path.grant_id, "agency": viewer.agency,
                "purpose": mask_ids_in_text(purpose)[:200] if purpose else None})
            return StoredFile(data, version.media_type, version.filename, version.sha256)

    @staticmethod
    def _access(session: Session, document_id: str, viewer: Viewer) -> AccessPath:
        document = session.scalar(select(Document).where(Document.id == document_id).options(
            selectinload(Document.owner), selectinload(Document.dossier)))
        path = access_to(session, viewer, document) if document is not None else None
        if path is None:
            raise NotFound(f"không tìm thấy tài liệu {document_id} (no document {document_id})")
        return path

    def documents_with(self, role: FileRole) -> list[str]:
        """Ids of every document that has a ``role`` file, oldest first."""
        with self._sessions() as session:
            return list(session.scalars(
                select(Document.id).join(FileVersion, FileVersion.document_id == Document.id)
                .where(FileVersion.role == role.value).order_by(Document.created_at)
                .distinct()))

    def extend_file(self, document_id: str, role: FileRole, data: bytes, *, reason: str,
                    actor: str, part: int = 1) -> FileRecord:
        """Replace a file by a longer one that starts with all of it — a PDF after an
        incremental update — keeping the earlier content in the file's history."""
        with self._sessions() as session:
            document = session.get(Document, document_id)
            if document is None:
                raise NotFound(f"không tìm thấy tài liệu {document_id} (no document {document_id})")
            version = self._version(session, document_id, role, part)
            old = self._bytes(session, version)
            vault_key = document.owner.vault_key
        if len(data) <= len(old) or not data.startswith(old):
            raise NotAnExtension(f"tệp mới không nối tiếp tệp {role.value} hiện có (the new "
                                 f"content does not extend the stored {role.value} file)")
        blob = self._blobs.put(self._blob_key(vault_key, data), data,
                               content_type=version.media_type)
        with self._unit() as session:
            version = self._version(session, document_id, role, part)
            if version.sha256 != sha256_hex(old):
                raise NotAnExtension("tệp đã được cập nhật đồng thời (the file changed meanwhile)")
            session.add(FileHistory(file_version_id=version.id, blob_key=version.blob_key,
                                    sha256=version.sha256, size=version.size, reason=reason))
            version.blob_key, version.sha256, version.size = blob.key, blob.sha256, len(data)
            audit(session, actor, "document.file_extended", "document", document_id, {
                "role": role.value, "part": part, "reason": reason,
                "from_sha256": sha256_hex(old), "to_sha256": blob.sha256,
            })
            session.flush()
            return self._file_record(version)

    # -- conversions, look-up and revocation ----------------------------------------------
    def certify(self, document_id: str, new: NewFile, conversion: NewConversion, *,
                source_sha256: str, actor: str) -> ConversionRecord:
        """Store the agency's certified electronic copy (``FileRole.CERTIFIED``) and record
        its conversion in one transaction, so a look-up code is never without its file."""
        with self._sessions() as session:
            document = self._issuable(session, document_id)
            vault_key = document.owner.vault_key
        blob = self._blobs.put(self._blob_key(vault_key, new.data), new.data,
                               content_type=new.media_type)
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
            document.revocation_reason = reason[:500]
            document.revoked_by = actor[:255]
            copies = session.scalar(select(func.count()).select_from(Conversion)
                                    .where(Conversion.document_id == document_id))
            audit(session, actor, "document.revoked", "document", document_id,
                  {"reason": reason[:500], "copies_invalidated": copies})
            session.flush()
            return self._record(session, document_id)

    # -- reuse with consent (REGULATIONS 9.C.23) -------------------------------------------
    def preview_share(self, owner: OwnerId, agency_code: str, document_ids: list[str], *,
                      viewer: Viewer) -> list[SharedDocument]:
        """Exactly what ``agency_code`` would be able to read: checked, nothing stored."""
        self._check_holder(owner, viewer)
        with self._sessions() as session:
            agency_named(session, agency_code)
            holder = self._owner(session, owner, create=False)
            if holder is None:
                raise NotFound("kho chưa có tài liệu nào (the vault is empty)")
            return [shared_document(d) for d in shareable(session, holder, document_ids)]

    def apply_with_documents(
        self, owner: OwnerId, agency_code: str, document_ids: list[str], *, procedure: str,
        purpose: str, expires_at: datetime, viewer: Viewer, now: datetime | None = None,
    ) -> GrantRecord:
        """Open a dossier at the agency for ``procedure`` and grant it the documents, in one
        transaction: the dossier never exists without the consent, nor the consent without
        its dossier."""
        self._check_holder(owner, viewer)
        moment = now or datetime.now(UTC)
        purpose = mask_ids_in_text(" ".join(purpose.split()))
        if not purpose:
            raise InvalidRecordValue("cần ghi mục đích sử dụng (a purpose is required)")
        if expires_at <= moment:
            raise InvalidRecordValue("thời hạn chia sẻ phải ở tương lai (expiry must be later)")
        with self._unit() as session:
            agency = agency_named(session, agency_code)
            holder = self._owner(session, owner, create=False)
            if holder is None:
                raise NotFound("kho chưa có tài liệu nào (the vault is empty)")
            documents = shareable(session, holder, document_ids)
            dossier = open_dossier(session, agency, holder, local_day(moment), procedure)
            grant = Grant(owner_id=holder.id, agency_id=agency.id, dossier_id=dossier.id,
                          purpose=purpose[:500], created_at=moment, expires_at=expires_at,
                          created_by=viewer.actor)
            session.add(grant)
            session.flush()
            session.add_all(GrantItem(grant_id=grant.id, document_id=d.id) for d in documents)
            audit(session, viewer.actor, "dossier.opened", "dossier", dossier.code,
                  {"agency": agency.code, "by": "owner"})
            audit(session, viewer.actor, "grant.created", "grant", grant.id, {
                "agency": agency.code, "dossier": dossier.code, "purpose": purpose[:200],
                "documents": [d.id for d in documents], "expires_at": expires_at.isoformat()})
            session.flush()
            session.expire_all()
            return grant_record(session.scalars(grant_query().where(Grant.id == grant.id)).one())

    def grants_of(self, owner: OwnerId, *, viewer: Viewer) -> list[GrantRecord]:
        self._check_holder(owner, viewer)
        with self._sessions() as session:
            return [grant_record(g) for g in session.scalars(
                grant_query().join(Owner, Owner.id == Grant.owner_id)
                .where(Owner.identifier == owner.value).order_by(Grant.created_at.desc()))]

    def revoke_grant(self, grant_id: str, *, viewer: Viewer) -> GrantRecord:
        """The owner withdraws consent: from now on the agency's reads answer not found."""
        with self._unit() as session:
            grant = session.scalars(grant_query().where(Grant.id == grant_id)
                                    .with_for_update(of=Grant)).one_or_none()
            if grant is None or not viewer.holds(grant.owner.identifier):
                raise NotFound("không tìm thấy quyền chia sẻ này (no such grant)")
            if grant.revoked_at is None:
                grant.revoked_at = datetime.now(UTC)
                audit(session, viewer.actor, "grant.revoked", "grant", grant.id,
                      {"agency": grant.agency.code})
            session.flush()
            return grant_record(grant)

    @staticmethod
    def _check_holder(owner: OwnerId, viewer: Viewer) -> None:
        if not viewer.holds(owner.value):
            raise NotFound("không tìm thấy kho dữ liệu (no such vault)")

    # -- the audit trail ----------------------------------------------------------------
    def access_log(self, owner: OwnerId, *, viewer: Viewer, limit: int = 100,
                   offset: int = 0) -> list[AccessRecord]:
        """Every read of ``owner``'s documents, newest first; only the owner (and the
        service) may read it — anyone else finds no such log."""
        if not viewer.holds(owner.value):
            raise NotFound("không tìm thấy nhật ký truy cập (no such access log)")
        with self._sessions() as session:
            return reads_of(session, owner.value, limit=limit, offset=offset)

    def verify_audit(self) -> ChainReport:
        """Recompute the whole hash chain of the audit trail."""
        with self._sessions() as session:
            return check_chain(session)

    # -- crypto-shredding ----------------------------------------------------------------
    def shred(self, owner: OwnerId, *, reason: str, actor: str) -> int:
        """Destroy the vault's data key (hủy khóa): every blob of the vault becomes unreadable
        wherever a copy of it lies. The rows stay, so the audit trail and the record of what
        existed remain; reads answer ``VaultShredded``. Returns the documents affected."""
        if self._keyring is None:
            raise InvalidRecordValue("kho không mã hóa thì không hủy khóa được "
                                     "(the vault is not encrypted: nothing to shred)")
        reason = mask_ids_in_text(" ".join(reason.split()))
        if not reason:
            raise InvalidRecordValue("cần ghi lý do hủy (shredding needs a reason)")
        with self._sessions() as session:
            holder = self._owner(session, owner, create=False)
            if holder is None:
                raise NotFound("không tìm thấy kho dữ liệu (no such vault)")
            vault_key = holder.vault_key
            documents = session.scalar(select(func.count()).select_from(Document)
                                       .where(Document.owner_id == holder.id)) or 0
        self._keyring.shred(vault_key)
        with self._unit() as session:
            audit(session, actor, "vault.shredded", "owner", vault_key,
                  {"documents": documents, "reason": reason[:500]})
        log.warning("vault of owner %s crypto-shredded (%d documents)", owner.masked, documents)
        return documents

    def seal_existing(self, is_sealed: Callable[[str], bool],
                      progress: Callable[[int, int], None] | None = None) -> int:
        """Encrypt blobs stored before encryption at rest: each is read (checked against its
        SHA-256), written again sealed under a new name, its rows pointed at it, and the
        plaintext object deleted. Safe to stop and run again. Returns blobs sealed."""
        with self._sessions() as session:
            stored = session.execute(
                select(FileVersion.blob_key, FileVersion.sha256, Owner.vault_key)
                .join(Document, Document.id == FileVersion.document_id)
                .join(Owner, Owner.id == Document.owner_id)
                .where(FileVersion.within_id.is_(None))
                .union(select(FileHistory.blob_key, FileHistory.sha256, Owner.vault_key)
                       .join(FileVersion, FileVersion.id == FileHistory.file_version_id)
                       .join(Document, Document.id == FileVersion.document_id)
                       .join(Owner, Owner.id == Document.owner_id))).all()
        sealed = 0
        for index, (key, sha256, vault_key) in enumerate(stored, start=1):
            if not is_sealed(key):
                data = self._blobs.get(key, expected_sha256=sha256)
                new_key = self._blob_key(vault_key, data)
                self._blobs.put(new_key, data)
                with self._unit() as session:
                    for model in (FileVersion, FileHistory):
                        session.execute(update(model).where(model.blob_key == key)
                                        .values(blob_key=new_key))
                    audit(session, "system:seal-existing", "blob.sealed", "blob", new_key[:64],
                          {})
                if new_key != key:
                    self._blobs.delete(key)
                sealed += 1
            if progress:
                progress(index, len(stored))
        return sealed

    # -- helpers ------------------------------------------------------------------------
    def _blob_key(self, vault_key: str, data: bytes) -> str:
        digest = sha256_hex(data)
        name = self._keyring.blob_name(vault_key, digest) if self._keyring else digest
        return f"{vault_key}/{name}"

    @staticmethod
    def _version(session: Session, document_id: str, role: FileRole, part: int) -> FileVersion:
        version = session.scalar(select(FileVersion).where(
            FileVersion.document_id == document_id, FileVersion.role == role.value,
            FileVersion.part == part))
        if version is None:
            raise NotFound(f"document {document_id} has no {role.value} file (part {part})")
        return version

    @staticmethod
    def _file_record(v: FileVersion) -> FileRecord:
        return FileRecord(v.id, v.role, v.part, v.sha256, v.size, v.media_type, v.filename,
                          v.parent_id, v.within_id, v.offset)

    def _bytes(self, session: Session, version: FileVersion) -> bytes:
        """A file's bytes, verified: its own blob, or its range of the file that holds it."""
        if version.within_id is None or version.offset is None:
            return self._blobs.get(version.blob_key, expected_sha256=version.sha256)
        holder = session.get(FileVersion, version.within_id)
        assert holder is not None
        whole = self._blobs.get(holder.blob_key, expected_sha256=holder.sha256)
        data = whole[version.offset: version.offset + version.size]
        verify_bytes(version.blob_key, data, version.sha256)
        return data

    def _owner(self, session: Session, owner: OwnerId, *, create: bool) -> Owner | None:
        holder = session.scalar(select(Owner).where(Owner.identifier == owner.value))
        if holder is None and create:
            holder = Owner(identifier=owner.value, kind=owner.kind.value)
            session.add(holder)
            session.flush()
        return holder

    def _create_owner(self, owner: OwnerId) -> str:
        """The owner's vault key, creating the owner in a transaction of its own; two
        counters creating the same owner at once both end up with the one row."""
        try:
            with self._unit() as session:
                holder = self._owner(session, owner, create=True)
                assert holder is not None
                return holder.vault_key
        except IntegrityError:
            with self._sessions() as session:
                holder = self._owner(session, owner, create=False)
                assert holder is not None
                return holder.vault_key

    def _dossier_for(self, session: Session, code: str, owner_pk: int | None) -> int:
        dossier = session.scalar(select(Dossier).where(Dossier.code == code))
        if dossier is None:
            raise NotFound(f"không tìm thấy hồ sơ {code} (no dossier {code})")
        if dossier.owner_id != owner_pk:
            raise DossierMismatch(
                f"hồ sơ {code} thuộc về người khác (dossier {code} belongs to another owner)"
            )
        return dossier.id

    @staticmethod
    def _document(session: Session, document_id: str) -> Document:
        document = session.scalar(select(Document).where(Document.id == document_id)
                                  .options(selectinload(Document.owner)).with_for_update())
        if document is None:
            raise NotFound(f"không tìm thấy tài liệu {document_id} (no document {document_id})")
        return document

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

    def _record(self, session: Session, document_id: str) -> DocumentRecord:
        document = session.scalar(
            select(Document).where(Document.id == document_id)
            .options(selectinload(Document.versions), selectinload(Document.owner),
                     selectinload(Document.dossier))
        )
        if document is None:
            raise NotFound(f"không tìm thấy tài liệu {document_id} (no document {document_id})")
        files = [self._file_record(v)
                 for v in sorted(document.versions, key=lambda v: (v.role, v.part))]
        return DocumentRecord(
            id=document.id, owner=document.owner.identifier, title=document.title,
            doc_type=document.doc_type, status=document.status, page_count=document.page_count,
            operator=document.operator_name, scanned_at=document.scanned_at,
            created_at=document.created_at,
            dossier=document.dossier.code if document.dossier else None, files=files,
            text_chars=document.text_chars, page_quality=list(document.page_quality or []),
            record=DigitisationRecord(
                doc_type_code=None if document.doc_type == "unknown" else document.doc_type,
                doc_name=document.title, number_symbol=document.number_symbol,
                issue_date=document.issue_date, issuing_body=document.issuing_body,
                summary=document.summary, valid_until=document.valid_until,
                validity_scope=document.validity_scope, signer_name=document.signer_name,
                signer_position=document.signer_position, kind=document.kind,
            ),
            result_code=document.result_code,
            extraction=list(document.extraction or []),
            extraction_method=document.extraction_method,
            procedure=document.dossier.procedure if document.dossier else None,
            revoked_at=document.revoked_at, revocation_reason=document.revocation_reason,
        )



def _agency_record(agency: Agency) -> AgencyRecord:
    return AgencyRecord(agency.code, agency.name, agency.valid_from, agency.valid_to)


def _apply(document: Document, record: DigitisationRecord) -> None:
    """Copy the record onto the row; doc_type_code and doc_name live in doc_type and title."""
    document.doc_type = (record.doc_type_code or "unknown")[:64]
    if record.doc_name:
        document.title = record.doc_name[:500]
    document.kind = record.kind
    document.number_symbol = _cut(record.number_symbol, 64)
    document.issue_date = record.issue_date
    document.issuing_body = _cut(record.issuing_body, 200)
    document.summary = _cut(record.summary, 500)
    document.valid_until = record.valid_until
    document.validity_scope = _cut(record.validity_scope, 255)
    document.signer_name = _cut(record.signer_name, 100)
    document.signer_position = _cut(record.signer_position, 100)


def _already_certified() -> AlreadyCertified:
    return AlreadyCertified("tài liệu đã có bản sao điện tử của cơ quan "
                            "(the document already has a certified copy)")


def _conversion_row(document_id: str, new: NewConversion, source_sha256: str) -> Conversion:
    return Conversion(
        code=new.code, document_id=document_id, direction=new.direction.value,
        issued_at=new.issued_at, converter=new.converter[:255], agency_code=new.agency_code,
        agency_name=new.agency_name[:255], source_sha256=source_sha256, copy_form=new.copy_form)


def _cut(value: str | None, size: int) -> str | None:
    value = (value or "").strip()
    return value[:size] or None


def _text_chars(files: list[NewFile]) -> int:
    """Characters of recognised text, page breaks and blank space not counted."""
    text = next((f for f in files if f.role == FileRole.TEXT), None)
    if text is None:
        return 0
    return sum(1 for ch in text.data.decode("utf-8", "replace") if not ch.isspace())


__all__ = ["Vault"]
