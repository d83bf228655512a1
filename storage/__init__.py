"""Blob storage behind one interface (``BlobStore``), whatever the backend.

Nothing outside this package opens a blob path or calls the S3 SDK: that is
what lets a deployment move from a local folder to any S3 endpoint by changing
one setting. This package knows nothing of citizens or dossiers.
"""

from typing import TYPE_CHECKING

from kernel.lazy import exports

from .base import (
    DEFAULT_CONTENT_TYPE,
    BlobInfo,
    BlobStore,
    LockingBlobStore,
    sha256_hex,
    verify_bytes,
)
from .errors import (
    BlobIntegrityError,
    BlobNotFound,
    InvalidBlobKey,
    PresignedUrlError,
    RetentionLocked,
    StorageError,
    StorageUnavailable,
)
from .factory import S3Options, open_blob_store
from .local import LocalBlobStore

if TYPE_CHECKING:
    from .s3 import S3BlobStore as S3BlobStore

#: The S3 store loads the S3 SDK: only when it is asked for (`kernel.lazy`).
__getattr__ = exports(__name__, {"s3": ("S3BlobStore",)})

__all__ = [
    "DEFAULT_CONTENT_TYPE",
    "BlobInfo",
    "BlobIntegrityError",
    "BlobNotFound",
    "BlobStore",
    "InvalidBlobKey",
    "LocalBlobStore",
    "LockingBlobStore",
    "PresignedUrlError",
    "RetentionLocked",
    "S3BlobStore",
    "S3Options",
    "StorageError",
    "StorageUnavailable",
    "open_blob_store",
    "sha256_hex",
    "verify_bytes",
]
