"""Signing: keys, PAdES signatures at every baseline level, NĐ 30/2020 appearances, validation.

This package signs what it is asked to sign; who may sign what is policy that
belongs to ``vault``. The embedded default uses a development PKI made on first
run (``DevPki``) with an in-process timestamping authority, clearly marked DEV ONLY.

Names load their modules on first use (`kernel.lazy`): reading a signature level
does not import pyHanko. The modules that parse PDFs with pyHanko install the faster
hex-string reader (`hexstrings`) when they load.
"""

from typing import TYPE_CHECKING

from kernel.lazy import exports

#: Each name this package offers, by the module it comes from (loaded on first use).
_MODULES = {
    "options": ("DEFAULT_CONVERSION_MARK", "PadesLevel"),
    "appearance": ("COPY_FORMS", "Appearance", "Box", "Corner", "ImageStamp", "TextStamp",
        "certified_copy_stamp", "copy_stamp", "operator_stamp", "seal_over"),
    "clock": ("iso_vietnam_time", "vietnam_time", "vietnamese_date"),
    "errors": ("BadSigningInput", "CertificateRejected", "SigningError", "TrustServiceUnavailable"),
    "fonts": ("FontMissing", "stamp_font"),
    "issuer": ("Issuer",),
    "keys": ("KeySource", "KeyUnavailable", "PemKeySource", "Pkcs11KeySource", "Pkcs12KeySource"),
    "key_specs": ("key_source_from_spec",),
    "paper": ("CertificationBlock", "FormalCopy", "paper_copy"),
    "pki": ("DEV_MARK", "DevPki", "KeyPair"),
    "qr_data": ("ConversionData", "PublicationData", "parse_labelled"),
    "receipt": ("ReceiptLine", "ReceiptSlip", "receipt_pdf"),
    "refresh": ("add_archive_timestamp", "protected_until"),
    "remote": ("CscKeySource", "RemoteSigningRefused"),
    "revocation": ("CachingFetcherBackend", "RevocationCache"),
    "sign": ("SignatureRequest", "attestation_requests", "certified_copy_request", "copy_request",
        "issued_request", "operator_request", "paper_copy_request", "receipt_request",
        "register_copy_request",
        "result_requests",
        "sign_pdf"),
    "trust": ("TrustServices", "dev_timestamper", "dev_trust_services", "http_timestamper"),
    "verify": ("NotAPdf", "SignatureReport", "VerificationReport", "verify_pdf"),
}
__getattr__ = exports(__name__, _MODULES)

if TYPE_CHECKING:
    from .appearance import (
        COPY_FORMS as COPY_FORMS,
        Appearance as Appearance,
        Box as Box,
        Corner as Corner,
        ImageStamp as ImageStamp,
        TextStamp as TextStamp,
        certified_copy_stamp as certified_copy_stamp,
        copy_stamp as copy_stamp,
        operator_stamp as operator_stamp,
        seal_over as seal_over,
    )
    from .clock import (
        iso_vietnam_time as iso_vietnam_time,
        vietnam_time as vietnam_time,
        vietnamese_date as vietnamese_date,
    )
    from .errors import (
        BadSigningInput as BadSigningInput,
        CertificateRejected as CertificateRejected,
        SigningError as SigningError,
        TrustServiceUnavailable as TrustServiceUnavailable,
    )
    from .fonts import (
        FontMissing as FontMissing,
        stamp_font as stamp_font,
    )
    from .issuer import Issuer as Issuer
    from .key_specs import key_source_from_spec as key_source_from_spec
    from .keys import (
        KeySource as KeySource,
        KeyUnavailable as KeyUnavailable,
        PemKeySource as PemKeySource,
        Pkcs11KeySource as Pkcs11KeySource,
        Pkcs12KeySource as Pkcs12KeySource,
    )
    from .options import (
        DEFAULT_CONVERSION_MARK as DEFAULT_CONVERSION_MARK,
        PadesLevel as PadesLevel,
    )
    from .paper import (
        CertificationBlock as CertificationBlock,
        FormalCopy as FormalCopy,
        paper_copy as paper_copy,
    )
    from .pki import (
        DEV_MARK as DEV_MARK,
        DevPki as DevPki,
        KeyPair as KeyPair,
    )
    from .qr_data import (
        ConversionData as ConversionData,
        PublicationData as PublicationData,
        parse_labelled as parse_labelled,
    )
    from .receipt import (
        ReceiptLine as ReceiptLine,
        ReceiptSlip as ReceiptSlip,
        receipt_pdf as receipt_pdf,
    )
    from .refresh import (
        add_archive_timestamp as add_archive_timestamp,
        protected_until as protected_until,
    )
    from .remote import (
        CscKeySource as CscKeySource,
        RemoteSigningRefused as RemoteSigningRefused,
    )
    from .revocation import (
        CachingFetcherBackend as CachingFetcherBackend,
        RevocationCache as RevocationCache,
    )
    from .sign import (
        SignatureRequest as SignatureRequest,
        attestation_requests as attestation_requests,
        certified_copy_request as certified_copy_request,
        copy_request as copy_request,
        issued_request as issued_request,
        operator_request as operator_request,
        paper_copy_request as paper_copy_request,
        receipt_request as receipt_request,
        register_copy_request as register_copy_request,
        result_requests as result_requests,
        sign_pdf as sign_pdf,
    )
    from .trust import (
        TrustServices as TrustServices,
        dev_timestamper as dev_timestamper,
        dev_trust_services as dev_trust_services,
        http_timestamper as http_timestamper,
    )
    from .verify import (
        NotAPdf as NotAPdf,
        SignatureReport as SignatureReport,
        VerificationReport as VerificationReport,
        verify_pdf as verify_pdf,
    )

__all__ = [
    "paper_copy_request",
    "receipt_request",
    "register_copy_request",
    "attestation_requests",
    "Issuer",
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
    "CscKeySource",
    "RemoteSigningRefused",
]
