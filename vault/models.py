"""Database rows of the vault: owners, agencies, dossiers, documents, file versions,
conversions. Rows with one owner module live there: grants (`vault.grants`), the audit
trail (`vault.audit`), data keys (`vault.keys`), counters (`vault.counters`).

Ids exposed to clients are random UUIDs, so that nobody can walk the vault by counting.
Owners carry a separate random ``vault_key`` used in blob keys: the personal ID never
reaches object storage, where bucket listings and access logs would show it.
"""

from __future__ import annotations

from datetime import date, datetime
from enum import StrEnum
from typing import Any

from sqlalchemy import (
    JSON,
    BigInteger,
    Boolean,
    Date,
    ForeignKey,
    Integer,
    LargeBinary,
    String,
    Text,
    UniqueConstraint,
    select,
)
from sqlalchemy.orm import Mapped, Session, mapped_column, relationship

from kernel import Base, UTCDateTime, new_uuid, utcnow
from storage.sealing import SHREDDED, RowSealer, SealedField, SealedRow, listen, new_row_id


class FileRole(StrEnum):
    """What a stored file is to its document."""

    ORIGINAL = "original"  # the scan exactly as received, never modified (REGULATIONS 9.A.3)
    PDFA = "pdfa"  # the searchable PDF/A made from it
    SIGNED = "signed"  # the PDF/A with the operator's signature, an incremental update
    TEXT = "text"  # the recognised text, pages separated by form feeds
    #: The agency's certified electronic copy of the paper (bản sao điện tử, "SAO Y"): the
    #: signed file plus the agency's signature showing the conversion mark (9.E.37–39).
    CERTIFIED = "certified"


class DocumentStatus(StrEnum):
    """Where a document stands in the four steps of TT 01/2023 Art. 7 (REGULATIONS 9.A.12)."""

    SCANNED = "SCANNED"
    EXTRACTED = "EXTRACTED"
    CODED = "CODED"
    STORED = "STORED"


class DossierStatus(StrEnum):
    """Where a dossier stands; the forms of TT 03/2025 App. I name each stop (REGULATIONS
    §9, 54). Stopping the normal course — asking for more, parking, returning — needs
    a reason code and a notice to the citizen (``vault.casework``)."""

    RECEIVED = "RECEIVED"  # tiếp nhận (Mẫu 01)
    PROCESSING = "PROCESSING"  # đang giải quyết
    SUPPLEMENT = "SUPPLEMENT"  # yêu cầu bổ sung, hoàn thiện hồ sơ (Mẫu 02)
    PARKED = "PARKED"  # tạm dừng giải quyết (Mẫu 05)
    RETURNED = "RETURNED"  # từ chối, trả lại hồ sơ (Mẫu 03)
    COMPLETED = "COMPLETED"  # đã có kết quả


class AgencyKind(StrEnum):
    """Where an agency sits in the province's tree (cây đơn vị)."""

    PROVINCE = "province"  # UBND tỉnh / thành phố
    DEPARTMENT = "department"  # sở, ban, ngành
    COMMUNE = "commune"  # UBND xã, phường, đặc khu
    UNIT = "unit"  # a unit under one of them (phòng, trung tâm, bộ phận một cửa)


class Agency(Base):
    """An agency (cơ quan) whose counter receives dossiers. Codes are data with validity dates:
    after a merger of units the old code stops at ``valid_to`` and names its successor.
    Agencies form the province's tree (``parent_id``; the province has none)."""

    __tablename__ = "agencies"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    code: Mapped[str] = mapped_column(String(32), unique=True)
    name: Mapped[str] = mapped_column(String(255))
    valid_from: Mapped[date | None] = mapped_column(Date)
    valid_to: Mapped[date | None] = mapped_column(Date)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    successor_id: Mapped[int | None] = mapped_column(ForeignKey("agencies.id"))
    parent_id: Mapped[int | None] = mapped_column(ForeignKey("agencies.id"), index=True)
    kind: Mapped[str | None] = mapped_column(String(16))


class Owner(SealedRow, Base):
    """A citizen or organisation (tổ chức, cá nhân) and their vault.

    The personal ID or tax code and the name are sealed under the vault's own data key
    (``storage.sealing``); ``id_index`` is the ID's blind index, for look-ups."""

    __tablename__ = "owners"
    sealing_order = 0  # sealed before the documents of the same flush

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    id_index: Mapped[str] = mapped_column(String(40), unique=True)
    kind: Mapped[str] = mapped_column(String(16))
    vault_key: Mapped[str] = mapped_column(String(36), unique=True, default=new_uuid)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    sealed: Mapped[bytes | None] = mapped_column(LargeBinary)

    identifier = SealedField("", shredded=SHREDDED)
    display_name: SealedField[str | None] = SealedField(None)
    #: Who the owner is when they have no personal ID or tax code (REGULATIONS 48): the
    #: supplementary-owner block, field by field.
    supplementary: SealedField[dict[str, str] | None] = SealedField(None)

    def sealing_vault(self, session: Session) -> str:
        return new_row_id(self, "vault_key")

    def sealing_row(self) -> str:
        return f"owners:{self.vault_key}"

    def before_sealing(self, sealer: RowSealer) -> None:
        self.id_index = sealer.blind(self.identifier)


