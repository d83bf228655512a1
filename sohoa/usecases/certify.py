"""Conversion certificates, the public look-up and revocation of results (issue 4, items 7–10).

- ``certify_copy``: paper → electronic. The agency signs the digitised document
  "SAO Y" with the conversion mark, its time and agency, and a QR of the same
  (REGULATIONS 9.E.37–39); the copy is stored as the document's certified file.
- ``print_copy``: electronic → paper. A printable A4 PDF with the TT 01/2023 QR
  at the top-left, the statement of NĐ 45/2020 Art. 18 and, when asked, the formal
  "SAO Y" block with the agency's next copy number (9.E.40–41, 9.A.14).
- ``lookup``: what a look-up code's page says: valid, revoked, expired or unknown.
- ``registry_standing``: what the vault knows of a file someone uploads to verify; a
  revoked result (``Vault.revoke``, 9.C.25) is invalid, and so is every copy of it (9.E.42).
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import date, datetime
from typing import Any

from kernel import VIETNAM, Viewer
from signing import (
    BadSigningInput,
    CertificationBlock,
    ConversionData,
    FormalCopy,
    Issuer,
    PublicationData,
    certified_copy_request,
    paper_copy,
    paper_copy_request,
    register_copy_request,
    sign_pdf,
    verify_pdf,
)
from storage import sha256_hex
from vault import (
    Action,
    ConversionDirection,
    ConversionRecord,
    DocumentRecord,
    DocumentStanding,
    FileRecord,
    FileRole,
    LookupRecord,
    NewConversion,
    NewFile,
    NotFound,
    StoredFile,
    new_lookup_code,
)

from .needs import Certifying

#: The public look-up page reads the file to check its signatures; the owner's access
#: log shows those reads under this name.
LOOKUP_VIEWER = Viewer.system("public:lookup")


@dataclass(frozen=True)
class FormalOptions:
    """A formal paper copy (9.E.41): who signs it and who receives it; defaults from settings."""

    copy_form: str = "SAO Y"
    signer_position: str | None = None
    signer_name: str | None = None
    recipients: tuple[str, ...] = ()


def certify_copy(services: Certifying, document_id: str, *, converter: str | None = None,
                 copy_form: str = "SAO Y", qr: bool | None = None,
                 viewer: Viewer) -> ConversionRecord:
    """Sign the document's digitised file as the agency's certified electronic copy."""
    settings = services.settings
    services.vault.documents.authorise(document_id, viewer, Action.PROCESS)
    services.vault.conversions.check_issuable(document_id, certifying=True)
    source = _source(services, services.vault.documents.get_document(document_id, viewer=viewer), viewer)
    now = datetime.now(VIETNAM).replace(microsecond=0)
    code = new_lookup_code()
    issuer = services.issuer(acting_agency(services, viewer))
    use_qr = settings.agency.conversion_qr if qr is None else qr
    qr_text = ConversionData(settings.agency.conversion_mark, now, issuer.name,
                             issuer.lookup_url(code)).text() if use_qr else None
    request = certified_copy_request(issuer.key, services.stamp_font(), issuer.name,
                                     settings.agency.conversion_mark, copy_form, qr_text,
                                     settings.signing.agency_signature_level)
    certified = NewFile(FileRole.CERTIFIED.value, sign_pdf(source.data, request, services.trust,
                                                           now=now),
                        "application/pdf", parent=(FileRole.SIGNED.value, 1))
    services.archives.record_verdicts([certified])
    return services.vault.conversions.certify(
        document_id, certified,
        _conversion(issuer, code, ConversionDirection.PAPER_TO_ELECTRONIC, now,
                    converter or settings.records.default_operator),
        source_sha256=source.sha256, actor=viewer.actor)


def print_copy(services: Certifying, document_id: str, *, converter: str | None = None,
               formal: FormalOptions | None = None,
               viewer: Viewer) -> tuple[ConversionRecord, bytes]:
    """The printable paper copy of the document's best electronic file, and its record."""
    settings = services.settings
    services.vault.documents.authorise(document_id, viewer, Action.PROCESS)
    services.vault.conversions.check_issuable(document_id)
    document = services.vault.documents.get_document(document_id, viewer=viewer)
    issuer = services.issuer(acting_agency(services, viewer))
    sheet = _formal_copy(issuer, formal) if formal else None
    source = _source(services, document, viewer)
    now = datetime.now(VIETNAM).replace(microsecond=0)
    code = new_lookup_code()
    url = issuer.lookup_url(code)
    converter = (converter or settings.records.default_operator).strip()[:255]
    qr_text = _publication_data(services, document, now, url).text()
    block = CertificationBlock(settings.agency.system_name, document.result_code or document.id, code,
                               url, converter, now)

    def render(conversion: ConversionRecord) -> bytes:
        numbered = replace(sheet, copy_symbol=conversion.copy_symbol or "") if sheet else None
        return sign_pdf(paper_copy(source.data, qr_text, block, numbered), paper_copy_request(
            issuer.key, services.stamp_font(), issuer.name, code), services.trust, now=now)

    return services.vault.conversions.issue_copy(
        document_id,
        _conversion(issuer, code, ConversionDirection.ELECTRONIC_TO_PAPER, now, converter,
                    copy_form=sheet.copy_form if sheet else None),
        source_sha256=source.sha256, render=render, actor=viewer.actor)


