"""A closed dossier from the vault, as the archival package ``archive`` writes.

This is where the vault's words become the archive's: the App. VI fields (the
file code ``<OrganId>.<Year>.<FileNotation>``, Maintenance from the retention
schedule, each document's number, date and signer), the files of each
representation with names built from the file code and the document's place in
it (TT 02/2019: "mã hồ sơ + số thứ tự văn bản"), and a PREMIS event for each
step the vault recorded.
"""

from __future__ import annotations

import mimetypes
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

from archive import (
    ORIGINAL,
    PRESERVATION,
    Agent,
    DocumentMetadata,
    DossierPackage,
    Event,
    FileMetadata,
    HistoryEntry,
    PackagedDocument,
    PackageFile,
    PdfChecker,
    PdfItem,
    file_code,
    premis as ev,
)
from archive.package import PayloadHook
from archive.validate import PDFA_ROLES, SIGNED_ROLES
from kernel import local_day
from retention import RetentionRule
from vault.archival import ArchivalDocument, ArchivalDossier, ArchivalFile

RECORD_FORMAT = "sohoa-archival-record/1"
#: Roles kept as received (the original representation); every other is a derivative.
ORIGINAL_ROLES = frozenset({"original"})
SOFTWARE = "software:sohoa"


@dataclass(frozen=True)
class PackagingContext:
    """What the package needs beyond the dossier itself."""

    rule: RetentionRule
    procedure_name: str | None
    type_name: Callable[[str], str]
    rights: str
    language: str
    now: datetime
    actor: str


def file_notation(dossier_code: str) -> str:
    """Số và ký hiệu hồ sơ: the dossier code without the agency code (``YYMMDD-NNNN``),
    unique within the agency, which App. VI's FileCode already names."""
    return dossier_code.split("-", 1)[1] if "-" in dossier_code else dossier_code


def _chronological(documents: tuple[ArchivalDocument, ...]) -> list[ArchivalDocument]:
    """Documents in the order they came to be: issue date when known, else when scanned."""
    return sorted(documents, key=lambda d: (d.record.record.issue_date
                                            or d.record.scanned_at.date(),
                                            d.record.scanned_at, d.record.id))


def _extension(file: ArchivalFile) -> str:
    if "." in file.filename:
        suffix = file.filename.rsplit(".", 1)[1].lower()
        if suffix.isalnum() and len(suffix) <= 5:
            return suffix
    return (mimetypes.guess_extension(file.media_type) or ".bin").lstrip(".")


def _split_number(number_symbol: str | None) -> tuple[str | None, str | None]:
    """``15/2026/QĐ-UBND`` → CodeNumber ``15``, CodeNotation ``2026/QĐ-UBND``."""
    if not number_symbol:
        return None, None
    number, _, notation = number_symbol.partition("/")
    return number.strip() or None, notation.strip() or None


