"""PAdES signatures with pyHanko, always as an incremental update.

Signing appends a revision; the bytes before it stay as they were, so earlier
signatures stay valid and the unsigned PDF/A can always be recovered.
"""

from __future__ import annotations

import io
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any

import pikepdf
from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter
from pyhanko.pdf_utils.layout import LayoutError
from pyhanko.pdf_utils.writer import BasePdfFileWriter
from pyhanko.sign import fields, signers
from pyhanko.sign.general import SigningError as PyHankoSigningError
from pyhanko.sign.timestamps import TimestampRequestError
from pyhanko_certvalidator.errors import (
    ExpiredError,
    PathBuildingError,
    PathValidationError,
    RevokedError,
)

from kernel import VIETNAM

from .appearance import (
    SIGNED_AT,
    Appearance,
    Box,
    Corner,
    ImageStamp,
    act_stamp,
    attestation_stamps,
    certified_copy_stamp,
    copy_stamp,
    issued_stamp,
    operator_stamp,
    register_copy_stamp,
    seal_over,
)
from .clock import iso_vietnam_time
from .errors import (
    BadSigningInput,
    CertificateRejected,
    SigningError,
    TrustServiceUnavailable,
)
from .hexstrings import install as _install_hex_reader
from .keys import KeySource
from .options import PadesLevel
from .trust import TrustServices

_install_hex_reader()  # pyHanko reads signature hex a byte at a time; see hexstrings


@dataclass(frozen=True)
class SignatureRequest:
    """Who signs, with which key, at which level, and how the signature looks."""

    key: KeySource
    appearance: Appearance
    field_name: str
    reason: str
    level: PadesLevel = PadesLevel.B_B
    location: str = "Việt Nam"


def operator_request(key: KeySource, font_path: Path, operator: str, scanned_at: datetime,
                     level: PadesLevel = PadesLevel.B_B) -> SignatureRequest:
    """The scanning officer's personal signature (REGULATIONS 9.A.7)."""
    return SignatureRequest(
        key=key, appearance=operator_stamp(operator, scanned_at, font_path),
        field_name="SohoaOperator", reason="Số hóa bản giấy (digitised from paper)", level=level,
    )


def copy_request(key: KeySource, font_path: Path, agency: str, copy_form: str = "SAO Y",
                 level: PadesLevel = PadesLevel.B_LTA) -> SignatureRequest:
    """The agency's signature on a paper → electronic copy (REGULATIONS 9.E.37)."""
    return SignatureRequest(
        key=key, appearance=copy_stamp(copy_form, agency, font_path), field_name="SohoaCopy",
        reason=f"{copy_form.strip().upper()} — bản điện tử sao từ bản giấy", level=level,
    )


def certified_copy_request(key: KeySource, font_path: Path, agency: str, mark: str,
                           copy_form: str = "SAO Y", qr_text: str | None = None,
                           level: PadesLevel = PadesLevel.B_LTA) -> SignatureRequest:
    """The agency's certification of a paper → electronic conversion (REGULATIONS
    9.E.37–39): its "SAO Y" signature, whose stamp also shows the conversion mark, with
    the optional QR of the same data. Sign it with ``now`` set to the time the QR gives."""
    return SignatureRequest(
        key=key, appearance=certified_copy_stamp(copy_form, agency, mark, font_path, qr_text),
        field_name="SohoaCopy", reason=f"{copy_form.strip().upper()} — {mark}", level=level,
    )


def issued_request(key: KeySource, font_path: Path, agency: str, notation: str,
                   level: PadesLevel = PadesLevel.B_LTA) -> SignatureRequest:
    """The agency's signature on a result it issues when no signature image is configured:
    a text stamp with its number and symbol (REGULATIONS 9.F.45, 9.C.24)."""
    return SignatureRequest(
        key=key, appearance=issued_stamp(agency, notation, font_path), field_name="SohoaIssued",
        reason="Cơ quan ban hành kết quả giải quyết", level=level,
    )


def attestation_requests(person_key: KeySource, agency_key: KeySource, font_path: Path, *,
                         statement: str, certifier: str, position: str, agency: str,
                         level: PadesLevel = PadesLevel.B_LTA) -> tuple[SignatureRequest, ...]:
    """A copy certified from its original (REGULATIONS 61): the certifying person's
    signature over the certification statement, then the agency's, to apply in order."""
    person, seal = attestation_stamps(statement, certifier, position, agency, font_path)
    first_level = min(level, PadesLevel.B_T, key=list(PadesLevel).index)
    return (
        SignatureRequest(key=person_key, appearance=person, field_name="SohoaCertifier",
                         reason="Người thực hiện chứng thực", level=first_level),
        SignatureRequest(key=agency_key, appearance=seal, field_name="SohoaCertifyingAgency",
                         reason="Cơ quan chứng thực", level=level),
    )


