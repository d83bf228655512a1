"""Validate the signatures in any PDF and say, for people and programs, whether to trust it.

For each signature the report gives who signed, the PAdES level it actually
reaches, the claimed signing time and the timestamp, what part of the file it
covers, what changed after it, trust and revocation status, and a bottom line.

Two passes per signature, both with pyHanko:

1. the basic check (integrity, certificate path, timestamp token, changes made
   after signing), with the validation data embedded in the document;
2. when the document carries validation data (a DSS), the ETSI EN 319 102-1
   long-term validation, offline and with hard-fail revocation: it passes only
   if the embedded OCSP responses and CRLs prove the certificates were not
   revoked. That is what B-LT and B-LTA promise, and what we check.

Validation runs offline unless ``TrustServices.fetcher`` allows fetching, so a
counter without a network still gets an answer.
"""

from __future__ import annotations

import asyncio
import io
import logging
import re
from dataclasses import asdict, dataclass, field
from datetime import datetime
from typing import Any

from asn1crypto import crl as asn1_crl, ocsp as asn1_ocsp
from pyhanko.pdf_utils.misc import PdfReadError
from pyhanko.pdf_utils.reader import PdfFileReader
from pyhanko.sign.ades.report import AdESPassed, AdESSubIndic
from pyhanko.sign.validation import (
    DocumentSecurityStore,
    EmbeddedPdfSignature,
    validate_pdf_signature,
    validate_pdf_timestamp,
)
from pyhanko.sign.validation.ades import ades_lta_validation
from pyhanko.sign.validation.errors import NoDSSFoundError
from pyhanko.sign.validation.policy_decl import (
    PdfSignatureValidationSpec,
    RevinfoOnlineFetchingRule,
    RevocationInfoGatheringSpec,
    SignatureValidationSpec,
)
from pyhanko_certvalidator import ValidationContext
from pyhanko_certvalidator.context import CertValidationPolicySpec
from pyhanko_certvalidator.policy_decl import (
    CertRevTrustPolicy,
    RevocationCheckingPolicy,
    RevocationCheckingRule,
)
from pyhanko_certvalidator.registry import SimpleTrustManager

from kernel import DomainError

from .clock import iso_vietnam_time, vietnam_time
from .hexstrings import install as _install_hex_reader
from .trust import TrustServices

_install_hex_reader()  # pyHanko reads signature hex a byte at a time; see hexstrings

log = logging.getLogger(__name__)

#: How far the part a signature covers reaches, in words.
COVERAGE = {
    "ENTIRE_FILE": "toàn bộ tệp",
    "ENTIRE_REVISION": "bản đến lúc ký; sau đó tệp được bổ sung",
    "CONTIGUOUS_BLOCK_FROM_START": "một phần tệp",
    "UNCLEAR": "không rõ",
}
#: What was changed after signing, in words (pyHanko's modification levels).
CHANGES = {
    "NONE": "không có thay đổi",
    "LTA_UPDATES": "chỉ bổ sung dữ liệu kiểm tra và dấu thời gian",
    "FORM_FILLING": "bổ sung chữ ký hoặc điền biểu mẫu",
    "ANNOTATIONS": "thêm chú thích",
    "OTHER": "có thay đổi nội dung",
}
REVOCATION = {
    "good": "chưa bị thu hồi (đã kiểm tra)",
    "revoked": "chứng thư số đã bị thu hồi",
    "unknown": "không xác định được trạng thái thu hồi",
    "not_checked": "chưa kiểm tra (tệp không kèm dữ liệu thu hồi)",
}


class NotAPdf(DomainError):
    """The bytes given to the verifier are not a readable PDF."""

    code = "not_a_pdf"
    http_status = 422


