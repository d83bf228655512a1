"""One table from domain errors to HTTP status and stable codes, for the API, CLI and jobs."""

from __future__ import annotations

from sqlalchemy.exc import OperationalError

from archive import MetadataInvalid, PackageError
from digitize import (
    DigitizeError,
    FileTooLarge,
    ImageTooLarge,
    IntakeError,
    TooManyPages,
    UnsupportedFormat,
)
from retention import DisposalRefused, ScheduleError
from signing import (
    BadSigningInput,
    CertificateRejected,
    FontMissing,
    KeyUnavailable,
    NotAPdf,
    SigningError,
    TrustServiceUnavailable,
)
from storage import BlobIntegrityError, RetentionLocked, StorageError, StorageUnavailable
from storage.encryption import DataKeyUnavailable, VaultShredded
from vault import (
    AgencyCodeExpired,
    AlreadyCertified,
    CodeConflict,
    DocumentRevoked,
    DossierMismatch,
    Forbidden,
    IndicatorError,
    InvalidOwnerId,
    InvalidRecordValue,
    InvalidTransition,
    NotAnExtension,
    NotAResult,
    NotFound,
    RecordIncomplete,
    ReuseReasonRequired,
    UnknownVariant,
    VaultError,
    mask_ids_in_text,
)

from .accounts.limiter import TooManyAttempts
from .accounts.oidc import OidcError, OidcUnavailable
from .accounts.service import (
    AccountError,
    AccountExists,
    AccountNotFound,
    IdentityNotLinked,
    LoginFailed,
)


class BackupError(Exception):
    """A backup or a restore cannot go on (sohoa.backup); the message says why."""

    code = "backup_failed"


class IdempotencyConflict(Exception):
    """An Idempotency-Key already names a request with other content."""

    code = "idempotency_key_reused"


class BundleError(ValueError):
    """A counter node's bundle the centre cannot file (sohoa.sync): the message says why."""

    code = "bad_bundle"


class SignatureRefused(BundleError):
    """The operator's signature on a node's document does not hold at the centre."""

    code = "signature_invalid"


class NotANode(Exception):
    """This service is not a counter node: no centre is configured."""

    code = "not_a_node"


#: What the API and the command line report as a refusal, never as an internal error.
DOMAIN_ERRORS: tuple[type[Exception], ...] = (
    DigitizeError, VaultError, InvalidOwnerId, NotAPdf, StorageError, SigningError,
    AccountError, LoginFailed, TooManyAttempts, OidcError, IdentityNotLinked, PackageError,
    DisposalRefused, OperationalError, BackupError, IdempotencyConflict, BundleError,
    NotANode)

INTERNAL = ("internal_error", "Lỗi nội bộ; xem nhật ký máy chủ (internal error; see the server log)")


def http_status(exc: BaseException) -> int:
    """The HTTP status an error answers with; 500 only for what is truly ours."""
    if isinstance(exc, FileTooLarge | TooManyPages | ImageTooLarge):
        return 413
    if isinstance(exc, UnsupportedFormat):
        return 415
    if isinstance(exc, IntakeError | InvalidOwnerId | UnknownVariant | NotAPdf | RecordIncomplete
                  | InvalidRecordValue | BadSigningInput | ReuseReasonRequired | PackageError
                  | BundleError):
        return 422
    if isinstance(exc, RetentionLocked | DisposalRefused | IdempotencyConflict):
        return 409
    if isinstance(exc, LoginFailed):
        return 401
    if isinstance(exc, OidcUnavailable):
        return 503
    if isinstance(exc, OidcError):
        return 400
    if isinstance(exc, Forbidden | IdentityNotLinked):
        return 403
    if isinstance(exc, NotFound | AccountNotFound | NotANode):
        return 404
    if isinstance(exc, TooManyAttempts):
        return 429
    if isinstance(exc, VaultShredded):
        return 410
    if isinstance(exc, AccountExists):
        return 409
    if isinstance(exc, AccountError):
        return 422
    if isinstance(exc, DossierMismatch | InvalidTransition | CodeConflict | NotAnExtension
                  | AlreadyCertified | DocumentRevoked | NotAResult | AgencyCodeExpired):
        return 409
    if isinstance(exc, StorageUnavailable | TrustServiceUnavailable | KeyUnavailable
                  | CertificateRejected | DataKeyUnavailable | OperationalError):
        return 503
    return 500


