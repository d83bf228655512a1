"""Errors of the signing package, each naming what went wrong in Vietnamese first."""

from __future__ import annotations

from kernel import DomainError


class SigningError(DomainError):
    """A signature could not be made or checked."""

    code = "signing_failed"
    http_status = 500


class BadSigningInput(SigningError):
    """What was asked cannot be signed as asked: a page that does not exist, a copy form
    the decree does not know, a signature image that is not a transparent PNG."""

    code = "signing_input_invalid"
    http_status = 422


class TrustServiceUnavailable(SigningError):
    """A timestamping authority, OCSP responder or CRL did not answer, or did not prove
    what the requested level needs; try again later or sign at a lower level."""

    code = "trust_service_unavailable"
    http_status = 503
    transient = True


class CertificateRejected(SigningError):
    """The signing certificate is revoked or expired: the key must not sign any more."""

    code = "signing_certificate_rejected"
    http_status = 503