@dataclass(frozen=True)
class SignatureReport:
    """What one signature proves."""

    field: str
    signer: str
    organisation: str | None
    issuer: str | None
    level: str | None
    signing_time: str | None
    timestamp: str | None
    timestamp_valid: bool | None
    coverage: str
    changes_after: str | None
    intact: bool
    valid: bool
    trusted: bool
    trust_problem: str | None
    revocation: str
    long_term_check: str | None
    bottom_line: bool
    summary: str

    def describe_vi(self) -> list[str]:
        """The report in Vietnamese, one line a fact."""
        lines = [
            f"Người ký: {self.signer}" + (f" — {self.organisation}" if self.organisation else ""),
            f"Mức chữ ký: PAdES {self.level}" if self.level else "Mức chữ ký: không đạt PAdES",
            f"Thời điểm ký (người ký khai): {_shown(self.signing_time) or 'không có'}",
            "Dấu thời gian: " + (f"{_shown(self.timestamp)} "
                                 f"({'hợp lệ' if self.timestamp_valid else 'KHÔNG hợp lệ'})"
                                 if self.timestamp else "không có"),
            f"Phạm vi ký: {COVERAGE.get(self.coverage, self.coverage)}",
            f"Thay đổi sau khi ký: {CHANGES.get(self.changes_after or '', 'không rõ')}",
            f"Toàn vẹn: {'có' if self.intact else 'KHÔNG — tệp đã bị sửa'}; "
            f"tin cậy: {'có' if self.trusted else 'KHÔNG'}"
            + (f" ({self.trust_problem})" if self.trust_problem else ""),
            f"Thu hồi: {REVOCATION.get(self.revocation, self.revocation)}",
        ]
        if self.long_term_check:
            lines.append("Kiểm tra dài hạn (ETSI EN 319 102-1): "
                         + _VERDICT_WORDS.sub(lambda m: _VERDICTS[m.group(0)],
                                              self.long_term_check))
        lines.append("KẾT LUẬN: " + ("chữ ký hợp lệ" if self.bottom_line else "chữ ký KHÔNG hợp lệ"))
        return lines


@dataclass(frozen=True)
class TimestampReport:
    """A document timestamp (PAdES B-LTA archive timestamp)."""

    time: str | None
    authority: str
    intact: bool
    trusted: bool


@dataclass(frozen=True)
class VerificationReport:
    """Every signature in a document, and a bottom line: all of them hold."""

    signatures: list[SignatureReport] = field(default_factory=list)
    document_timestamps: list[TimestampReport] = field(default_factory=list)

    @property
    def signed(self) -> bool:
        return bool(self.signatures)

    @property
    def valid(self) -> bool:
        return self.signed and all(s.bottom_line for s in self.signatures)

    def verdict_vi(self) -> str:
        if not self.signed:
            return "Tệp không có chữ ký số."
        if self.valid:
            return f"Tất cả {len(self.signatures)} chữ ký số đều hợp lệ."
        bad = sum(not s.bottom_line for s in self.signatures)
        return f"{bad}/{len(self.signatures)} chữ ký số KHÔNG hợp lệ."

    def as_dict(self) -> dict[str, Any]:
        return {
            "signed": self.signed,
            "valid": self.valid,
            "verdict": self.verdict_vi(),
            "signatures": [asdict(s) for s in self.signatures],
            "document_timestamps": [asdict(t) for t in self.document_timestamps],
        }


def verify_pdf(pdf: bytes, trust: TrustServices) -> VerificationReport:
    """Check every signature and document timestamp in ``pdf``."""
    try:
        reader = PdfFileReader(io.BytesIO(pdf), strict=False)
        signatures = list(reader.embedded_regular_signatures)
        timestamps = list(reader.embedded_timestamp_signatures)
    except (PdfReadError, ValueError, KeyError, TypeError) as exc:
        raise NotAPdf(f"không đọc được tệp PDF (not a readable PDF): {exc}") from None
    dss = _Embedded.read(reader)
    reports = [_report(sig, trust, dss, timestamps) for sig in signatures]
    stamps = [_timestamp_report(ts, trust, dss) for ts in timestamps]
    return VerificationReport(reports, stamps)


