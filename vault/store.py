"""What every part of the vault service shares: sessions, blobs, the keyring, and the
small reads and checks each part builds on (an owner, a document, a file's bytes)."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import TypedDict, Unpack

from sqlalchemy import ColumnElement, Select, bindparam, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session, joinedload, selectinload, sessionmaker

from kernel import OwnerId, OwnerKind, Viewer
from storage import BlobInfo, BlobStore, sha256_hex, verify_bytes
from storage.encryption import EncryptingBlobStore
from storage.opened import Opened, whole_bytes
from storage.sealing import RowSealer, installed_sealer

from .access import AccessPath, access_to
from .digitisation import REQUIRED_FIELDS, DigitisationRecord
from .errors import (
    DossierMismatch,
    NotFound,
    VaultError,
)
from .keys import VaultKeyring
from .models import (
    Agency,
    Document,
    Dossier,
    FileRole,
    FileVersion,
    Owner,
)
from .procedures import ProcedureCatalogue
from .records import DocumentRecord, FileRecord
from .search import BlindIndex, IndexingOptions
from .search_log import note_changed


@dataclass(frozen=True)
class VaultState:
    """What every area of the vault works with: sessions (and the read-only ones for the
    hot read paths), the blob store, the keyring, the row sealer, the procedure
    catalogue, the fields a record needs and the blind search index."""

    sessions: sessionmaker[Session]
    reads: sessionmaker[Session]
    blobs: BlobStore
    keyring: VaultKeyring | None
    sealer: RowSealer
    required_fields: tuple[str, ...]
    procedures: ProcedureCatalogue
    index: BlindIndex | None
    #: Where the ranked index lives (``vault.search_indexer``); None: no search here.
    search: IndexingOptions | None = None


class VaultOptions(TypedDict, total=False):
    """What a vault may be given beside its sessions and blobs (see `vault_state`)."""

    required_fields: tuple[str, ...]
    keyring: VaultKeyring | None
    procedures: ProcedureCatalogue | None
    search_key: bytes | None
    search: IndexingOptions | None
    reads: sessionmaker[Session] | None
    sealer: RowSealer | None


def vault_state(sessions: sessionmaker[Session], blobs: BlobStore,
                **options: Unpack[VaultOptions]) -> VaultState:
    """``blobs`` is normally an ``EncryptingBlobStore`` over ``keyring``; without a
    keyring, blob names are the content's SHA-256 (tests of the plain stores).

    ``reads`` serves the hot read paths (get, list, search): sessions in autocommit,
    which spare a server database the BEGIN and ROLLBACK round trips around reads
    that change nothing. Default: ``sessions``.

    ``sealer`` seals the rows' personal data: by default the one installed on
    ``sessions``, else one made from the keyring and the search key and installed on
    both session factories."""
    keyring, search_key = options.get("keyring"), options.get("search_key")
    reads = options.get("reads")
    sealer = options.get("sealer") or installed_sealer(sessions)
    if sealer is None:
        if keyring is None or search_key is None:
            raise ValueError("the vault seals personal data in its rows: give it a sealer, "
                             "or a keyring and a search key")
        sealer = RowSealer(keyring, search_key)
        sealer.install(sessions, *([reads] if reads else []))
    return VaultState(sessions, reads or sessions, blobs, keyring, sealer,
                      options.get("required_fields", REQUIRED_FIELDS),
                      options.get("procedures") or ProcedureCatalogue.load(),
                      BlindIndex(search_key) if search_key else None, options.get("search"))


def _document_by_id(*, files: bool) -> Select[Document]:
    """One document by id (parameter ``document``) with what deciding who may see it
    needs joined in (owner, agency, dossier and its agency), and its file rows."""
    statement = select(Document).where(Document.id == bindparam("document")).options(
        joinedload(Document.owner), joinedload(Document.agency).load_only(Agency.code),
        joinedload(Document.dossier).load_only(
            Dossier.code, Dossier.procedure, Dossier.archived_at, Dossier.agency_id)
        .joinedload(Dossier.agency).load_only(Agency.code))
    return statement.options(joinedload(Document.versions)) if files else statement


# The statements of the hot reads are built once: building one and its cache key costs
# more Python than the database takes to run it.
_VISIBLE = _document_by_id(files=False)
_WITH_FILES = _document_by_id(files=True)


class VaultStore:
    """The helpers every area of the vault builds on (an owner, a document, a file's
    bytes, the index), over the state they share. Each area extends it and is one part
    of the ``Vault`` facade."""

    def __init__(self, state: VaultState) -> None:
        self._state = state
        self._sealer = state.sealer
        self._sessions = state.sessions
        self._reads = state.reads
        self._blobs = state.blobs
        self._keyring = state.keyring
        self.required_fields = state.required_fields
        self.procedures = state.procedures
        #: Blind tokens for the search index; None leaves documents unindexed.
        self._index = state.index

    @contextmanager
    def _unit(self) -> Iterator[Session]:
        with self._sessions() as session, session.begin():
            yield session

    @staticmethod
    def _access(session: Session, document_id: str, viewer: Viewer) -> AccessPath:
        return VaultStore._visible(session, document_id, viewer)[1]

    @staticmethod
    def _visible(session: Session, document_id: str, viewer: Viewer, *,
                 files: bool = False) -> tuple[Document, AccessPath]:
        """The document (with its file rows when ``files``) and how ``viewer`` reaches it,
        in one query; NotFound when they cannot see it, as when it does not exist."""
        document = session.scalars(_WITH_FILES if files else _VISIBLE,
                                   {"document": document_id}).unique().one_or_none()
        path = access_to(session, viewer, document) if document is not None else None
        if document is None or path is None:
            raise NotFound(f"không tìm thấy tài liệu {document_id} (no document {document_id})")
        return document, path

    @staticmethod
    def _check_holder(owner: OwnerId, viewer: Viewer) -> None:
        if not viewer.holds(owner.value):
            raise NotFound("không tìm thấy kho dữ liệu (no such vault)")

    def _blob_key(self, vault_key: str, data: bytes) -> str:
        return self._named(vault_key, sha256_hex(data))

    def _named(self, vault_key: str, digest: str) -> str:
        name = self._keyring.blob_name(vault_key, digest) if self._keyring else digest
        return f"{vault_key}/{name}"

    def _store_file(self, vault_key: str, data: bytes, content_type: str) -> BlobInfo:
        """Store one file of the vault under its name, hashing its bytes once."""
        digest = sha256_hex(data)
        return self._blobs.put(self._named(vault_key, digest), data, content_type=content_type,
                               sha256=digest)

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

    def _bytes(self, session: Session, version: FileVersion,
               blob: Callable[[str, str], bytes] | None = None) -> bytes:
        """A file's bytes, verified: its own blob, or its range of the file that holds it.
        ``blob`` (key, SHA-256 → verified bytes) replaces the store's read."""
        if blob is None:
            return self._opened(session, version).read()
        if version.within_id is None or version.offset is None:
            return blob(version.blob_key, version.sha256)
        holder = self._holder(session, version)
        data = blob(holder.blob_key, holder.sha256)[version.offset: version.offset + version.size]
        verify_bytes(version.blob_key, data, version.sha256)
        return data

    def _opened(self, session: Session, version: FileVersion, start: int = 0,
                length: int | None = None) -> Opened:
        """A file's bytes from ``start`` as they are read, verified: its own blob, or its
        range of the file that holds it (only that range is fetched; it is checked
        against its own SHA-256 before any of it is given)."""
        if version.within_id is None or version.offset is None:
            return self._open_blob(version.blob_key, version.sha256, start, length)
        holder = self._holder(session, version)
        data = self._open_blob(holder.blob_key, holder.sha256, version.offset,
                               version.size).read()
        verify_bytes(version.blob_key, data, version.sha256)
        return whole_bytes(data, start, length)

    @staticmethod
    def _holder(session: Session, version: FileVersion) -> FileVersion:
        holder = session.get(FileVersion, version.within_id)
        assert holder is not None
        return holder

    def _open_blob(self, key: str, sha256: str, start: int, length: int | None) -> Opened:
        if isinstance(self._blobs, EncryptingBlobStore):
            return self._blobs.open_plain(key, expected_sha256=sha256, start=start,
                                         length=length)
        return whole_bytes(self._blobs.get(key, expected_sha256=sha256), start, length)

    def _verified_blob(self, key: str, sha256: str) -> bytes:
        return self._blobs.get(key, expected_sha256=sha256)

    @staticmethod
    def _reindex(session: Session, document: Document) -> None:
        """Note the document for the search index: its record or text changed."""
        note_changed(session, [document.id])

    def _text_of(self, session: Session, version: FileVersion) -> str:
        try:
            return self._bytes(session, version).decode("utf-8", "replace")
        except VaultError:
            return ""

    def blind_index(self, owner: OwnerId) -> str:
        """The blind index rows of other packages find ``owner`` by (``storage.sealing``)."""
        return self._sealer.blind(owner.value)

    def _is_owner(self, owner: OwnerId | str) -> ColumnElement[bool]:
        """A WHERE clause on ``Owner``: the row of this personal ID or tax code."""
        return Owner.id_index == self._sealer.blind(owner if isinstance(owner, str) else owner.value)

    def _owner(self, session: Session, owner: OwnerId, *, create: bool,
               name: str | None = None) -> Owner | None:
        holder = session.scalar(select(Owner).where(self._is_owner(owner)))
        if holder is None and create and owner.kind is OwnerKind.UNIDENTIFIED:
            # A reference is given when the owner is registered with their block
            # (`vault.unidentified`); one typed that was never given names no one.
            raise NotFound(f"mã tham chiếu {owner.masked} chưa được đăng ký (no owner has "
                           "this reference)")
        if holder is None and create:
            holder = Owner(identifier=owner.value, kind=owner.kind.value, display_name=name)
            session.add(holder)
            session.flush()
        return holder

    def _create_owner(self, owner: OwnerId, *, name: str | None = None) -> str:
        """The owner's vault key, creating the owner (named ``name``) in a transaction of
        its own; two counters creating the same owner at once both end up with the one row."""
        try:
            with self._unit() as session:
                holder = self._owner(session, owner, create=True, name=name)
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

    @staticmethod
    def _loaded(statement: Select[Document]) -> Select[Document]:
        """``statement`` with what a ``DocumentRecord`` needs, loaded in a few queries."""
        return statement.options(selectinload(Document.versions), joinedload(Document.owner),
                                 joinedload(Document.dossier))

    def _record(self, session: Session, document_id: str) -> DocumentRecord:
        document = session.scalar(self._loaded(select(Document).where(Document.id == document_id)))
        if document is None:
            raise NotFound(f"không tìm thấy tài liệu {document_id} (no document {document_id})")
        return self._record_of(document)

    def _record_of(self, document: Document) -> DocumentRecord:
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
            input_signatures=list(document.input_signatures or []),
            intake_key=document.intake_key, thumbnail=document.thumbnail,
        )