def copy_from_register(services: Certifying, document_id: str, *, book: str, number: str,
                       converter: str | None = None,
                       viewer: Viewer) -> tuple[ConversionRecord, bytes]:
    """An electronic copy from the register the agency keeps (cấp bản sao từ sổ gốc,
    REGULATIONS 60): the digitised register page or original the agency holds, signed
    with the agency's own key, its record naming the register entry it comes from."""
    settings = services.settings
    book, number = " ".join(book.split())[:60], " ".join(number.split())[:30]
    if not book or not number:
        raise BadSigningInput("cần ghi tên sổ gốc và số của mục trong sổ (name the register "
                              "and the entry's number)")
    services.vault.documents.authorise(document_id, viewer, Action.PROCESS)
    services.vault.conversions.check_issuable(document_id)
    document = services.vault.documents.get_document(document_id, viewer=viewer)
    issuer = services.issuer(acting_agency(services, viewer))
    source = _source(services, document, viewer)
    now = datetime.now(VIETNAM).replace(microsecond=0)
    code = new_lookup_code()
    entry = f"Sổ {book}, số {number}"
    copy = sign_pdf(source.data, register_copy_request(
        issuer.key, services.stamp_font(), issuer.name, entry, code,
        settings.signing.agency_signature_level), services.trust, now=now)
    conversion = replace(_conversion(
        issuer, code, ConversionDirection.COPY_FROM_REGISTER, now,
        (converter or settings.records.default_operator).strip()[:255]), register_entry=entry)
    return services.vault.conversions.issue_copy(
        document_id, conversion, source_sha256=source.sha256, render=lambda _: copy,
        actor=viewer.actor)


def _publication_data(services: Certifying, document: DocumentRecord, now: datetime,
                      url: str) -> PublicationData:
    """The TT 01/2023 data set (9.A.14); validity and scope only on results."""
    result = document.record.kind == "RESULT"
    return PublicationData(
        dossier_code=document.dossier, procedure_code=document.procedure,
        owner_id=document.owner, document_name=document.title,
        system_name=services.settings.agency.system_name, published_at=now,
        valid_until=document.record.valid_until if result else None,
        validity_scope=document.record.validity_scope if result else None, lookup_url=url)


def _formal_copy(issuer: Issuer, formal: FormalOptions) -> FormalCopy:
    """The "SAO Y" block but for its number, which the register gives when the copy is made."""
    copy_form = formal.copy_form.strip().upper()
    if copy_form not in ("SAO Y", "SAO LỤC"):
        raise BadSigningInput("bản sao giấy từ bản điện tử là SAO Y hoặc SAO LỤC "
                              "(a paper copy of an electronic document is SAO Y or SAO LỤC)")
    position = (formal.signer_position or issuer.copy_signer_position).strip()
    name = (formal.signer_name or issuer.copy_signer_name).strip()
    if not position or not name:
        raise BadSigningInput("bản sao y cần chức vụ và họ tên người ký (a formal copy needs "
                              "the signer's position and name: give them, or set them for the "
                              "agency with 'sohoa admin agency set')")
    recipients = {"recipients": formal.recipients} if formal.recipients else {}
    return FormalCopy(copy_form, issuer.name, "", issuer.place, position, name, **recipients)


def _best_file(document: DocumentRecord) -> FileRecord:
    """The document's best electronic file: the certified copy, else the signed scan."""
    best = document.file(FileRole.CERTIFIED.value) or document.file(FileRole.SIGNED.value)
    if best is None:
        raise NotFound(f"tài liệu {document.id} chưa có bản ký số (the document has no signed "
                       f"file)")
    return best