def register_copy_request(key: KeySource, font_path: Path, agency: str, register_entry: str,
                          lookup_code: str,
                          level: PadesLevel = PadesLevel.B_LTA) -> SignatureRequest:
    """The issuing agency's signature on a copy from its register (REGULATIONS 60)."""
    return SignatureRequest(
        key=key, appearance=register_copy_stamp(agency, register_entry, lookup_code, font_path),
        field_name="SohoaRegisterCopy", reason="Cấp bản sao từ sổ gốc", level=level)


def receipt_request(key: KeySource, font_path: Path, agency: str, dossier_code: str,
                    level: PadesLevel = PadesLevel.B_T) -> SignatureRequest:
    """The receiving agency's signature on the receipt it hands the applicant."""
    return SignatureRequest(
        key=key, appearance=act_stamp(agency, f"Tiếp nhận hồ sơ {dossier_code}", font_path),
        field_name="SohoaReceipt", reason="Cơ quan tiếp nhận hồ sơ", level=level)


def paper_copy_request(key: KeySource, font_path: Path, agency: str, lookup_code: str,
                       level: PadesLevel = PadesLevel.B_T) -> SignatureRequest:
    """The agency's signature on the printable file of an electronic → paper copy, so the
    file itself is the agency's; the paper is signed and sealed by hand."""
    return SignatureRequest(
        key=key, appearance=act_stamp(agency, f"Bản in, mã tra cứu {lookup_code}", font_path,
                                      Corner.BOTTOM_LEFT),
        field_name="SohoaPaperCopy", reason="Cơ quan chuyển đổi sang bản giấy", level=level)


def result_requests(person_key: KeySource, agency_key: KeySource, signature_png: bytes,
                    seal_png: bytes, centre_mm: tuple[float, float], page: int = -1,
                    level: PadesLevel = PadesLevel.B_LTA) -> tuple[SignatureRequest, ...]:
    """An issued result's two signatures (REGULATIONS 9.F.43–44), to apply in order: the
    competent person's, shown as their blue signature image centred between position and
    name, then the agency's, shown as its seal over the left third of that image. The
    agency's carries the long-term level."""
    person = ImageStamp(signature_png, centre_mm, page)
    first_level = min(level, PadesLevel.B_T, key=list(PadesLevel).index)
    return (
        SignatureRequest(key=person_key, appearance=person, field_name="SohoaSigner",
                         reason="Người có thẩm quyền ký", level=first_level),
        SignatureRequest(key=agency_key, appearance=seal_over(seal_png, person),
                         field_name="SohoaSeal", reason="Cơ quan ký số", level=level),
    )