def build_package(dossier: ArchivalDossier, context: PackagingContext) -> DossierPackage:
    record = dossier.dossier
    ended = local_day(dossier.ended_at)  # the day as the counter sees it, like received_on
    notation = file_notation(record.code)
    documents = _chronological(dossier.documents)
    organisation = Agent("org:" + record.agency, dossier.agency_name, "organization")
    agents: dict[str, Agent] = {organisation.key: organisation,
                                SOFTWARE: Agent(SOFTWARE, "sohoa (OCRmyPDF, Tesseract vie, "
                                                "pyHanko)", "software")}
    events: list[Event] = []
    packaged: list[PackagedDocument] = []
    metadata: list[DocumentMetadata] = []
    code = file_code(record.agency, record.received_on.year, notation)
    for ordinal, doc in enumerate(documents, start=1):
        key = f"doc-{ordinal:03d}"
        files = tuple(_package_file(code, ordinal, f) for f in doc.files)
        packaged.append(PackagedDocument(key, doc.record.title, files))
        metadata.append(_document_metadata(ordinal, doc, context))
        events += _document_events(key, doc, files, organisation.key, agents)
    all_paths = tuple(f.path for d in packaged for f in d.files)
    archivist = _person(agents, context.actor)
    events.append(Event("ev-fixity", ev.FIXITY_CHECK, context.now,
                        "Đối chiếu SHA-256 của từng tệp với giá trị ghi khi lưu "
                        "(each file checked against the SHA-256 recorded when stored)",
                        (SOFTWARE, archivist), all_paths))
    events.append(Event("ev-transfer", ev.TRANSFER, context.now,
                        "Đóng gói hồ sơ để nộp lưu vào Lưu trữ cơ quan (TT 13/2023/TT-BNV)",
                        (archivist, organisation.key), all_paths))
    rule = context.rule
    title = (f"Hồ sơ {context.procedure_name or record.procedure or 'thủ tục hành chính'} "
             f"— mã hồ sơ {record.code}")
    opener = next((h.actor for h in record.history if h.kind == "OPENED"), None)
    file_meta = FileMetadata(
        OrganId=record.agency, FileCatalog=record.received_on.year, FileNotation=notation,
        Title=title, Maintenance=rule.retention.maintenance, Rights=context.rights,
        Language=context.language, StartDate=record.received_on, EndDate=ended,
        DocTotal=len(documents), PageTotal=sum(d.record.page_count for d in documents),
        Creator=opener,
        Description=(f"Mã hồ sơ TTHC: {record.code}; thủ tục: {record.procedure or '—'}; "
                     f"thời hạn bảo quản theo: {rule.basis}")[:500],
        documents=tuple(metadata))
    history = tuple(HistoryEntry(h.at, h.kind, h.actor, h.from_status, h.to_status,
                                 h.reason_code, h.text, h.official, h.position)
                    for h in record.history)
    return DossierPackage(
        record.code, file_meta, tuple(packaged), history, tuple(agents.values()),
        tuple(events), _record_json(dossier, packaged, documents, rule), dossier.agency_name,
        context.now)


def _package_file(file_code: str, ordinal: int, file: ArchivalFile) -> PackageFile:
    representation = ORIGINAL if file.role in ORIGINAL_ROLES else PRESERVATION
    part = f".{file.part}" if file.part > 1 else ""
    name = f"{file_code}.{ordinal:03d}.{file.role}{part}.{_extension(file)}"
    return PackageFile(representation, name, file.media_type, file.sha256, file.size,
                       file.created_at, file.role, file.part, file.read)


def _document_metadata(ordinal: int, doc: ArchivalDocument,
                       context: PackagingContext) -> DocumentMetadata:
    record = doc.record.record
    number, notation = _split_number(record.number_symbol)
    description = f"Mã kết quả: {doc.record.result_code}" if doc.record.result_code else None
    return DocumentMetadata(
        DocOrdinal=ordinal, TypeName=context.type_name(doc.record.doc_type),
        Subject=record.summary or doc.record.title, PageAmount=doc.record.page_count,
        Language=context.language, CodeNumber=number, CodeNotation=notation,
        IssuedDate=record.issue_date, OrganName=record.issuing_body, Description=description,
        Position=record.signer_position, FullName=record.signer_name)


def _person(agents: dict[str, Agent], name: str) -> str:
    key = "person:" + name
    agents.setdefault(key, Agent(key, name, "person"))
    return key


