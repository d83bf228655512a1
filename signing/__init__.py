"""Signing: keys, PAdES signatures at every baseline level, NĐ 30/2020 appearances, validation.

This package signs what it is asked to sign; who may sign what is policy that
belongs to ``vault``. The embedded default uses a development PKI made on first
run (``DevPki``) with an in-process timestamping authority, clearly marked DEV ONLY.
"""

from .appearance import (
    COPY_FORMS,
    DEFAULT_CONVERSION_MARK,
    Appearance,
    Box,
    Corner,
    ImageStamp,
    TextStamp,
    certified_copy_stamp,
    copy_stamp,
    operator_stamp,
    seal_over,
)
from .clock import iso_vietnam_time, vietnam_time, vietnamese_date
from .errors import (
    BadSigningInput,
    CertificateRejected,
    SigningError,
    TrustServiceUnavailable,
)
from .fonts import FontMissing, stamp_font
from .hexstrings import install as _install_hex_reader
from .keys import (
    KeySource,
    KeyUnavailable,
    PemKeySource,
    Pkcs11KeySource,
    Pkcs12KeySource,
    key_source_from_spec,
)
from .paper_copy import CertificationBlock, FormalCopy, paper_copy
from .pki import DEV_MARK, DevPki, KeyPair
from .qr_data import ConversionData, PublicationData, parse_labelled
from .receipt import ReceiptLine, ReceiptSlip, receipt_pdf
from .refresh import add_archive_timestamp, protected_until
from .revocation import CachingFetcherBackend, RevocationCache
from .sign import (
    SignatureRequest,
    certified_copy_request,
    copy_request,
    issued_request,
    operator_request,
    result_requests,
    sign_pdf,
)
from .trust import (
    PadesLevel,
    TrustServices,
    dev_timestamper,
    dev_trust_services,
    http_timestamper,
)
from .verify import NotAPdf, SignatureReport, VerificationReport, verify_pdf

_install_hex_reader()  # pyHanko reads signature hex a byte at a time; see hexstrings

__all__ = [
    "COPY_FORMS",
    "DEFAULT_CONVERSION_MARK",
    "CertificationBlock",
    "ConversionData",
    "FormalCopy",
    "PublicationData",
    "ReceiptLine",
    "ReceiptSlip",
    "certified_copy_request",
    "certified_copy_stamp",
    "paper_copy",
    "receipt_pdf",
    "parse_labelled",
    "vietnamese_date",
    "DEV_MARK",
    "Appearance",
    "BadSigningInput",
    "Box",
    "CachingFetcherBackend",
    "CertificateRejected",
    "Corner",
    "DevPki",
    "FontMissing",
    "ImageStamp",
    "KeyPair",
    "KeySource",
    "KeyUnavailable",
    "NotAPdf",
    "PadesLevel",
    "PemKeySource",
    "Pkcs11KeySource",
    "Pkcs12KeySource",
    "RevocationCache",
    "SignatureReport",
    "SignatureRequest",
    "SigningError",
    "TextStamp",
    "TrustServiceUnavailable",
    "TrustServices",
    "VerificationReport",
    "add_archive_timestamp",
    "copy_request",
    "issued_request",
    "copy_stamp",
    "dev_timestamper",
    "dev_trust_services",
    "http_timestamper",
    "iso_vietnam_time",
    "key_source_from_spec",
    "operator_request",
    "operator_stamp",
    "protected_until",
    "result_requests",
    "seal_over",
    "sign_pdf",
    "stamp_font",
    "verify_pdf",
    "vietnam_time",
]
