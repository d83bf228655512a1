"""Signing: keys, PAdES signatures with visible stamps, and validation reports.

This package signs what it is asked to sign; who may sign what is policy that
belongs to ``vault``. The embedded default uses a development PKI made on first
run (``DevPki``), clearly marked DEV ONLY.
"""

from .errors import SigningError
from .fonts import FontMissing, stamp_font
from .keys import (
    KeySource,
    KeyUnavailable,
    PemKeySource,
    Pkcs11KeySource,
    Pkcs12KeySource,
    key_source_from_spec,
)
from .pki import DEV_MARK, DevPki, KeyPair
from .sign import SignatureRequest, operator_request, sign_top_left
from .stamp import VIETNAM_TIME, operator_stamp_lines, top_left_box, vietnam_time
from .verify import NotAPdf, SignatureReport, VerificationReport, verify_pdf

__all__ = [
    "DEV_MARK",
    "VIETNAM_TIME",
    "DevPki",
    "FontMissing",
    "KeyPair",
    "KeySource",
    "KeyUnavailable",
    "NotAPdf",
    "PemKeySource",
    "Pkcs11KeySource",
    "Pkcs12KeySource",
    "SignatureReport",
    "SignatureRequest",
    "SigningError",
    "VerificationReport",
    "key_source_from_spec",
    "operator_request",
    "operator_stamp_lines",
    "sign_top_left",
    "stamp_font",
    "top_left_box",
    "verify_pdf",
    "vietnam_time",
]
