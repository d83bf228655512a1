"""``LocalBlobStore``: blobs as files under one folder (the embedded default).

Layout: the bytes of key ``a/b`` live at ``<root>/data/a/b`` and a small JSON
record (size, SHA-256, media type) at ``<root>/meta/a/b.json``. Writes go to a
temporary file, are fsynced and renamed into place, so a crash leaves either
the old blob or the new one, never half of one.

Presigned URLs are HMAC-signed paths under a base URL; the service that serves
them calls :meth:`LocalBlobStore.open_presigned`, which checks signature and
expiry, so a local deployment offers the same time-limited links as S3.
"""

from __future__ import annotations

import contextlib
import hmac
import json
import os
import tempfile
import time
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from hashlib import sha256
from pathlib import Path
from typing import BinaryIO
from urllib.parse import parse_qs, quote, unquote, urlsplit

from .base import DEFAULT_CONTENT_TYPE, BlobInfo, BlobReader, check_key, sha256_hex, verify_bytes
from .errors import BlobNotFound, PresignedUrlError, RetentionLocked, StorageError


class LocalBlobStore:
    """A :class:`~storage.base.BlobStore` on the local file system."""

    def __init__(self, root: Path, *, url_secret: bytes, url_base: str = "/blobs") -> None:
        if not url_secret:
            raise ValueError("url_secret must not be empty")
        self.root = Path(root)
        self._data = self.root / "data"
        self._meta = self.root / "meta"
        self._data.mkdir(parents=True, exist_ok=True)
        self._meta.mkdir(parents=True, exist_ok=True)
        self._secret = url_secret
        self._url_base = url_base.rstrip("/")

    def __repr__(self) -> str:
        return f"LocalBlobStore({str(self.root)!r})"

    # -- paths -----------------------------------------------------------------
    def _data_path(self, key: str) -> Path:
        return self._data / check_key(key)

    def _meta_path(self, key: str) -> Path:
        return self._meta / (check_key(key) + ".json")

    # -- protocol ----------------------------------------------------------------
    def put(self, key: str, data: bytes, *, content_type: str = DEFAULT_CONTENT_TYPE,
            sha256: str | None = None) -> BlobInfo:
        return self._put(key, data, content_type, None, sha256)

    def put_locked(self, key: str, data: bytes, *, retain_until: datetime,
                   content_type: str = DEFAULT_CONTENT_TYPE) -> BlobInfo:
        """Store a blob that ``delete`` and ``put`` refuse to touch before ``retain_until``
        (the local counterpart of S3 Object Lock, COMPLIANCE mode)."""
        return self._put(key, data, content_type, retain_until, None)

    def locked_until(self, key: str) -> datetime | None:
        try:
            record = json.loads(self._meta_path(key).read_bytes())
        except FileNotFoundError:
            raise BlobNotFound(key) from None
        except (OSError, ValueError) as exc:
            raise StorageError(f"unreadable record for blob {key!r}: {exc}") from exc
        until = record.get("retain_until")
        moment = datetime.fromisoformat(until) if until else None
        return moment if moment and moment > datetime.now(UTC) else None

    def _check_unlocked(self, key: str) -> None:
        with contextlib.suppress(BlobNotFound):
            until = self.locked_until(key)
            if until is not None:
                raise RetentionLocked(key, until.isoformat())

    def _put(self, key: str, data: bytes, content_type: str,
             retain_until: datetime | None, sha256: str | None) -> BlobInfo:
        self._check_unlocked(key)
        digest = sha256 or sha256_hex(data)
        info = BlobInfo(key, len(data), digest, content_type, datetime.now(UTC))
        record = json.dumps(
            {"size": info.size, "sha256": digest, "content_type": content_type,
             "modified": info.modified.isoformat() if info.modified else None,
             "retain_until": retain_until.astimezone(UTC).isoformat() if retain_until else None}
        ).encode()
        try:
            _atomic_write(self._data_path(key), data)
            _atomic_write(self._meta_path(key), record)
        except OSError as exc:
            raise StorageError(f"cannot write blob {key!r}: {exc}") from exc
        return info

    def get(self, key: str, *, expected_sha256: str | None = None,
            verify: bool = True) -> bytes:
        info = self.head(key)
        try:
            data = self._data_path(key).read_bytes()
        except FileNotFoundError:
            raise BlobNotFound(key) from None
        if verify:
            verify_bytes(key, data, info.sha256, expected_sha256)
        return data

    def open(self, key: str, *, start: int = 0, length: int | None = None) -> BlobReader:
        try:
            handle = self._data_path(key).open("rb")
        except FileNotFoundError:
            raise BlobNotFound(key) from None
        return _FileReader(handle, start, length)

    def head(self, key: str) -> BlobInfo:
        meta_path = self._meta_path(key)
        try:
            record = json.loads(meta_path.read_bytes())
        except FileNotFoundError:
            raise BlobNotFound(key) from None
        except (OSError, ValueError) as exc:
            raise StorageError(f"unreadable record for blob {key!r}: {exc}") from exc
        if not self._data_path(key).exists():
            raise BlobNotFound(key)
        modified = record.get("modified")
        return BlobInfo(
            key=key,
            size=int(record["size"]),
            sha256=str(record["sha256"]),
            content_type=str(record.get("content_type") or DEFAULT_CONTENT_TYPE),
            modified=datetime.fromisoformat(modified) if modified else None,
        )

    def exists(self, key: str) -> bool:
        return self._meta_path(key).exists() and self._data_path(key).exists()

    def delete(self, key: str) -> None:
        self._check_unlocked(key)
        # Record first: a blob without a record reads as absent, never as unverified.
        for path in (self._meta_path(key), self._data_path(key)):
            with contextlib.suppress(FileNotFoundError):
                path.unlink()

    def list(self, prefix: str = "") -> Iterator[BlobInfo]:
        keys = sorted(
            str(p.relative_to(self._meta))[: -len(".json")]
            for p in self._meta.rglob("*.json")
            if p.is_file()
        )
        for key in keys:
            if key.startswith(prefix):
                try:
                    yield self.head(key)
                except BlobNotFound:
                    continue

    def presigned_url(self, key: str, expires: timedelta) -> str:
        check_key(key)
        deadline = int(time.time() + expires.total_seconds())
        signature = self._sign(key, deadline)
        return f"{self._url_base}/{quote(key)}?expires={deadline}&signature={signature}"

    # -- local-only ----------------------------------------------------------------
    def open_presigned(self, url: str) -> bytes:
        """Check a URL made by :meth:`presigned_url` and return the blob's bytes."""
        parts = urlsplit(url)
        if not parts.path.startswith(self._url_base + "/"):
            raise PresignedUrlError("the URL does not point into this store")
        key = unquote(parts.path[len(self._url_base) + 1 :])
        query = parse_qs(parts.query)
        try:
            deadline = int(query["expires"][0])
            signature = query["signature"][0]
        except (KeyError, ValueError, IndexError):
            raise PresignedUrlError("the URL lacks a valid expiry or signature") from None
        if not hmac.compare_digest(signature, self._sign(check_key(key), deadline)):
            raise PresignedUrlError("the URL's signature does not match")
        if time.time() > deadline:
            raise PresignedUrlError("the URL has expired")
        return self.get(key)

    def _sign(self, key: str, deadline: int) -> str:
        message = f"GET\n{key}\n{deadline}".encode()
        return hmac.new(self._secret, message, sha256).hexdigest()


class _FileReader:
    """A byte range of one file as a :class:`~storage.base.BlobReader`."""

    def __init__(self, handle: BinaryIO, start: int, length: int | None) -> None:
        self._handle = handle
        self.total = os.fstat(handle.fileno()).st_size
        handle.seek(start)
        self._left = self.total - start if length is None else length

    def read(self, size: int) -> bytes:
        data = self._handle.read(min(size, self._left))
        self._left -= len(data)
        return data

    def readinto(self, buffer: memoryview) -> int:
        count: int = self._handle.readinto(buffer[:self._left])  # type: ignore[attr-defined]
        self._left -= count
        return count

    def close(self) -> None:
        self._handle.close()

    def __enter__(self) -> _FileReader:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


def _atomic_write(path: Path, data: bytes) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=".tmp-")
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
    dir_fd = os.open(path.parent, os.O_RDONLY)
    try:
        os.fsync(dir_fd)
    finally:
        os.close(dir_fd)