def _document_events(key: str, doc: ArchivalDocument, files: tuple[PackageFile, ...],
                     organisation: str, agents: dict[str, Agent]) -> list[Event]:
    by_role = {(f.role, f.part): f for f in files}
    operator = _person(agents, doc.record.operator)
    found: list[Event] = []
    # The scan is the capture's outcome; when the scanner's file was not kept
    # (SOHOA_KEEP_SCANNER_FILE), the PDF/A made of it is.
    captured = (tuple(f.path for f in files if f.role in ORIGINAL_ROLES)
                or tuple(f.path for f in files if f.role in PDFA_ROLES))
    if captured:
        found.append(Event(f"ev-{key}-capture", ev.CAPTURE, doc.record.scanned_at,
                           "Số hóa giấy tờ tại bộ phận một cửa (scanned at the counter)",
                           (operator, organisation), captured))
    for role, kind, detail, agent in (
            ("pdfa", ev.NORMALIZATION, "Nhận dạng chữ (Tesseract vie) và tạo PDF/A "
             "(OCRmyPDF)", SOFTWARE),
            ("signed", ev.SIGNING, "Ký số PAdES của người thực hiện số hóa", operator),
            ("certified", ev.SIGNING, "Ký số của cơ quan trên bản sao điện tử", organisation)):
        made = by_role.get((role, 1))
        if made is not None:
            found.append(Event(f"ev-{key}-{role}", kind, made.created, detail, (agent,),
                               (made.path,)))
    return found


def signature_events(checker: PdfChecker, now: datetime) -> PayloadHook:
    """The PREMIS validation event of each signed file, from the verdict on the bytes just
    written into the package (not of another read of the vault): made now, or recorded
    when the file was signed or received and dated then (``archive.verdicts``)."""
    def events(package: DossierPackage, folder: Path) -> tuple[Event, ...]:
        signed = [(doc.key, f) for doc in package.documents for f in doc.files
                  if f.role in SIGNED_ROLES]
        verdicts = checker.check([PdfItem(folder / f.path, signed=True) for _, f in signed])
        found = []
        for (key, f), verdict in zip(signed, verdicts, strict=True):
            problems = ([verdict.problem] if verdict.problem
                        else verdict.signatures if verdict.signatures is not None
                        else ["không có chữ ký (not signed)"])
            when = ("" if verdict.checked_at is None else
                    " khi ký hoặc tiếp nhận; SHA-256 của tệp đối chiếu lại khi đóng gói "
                    "(checked when signed or received; the file's SHA-256 checked again "
                    "at packaging)")
            detail = f"Kiểm tra chữ ký số (pyHanko){when}: " + ("; ".join(problems) or "hợp lệ")
            found.append(Event(f"ev-{key}-{f.role}-{f.part}-validation",
                               ev.SIGNATURE_VALIDATION, verdict.checked_at or now,
                               detail[:1000], (SOFTWARE,), (f.path,),
                               "failure" if problems else "success"))
        return tuple(found)
    return events


def _record_json(dossier: ArchivalDossier, packaged: list[PackagedDocument],
                 documents: list[ArchivalDocument], rule: RetentionRule) -> dict[str, Any]:
    """sohoa's full account of the dossier, for ``sohoa archive import``."""
    record = dossier.dossier
    docs = []
    for package_doc, doc in zip(packaged, documents, strict=True):
        data = doc.record.as_dict()
        paths = {(f.role, f.part): f.path for f in package_doc.files}
        data["files"] = [{**f, "path": paths[(f["role"], f["part"])],
                          "created_at": _created(doc, f["role"], f["part"])}
                         for f in data["files"]]
        data["key"], data["component"], data["agency"] = (package_doc.key, doc.component,
                                                          doc.agency)
        docs.append(data)
    dossier_data = record.as_dict()
    dossier_data.update(agency_name=dossier.agency_name, owner_kind=dossier.owner_kind,
                        owner_name=dossier.owner_name,
                        ended_at=dossier.ended_at.astimezone(UTC).isoformat())
    return {"format": RECORD_FORMAT, "dossier": dossier_data, "documents": docs,
            "retention": {**rule.as_dict(), "disposal_from": _iso(
                rule.retention.disposal_from(local_day(dossier.ended_at)))}}


def _created(doc: ArchivalDocument, role: str, part: int) -> str:
    return next(f.created_at.isoformat() for f in doc.files if (f.role, f.part) == (role, part))


def _iso(day: date | None) -> str | None:
    return day.isoformat() if day else None