class _SignerAt(signers.PdfSigner):
    """A PdfSigner whose signing time is given, so stamp, /M and CMS signing-time agree."""

    def __init__(self, *args: Any, signing_time: datetime, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._signing_time = signing_time

    def init_signing_session(self, pdf_out: BasePdfFileWriter,
                             existing_fields_only: bool = False) -> Any:
        session = super().init_signing_session(pdf_out, existing_fields_only)
        session.system_time = self._signing_time
        return session


def sign_pdf(pdf: bytes, request: SignatureRequest, trust: TrustServices,
             *, now: datetime | None = None) -> bytes:
    """Sign ``pdf`` at ``request.level`` with a visible appearance; return the new file.

    Raises ``SigningError`` naming what failed: no TSA for a timestamped level,
    the TSA unreachable, or no revocation data for a long-term level.
    """
    level = request.level
    if level.timestamped and trust.timestamper is None:
        raise TrustServiceUnavailable(f"mức {level} cần dịch vụ cấp dấu thời gian (TSA) nhưng chưa cấu hình "
                           f"(level {level} needs a timestamping authority; none configured)")
    signed_at = (now or datetime.now(VIETNAM)).replace(microsecond=0)
    names, page_box, page_index = _inspect(pdf, request.appearance.page)
    field_name = _free_name(request.field_name, names)
    writer = IncrementalPdfFileWriter(io.BytesIO(pdf), strict=False)
    box = request.appearance.box(page_box)
    fields.append_signature_field(
        writer, fields.SigFieldSpec(field_name, on_page=page_index, box=box.as_tuple()))
    meta = signers.PdfSignatureMetadata(
        field_name=field_name, subfilter=fields.SigSeedSubFilter.PADES, md_algorithm="sha256",
        reason=request.reason, location=request.location,
        embed_validation_info=level.long_term,
        validation_context=trust.validation_context() if level.long_term else None,
        use_pades_lta=level is PadesLevel.B_LTA,
    )
    out = io.BytesIO()
    with request.key.open() as signer:
        pdf_signer = _SignerAt(
            meta, signer=signer, timestamper=trust.timestamper if level.timestamped else None,
            stamp_style=request.appearance.style(), signing_time=signed_at,
        )
        with trust_service_errors(long_term=level.long_term):
            try:
                pdf_signer.sign_pdf(writer, output=out,
                                    bytes_reserved=_reservation(signer, level),
                                    appearance_text_params={
                                        SIGNED_AT[2:-2]: iso_vietnam_time(signed_at)})
            except LayoutError as exc:
                raise BadSigningInput(f"không đặt được hình chữ ký lên trang (the signature's "
                                      f"appearance does not fit the page): {exc}") from None
    return out.getvalue()


@contextmanager
def trust_service_errors(*, long_term: bool) -> Iterator[None]:
    """pyHanko's and the validator's failures, as errors that say what to do about them."""
    try:
        yield
    except TimestampRequestError as exc:
        raise TrustServiceUnavailable(f"không lấy được dấu thời gian từ TSA (the timestamping "
                                      f"authority did not answer): {exc}") from None
    except (PathBuildingError, PathValidationError) as exc:
        raise TrustServiceUnavailable(f"không xác minh được chứng thư hoặc trạng thái thu hồi "
                                      f"(OCSP/CRL) (a certificate or its revocation status could "
                                      f"not be validated): {exc}") from None
    except PyHankoSigningError as exc:
        cause = exc.__cause__ or exc.__context__
        if isinstance(cause, RevokedError | ExpiredError):
            raise CertificateRejected(
                f"chứng thư số của người ký không còn hiệu lực (the signing certificate is "
                f"revoked or expired): {cause}") from None
        if long_term:
            raise TrustServiceUnavailable(
                f"không xác minh được chứng thư ký qua OCSP/CRL (the signing certificate's "
                f"revocation status could not be established): {cause or exc}") from None
        raise SigningError(f"ký số không thành công (signing failed): {exc}") from None


def _reservation(signer: signers.Signer, level: PadesLevel) -> int:
    """Room for the signature container, computed instead of measured.

    pyHanko otherwise sizes it by making a whole dummy signature first — and,
    for timestamped levels, by asking the TSA for a dummy timestamp. The
    container holds the signature, the certificates and, from B-T, a timestamp
    token with the TSA's own certificates; validation data goes to the DSS.
    """
    certs = {cert.dump() for cert in signer.cert_registry}
    if signer.signing_cert is not None:
        certs.add(signer.signing_cert.dump())
    size = 2048 + sum(len(der) for der in certs) + (8192 if level.timestamped else 0)
    return 2 * size  # counted in hex digits, as the container is written into /Contents


def _inspect(pdf: bytes, page: int) -> tuple[set[str], Box, int]:
    """The form field names already used, and the visible box and index of ``page``."""
    try:
        with pikepdf.open(io.BytesIO(pdf)) as document:
            index = page if page >= 0 else len(document.pages) + page
            if not 0 <= index < len(document.pages):
                raise BadSigningInput(f"tệp không có trang {page + 1} (the file has no page "
                                   f"{page + 1})")
            x1, y1, x2, y2 = (float(v) for v in document.pages[index].cropbox)
            acroform = document.Root.get("/AcroForm")
            names = {str(f.get("/T", "")) for f in acroform.get("/Fields", [])} if acroform else set()
    except pikepdf.PdfError as exc:
        raise BadSigningInput(f"không đọc được tệp PDF (not a readable PDF): {exc}") from None
    return names, Box(min(x1, x2), min(y1, y2), max(x1, x2), max(y1, y2)), index


def _free_name(base: str, taken: set[str]) -> str:
    if base not in taken:
        return base
    return next(f"{base}{n}" for n in range(2, len(taken) + 3) if f"{base}{n}" not in taken)

