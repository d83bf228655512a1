"""Filing (lưu trữ vào kho): a digitised document and its files into the owner's vault,
and the digitisation record's steps (bóc tách, cấp mã, lưu trữ).

Writes are crash-safe in the order the house rules set: blobs first (each hash
recorded by the store), then all rows in one transaction; a crash in between leaves
orphan blobs for ``fsck`` to report, never a row without its blob.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Collection, Iterator
from datetime import datetime
from typing import Any, NotRequired, TypedDict, Unpack

from sqlalchemy import ColumnElement, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from kernel import OwnerId, mask_ids_in_text
from storage import BlobInfo, sha256_hex

from .audit import audit
from .counters import Counter, next_value
from .digitisation import DigitisationRecord, check_complete, check_transition
from .errors import CodeConflict, InvalidTransition, NotAnExtension, NotFound
from .fingerprints import ScanFingerprint
from .models import Agency, Document, DocumentStatus, Dossier, FileHistory, FileRole, FileVersion
from .records import DocumentRecord, FileRecord, NewFile
from .store import VaultStore

log = logging.getLogger(__name__)


class NewDocument(TypedDict):
    """A document to file: whose, what, by whom, with which files. ``agency_code`` is the
    agency that digitised it (its staff keep the record); ``intake_key`` names the
    request it comes from (`Filing.file_document`)."""

    owner: OwnerId
    title: str
    page_count: int
    operator: str
    scanned_at: datetime
    files: list[NewFile]
    actor: str
    dossier_code: NotRequired[str | None]
    agency_code: NotRequired[str | None]
    doc_type: NotRequired[str]
    page_quality: NotRequired[list[dict[str, Any]] | None]
    intake_key: NotRequired[str | None]
    #: Page 1, small (``digitize.thumbnail``), for the screens' lists.
    thumbnail: NotRequired[str | None]
    #: File nothing when a document of the dossier has an original of the same bytes:
    #: the same scan sent twice is answered with the document filed first.
    once_in_dossier: NotRequired[bool]
    #: SHA-256 of the scanner's files when they are not among ``files`` (not kept):
    #: the same scan is still known (`vault.fingerprints`).
    scan_sha256s: NotRequired[frozenset[str]]


class Filing(VaultStore):
    """Store documents and their files; take their records through to STORED."""

    def file_document(self, *, finish: Callable[[Session, Document], None] | None = None,
                      **filing: Unpack[NewDocument]) -> DocumentRecord:
        """Store a digitised document and its files in ``owner``'s vault; ``agency_code``
        is the agency that digitised it (its staff keep the record). ``finish`` completes
        the row in the same transaction (an issued result's code and record).

        ``intake_key`` names the request (a job's group, a counter node's batch part):
        filing again under the same key returns the document filed the first time, so
        a retried or replayed request never makes a second one."""
        if not any(f.role in (FileRole.ORIGINAL, FileRole.PDFA) for f in filing["files"]):
            raise ValueError("a document is filed with its scan or the PDF/A made of it")
        intake_key = filing.get("intake_key")
        if intake_key is not None and (earlier := self.filed_under(intake_key)) is not None:
            return earlier
        try:
            return self._file(filing, finish)
        except IntegrityError:
            # Another run of the same request filed it a moment ago: theirs stands.
            if intake_key is not None and (earlier := self.filed_under(intake_key)) is not None:
                return earlier
            raise

    def without_thumbnail(self, *, batch: int = 200) -> Iterator[DocumentRecord]:
        """Documents filed before thumbnails were drawn (or whose file could not be
        drawn), a batch of rows at a time: the thumbnail lives in the sealed record."""
        after = ""
        while True:
            with self._sessions() as session:
                rows = list(session.scalars(self._loaded(select(Document).where(
                    Document.id > after).order_by(Document.id).limit(batch))))
                found = [self._record_of(row) for row in rows if row.thumbnail is None]
            yield from found
            if len(rows) < batch:
                return
            after = rows[-1].id

    def set_thumbnail(self, document_id: str, thumbnail: str) -> None:
        """Keep a document's first page, small, for the screens' lists."""
        with self._unit() as session:
            self._document(session, document_id).thumbnail = thumbnail

    def filed_under(self, intake_key: str) -> DocumentRecord | None:
        """The document filed under ``intake_key``, if a run of that request got so far."""
        with self._sessions() as session:
            document_id = session.scalar(select(Document.id)
                                         .where(Document.intake_key == intake_key))
            return None if document_id is None else self._record(session, document_id)

    def _file(self, filing: NewDocument,
              finish: Callable[[Session, Document], None] | None) -> DocumentRecord:
        owner, files, page_count = filing["owner"], filing["files"], filing["page_count"]
        dossier_code, agency_code = filing.get("dossier_code"), filing.get("agency_code")
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
                infos[(new.role, new.part)] = self._store_file(vault_key, new.data,
                                                               new.media_type)
        with self._unit() as session:
            holder = self._owner(session, owner, create=False)
            assert holder is not None
            dossier_id = None
            if dossier_code is not None:
                dossier_id = self._dossier_for(session, dossier_code, holder.id)
                if filing.get("once_in_dossier") and (same := _same_original(
                        session, dossier_id, files, filing.get("scan_sha256s", frozenset()))
                ) is not None:
                    return self._record(session, same)
            agency_id = None
            if agency_code is not None:
                agency_id = session.scalar(select(Agency.id).where(Agency.code == agency_code))
                if agency_id is None:
                    raise NotFound(f"không có cơ quan mã {agency_code} (no agency {agency_code})")
            document = Document(
                owner_id=holder.id, dossier_id=dossier_id, agency_id=agency_id,
                doc_type=filing.get("doc_type", "unknown"), title=filing["title"],
                status=DocumentStatus.SCANNED.value, page_count=page_count,
                text_chars=_text_chars(files), operator_name=filing["operator"],
                scanned_at=filing["scanned_at"], page_quality=filing.get("page_quality") or [],
                intake_key=filing.get("intake_key"), thumbnail=filing.get("thumbnail"),
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
            session.add_all(ScanFingerprint(document_id=document.id, sha256=sha256)
                            for sha256 in sorted(filing.get("scan_sha256s", frozenset())))
            if finish is not None:
                finish(session, document)
            session.flush()
            self._reindex(session, document)
            audit(session, filing["actor"], "document.filed", "document", document.id, {
                "pages": page_count, "dossier": dossier_code,
                "files": [f"{n.role}:{n.part}" for n in files],
            })
            session.flush()
            record = self._record(session, document.id)
        log.info("filed document %s (%d pages) for owner %s", record.id, page_count, owner.masked)
        return record

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
            self._reindex(session, document)
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
            self._reindex(session, document)
            return self._record(session, document_id)

    def _advance(self, session: Session, document: Document, target: DocumentStatus,
                 actor: str) -> None:
        check_transition(document.status, target)
        audit(session, actor, "document.status", "document", document.id,
                    {"from": document.status, "to": target.value,
                     "result_code": mask_ids_in_text(document.result_code or "") or None})
        document.status = target.value

    def _free_code(self, session: Session, prefix: str,
                   make_code: Callable[[str, int], str]) -> str:
        """The next result code under ``prefix``. Codes are sealed, so the database cannot
        count them by prefix: a counter named by the prefix's blind index does, and codes
        found taken (issued before the counter existed) are stepped over."""
        counter = f"result-code:{self._sealer.blind(prefix)}"
        start = next_value(session, counter, lambda: 0)
        for sequence in range(start, start + 1000):
            code = make_code(prefix, sequence)
            if session.scalar(select(Document.id).where(
                    Document.result_code_index == self._sealer.blind(code))) is None:
                if sequence != start:
                    session.execute(update(Counter).where(Counter.name == counter)
                                    .values(value=sequence))
                return code
        raise CodeConflict(f"hết số thứ tự cho mã {mask_ids_in_text(prefix)} "
                           f"(no free code under this prefix)")

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
        blob = self._store_file(vault_key, data, version.media_type)
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

    def documents_with(self, role: FileRole) -> list[str]:
        """Ids of every document that has a ``role`` file, oldest first."""
        with self._sessions() as session:
            return list(session.scalars(
                select(Document.id).join(FileVersion, FileVersion.document_id == Document.id)
                .where(FileVersion.role == role.value).order_by(Document.created_at)
                .distinct()))


def _apply(document: Document, record: DigitisationRecord) -> None:
    """Copy the record onto the row; doc_type_code and doc_name live in doc_type and title."""
    document.doc_type = record.doc_type_code or "unknown"
    if record.doc_name:
        document.title = record.doc_name
    document.kind = record.kind
    document.number_symbol = _or_none(record.number_symbol)
    document.issue_date = record.issue_date
    document.issuing_body = _or_none(record.issuing_body)
    document.summary = _or_none(record.summary)
    document.valid_until = record.valid_until
    document.validity_scope = _or_none(record.validity_scope)
    document.signer_name = _or_none(record.signer_name)
    document.signer_position = _or_none(record.signer_position)


def _or_none(value: str | None) -> str | None:
    """Blank is no value; the field's length is kept by the model (`SealedField`)."""
    return (value or "").strip() or None


def _text_chars(files: list[NewFile]) -> int:
    """Characters of recognised text, page breaks and blank space not counted."""
    text = next((f for f in files if f.role == FileRole.TEXT), None)
    if text is None:
        return 0
    return sum(1 for ch in text.data.decode("utf-8", "replace") if not ch.isspace())


def _same_original(session: Session, dossier_id: int, files: list[NewFile],
                   scans: frozenset[str]) -> str | None:
    """A document of the dossier whose original has the bytes of one of ``files``'s
    originals (or of the scans not kept, ``scans``). The dossier's row is written first,
    as a lock: two filings of the same scan into one dossier take turns (a row lock in
    PostgreSQL, the write lock in SQLite), so the second sees the first."""
    session.execute(update(Dossier).where(Dossier.id == dossier_id).values(id=Dossier.id))
    digests = scans | {sha256_hex(new.data) for new in files
                       if new.role == FileRole.ORIGINAL.value}
    return with_original(session, digests, Document.dossier_id == dossier_id)


def with_original(session: Session, digests: Collection[str],
                  *where: ColumnElement[bool]) -> str | None:
    """A document (among those ``where`` picks) whose original scan has one of these
    SHA-256s, kept or only fingerprinted (`vault.fingerprints`): the same paper filed
    before."""
    if not digests:
        return None
    kept = select(FileVersion.document_id).join(
        Document, Document.id == FileVersion.document_id).where(
        FileVersion.role == FileRole.ORIGINAL.value, FileVersion.sha256.in_(digests), *where)
    fingerprinted = select(ScanFingerprint.document_id).join(
        Document, Document.id == ScanFingerprint.document_id).where(
        ScanFingerprint.sha256.in_(digests), *where)
    return session.scalar(kept.union_all(fingerprinted).limit(1))


__all__ = ["Filing", "NewDocument"]