class Dossier(Base):
    """A TTHC dossier (hồ sơ thủ tục hành chính) received at a counter.

    The code ``<agency>-<YYMMDD>-<NNNN>`` is generated once and never changes
    (REGULATIONS 9.B.15–16); ``agency_id`` is the agency responsible now, which a
    merger of units moves (``vault.reorganisation``) while the code keeps naming the
    unit that received it.
    """

    __tablename__ = "dossiers"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    code: Mapped[str] = mapped_column(String(64), unique=True)
    agency_id: Mapped[int] = mapped_column(ForeignKey("agencies.id"))
    owner_id: Mapped[int] = mapped_column(ForeignKey("owners.id"), index=True)
    received_on: Mapped[date] = mapped_column(Date)
    sequence: Mapped[int] = mapped_column(Integer)
    procedure: Mapped[str | None] = mapped_column(String(255))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    #: Set when the dossier is handed over to the archive (nộp lưu): from then on
    #: archivists see it (TT 13/2023/TT-BNV).
    archived_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    status: Mapped[str] = mapped_column(String(16), default=DossierStatus.RECEIVED.value)
    #: Ngày hẹn trả kết quả: the date promised on the receipt; moved only by an amendment.
    due_on: Mapped[date | None] = mapped_column(Date)
    completed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    #: When the work ended (công việc kết thúc): completed or returned. The year for the
    #: transfer to the archive and the retention period both count from this day.
    ended_at: Mapped[datetime | None] = mapped_column(UTCDateTime, index=True)

    agency: Mapped[Agency] = relationship()
    owner: Mapped[Owner] = relationship()
    components: Mapped[list[DossierComponent]] = relationship(
        back_populates="dossier", order_by="DossierComponent.id")
    history: Mapped[list[DossierEvent]] = relationship(
        back_populates="dossier", order_by="DossierEvent.id")


class DossierComponent(Base):
    """One component (thành phần hồ sơ) of a dossier and the document that satisfies it.

    ``source`` says how: ``VAULT`` — referenced from the owner's vault ("dẫn nguồn tài
    liệu từ Kho", REGULATIONS 55), ``SCAN`` — digitised at the counter, ``DOCUMENT`` — an
    electronic document the agency already held. A scan of a component the vault
    already satisfied carries the officer's written ``reason``.
    """

    __tablename__ = "dossier_components"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    dossier_id: Mapped[int] = mapped_column(ForeignKey("dossiers.id"), index=True)
    code: Mapped[str] = mapped_column(String(64))
    name: Mapped[str] = mapped_column(String(255))
    required: Mapped[bool] = mapped_column(Boolean, default=True)
    document_id: Mapped[str | None] = mapped_column(ForeignKey("documents.id"), index=True)
    source: Mapped[str | None] = mapped_column(String(16))
    reason: Mapped[str | None] = mapped_column(String(500))
    attached_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    attached_by: Mapped[str | None] = mapped_column(String(255))

    dossier: Mapped[Dossier] = relationship(back_populates="components")
    document: Mapped[Document | None] = relationship()


class DossierEvent(Base):
    """The processing history of a dossier (quá trình xử lý): every change of status with
    its reason, every amendment with the old and new value, every official's opinion
    (ý kiến, kept for the archive, REGULATIONS 9.D.27), component and result. Rows are
    only ever added: the history is how a dossier changes without its code changing."""

    __tablename__ = "dossier_events"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    dossier_id: Mapped[int] = mapped_column(ForeignKey("dossiers.id"), index=True)
    at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    actor: Mapped[str] = mapped_column(String(255))
    kind: Mapped[str] = mapped_column(String(16))
    from_status: Mapped[str | None] = mapped_column(String(16))
    to_status: Mapped[str | None] = mapped_column(String(16))
    reason_code: Mapped[str | None] = mapped_column(String(64))
    text: Mapped[str | None] = mapped_column(Text)
    official: Mapped[str | None] = mapped_column(String(100))
    position: Mapped[str | None] = mapped_column(String(100))
    details: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)

    dossier: Mapped[Dossier] = relationship(back_populates="history")


