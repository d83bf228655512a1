"""Signing and validating on behalf of the service: which key, which level, which look.

The signing library signs what it is asked; this module decides what a request
from staff means — an operator's personal signature, the agency's "SAO Y" on a
paper → electronic copy, or an issued result with the signer's image and the
agency's seal — with the keys and levels configured in the settings.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from enum import StrEnum

from kernel import Viewer
from signing import (
    BadSigningInput,
    PadesLevel,
    SignatureRequest,
    SigningError,
    add_archive_timestamp,
    copy_request,
    operator_request,
    protected_until,
    result_requests,
    sign_pdf,
)
from vault import FileRole

from .needs import SigningWork

REFRESH_ACTOR = "system:lta-renewal"


class SignAs(StrEnum):
    """In whose name a signature is made."""

    OPERATOR = "operator"  # the counter officer's personal signature (9.A.7)
    AGENCY = "agency"  # the agency's copy signature, "SAO Y" (9.E.37)
    RESULT = "result"  # an issued result: signer's image + agency seal (9.F.43–44)


@dataclass(frozen=True)
class SignOptions:
    role: SignAs = SignAs.AGENCY
    level: PadesLevel | None = None  # None: the level configured for the role
    copy_form: str = "SAO Y"
    signer: str | None = None  # the officer or competent person; default: the settings'
    username: str | None = None  # the account whose own key makes the personal signature
    agency: str | None = None  # the agency that signs; default: the settings' own
    signature_png: bytes | None = None
    seal_png: bytes | None = None
    centre_mm: tuple[float, float] = (140.0, 230.0)
    page: int = -1


def sign_document(services: SigningWork, pdf: bytes, options: SignOptions) -> bytes:
    """Apply the signature(s) ``options`` describe, each as an incremental update."""
    for request in _requests(services, options):
        pdf = sign_pdf(pdf, request, services.trust)
    return pdf


def _requests(services: SigningWork, options: SignOptions) -> tuple[SignatureRequest, ...]:
    settings = services.settings
    signer = options.signer or settings.records.default_operator
    font = services.stamp_font()
    if options.role is SignAs.OPERATOR:
        level = options.level or settings.signing.operator_signature_level
        return (operator_request(services.operator_key(signer, options.username), font, signer,
                                 datetime.now(UTC), level),)
    level = options.level or settings.signing.agency_signature_level
    issuer = services.issuer(options.agency or settings.agency.code)
    if options.role is SignAs.AGENCY:
        return (copy_request(issuer.key, font, issuer.name, options.copy_form, level),)
    seal = options.seal_png or issuer.seal_png
    if options.signature_png is None or seal is None:
        raise BadSigningInput("ký kết quả cần ảnh chữ ký (PNG) và ảnh dấu của cơ quan "
                              "(an issued result needs the signature image and the agency seal)")
    return result_requests(services.operator_key(signer, options.username), issuer.key,
                           options.signature_png, seal, options.centre_mm, options.page, level)


@dataclass
class RenewalReport:
    """What ``renew_timestamps`` did: documents checked, renewed, and those it could not."""

    checked: int = 0
    renewed: list[str] = field(default_factory=list)
    failed: list[tuple[str, str]] = field(default_factory=list)

    def as_dict(self) -> dict[str, object]:
        return {"checked": self.checked, "renewed": self.renewed,
                "failed": [{"document": d, "reason": r} for d, r in self.failed]}


def renew_timestamps(services: SigningWork, within_days: float, *, now: datetime | None = None,
                     progress: Callable[[int, int], None] | None = None) -> RenewalReport:
    """Add a document timestamp to every stored signed file whose newest timestamp becomes
    unverifiable within ``within_days`` (its TSA certificate expires), as an append-only
    update of the file with an audit event (issue 4 item 6)."""
    horizon = (now or datetime.now(UTC)) + timedelta(days=within_days)
    documents = services.vault.filing.documents_with(FileRole.SIGNED)
    report = RenewalReport(checked=len(documents))
    for index, document_id in enumerate(documents, start=1):
        try:
            if _renew(services, document_id, horizon):
                report.renewed.append(document_id)
        except SigningError as exc:
            report.failed.append((document_id, str(exc)))
        if progress:
            progress(index, len(documents))
    return report


def _renew(services: SigningWork, document_id: str, horizon: datetime) -> bool:
    """Renew one signed file if its protection ends before ``horizon``; True if renewed."""
    data = services.vault.documents.read_file(document_id, FileRole.SIGNED.value,
                                    viewer=Viewer.system(REFRESH_ACTOR),
                                    purpose="gia hạn chữ ký (LTA renewal)").data
    until = protected_until(data)
    if until is not None and until > horizon:
        return False
    renewed = add_archive_timestamp(data, services.trust)
    after = protected_until(renewed)
    if until is not None and (after is None or after <= until):
        raise SigningError(f"dấu thời gian mới không kéo dài hiệu lực ({after}); chứng thư của "
                           f"TSA cần được gia hạn (the new timestamp does not extend "
                           f"protection: the TSA certificate needs renewing)")
    services.vault.filing.extend_file(document_id, FileRole.SIGNED, renewed, reason="lta_renewal",
                               actor=REFRESH_ACTOR)
    return True
