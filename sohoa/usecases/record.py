"""The digitisation record use case: extract after OCR, then confirm, correct and code.

After a document is filed (SCANNED) its text is read for fields (EXTRACTED).
When every required value was found with enough confidence the record is
stored at once (CODED, STORED); otherwise it waits for staff, who fill or
correct values. A value staff change is marked MANUAL (REGULATIONS 9.A.9).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import fields, replace
from datetime import date, datetime
from typing import Any

from digitize.extract import Extraction, ExtractionMethod, extract_fields
from digitize.idcard import CitizenCard
from digitize.result_code import CodeTemplate
from kernel import VIETNAM, OwnerKind, Viewer, is_personal_id, is_tax_code, parse_owner_id
from vault import Action, DigitisationRecord, DocumentRecord, InvalidRecordValue
from vault.unidentified import check_block

from .needs import Recording

#: Record field ← extracted field it is filled from.
FROM_EXTRACTION = {
    "doc_type_code": "doc_type", "doc_name": "doc_name", "number_symbol": "number_symbol",
    "issue_date": "issue_date", "issuing_body": "issuing_body", "summary": "summary",
    "signer_name": "signer_name", "signer_position": "signer_position",
}
EDITABLE = tuple(f.name for f in fields(DigitisationRecord))


def extract(services: Recording, record: DocumentRecord, pages: Sequence[str],
            confidences: Sequence[float | None], *, actor: str,
            doc_name: str | None = None,
            cards: Sequence[tuple[int, CitizenCard]] = ()) -> DocumentRecord:
    """Read the fields (SCANNED → EXTRACTED) and store the record if nothing needs review.

    ``doc_name`` is a title the officer typed at the counter: it wins over the
    one read from the page and is recorded as keyed (MANUAL).
    """
    extraction = extract_fields(pages, services.catalogue, page_confidence=confidences,
                                id_check=is_personal_id, tax_check=is_tax_code, cards=cards)
    if doc_name:
        extraction = extraction.corrected("doc_name", doc_name)
    draft = _draft(extraction, record.title)
    extracted = services.vault.filing.record_extraction(record.id, draft, extraction.as_list(),
                                                 actor=actor)
    if _confident(extraction, draft, services, record.owner) and not _text_unread(record):
        return _save(services, extracted, draft, extraction, actor=actor)
    return extracted


#: Page warnings after which a person must look before the record is stored: text the
#: reading missed (`digitize.ocr.coverage`), a page Tesseract ran out of time on, or one
#: whose reading is estimated to be often wrong (`digitize.ocr.estimate`).
REVIEW_WARNINGS = frozenset({"unread_text", "ocr_timeout", "many_errors"})


def _text_unread(record: DocumentRecord) -> bool:
    return any(warning.get("code") in REVIEW_WARNINGS
               for page in record.page_quality for warning in page.get("warnings", []))


def save(services: Recording, document_id: str, changes: Mapping[str, Any], *,
         viewer: Viewer) -> DocumentRecord:
    """Apply staff's values over the current record and store it; refused while incomplete."""
    services.vault.documents.authorise(document_id, viewer, Action.PROCESS)
    current = services.vault.documents.get_document(document_id, viewer=viewer)
    unknown = sorted(set(changes) - set(EDITABLE))
    if unknown:
        raise InvalidRecordValue(f"trường không có trong bản ghi (unknown fields): {', '.join(unknown)}")
    record = current.record
    extraction = Extraction.from_list(current.extraction)
    for name, value in changes.items():
        value = _typed(name, value)
        _plausible(name, value)
        if value == getattr(record, name):
            continue
        record = replace(record, **{name: value})
        if name in FROM_EXTRACTION:
            extraction = extraction.corrected(FROM_EXTRACTION[name], _text(value))
    return _save(services, current, record, extraction, actor=viewer.actor)


def _save(services: Recording, document: DocumentRecord, record: DigitisationRecord,
          extraction: Extraction, *, actor: str) -> DocumentRecord:
    code = record.doc_type_code or ""
    if code not in services.catalogue:
        raise InvalidRecordValue(
            f"mã loại giấy tờ {code!r} không có trong danh mục (document type not in the catalogue)"
        )
    owner = parse_owner_id(document.owner)
    unidentified = owner.kind is OwnerKind.UNIDENTIFIED
    if unidentified:
        # REGULATIONS 48: no ID, so the block says who the owner is, and the code's owner
        # segment stays empty.
        check_block(services.vault.unidentified.block_of(owner),
                    services.settings.records.supplementary_fields)
    prefix = services.code_template.prefix(
        owner_id="" if unidentified else document.owner, doc_type_code=code, kind=record.kind,
        number_symbol=record.number_symbol, dossier_code=document.dossier,
        year=record.issue_date.year if record.issue_date else None,
    )
    keyed = any(f.method is ExtractionMethod.MANUAL for f in extraction.fields
                if f.name in FROM_EXTRACTION.values())
    return services.vault.filing.save_record(
        document.id, record, code_prefix=prefix, make_code=CodeTemplate.code,
        extraction=extraction.as_list(), method="MANUAL" if keyed else "OCR", actor=actor,
    )


def _draft(extraction: Extraction, title: str) -> DigitisationRecord:
    values: dict[str, Any] = {name: extraction.value(source)
                              for name, source in FROM_EXTRACTION.items()}
    values["issue_date"] = _typed("issue_date", values["issue_date"])
    values["doc_name"] = values["doc_name"] or title
    return DigitisationRecord(**values)


def _confident(extraction: Extraction, draft: DigitisationRecord, services: Recording,
               owner: str) -> bool:
    if draft.missing(services.vault.required_fields, owner):
        return False
    threshold = services.settings.records.auto_store_confidence
    for name in services.vault.required_fields:
        source = FROM_EXTRACTION.get(name)
        found = extraction.get(source) if source else None
        if source and (found is None or found.confidence < threshold):
            return False
    return True


#: Archives hold papers from the late 19th century on; nothing older is a "giấy tờ".
EARLIEST_ISSUE = date(1850, 1, 1)


def _plausible(name: str, value: Any) -> None:
    """Staff's dates are checked against the calendar; OCR's are only drafts."""
    today = datetime.now(VIETNAM).date()
    if name == "issue_date" and value is not None and not EARLIEST_ISSUE <= value <= today:
        raise InvalidRecordValue(
            f"issue_date: ngày ban hành phải từ {EARLIEST_ISSUE.year} đến hôm nay "
            f"(an issue date lies between {EARLIEST_ISSUE.year} and today)")


def _typed(name: str, value: Any) -> Any:
    """Dates from ISO text; blank text as empty; everything else as trimmed text."""
    if value is None or value == "":
        return None
    if name in ("issue_date", "valid_until"):
        if not isinstance(value, date):
            try:
                value = date.fromisoformat(str(value))
            except ValueError:
                raise InvalidRecordValue(
                    f"{name}: ngày phải có dạng YYYY-MM-DD (a date must be YYYY-MM-DD)"
                ) from None
        return value
    text = str(value).strip()
    if name == "kind":
        text = text.upper()
    return text or None


def _text(value: Any) -> str:
    return value.isoformat() if isinstance(value, date) else str(value or "")
