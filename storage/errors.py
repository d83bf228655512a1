"""Errors raised by every blob store, whatever the backend.

Callers catch these, never a backend's own exceptions (``OSError``,
``minio.error.S3Error``): the storage layer translates them so that swapping
the backend never changes the error handling above it.
"""

from __future__ import annotations


class StorageError(Exception):
    """Base class of every storage failure."""


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


class RetentionLocked(StorageError):
    """The object is under a retention lock (S3 Object Lock, COMPLIANCE) and cannot be
    deleted or overwritten before ``until``, by anyone."""

    def __init__(self, key: str, until: object = None) -> None:
        when = f" until {until}" if until else ""
        super().__init__(f"blob {key!r} is under a retention lock{when}: it cannot be "
                         "deleted or replaced")
        self.key = key
        self.until = until
