"""Issuing a dossier's result (kết quả giải quyết TTHC): check, sign as the agency, file.

The vault decides who may work on the dossier and files the result as
``<dossier code>-KQ<n>`` into the owner's vault (REGULATIONS 9.B.17, 9.C.24); this
use case adds what needs the service's keys: the agency's signature, with the
signer's image and the seal when given (9.F.43–44), else a text stamp with the
number and symbol (9.F.45).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime

from digitize.thumbnail import thumbnail
from kernel import Viewer
from signing import issued_request, sign_pdf
from vault import DocumentRecord, FileRole, InvalidRecordValue, NewFile

from .needs import Issuing
from .signatures import SignAs, SignOptions, sign_document
from .untrusted import checked_result_pdf


@dataclass(frozen=True)
class ResultFields:
    """What the agency writes on the result; it becomes the document's record."""

    title: str
    doc_type: str
    number_symbol: str
    issue_date: date | None = None
    valid_until: date | None = None
    validity_scope: str | None = None
    summary: str | None = None
    signer_name: str | None = None
    signer_position: str | None = None


def issue_result(services: Issuing, dossier_code: str, pdf: bytes, fields: ResultFields, *,
                 viewer: Viewer,
                 signature_png: bytes | None = None) -> DocumentRecord:
    """Sign ``pdf`` as the agency's result of the dossier and file it into the owner's vault.

    Who may is checked before the slow signing: only staff of the agency that
    received the dossier, while it is open. The unsigned PDF is kept as the
    original and the signed one beside it.
    """
    vault = services.vault
    agency = vault.casework.check_case_work(dossier_code, viewer=viewer)
    if fields.doc_type not in services.catalogue:
        raise InvalidRecordValue(f"loại giấy tờ {fields.doc_type!r} không có trong danh mục "
                                 f"(document type not in the catalogue)")
    pages = checked_result_pdf(pdf, services.settings, services.trust)
    settings = services.settings
    # The agency that received the dossier issues its result, with its own key.
    issuer = services.issuer(agency)
    if signature_png is not None and issuer.seal_png is not None:
        signed = sign_document(services, pdf, SignOptions(
            role=SignAs.RESULT, signer=fields.signer_name, signature_png=signature_png,
            username=viewer.username, agency=issuer.code))
    else:
        signed = sign_pdf(pdf, issued_request(
            issuer.key, services.stamp_font(), issuer.name, fields.number_symbol,
            settings.signing.agency_signature_level), services.trust)
    files = [
        NewFile(FileRole.ORIGINAL.value, pdf, "application/pdf"),
        NewFile(FileRole.SIGNED.value, signed, "application/pdf",
                parent=(FileRole.ORIGINAL.value, 1)),
    ]
    services.archives.record_verdicts(files)
    record = {
        "number_symbol": fields.number_symbol[:64], "issue_date": fields.issue_date
        or datetime.now(UTC).date(), "issuing_body": issuer.name[:200],
        "valid_until": fields.valid_until, "validity_scope": fields.validity_scope,
        "summary": fields.summary, "signer_name": fields.signer_name,
        "signer_position": fields.signer_position, "extraction_method": "MANUAL",
        "thumbnail": thumbnail(pdf),
    }
    return vault.casework.file_result(dossier_code, files=files, page_count=pages,
                             title=fields.title, doc_type=fields.doc_type, fields=record,
                             viewer=viewer)