def _source(services: Certifying, document: DocumentRecord, viewer: Viewer) -> StoredFile:
    return services.vault.documents.read_file(document.id, _best_file(document).role, viewer=viewer,
                                    purpose="chuyển đổi (conversion)")


def _conversion(issuer: Issuer, code: str, direction: ConversionDirection, now: datetime,
                converter: str, copy_form: str | None = None) -> NewConversion:
    return NewConversion(code=code, direction=direction, issued_at=now, converter=converter,
                         agency_code=issuer.code, agency_name=issuer.name,
                         copy_form=copy_form, agency_abbreviation=issuer.abbreviation)


def acting_agency(services: Certifying, viewer: Viewer) -> str:
    """The agency that performs an act: the staff member's own, else the deployment's."""
    return viewer.agency or services.settings.agency.code


# -- look-up ------------------------------------------------------------------------------
STATUS_VI = {
    "valid": "CÒN HIỆU LỰC", "revoked": "ĐÃ BỊ THU HỒI — KHÔNG CÒN GIÁ TRỊ SỬ DỤNG",
    "expired": "HẾT HIỆU LỰC", "unknown": "KHÔNG TÌM THẤY MÃ TRA CỨU",
}


@dataclass(frozen=True)
class LookupView:
    """What the public look-up page says of a code: nothing personal, nothing the QR lacks."""

    code: str
    status: str
    record: LookupRecord
    signatures: dict[str, Any]

    def as_dict(self) -> dict[str, Any]:
        conversion, document = self.record.conversion, self.record.document
        return {
            "code": self.code, "status": self.status, "status_vi": STATUS_VI[self.status],
            "valid": self.status == "valid",
            "conversion": {
                "direction": conversion.direction, "issued_at": conversion.issued_at.isoformat(),
                "agency": conversion.agency_name, "copy_symbol": conversion.copy_symbol,
                "register_entry": conversion.register_entry, "sha256": conversion.source_sha256,
            },
            "document": {
                "title": document.title, "kind": document.kind,
                "number_symbol": document.number_symbol, "issuer": document.issuing_body,
                "issue_date": _iso(document.issue_date), "valid_until": _iso(document.valid_until),
                "validity_scope": document.validity_scope,
                "revoked_at": document.revoked_at.isoformat() if document.revoked_at else None,
                "revocation_reason": document.revocation_reason,
            },
            "signatures": self.signatures,
        }


def lookup(services: Certifying, code: str, *, today: date | None = None) -> LookupView:
    """Resolve a look-up code; ``vault.NotFound`` when nobody issued it."""
    record = services.vault.conversions.lookup(code)
    status = record.document.status(today or datetime.now(VIETNAM).date())
    return LookupView(record.conversion.code, status, record,
                      _signature_status(services, record.document))


def _signature_status(services: Certifying, document: DocumentStanding) -> dict[str, Any]:
    """The signatures of the document's best file, checked at most once per cache period:
    the look-up page is public, and a full validation per visit would let anyone keep the
    server busy."""
    best = _best_file(services.vault.documents.get_document(document.document_id, viewer=LOOKUP_VIEWER))
    cached = services.signature_cache.get(best.sha256)
    if cached is not None:
        return cached
    stored = services.vault.documents.read_file(document.document_id, best.role, viewer=LOOKUP_VIEWER,
                                      purpose="tra cứu công khai (public look-up)")
    report = verify_pdf(stored.data, services.trust)
    newest = report.signatures[-1] if report.signatures else None
    summary = {
        "count": len(report.signatures), "valid": report.valid,
        "level": newest.level if newest else None,
        "organisation": newest.organisation if newest else None,
        "sha256": stored.sha256, "checked_at": datetime.now(VIETNAM).isoformat(),
        "verdict_vi": report.verdict_vi(),
    }
    services.signature_cache.put(best.sha256, summary)
    return summary


def registry_standing(services: Certifying, pdf: bytes) -> dict[str, Any]:
    """What the vault knows of an uploaded file: a revoked or expired result is invalid
    whatever its signatures say (9.C.25)."""
    standing = services.vault.conversions.standing_of_file(sha256_hex(pdf))
    if standing is None:
        return {"known": False}
    status = standing.status(datetime.now(VIETNAM).date())
    return {
        "known": True, "status": status, "status_vi": STATUS_VI[status],
        "revoked_at": standing.revoked_at.isoformat() if standing.revoked_at else None,
        "revocation_reason": standing.revocation_reason,
        "valid_until": _iso(standing.valid_until),
    }


def _iso(day: date | None) -> str | None:
    return day.isoformat() if day else None