class Notice(Base):
    """A message to the owner about their dossier: what happened, why, what to do."""

    __tablename__ = "notices"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    owner_id: Mapped[int] = mapped_column(ForeignKey("owners.id"), index=True)
    dossier_id: Mapped[int | None] = mapped_column(ForeignKey("dossiers.id"), index=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    kind: Mapped[str] = mapped_column(String(16))
    reason_code: Mapped[str | None] = mapped_column(String(64))
    text: Mapped[str] = mapped_column(Text)

    dossier: Mapped[Dossier | None] = relationship()


class Document(SealedRow, Base):
    """One digitised paper document (giấy tờ) in an owner's vault.

    Everything read from the paper — the record's words and every extracted value —
    and the result code are sealed under the owner vault's data key
    (``storage.sealing``); codes, dates, sizes and states stay in columns."""

    __tablename__ = "documents"

    id: Mapped[str] = mapped_column(String(36), primary_key=True, default=new_uuid)
    owner_id: Mapped[int] = mapped_column(ForeignKey("owners.id"), index=True)
    dossier_id: Mapped[int | None] = mapped_column(ForeignKey("dossiers.id"), index=True)
    #: The agency that digitised or received the paper: its staff keep the record.
    agency_id: Mapped[int | None] = mapped_column(ForeignKey("agencies.id"), index=True)
    doc_type: Mapped[str] = mapped_column(String(64), default="unknown")
    status: Mapped[str] = mapped_column(String(16), default=DocumentStatus.SCANNED.value)
    page_count: Mapped[int] = mapped_column(Integer)
    text_chars: Mapped[int] = mapped_column(Integer, default=0)
    operator_name: Mapped[str] = mapped_column(String(255))
    scanned_at: Mapped[datetime] = mapped_column(UTCDateTime)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, index=True)
    #: The per-page quality report of digitisation (dpi, skew, confidence, warnings).
    page_quality: Mapped[list[dict[str, Any]]] = mapped_column(JSON, default=list)

    # The digitisation record (REGULATIONS 46–51); ``doc_type`` is its doc_type_code
    # and ``title`` its doc_name. Filled from extraction, confirmed or keyed by staff.
    kind: Mapped[str] = mapped_column(String(16), default="COMPONENT")
    issue_date: Mapped[date | None] = mapped_column(Date)
    valid_until: Mapped[date | None] = mapped_column(Date)
    #: The blind index of the result code (``storage.sealing``), for look-ups and uniqueness.
    result_code_index: Mapped[str | None] = mapped_column(String(40), unique=True)
    #: OCR when every record value came from the page, MANUAL when staff keyed any.
    extraction_method: Mapped[str | None] = mapped_column(String(8))
    #: Set once when a result is revoked (thu hồi, REGULATIONS 9.C.25); the document stays
    #: stored and retrievable, and every paper or electronic copy of it becomes invalid.
    revoked_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    revocation_reason: Mapped[str | None] = mapped_column(String(500))
    revoked_by: Mapped[str | None] = mapped_column(String(255))
    #: Who filed it and under which request (a job's group, a counter node's batch page):
    #: a retried or replayed filing finds its document instead of making a second one.
    intake_key: Mapped[str | None] = mapped_column(String(120), unique=True)

    sealed: Mapped[bytes | None] = mapped_column(LargeBinary)

    owner: Mapped[Owner] = relationship()
    dossier: Mapped[Dossier | None] = relationship()
    agency: Mapped[Agency | None] = relationship()
    versions: Mapped[list[FileVersion]] = relationship(
        back_populates="document", order_by="FileVersion.created_at"
    )

    title = SealedField("", shredded=SHREDDED, length=500)
    number_symbol: SealedField[str | None] = SealedField(None, length=64)
    issuing_body: SealedField[str | None] = SealedField(None, length=200)
    summary: SealedField[str | None] = SealedField(None, multiline=True, length=500)
    validity_scope: SealedField[str | None] = SealedField(None, multiline=True, length=255)
    signer_name: SealedField[str | None] = SealedField(None, length=100)
    signer_position: SealedField[str | None] = SealedField(None, length=100)
    #: Mã kết quả số hóa: assigned once at CODED, never changed (REGULATIONS 9.A.11, 50).
    result_code: SealedField[str | None] = SealedField(None)
    #: Every extracted value with its confidence and method (OCR, QR or MANUAL).
    extraction: SealedField[list[dict[str, Any]]] = SealedField([])
    #: The validation report of each signature the received file already carried (a
    #: PDF signed through VNeID or by a public CA), per original part; signers' names
    #: are personal data, so sealed.
    input_signatures: SealedField[list[dict[str, Any]]] = SealedField([])
    thumbnail: SealedField[str | None] = SealedField(None)  # page 1, small, for lists

    def sealing_vault(self, session: Session) -> str:
        return vault_of_owner(session, self.__dict__.get("owner"), self.owner_id)

    def sealing_row(self) -> str:
        return f"documents:{new_row_id(self)}"

    def before_sealing(self, sealer: RowSealer) -> None:
        self.result_code_index = sealer.blind(self.result_code) if self.result_code else None


