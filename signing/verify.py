"""Validate the signatures in a PDF and say, for people and programs, whether to trust it.

Validation runs offline against the trust roots given (the development root in
the embedded default), so a counter without a network still gets an answer.
"""

from __future__ import annotations

import io
from dataclasses import asdict, dataclass, field
from datetime import datetime
from typing import Any

from asn1crypto import x509 as asn1_x509
from cryptography import x509
from cryptography.hazmat.primitives.serialization import Encoding
from pyhanko.pdf_utils.misc import PdfReadError
from pyhanko.pdf_utils.reader import PdfFileReader
from pyhanko.sign.validation import validate_pdf_signature
from pyhanko_certvalidator import ValidationContext


class NotAPdf(ValueError):
    """The bytes given to the verifier are not a readable PDF."""


@dataclass(frozen=True)
class SignatureReport:
    """What one signature proves."""

    field: str
    signer: str
    signing_time: str | None
    intact: bool
    valid: bool
    trusted: bool
    coverage: str
    modification_level: str | None
    bottom_line: bool
    summary: str


@dataclass(frozen=True)
class VerificationReport:
    """Every signature in a document, and a bottom line: all of them hold."""

    signatures: list[SignatureReport] = field(default_factory=list)

    @property
    def signed(self) -> bool:
        return bool(self.signatures)

    @property
    def valid(self) -> bool:
        return self.signed and all(s.bottom_line for s in self.signatures)

    def as_dict(self) -> dict[str, Any]:
        return {
            "signed": self.signed,
            "valid": self.valid,
            "signatures": [asdict(s) for s in self.signatures],
        }


def verify_pdf(pdf: bytes, trust_roots: list[x509.Certificate]) -> VerificationReport:
    """Check every signature's integrity, validity and chain of trust."""
    try:
        reader = PdfFileReader(io.BytesIO(pdf), strict=False)
        embedded = list(reader.embedded_signatures)
    except (PdfReadError, ValueError, KeyError) as exc:
        raise NotAPdf(f"không đọc được tệp PDF (not a readable PDF): {exc}") from None
    roots = [asn1_x509.Certificate.load(c.public_bytes(Encoding.DER)) for c in trust_roots]
    reports = []
    for sig in embedded:
        context = ValidationContext(trust_roots=roots, allow_fetching=False)
        status = validate_pdf_signature(sig, signer_validation_context=context)
        signer = status.signing_cert.subject.human_friendly if status.signing_cert else "?"
        when: datetime | None = status.signer_reported_dt
        level = status.modification_level.name if status.modification_level else None
        reports.append(SignatureReport(
            field=sig.field_name or "",
            signer=signer,
            signing_time=when.isoformat() if when else None,
            intact=bool(status.intact),
            valid=bool(status.valid),
            trusted=bool(status.trusted),
            coverage=status.coverage.name if status.coverage else "UNKNOWN",
            modification_level=level,
            bottom_line=bool(status.bottom_line),
            summary=status.summary(),
        ))
    return VerificationReport(reports)