def is_transient(exc: BaseException) -> bool:
    """Whether waiting will likely cure the error: storage, database or a trust service
    away. A job that hits one is queued again with a growing delay, not failed."""
    return isinstance(exc, StorageUnavailable | TrustServiceUnavailable | OperationalError
                      | OidcUnavailable)


def describe_error(exc: BaseException) -> tuple[str, str]:
    """``(code, message)`` safe to show: domain messages as they are, others hidden; any
    ID the message repeats from the input (a dossier "code" typed as a personal ID, say)
    is masked as in the logs, since answers end up in browsers, proxies and screenshots."""
    code, message = _describe(exc)
    return code, mask_ids_in_text(message)


def _describe(exc: BaseException) -> tuple[str, str]:
    if isinstance(exc, DigitizeError | VaultError | BackupError | IdempotencyConflict
                  | BundleError | NotANode):
        return exc.code, str(exc)
    if isinstance(exc, InvalidOwnerId):
        return "invalid_owner_id", str(exc)
    if isinstance(exc, LoginFailed):
        return "login_failed", str(exc)
    if isinstance(exc, TooManyAttempts):
        return "too_many_attempts", str(exc)
    if isinstance(exc, OidcUnavailable):
        return "identity_provider_unavailable", str(exc)
    if isinstance(exc, OidcError):
        return "oidc_login_failed", str(exc)
    if isinstance(exc, IdentityNotLinked):
        return "identity_not_linked", str(exc)
    if isinstance(exc, AccountExists):
        return "account_exists", str(exc)
    if isinstance(exc, AccountNotFound):
        return "not_found", str(exc)
    if isinstance(exc, AccountError):
        return "invalid_account", str(exc)
    if isinstance(exc, NotAPdf):
        return "not_a_pdf", str(exc)
    if isinstance(exc, ScheduleError):
        return "invalid_retention_schedule", str(exc)
    if isinstance(exc, IndicatorError):
        return "invalid_indicator_file", str(exc)
    if isinstance(exc, MetadataInvalid):
        return "invalid_archive_metadata", str(exc)
    if isinstance(exc, PackageError):
        return "invalid_package", str(exc)
    if isinstance(exc, RetentionLocked):
        return "retention_locked", str(exc)
    if isinstance(exc, DisposalRefused):
        return "disposal_refused", str(exc)
    if isinstance(exc, VaultShredded):
        return "vault_shredded", str(exc)
    if isinstance(exc, DataKeyUnavailable):
        return "data_key_unavailable", str(exc)
    if isinstance(exc, BlobIntegrityError):
        return "integrity_error", "Tệp lưu trữ không khớp mã băm (a stored file failed its check)"
    if isinstance(exc, StorageUnavailable):
        return "storage_unavailable", "Kho lưu trữ tạm thời không truy cập được (storage is unavailable)"
    if isinstance(exc, BadSigningInput):
        return "signing_input_invalid", str(exc)
    if isinstance(exc, TrustServiceUnavailable):
        return "trust_service_unavailable", str(exc)
    if isinstance(exc, KeyUnavailable):
        return "signing_key_unavailable", str(exc)
    if isinstance(exc, CertificateRejected):
        return "signing_certificate_rejected", str(exc)
    if isinstance(exc, SigningError | FontMissing):
        return "signing_failed", f"Không ký số được (signing failed): {exc}"
    if isinstance(exc, StorageError):
        return "storage_error", "Lỗi kho lưu trữ (storage error)"
    if isinstance(exc, OperationalError):
        return "database_unavailable", ("Cơ sở dữ liệu tạm thời không truy cập được "
                                        "(the database is unavailable; try again)")
    return INTERNAL
