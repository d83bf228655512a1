"""What the vault hands to the archive (nộp lưu): closed dossiers, whole, and the mark of
their transfer.

A dossier goes to the agency archive once its work has ended (TT 13/2023/TT-BNV):
its own documents, the vault documents it reused, its history and opinions. The
archive reads them as it reads everything here — through the access rule and
into the audit trail — and once the transfer is recorded, archivists see the
dossier (``vault.access``).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from sqlalchemy import or_, select
from sqlalchemy.orm import Session, selectinload

from kernel import OwnerId, Role, Viewer, parse_owner_id
from storage import verify_bytes

from .audit import audit
from .case_records import DossierRecord
from .case_rows import dossier_record_of
from .errors import CodeConflict, Forbidden, InvalidTransition, NotFound
from .models import Agency, Document, Dossier, DossierComponent, DossierEvent, FileVersion
from .records import DocumentRecord
from .search_log import note_changed
from .store import VaultStore

#: Who prepares and hands over the archive: the receiving agency's staff, archivists.
_ARCHIVE_ROLES = (Role.ARCHIVIST, Role.STAFF, Role.SYSTEM)


@dataclass(frozen=True)
class EndedDossier:
    """A dossier whose work has ended, as the due list shows it (no personal data)."""

    code: str
    agency: str
    procedure: str | None
    status: str
    ended_at: datetime
    archived_at: datetime | None


@dataclass(frozen=True)
class ArchivalFile:
    """One stored file of a document; ``read`` gives its verified bytes."""

    role: str
    part: int
    sha256: str
    size: int
    media_type: str
    filename: str
    created_at: datetime
    read: Callable[[], bytes]


@dataclass(frozen=True)
class ArchivalDocument:
    record: DocumentRecord
    files: tuple[ArchivalFile, ...]
    #: The component of the dossier the document satisfies, if it is one.
    component: str | None
    #: The agency that digitised or issued it.
    agency: str | None = None


@dataclass(frozen=True)
class ArchivalDossier:
    """A closed dossier, whole: what an archival package is made from."""

    dossier: DossierRecord
    agency_name: str
    owner_kind: str
    owner_name: str | None
    ended_at: datetime
    documents: tuple[ArchivalDocument, ...]


class Archival(VaultStore):
    """Closed dossiers for the archive."""

    def ended_dossiers(self, *, viewer: Viewer, ended_before: datetime | None = None,
                       include_archived: bool = False, limit: int = 500,
                       offset: int = 0) -> list[EndedDossier]:
        """Dossiers whose work ended (before ``ended_before``), oldest end first: staff see
        their agency's, archivists every agency's. Codes and dates only, no content."""
        self._check_archive_role(viewer)
        query = select(Dossier).where(Dossier.ended_at.is_not(None)).options(
            selectinload(Dossier.agency))
        if viewer.role is Role.STAFF:
            query = query.where(Dossier.agency.has(code=viewer.agency))
        if ended_before is not None:
            query = query.where(Dossier.ended_at < ended_before)
        if not include_archived:
            query = query.where(Dossier.archived_at.is_(None))
        with self._reads() as session:
            rows = session.scalars(query.order_by(Dossier.ended_at, Dossier.id)
                                   .limit(limit).offset(offset)).all()
            return [EndedDossier(d.code, d.agency.code, d.procedure, d.status,
                                 d.ended_at, d.archived_at)
                    for d in rows if d.ended_at is not None]

    def archival_dossier(self, code: str, *, viewer: Viewer) -> ArchivalDossier:
        """The whole closed dossier ``code``; NotFound for a viewer who may not archive it,
        InvalidTransition while its work goes on."""
        self._check_archive_role(viewer)
        with self._unit() as session:
            dossier = session.scalar(select(Dossier).where(Dossier.code == code))
            if dossier is None or (viewer.role is Role.STAFF
                                   and dossier.agency.code != viewer.agency):
                raise NotFound(f"không tìm thấy hồ sơ {code} (no dossier {code})")
            if dossier.ended_at is None:
                raise InvalidTransition(f"hồ sơ {code} chưa kết thúc ({dossier.status}): chỉ "
                                        "nộp lưu hồ sơ đã kết thúc (the dossier is still open)")
            component_of = {c.document_id: c.code for c in dossier.components if c.document_id}
            documents = session.scalars(self._loaded(select(Document).where(or_(
                Document.dossier_id == dossier.id,
                Document.id.in_(select(DossierComponent.document_id).where(
                    DossierComponent.dossier_id == dossier.id)))))).all()
            audit(session, viewer.actor, "dossier.archive_read", "dossier", code, {
                "documents": len(documents), "role": viewer.role.value})
            last = _LastBlob(self._verified_blob)
            return ArchivalDossier(
                dossier_record_of(session, dossier), dossier.agency.name,
                dossier.owner.kind, dossier.owner.display_name, dossier.ended_at,
                tuple(ArchivalDocument(self._record_of(d), self._files(d, last),
                                       component_of.get(d.id),
                                       d.agency.code if d.agency else None)
                      for d in documents))

    def mark_archived(self, code: str, at: datetime, *, viewer: Viewer) -> None:
        """Record the hand-over on the dossier: from now on archivists see it."""
        self._check_archive_role(viewer)
        with self._unit() as session:
            dossier = session.scalar(select(Dossier).where(Dossier.code == code)
                                     .with_for_update())
            if dossier is None:
                raise NotFound(f"không tìm thấy hồ sơ {code} (no dossier {code})")
            dossier.archived_at = at
            note_changed(session, session.scalars(select(Document.id).where(
                Document.dossier_id == dossier.id)))

    def restore_dossier(self, record: dict[str, Any], read: Callable[[str], bytes], *,
                        viewer: Viewer) -> DossierRecord:
        """Re-ingest a dossier from an archival package's record (``sohoa archive import``):
        the agency, owner, dossier, components, history, and every document with its files
        byte for byte. Documents already here (a vault document it reused) are kept as they
        are when their files match. Blobs first, then all rows in one transaction."""
        if viewer.role not in (Role.ARCHIVIST, Role.SYSTEM):
            raise Forbidden("chỉ người làm lưu trữ nhập gói hồ sơ (archivists only)")
        data = record["dossier"]
        code = data["code"]
        owner = parse_owner_id(data["owner"])
        with self._sessions() as session:
            if session.scalar(select(Dossier.id).where(Dossier.code == code)) is not None:
                raise CodeConflict(f"hồ sơ {code} đã có trong hệ thống (already here)")
            present = {d.id: d for d in session.scalars(select(Document).where(Document.id.in_(
                [doc["id"] for doc in record["documents"]])).options(
                    selectinload(Document.versions)))}
            for doc in record["documents"]:
                if doc["id"] in present and _hashes(present[doc["id"]]) != {
                        (f["role"], f["part"], f["sha256"]) for f in doc["files"]}:
                    raise CodeConflict(f"tài liệu {doc['id']} đã có với nội dung khác "
                                       "(a document with this ID holds other files)")
        vault_key = self._create_owner(owner)
        stored: dict[str, str] = {}
        for doc in record["documents"]:
            if doc["id"] in present:
                continue
            paths = {f["id"]: f["path"] for f in doc["files"]}
            for f in sorted(doc["files"], key=_contained):
                content = read(f["path"])
                verify_bytes(f["path"], content, f["sha256"])
                if _contained(f):
                    # Stored as a range of the file that holds it, as it was here before.
                    start = f["offset"]
                    held = read(paths[f["within_id"]])[start: start + f["size"]]
                    verify_bytes(f["path"], held, f["sha256"])
                    stored[f["id"]] = stored[f["within_id"]]
                    continue
                stored[f["id"]] = self._store_file(vault_key, content, f["media_type"]).key
        with self._unit() as session:
            dossier = self._restored_dossier(session, data, owner)
            for doc in record["documents"]:
                if doc["id"] not in present:
                    self._restored_document(session, doc, dossier, stored)
                if doc.get("component"):
                    for component in dossier.components:
                        if component.code == doc["component"]:
                            component.document_id = doc["id"]
            audit(session, viewer.actor, "archive.import", "dossier", code, {
                "documents": len(record["documents"]), "new": len(record["documents"])
                - len(present)})
            session.flush()
            return dossier_record_of(session, dossier)

    def _restored_dossier(self, session: Session, data: dict[str, Any],
                          owner: OwnerId) -> Dossier:
        agency = session.scalar(select(Agency).where(Agency.code == data["agency"]))
        if agency is None:
            agency = Agency(code=data["agency"], name=data.get("agency_name") or data["agency"])
            session.add(agency)
        holder = self._owner(session, owner, create=True)
        assert holder is not None
        if data.get("owner_name") and not holder.display_name:
            holder.display_name = data["owner_name"]
        dossier = Dossier(
            code=data["code"], agency=agency, owner=holder,
            received_on=date.fromisoformat(data["received_on"]),
            sequence=int(data["code"].rsplit("-", 1)[1]), procedure=data.get("procedure"),
            status=data["status"], due_on=_day(data.get("due_on")),
            completed_at=_moment(data.get("completed_at")),
            ended_at=_moment(data.get("ended_at")),
            archived_at=_moment(data.get("archived_at")))
        session.add(dossier)
        session.flush()
        for c in data["components"]:
            session.add(DossierComponent(dossier_id=dossier.id, code=c["code"], name=c["name"],
                                         required=c["required"], source=c.get("source"),
                                         reason=c.get("reason")))
        for h in data["history"]:
            session.add(DossierEvent(
                dossier_id=dossier.id, at=datetime.fromisoformat(h["at"]), actor=h["actor"],
                kind=h["kind"], from_status=h.get("from"), to_status=h.get("to"),
                reason_code=h.get("reason_code"), text=h.get("text"),
                official=h.get("official"), position=h.get("position"),
                details=h.get("details") or {}))
        session.flush()
        session.refresh(dossier)
        return dossier

    def _restored_document(self, session: Session, doc: dict[str, Any], dossier: Dossier,
                           stored: dict[str, str]) -> None:
        fields = doc["record"]
        agency_id = session.scalar(select(Agency.id).where(Agency.code == doc.get("agency"))) \
            if doc.get("agency") else None
        document = Document(
            id=doc["id"], owner_id=dossier.owner_id,
            dossier_id=dossier.id if doc.get("dossier") == dossier.code else None,
            agency_id=agency_id, doc_type=doc["doc_type"], title=doc["title"],
            status=doc["status"], page_count=doc["page_count"], text_chars=doc["text_chars"],
            operator_name=doc["operator"], scanned_at=datetime.fromisoformat(doc["scanned_at"]),
            created_at=datetime.fromisoformat(doc["created_at"]),
            page_quality=doc["page_quality"], kind=fields.get("kind") or "COMPONENT",
            number_symbol=fields.get("number_symbol"), issue_date=_day(fields.get("issue_date")),
            issuing_body=fields.get("issuing_body"), summary=fields.get("summary"),
            valid_until=_day(fields.get("valid_until")),
            validity_scope=fields.get("validity_scope"), signer_name=fields.get("signer_name"),
            signer_position=fields.get("signer_position"), result_code=doc.get("result_code"),
            extraction=doc.get("extraction") or [],
            extraction_method=doc.get("extraction_method"),
            revoked_at=_moment(doc.get("revoked_at")),
            revocation_reason=doc.get("revocation_reason"))
        session.add(document)
        session.flush()
        versions = {f["id"]: FileVersion(
            id=f["id"], document_id=document.id, role=f["role"], part=f["part"],
            blob_key=stored[f["id"]], sha256=f["sha256"], size=f["size"],
            media_type=f["media_type"], filename=f["filename"], parent_id=f.get("parent_id"),
            created_at=datetime.fromisoformat(f["created_at"])) for f in doc["files"]}
        session.add_all(versions.values())
        session.flush()
        # Then the ranges: a PDF/A held in its signed PDF points at a row that names it as
        # its parent, so the two links cannot both be written in one insert.
        for f in filter(_contained, doc["files"]):
            versions[f["id"]].within_id, versions[f["id"]].offset = f["within_id"], f["offset"]
        session.flush()
        self._reindex(session, document)

    def _files(self, document: Document, last: _LastBlob) -> tuple[ArchivalFile, ...]:
        return tuple(ArchivalFile(v.role, v.part, v.sha256, v.size, v.media_type, v.filename,
                                  v.created_at, self._reader(v.id, last))
                     for v in sorted(document.versions, key=lambda v: (v.created_at, v.role,
                                                                       v.part)))

    def _reader(self, version_id: str, last: _LastBlob) -> Callable[[], bytes]:
        def read() -> bytes:
            with self._sessions() as session:
                version = session.get(FileVersion, version_id)
                assert version is not None
                return self._bytes(session, version, last.get)
        return read

    @staticmethod
    def _check_archive_role(viewer: Viewer) -> None:
        if viewer.role not in _ARCHIVE_ROLES or (viewer.role is Role.STAFF and not viewer.agency):
            raise Forbidden("chỉ người làm lưu trữ và cán bộ của cơ quan tiếp nhận mới nộp lưu "
                            "hồ sơ (archivists and the receiving agency's staff only)")


class _LastBlob:
    """The last whole blob one dossier's readers opened, verified, kept for the next read.

    A document's scan and PDF/A are byte ranges of its signed PDF, stored once;
    packaging reads the three files one after the other, and without this each read
    fetched, decrypted and hashed the whole signed PDF again. Keeping one blob only
    bounds the memory a large dossier takes.
    """

    def __init__(self, read: Callable[[str, str], bytes]) -> None:
        self._read = read
        self._key: tuple[str, str] | None = None
        self._data = b""

    def get(self, key: str, sha256: str) -> bytes:
        if self._key != (key, sha256):
            self._data, self._key = self._read(key, sha256), (key, sha256)
        return self._data


def _contained(file: dict[str, Any]) -> bool:
    """Whether a record's file is stored as a range of another file of its document."""
    return bool(file.get("within_id")) and file.get("offset") is not None


def _hashes(document: Document) -> set[tuple[str, int, str]]:
    return {(v.role, v.part, v.sha256) for v in document.versions}


def _day(text: str | None) -> date | None:
    return date.fromisoformat(text) if text else None


def _moment(text: str | None) -> datetime | None:
    return datetime.fromisoformat(text) if text else None