class FileVersion(Base):
    """One stored file of a document; derived files point to their source (``parent``)."""

    __tablename__ = "file_versions"
    __table_args__ = (UniqueConstraint("document_id", "role", "part"),)

    id: Mapped[str] = mapped_column(String(36), primary_key=True, default=new_uuid)
    document_id: Mapped[str] = mapped_column(ForeignKey("documents.id"), index=True)
    role: Mapped[str] = mapped_column(String(16))
    part: Mapped[int] = mapped_column(Integer, default=1)
    blob_key: Mapped[str] = mapped_column(String(255))
    sha256: Mapped[str] = mapped_column(String(64))
    size: Mapped[int] = mapped_column(BigInteger)
    media_type: Mapped[str] = mapped_column(String(100))
    filename: Mapped[str] = mapped_column(String(255))
    parent_id: Mapped[str | None] = mapped_column(ForeignKey("file_versions.id"))
    #: Set when the file is stored as bytes ``offset … offset+size`` of another file's blob.
    within_id: Mapped[str | None] = mapped_column(ForeignKey("file_versions.id"))
    offset: Mapped[int | None] = mapped_column(BigInteger)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    document: Mapped[Document] = relationship(back_populates="versions")


class FileHistory(Base):
    """What a file held before an append-only update (an added signature or timestamp).

    The file keeps its identity and its place in the vault; its earlier content
    stays retrievable here, and is a prefix of the current one.
    """

    __tablename__ = "file_history"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    file_version_id: Mapped[str] = mapped_column(ForeignKey("file_versions.id"), index=True)
    blob_key: Mapped[str] = mapped_column(String(255))
    sha256: Mapped[str] = mapped_column(String(64))
    size: Mapped[int] = mapped_column(BigInteger)
    reason: Mapped[str] = mapped_column(String(64))
    replaced_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class ConversionDirection(StrEnum):
    PAPER_TO_ELECTRONIC = "paper_to_electronic"  # chuyển đổi từ giấy sang điện tử
    ELECTRONIC_TO_PAPER = "electronic_to_paper"  # chuyển đổi từ điện tử sang giấy
    COPY_FROM_REGISTER = "copy_from_register"  # cấp bản sao từ sổ gốc (REGULATIONS 60)
    CERTIFIED_FROM_ORIGINAL = "certified_from_original"  # chứng thực từ bản chính (61)


class Conversion(Base):
    """One conversion of a document between paper and electronic form (chuyển đổi).

    Each has a random look-up code (mã tra cứu), printed with its URL and QR, that
    answers whether the copy is still valid; the copy number of a formal "SAO Y"
    counts per agency and restarts at 01 each 1 January (REGULATIONS 9.E.41).
    """

    __tablename__ = "conversions"
    __table_args__ = (UniqueConstraint("agency_code", "copy_year", "copy_number"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    code: Mapped[str] = mapped_column(String(32), unique=True)
    document_id: Mapped[str] = mapped_column(ForeignKey("documents.id"), index=True)
    direction: Mapped[str] = mapped_column(String(24))
    issued_at: Mapped[datetime] = mapped_column(UTCDateTime)
    converter: Mapped[str] = mapped_column(String(255))
    agency_code: Mapped[str] = mapped_column(String(32))
    agency_name: Mapped[str] = mapped_column(String(255))
    #: The electronic file at the time of conversion: the one printed, or the one certified.
    source_sha256: Mapped[str] = mapped_column(String(64))
    #: What the conversion produced: the certified file, or the printable PDF.
    output_sha256: Mapped[str | None] = mapped_column(String(64), index=True)
    copy_form: Mapped[str | None] = mapped_column(String(16))
    copy_year: Mapped[int | None] = mapped_column(Integer)
    copy_number: Mapped[int | None] = mapped_column(Integer)
    copy_symbol: Mapped[str | None] = mapped_column(String(64))
    #: The entry of the agency's register (sổ gốc) a copy from the register comes from.
    register_entry: Mapped[str | None] = mapped_column(String(120))

    document: Mapped[Document] = relationship()


listen(Owner, Document)


def vault_of_owner(session: Session, owner: Any, owner_id: int | None) -> str:
    """The vault name of an owner row given as loaded object or as primary key."""
    if owner is not None:
        return str(owner.vault_key)
    vault = session.connection().execute(select(Owner.vault_key).where(Owner.id == owner_id))
    return str(vault.scalar_one())
