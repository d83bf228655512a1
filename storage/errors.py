"""Errors raised by every blob store, whatever the backend.

Callers catch these, never a backend's own exceptions (``OSError``,
``minio.error.S3Error``): the storage layer translates them so that swapping
the backend never changes the error handling above it.
"""

from __future__ import annotations

from typing import ClassVar

from kernel import DomainError


class StorageError(DomainError):
    """Base class of every storage failure."""

    code = "storage_error"
    http_status = 500
    #: The backend's own words may name hosts and keys: people see this instead.
    public: ClassVar[str | None] = "Lỗi kho lưu trữ (storage error)"


class BlobNotFound(StorageError):
    """No blob is stored under the key."""

    def __init__(self, key: str) -> None:
        super().__init__(f"no blob stored under {key!r}")
        self.key = key


class BlobIntegrityError(StorageError):
    """The bytes read do not hash to the SHA-256 recorded at write time.

    Raised on read, never silently repaired: a mismatch means corruption or
    tampering and must be investigated (REGULATIONS 9.A.6).
    """

    code = "integrity_error"
    public = "Tệp lưu trữ không khớp mã băm (a stored file failed its check)"

    def __init__(self, key: str, expected: str, actual: str) -> None:
        super().__init__(
            f"blob {key!r} failed its integrity check: expected SHA-256 {expected}, got {actual}"
        )
        self.key = key
        self.expected = expected
        self.actual = actual


class InvalidBlobKey(StorageError):
    """The key is empty, absolute, or tries to leave the store (``..``)."""


class PresignedUrlError(StorageError):
    """A presigned URL is malformed, tampered with, or expired."""


class StorageUnavailable(StorageError):
    """The backend could not be reached or answered with a server error."""

    code = "storage_unavailable"
    http_status = 503
    transient = True
    public = "Kho lưu trữ tạm thời không truy cập được (storage is unavailable)"


class RetentionLocked(StorageError):
    """The object is under a retention lock (S3 Object Lock, COMPLIANCE) and cannot be
    deleted or overwritten before ``until``, by anyone."""

    code = "retention_locked"
    http_status = 409
    public = None

    def __init__(self, key: str, until: object = None) -> None:
        when = f" until {until}" if until else ""
        super().__init__(f"blob {key!r} is under a retention lock{when}: it cannot be "
                         "deleted or replaced")
        self.key = key
        self.until = until