@dataclass(frozen=True)
class _Embedded:
    """The validation data a document carries in its DSS, parsed once per document."""

    present: bool = False
    certs: tuple[Any, ...] = ()
    crls: tuple[asn1_crl.CertificateList, ...] = ()
    ocsps: tuple[asn1_ocsp.OCSPResponse, ...] = ()

    @classmethod
    def read(cls, reader: PdfFileReader) -> _Embedded:
        try:
            dss = DocumentSecurityStore.read_dss(reader)
        except NoDSSFoundError:
            return cls()
        return cls(
            present=True, certs=tuple(dss.load_certs()),
            crls=tuple(asn1_crl.CertificateList.load(c.get_object().data) for c in dss.crls),
            ocsps=tuple(asn1_ocsp.OCSPResponse.load(o.get_object().data) for o in dss.ocsps),
        )


def _context(trust: TrustServices, dss: _Embedded, *,
             strict_at: datetime | None = None) -> ValidationContext:
    """Trust roots plus the validation data the document carries.

    The basic pass fetches and hard-fails only when fetching is allowed, and
    soft-fails otherwise. The strict pass (``strict_at``: the signature's
    timestamp) is offline and hard-fail, with only what the document carries:
    it passes only if the embedded OCSP responses and CRLs prove the
    certificates were good when the signature was timestamped.
    """
    certs, crls, ocsps = list(dss.certs), list(dss.crls), list(dss.ocsps)
    if strict_at is not None:
        return ValidationContext(
            trust_roots=trust.asn1_roots, other_certs=certs, crls=crls, ocsps=ocsps,
            allow_fetching=False, revocation_mode="hard-fail", moment=strict_at,
            retroactive_revinfo=True,
        )
    online = trust.fetcher is not None
    return ValidationContext(
        trust_roots=trust.asn1_roots, other_certs=certs,
        crls=crls + [asn1_crl.CertificateList.load(data) for data in trust.known_crls()],
        ocsps=ocsps, allow_fetching=online, fetcher_backend=trust.fetcher,
        revocation_mode="hard-fail" if online else "soft-fail",
    )


def _long_term_spec(trust: TrustServices) -> PdfSignatureValidationSpec:
    rule = RevocationCheckingRule.CHECK_IF_DECLARED
    policy = CertValidationPolicySpec(
        trust_manager=SimpleTrustManager.build(trust_roots=trust.asn1_roots),
        revinfo_policy=CertRevTrustPolicy(RevocationCheckingPolicy(rule, rule)),
    )
    return PdfSignatureValidationSpec(SignatureValidationSpec(
        cert_validation_policy=policy,
        revinfo_gathering_policy=RevocationInfoGatheringSpec(
            online_fetching_rule=RevinfoOnlineFetchingRule.LOCAL_ONLY),
    ))


def _report(sig: EmbeddedPdfSignature, trust: TrustServices,
            dss: _Embedded,
            timestamps: list[EmbeddedPdfSignature]) -> SignatureReport:
    context = _context(trust, dss)
    status = validate_pdf_signature(sig, signer_validation_context=context,
                                    ts_validation_context=context)
    pades = str(sig.sig_object.get("/SubFilter", "")) == "/ETSI.CAdES.detached"
    ts = status.timestamp_validity
    ts_ok = bool(ts and ts.intact and ts.valid and ts.trusted)
    long_term = (_LongTerm() if not dss.present or ts is None or not ts_ok
                 else _long_term(sig, trust, dss, ts.timestamp, timestamps))
    revoked = status.revocation_details is not None or long_term.revoked
    basic_ok = bool(status.bottom_line) and not revoked
    level = None
    if basic_ok and pades:
        level = "B-B"
        if ts_ok:
            level = "B-T"
            if long_term.passed:
                level = "B-LTA" if long_term.archived else "B-LT"
    if revoked:
        revocation = "revoked"
    elif long_term.passed or (trust.fetcher is not None and status.trusted):
        revocation = "good"
    elif dss.present:
        revocation = "unknown"
    else:
        revocation = "not_checked"
    cert = status.signing_cert
    return SignatureReport(
        field=sig.field_name or "",
        signer=cert.subject.native.get("common_name", cert.subject.human_friendly) if cert else "?",
        organisation=cert.subject.native.get("organization_name") if cert else None,
        issuer=cert.issuer.native.get("common_name") if cert else None,
        level=level,
        signing_time=_when(status.signer_reported_dt),
        timestamp=_when(ts.timestamp) if ts else None,
        timestamp_valid=ts_ok if ts else None,
        coverage=status.coverage.name if status.coverage else "UNCLEAR",
        changes_after=status.modification_level.name if status.modification_level else None,
        intact=bool(status.intact),
        valid=bool(status.valid),
        trusted=bool(status.trusted),
        trust_problem=_indication(status.trust_problem_indic),
        revocation=revocation,
        long_term_check=long_term.summary,
        bottom_line=basic_ok,
        summary=status.summary(),
    )


