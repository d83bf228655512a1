"""How records are shown to programs: one JSON shape for the API and the CLI's ``--json``."""

from __future__ import annotations

from datetime import date
from typing import Any

from vault import REQUIRED_FIELDS, DigitisationRecord, DocumentRecord, FileRole


def document_summary(record: DocumentRecord,
                     required: tuple[str, ...] = REQUIRED_FIELDS) -> dict[str, Any]:
    """``{"id", "owner", "pages", "sha256", "signed", "text_chars", "warnings", "quality"}``.

    ``sha256`` is that of the signed copy; ``warnings`` are the staff-facing
    sentences of every page, ``quality`` the per-page measurements.
    """
    signed = record.file(FileRole.SIGNED.value)
    original = record.file(FileRole.ORIGINAL.value)
    return {
        "id": record.id,
        "owner": record.owner,
        "pages": record.page_count,
        "sha256": (signed or original).sha256 if (signed or original) else None,
        "signed": signed is not None,
        "text_chars": record.text_chars,
        "dossier": record.dossier,
        "status": record.status,
        "warnings": [
            {"page": page["page"], "code": w["code"], "message": w["message"]}
            for page in record.page_quality for w in page.get("warnings", [])
        ],
        "quality": record.page_quality,
        "result_code": record.result_code,
        "record": digitisation_record(record, required),
        "fields": record.extraction,
    }


def digitisation_record(record: DocumentRecord,
                        required: tuple[str, ...] = REQUIRED_FIELDS) -> dict[str, Any]:
    """The record of REGULATIONS 46–51 as staff see it, with what still blocks storing it."""
    values = {
        "doc_type_code": None if record.doc_type == "unknown" else record.doc_type,
        "owner_id": record.owner, "doc_name": record.title,
        "number_symbol": record.number_symbol,
        "issue_date": record.issue_date.isoformat() if record.issue_date else None,
        "issuing_body": record.issuing_body, "summary": record.summary,
        "valid_until": record.valid_until.isoformat() if record.valid_until else None,
        "validity_scope": record.validity_scope, "signer_name": record.signer_name,
        "signer_position": record.signer_position, "kind": record.kind,
    }
    draft = DigitisationRecord(**{k: v for k, v in values.items() if k != "owner_id"})
    return {
        **values,
        "result_code": record.result_code,
        "extraction_method": record.extraction_method,
        "missing": draft.missing(required, record.owner),
        "expired": record.expired(date.today()),
    }
