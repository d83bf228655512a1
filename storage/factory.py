"""Build the configured blob store from a URL: ``file:///path`` or ``s3://bucket/prefix``."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from urllib.parse import unquote, urlsplit

from .base import BlobStore
from .local import LocalBlobStore


@dataclass(frozen=True)
class S3Options:
    """How to reach an S3 endpoint; ``endpoint`` is ``host:port``."""

    endpoint: str
    access_key: str
    secret_key: str
    region: str | None = None
    secure: bool = True


def open_blob_store(
    url: str, *, url_secret: bytes, url_base: str = "/blobs", s3: S3Options | None = None,
    object_lock: bool = False,
) -> BlobStore:
    """Open the store a ``SOHOA_STORAGE_URL`` names; unknown schemes are refused.
    ``object_lock``: an S3 bucket with versions and retention locks (the archive's)."""
    parts = urlsplit(url)
    if parts.scheme == "file":
        return LocalBlobStore(Path(unquote(parts.path)), url_secret=url_secret, url_base=url_base)
    if parts.scheme == "s3":
        if not parts.netloc:
            raise ValueError(f"storage URL {url!r} names no bucket")
        if s3 is None:
            raise ValueError("an s3:// storage URL needs the S3 endpoint and credentials settings")
        from .s3 import S3BlobStore  # the S3 SDK loads only for a store that uses it

        return S3BlobStore.connect(
            s3.endpoint, parts.netloc, access_key=s3.access_key, secret_key=s3.secret_key,
            region=s3.region, secure=s3.secure, prefix=parts.path, object_lock=object_lock,
        )
    raise ValueError(f"unsupported storage URL {url!r}: use file:///path or s3://bucket[/prefix]")
