"""The ``BlobStore`` protocol every backend implements, and what they share.

Keys are opaque, slash-separated paths chosen by the caller (the vault uses
``<vault-id>/<sha256>``). Every write records the SHA-256 of the bytes before it
returns, and every read verifies the bytes against it, so no layer above has to
remember to (DESIGN: "every blob has a SHA-256 recorded … every read verifies it").
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Protocol, runtime_checkable

from .errors import BlobIntegrityError, InvalidBlobKey

DEFAULT_CONTENT_TYPE = "application/octet-stream"

_KEY_PART = re.compile(r"^[A-Za-z0-9._=-]+$")


@dataclass(frozen=True)
class BlobInfo:
    """What a store knows about one blob without reading its bytes."""

    key: str
    size: int
    sha256: str
    content_type: str
    modified: datetime | None = None


class BlobReader(Protocol):
    """Stored bytes as they arrive, not verified: for a layer that authenticates them
    itself (the encrypting store's segments). ``total`` is the whole blob's size,
    whatever part of it is being read."""

    total: int

    def read(self, size: int) -> bytes:
        """Up to ``size`` bytes; empty at the end of what was asked for."""
        ...

    def readinto(self, buffer: memoryview) -> int:
        """Fill ``buffer`` with what comes next, as much as is there; 0 at the end."""
        ...

    def close(self) -> None: ...

    def __enter__(self) -> BlobReader: ...

    def __exit__(self, *exc: object) -> None: ...


@runtime_checkable
class BlobStore(Protocol):
    """Content storage behind one interface: local folder, S3, or a wrapper.

    Implementations must be safe to call from several threads at once.
    """

    def put(self, key: str, data: bytes, *, content_type: str = DEFAULT_CONTENT_TYPE,
            sha256: str | None = None) -> BlobInfo:
        """Store ``data`` under ``key`` (replacing any blob there) and return its info.

        ``sha256``: the hash of ``data`` when the caller has just computed it, so the
        bytes are hashed once. The write is durable when this returns.
        """
        ...

    def get(self, key: str, *, expected_sha256: str | None = None,
            verify: bool = True) -> bytes:
        """Return the bytes under ``key``, verified against the recorded SHA-256.

        ``expected_sha256`` (normally the hash the database holds) is checked
        too; either mismatch raises :class:`BlobIntegrityError`. ``verify=False``
        skips both, for a layer that authenticates every byte itself (the
        encrypting store's AES-GCM tag), which a second hash would only slow down.
        """
        ...

    def open(self, key: str, *, start: int = 0, length: int | None = None) -> BlobReader:
        """Read ``length`` stored bytes from ``start`` (to the end when None) as they
        arrive, without verifying them; :class:`BlobNotFound` if absent."""
        ...

    def head(self, key: str) -> BlobInfo:
        """Return the blob's info; :class:`BlobNotFound` if absent."""
        ...

    def exists(self, key: str) -> bool: ...

    def delete(self, key: str) -> None:
        """Remove the blob; deleting an absent key is not an error."""
        ...

    def list(self, prefix: str = "") -> Iterator[BlobInfo]:
        """Every blob whose key starts with ``prefix``, in key order."""
        ...

    def presigned_url(self, key: str, expires: timedelta) -> str:
        """A URL that lets its holder GET this blob until ``expires`` has passed."""
        ...


@runtime_checkable
class LockingBlobStore(BlobStore, Protocol):
    """A store that can keep a blob from deletion until a date (write once, read many).

    On S3 this is Object Lock in COMPLIANCE mode, which not even the bucket's owner can
    lift; the local store enforces the same rule itself. ``delete`` of a locked blob,
    or ``put`` over it, raises :class:`RetentionLocked`; once the date has passed,
    ``delete`` removes every stored version of it.
    """

    def put_locked(self, key: str, data: bytes, *, retain_until: datetime,
                   content_type: str = DEFAULT_CONTENT_TYPE) -> BlobInfo: ...

    def locked_until(self, key: str) -> datetime | None:
        """The end of the blob's lock; None when it has none (or it has passed)."""
        ...


def sha256_hex(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def check_key(key: str) -> str:
    """Refuse keys that could escape a folder or confuse an S3 listing."""
    if not key or key.startswith("/") or key.endswith("/"):
        raise InvalidBlobKey(f"invalid blob key {key!r}")
    for part in key.split("/"):
        if part in ("", ".", "..") or not _KEY_PART.match(part):
            raise InvalidBlobKey(f"invalid blob key {key!r}")
    return key


def verify_bytes(key: str, data: bytes, *hashes: str | None) -> None:
    """Raise :class:`BlobIntegrityError` unless ``data`` hashes to every given hash."""
    actual = sha256_hex(data)
    for expected in hashes:
        if expected is not None and expected.lower() != actual:
            raise BlobIntegrityError(key, expected.lower(), actual)
