"""How records are shown to programs: one JSON shape for the API and the CLI's ``--json``."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from typing import Any

from vault import REQUIRED_FIELDS, ConversionRecord, DocumentRecord, FileRole


def document_summary(record: DocumentRecord,
                     required: tuple[str, ...] = REQUIRED_FIELDS) -> dict[str, Any]:
    """``{"id", "owner", "pages", "sha256", "signed", "text_chars", "warnings", "quality"}``.

    ``sha256`` is that of the signed copy; ``warnings`` are the staff-facing
    sentences of every page, ``quality`` the per-page measurements.
    """
    signed = record.file(FileRole.SIGNED.value)
    best = signed or record.file(FileRole.ORIGINAL.value)
    return {
        "id": record.id,
        "owner": record.owner,
        "pages": record.page_count,
        "sha256": best.sha256 if best else None,
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
        "revoked_at": record.revoked_at.isoformat() if record.revoked_at else None,
        "revocation_reason": record.revocation_reason,
        "record": digitisation_record(record, required),
        "fields": record.extraction,
    }


def digitisation_record(record: DocumentRecord,
                        required: tuple[str, ...] = REQUIRED_FIELDS) -> dict[str, Any]:
    """The record of REGULATIONS 46–51 as staff see it, with what still blocks storing it."""
    fields = record.record
    return {
        **fields.as_dict(),
        "owner_id": record.owner,
        "result_code": record.result_code,
        "extraction_method": record.extraction_method,
        "missing": fields.missing(required, record.owner),
        "expired": record.expired(date.today()),
    }


def conversion_summary(conversion: ConversionRecord,
                       lookup_url: Callable[[str, str], str]) -> dict[str, Any]:
    """A conversion with its look-up code and the URL its agency prints (``lookup_url``
    of the agency's code and the look-up code), for staff and programs."""
    return {
        "code": conversion.code, "lookup_url": lookup_url(conversion.agency_code,
                                                          conversion.code),
        "document_id": conversion.document_id, "direction": conversion.direction,
        "issued_at": conversion.issued_at.isoformat(), "converter": conversion.converter,
        "agency": conversion.agency_name, "register_entry": conversion.register_entry,
        "source_sha256": conversion.source_sha256,
        "output_sha256": conversion.output_sha256, "copy_form": conversion.copy_form,
        "copy_number": conversion.copy_number, "copy_symbol": conversion.copy_symbol,
    }


def with_registry(report: dict[str, Any], registry: dict[str, Any]) -> dict[str, Any]:
    """A verification report with what the vault knows of the file; a revoked or expired
    result makes the whole answer invalid (REGULATIONS 9.C.25, 9.E.42)."""
    invalidated = registry.get("known") and registry.get("status") != "valid"
    return {**report, "registry": registry, "valid": report["valid"] and not invalidated}
