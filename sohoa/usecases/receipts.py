"""The receipt of a dossier (giấy tiếp nhận hồ sơ, TT 03/2025 Mẫu 01): what was received,
how each component came, when the result is due; signed by the receiving agency with its
own key, so the applicant's copy is the agency's word, not a print-out anyone could make."""

from __future__ import annotations

from datetime import UTC, datetime

from kernel import VIETNAM
from signing import ReceiptLine, ReceiptSlip, receipt_pdf, receipt_request, sign_pdf
from vault import DossierRecord
from vault.scan_skips import SKIP_REASONS

from .needs import Certifying

#: How each component came, in the applicant's words.
HOW = {"VAULT": "lấy từ kho dữ liệu, không nộp bản giấy", "SCAN": "bản giấy, đã số hóa",
       "DOCUMENT": "tài liệu điện tử"}


def signed_receipt(services: Certifying, dossier: DossierRecord, officer: str) -> bytes:
    """The receipt of ``dossier`` as a PDF signed by the agency that received it."""
    procedure = services.vault.procedures.find(dossier.procedure or "")
    lines = tuple(ReceiptLine(c.name, _how(c.source, c.reason)) for c in dossier.components)
    received = next((h.at for h in dossier.history), datetime.now(UTC))
    issuer = services.issuer(dossier.agency)
    settings = services.settings
    slip = ReceiptSlip(
        agency_name=issuer.name, dossier_code=dossier.code,
        procedure=f"{procedure.name} ({procedure.code})" if procedure else dossier.procedure or "",
        owner_id=dossier.owner, received_at=received.astimezone(VIETNAM), due_on=dossier.due_on,
        officer=officer, components=lines, system_name=settings.agency.system_name,
        lookup_url=f"{settings.server.public_url.rstrip('/')}/vault/dossiers")
    return sign_pdf(receipt_pdf(slip), receipt_request(
        issuer.key, services.stamp_font(), issuer.name, dossier.code), services.trust)


def _how(source: str | None, reason: str | None) -> str:
    if source == "SKIPPED":
        return f"không sao chụp: {SKIP_REASONS.get(reason or '', reason or '').lower()}"
    return HOW.get(source or "", "chưa nộp")
