"""Keeping signatures verifiable for as long as documents are kept (PAdES B-LTA renewal).

A signature stays verifiable after its certificate expires because a timestamp
proves it existed while the certificate was good — but only until the
timestamping authority's own certificate expires. Before that happens, a new
document timestamp over everything (with the validation data of the previous
one) restarts the clock. This module finds when a file's protection runs out
and adds that timestamp.
"""

from __future__ import annotations

import io
from collections.abc import Iterator
from datetime import datetime

from asn1crypto import cms, tsp, x509 as asn1_x509
from pyhanko.pdf_utils.misc import PdfReadError
from pyhanko.pdf_utils.reader import PdfFileReader
from pyhanko.sign.general import extract_signer_info
from pyhanko.sign.signers import PdfTimeStamper
from pyhanko.sign.validation import add_validation_info
from pyhanko.sign.validation.generic_cms import extract_tst_data_iter

from .errors import BadSigningInput, TrustServiceUnavailable
from .hexstrings import install as _install_hex_reader
from .sign import trust_service_errors
from .trust import TrustServices

_install_hex_reader()  # pyHanko reads signature hex a byte at a time; see hexstrings


def protected_until(pdf: bytes) -> datetime | None:
    """When the newest timestamp in ``pdf`` stops being verifiable: its TSA certificate's
    expiry. Without any timestamp, the newest signer certificate's expiry. None when the
    file carries no signature at all."""
    reader = _reader(pdf)
    stamps = sorted(_timestamps(reader), key=lambda pair: pair[0])
    if stamps:
        return stamps[-1][1]
    signers = [sig.signer_cert for sig in reader.embedded_signatures]
    return max((c["tbs_certificate"]["validity"]["not_after"].native for c in signers),
               default=None)


def add_archive_timestamp(pdf: bytes, trust: TrustServices) -> bytes:
    """Append the validation data of every signature and timestamp, then a new document
    timestamp; each an incremental update, so nothing signed before changes."""
    if trust.timestamper is None:
        raise TrustServiceUnavailable("gia hạn cần dịch vụ cấp dấu thời gian (TSA) "
                                      "(renewal needs a timestamping authority)")
    with trust_service_errors(long_term=True):
        for index in range(len(_reader(pdf).embedded_regular_signatures)):
            signature = _reader(pdf).embedded_regular_signatures[index]
            pdf = add_validation_info(signature, trust.validation_context()).getvalue()
        out = PdfTimeStamper(trust.timestamper).update_archival_timestamp_chain(
            _reader(pdf), trust.validation_context(), in_place=False)
    result: bytes = out.getvalue()
    return result


def _reader(pdf: bytes) -> PdfFileReader:
    try:
        return PdfFileReader(io.BytesIO(pdf), strict=False)
    except (PdfReadError, ValueError) as exc:
        raise BadSigningInput(f"không đọc được tệp PDF (not a readable PDF): {exc}") from None


def _timestamps(reader: PdfFileReader) -> Iterator[tuple[datetime, datetime]]:
    """(time, TSA certificate expiry) of every timestamp token: document timestamps and
    the timestamps inside signatures."""
    for sig in reader.embedded_signatures:
        if sig.sig_object_type == "/DocTimeStamp":
            tokens: list[cms.SignedData] = [sig.signed_data]
        else:
            tokens = list(extract_tst_data_iter(sig.signer_info, signed=False))
        for token in tokens:
            info = token["encap_content_info"]["content"].parsed
            assert isinstance(info, tsp.TSTInfo)
            yield info["gen_time"].native, _tsa_certificate_expiry(token)


def _tsa_certificate_expiry(token: cms.SignedData) -> datetime:
    sid = extract_signer_info(token)["sid"]
    for choice in token["certificates"]:
        cert = choice.chosen
        if not isinstance(cert, asn1_x509.Certificate):
            continue
        if (cert.key_identifier == sid.chosen.native if sid.name == "subject_key_identifier"
                else (cert.issuer == sid.chosen["issuer"]
                      and cert.serial_number == sid.chosen["serial_number"].native)):
            expiry: datetime = cert["tbs_certificate"]["validity"]["not_after"].native
            return expiry
    raise BadSigningInput("dấu thời gian không kèm chứng thư của TSA (a timestamp token "
                          "lacks its TSA certificate)")