@dataclass(frozen=True)
class _LongTerm:
    """The strict pass: B-LT from the document's own data, then B-LTA per ETSI EN 319 102-1."""

    summary: str | None = None
    passed: bool = False
    revoked: bool = False
    archived: bool = False


def _long_term(sig: EmbeddedPdfSignature, trust: TrustServices, dss: _Embedded,
               timestamped_at: datetime, timestamps: list[EmbeddedPdfSignature]) -> _LongTerm:
    strict = _context(trust, dss, strict_at=timestamped_at)
    status = validate_pdf_signature(sig, signer_validation_context=strict,
                                    ts_validation_context=strict)
    passed = bool(status.bottom_line)
    revoked = status.revocation_details is not None
    if not passed:
        problem = _indication(status.trust_problem_indic) or "NO_REVOCATION_DATA"
        return _LongTerm(f"B-LT: FAILED: {problem}", revoked=revoked)
    if not _doc_ts_after(sig, timestamps):
        return _LongTerm("B-LT: PASSED", passed=True)
    result = asyncio.run(ades_lta_validation(sig, _long_term_spec(trust)))
    archived = (result.ades_subindic is AdESPassed.OK
                and result.oldest_evidence_record_timestamp is not None)
    summary = f"B-LT: PASSED; B-LTA: {result.ades_subindic.status.name}"
    if not archived:
        summary += f": {_indication(result.ades_subindic)}"
    return _LongTerm(summary, passed=True, archived=archived)


def _doc_ts_after(sig: EmbeddedPdfSignature, timestamps: list[EmbeddedPdfSignature]) -> bool:
    return any(ts.signed_revision > sig.signed_revision for ts in timestamps)


def _timestamp_report(ts: EmbeddedPdfSignature, trust: TrustServices,
                      dss: _Embedded) -> TimestampReport:
    status = validate_pdf_timestamp(ts, validation_context=_context(trust, dss))
    cert = status.signing_cert
    return TimestampReport(
        time=_when(status.timestamp),
        authority=cert.subject.native.get("common_name", "?") if cert else "?",
        intact=bool(status.intact), trusted=bool(status.trusted),
    )


def _indication(value: AdESSubIndic | None) -> str | None:
    """``REVOKED_NO_POE`` from ``AdESIndeterminate.REVOKED_NO_POE``."""
    return str(value).rpartition(".")[2] if value is not None else None


#: The verdicts of the long-term check in words (the report keeps ETSI's own).
_VERDICTS = {"PASSED": "đạt", "FAILED": "không đạt", "INDETERMINATE": "chưa kết luận được"}
_VERDICT_WORDS = re.compile(r"\b(?:PASSED|FAILED|INDETERMINATE)\b")


def _shown(iso: str | None) -> str | None:
    """An ISO 8601 time as a person reads it: ``08/12/2026 09:15:03`` in Vietnam time."""
    if not iso:
        return None
    try:
        return vietnam_time(datetime.fromisoformat(iso)).removesuffix(" (UTC+07:00)")
    except ValueError:
        return iso


def _when(moment: datetime | None) -> str | None:
    return iso_vietnam_time(moment) if moment else None

