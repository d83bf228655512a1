"""``S3BlobStore``: blobs in one bucket of any S3 endpoint, through the minio SDK.

Tested against SeaweedFS; the same calls serve MinIO, Ceph RGW and AWS. The
SHA-256 of each object is written as user metadata (``x-amz-meta-sha256``) in
the same PUT as its bytes, so the record can never drift from the object.
"""

from __future__ import annotations

import io
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime, timedelta

import urllib3
from minio import Minio
from minio.commonconfig import COMPLIANCE
from minio.error import MinioException, S3Error
from minio.retention import Retention

from .base import DEFAULT_CONTENT_TYPE, BlobInfo, BlobReader, check_key, sha256_hex, verify_bytes
from .errors import BlobNotFound, RetentionLocked, StorageError, StorageUnavailable

_SHA_META = "sha256"
_NOT_FOUND = {"NoSuchKey", "NoSuchObject", "NotFound", "ResourceNotFound"}
# No retention on this object (AWS and MinIO say the first, SeaweedFS the second).
_NO_RETENTION = {"NoSuchObjectLockConfiguration", "ObjectLockConfigurationNotFoundError"}


class S3BlobStore:
    """A :class:`~storage.base.BlobStore` on one S3 bucket, under an optional prefix."""

    def __init__(
        self,
        client: Minio,
        bucket: str,
        *,
        prefix: str = "",
        create_bucket: bool = True,
        object_lock: bool = False,
    ) -> None:
        """``object_lock``: the bucket keeps versions and locks (made so when created here;
        S3 turns Object Lock on only at a bucket's creation). ``delete`` then removes
        every version of a key, which S3 refuses while any is locked."""
        self._client = client
        self.bucket = bucket
        self._prefix = prefix.strip("/") + "/" if prefix.strip("/") else ""
        self.object_lock = object_lock
        if create_bucket:
            with _translated(bucket):
                if not client.bucket_exists(bucket):
                    client.make_bucket(bucket, object_lock=object_lock)

    @classmethod
    def connect(
        cls,
        endpoint: str,
        bucket: str,
        *,
        access_key: str,
        secret_key: str,
        region: str | None = None,
        secure: bool = True,
        prefix: str = "",
        timeout_seconds: float = 30.0,
        object_lock: bool = False,
    ) -> S3BlobStore:
        """Build a client for ``endpoint`` (``host:port``) with bounded timeouts and retries."""
        http = urllib3.PoolManager(
            timeout=urllib3.Timeout(connect=min(timeout_seconds, 10.0), read=timeout_seconds),
            retries=urllib3.Retry(total=3, backoff_factor=0.2, status_forcelist=(500, 502, 503, 504)),
            maxsize=16,
        )
        client = Minio(
            endpoint, access_key=access_key, secret_key=secret_key,
            region=region, secure=secure, http_client=http,
        )
        return cls(client, bucket, prefix=prefix, object_lock=object_lock)

    def __repr__(self) -> str:
        return f"S3BlobStore(bucket={self.bucket!r}, prefix={self._prefix!r})"

    def _object(self, key: str) -> str:
        return self._prefix + check_key(key)

    def put(self, key: str, data: bytes, *, content_type: str = DEFAULT_CONTENT_TYPE,
            sha256: str | None = None) -> BlobInfo:
        return self._put(key, data, content_type, None, sha256)

    def put_locked(self, key: str, data: bytes, *, retain_until: datetime,
                   content_type: str = DEFAULT_CONTENT_TYPE) -> BlobInfo:
        """Store under Object Lock, COMPLIANCE mode: no one can delete this version, nor
        shorten the lock, before ``retain_until``."""
        if not self.object_lock:
            raise StorageError(f"bucket {self.bucket!r} is not opened with Object Lock")
        return self._put(key, data, content_type, Retention(COMPLIANCE, retain_until), None)

    def _put(self, key: str, data: bytes, content_type: str,
             retention: Retention | None, sha256: str | None) -> BlobInfo:
        # S3 would keep the locked version and add a new one on top; refusing here keeps
        # one contract with the local store (a locked key is never replaced).
        if self.object_lock and self._exists_locked(key):
            raise RetentionLocked(key)
        digest = sha256 or sha256_hex(data)
        with _translated(key):
            self._client.put_object(
                self.bucket, self._object(key), io.BytesIO(data), len(data),
                content_type=content_type, metadata={_SHA_META: digest}, retention=retention,
            )
        return BlobInfo(key, len(data), digest, content_type)

    def _exists_locked(self, key: str) -> bool:
        try:
            return self.locked_until(key) is not None
        except BlobNotFound:
            return False

    def locked_until(self, key: str) -> datetime | None:
        if not self.object_lock:
            return None
        with _translated(key):
            try:
                retention = self._client.get_object_retention(self.bucket, self._object(key))
            except S3Error as exc:
                if exc.code in _NO_RETENTION:
                    return None
                raise
        until = retention.retain_until_date if retention else None
        return until if until and until > datetime.now(UTC) else None

    def get(self, key: str, *, expected_sha256: str | None = None,
            verify: bool = True) -> bytes:
        with _translated(key):
            response = self._client.get_object(self.bucket, self._object(key))
            try:
                data = response.read()
                recorded = _recorded_sha(response.headers)
            finally:
                response.close()
                response.release_conn()
        if not verify:
            return data
        verify_bytes(key, data, recorded, expected_sha256)
        if recorded is None and expected_sha256 is None:
            raise StorageError(f"blob {key!r} has no recorded SHA-256 to verify against")
        return data

    def open(self, key: str, *, start: int = 0, length: int | None = None) -> BlobReader:
        """One GET, ranged when only part of the blob is wanted; the body is read as it
        arrives, so transfer and whatever the caller does with each piece overlap."""
        with _translated(key):
            response = self._client.get_object(self.bucket, self._object(key), offset=start,
                                               length=length or 0)
        return _S3Reader(key, response)

    def head(self, key: str) -> BlobInfo:
        with _translated(key):
            stat = self._client.stat_object(self.bucket, self._object(key))
        recorded = _recorded_sha(stat.metadata or {})
        if recorded is None:
            raise StorageError(f"blob {key!r} has no recorded SHA-256")
        return BlobInfo(
            key=key, size=int(stat.size or 0), sha256=recorded,
            content_type=stat.content_type or DEFAULT_CONTENT_TYPE, modified=stat.last_modified,
        )

    def exists(self, key: str) -> bool:
        try:
            self.head(key)
        except BlobNotFound:
            return False
        return True

    def delete(self, key: str) -> None:
        name = self._object(key)
        with _translated(key):
            if not self.object_lock:
                self._client.remove_object(self.bucket, name)
                return
            versions = [o.version_id for o in self._client.list_objects(
                self.bucket, prefix=name, include_version=True) if o.object_name == name]
            for version in versions:
                try:
                    self._client.remove_object(self.bucket, name, version_id=version)
                except S3Error as exc:
                    if exc.code == "AccessDenied":
                        raise RetentionLocked(key) from exc
                    raise

    def list(self, prefix: str = "") -> Iterator[BlobInfo]:
        with _translated(prefix):
            names = sorted(
                obj.object_name
                for obj in self._client.list_objects(
                    self.bucket, prefix=self._prefix + prefix, recursive=True
                )
                if obj.object_name and not obj.is_dir
            )
        for name in names:
            try:
                yield self.head(name[len(self._prefix) :])
            except BlobNotFound:
                continue

    def presigned_url(self, key: str, expires: timedelta) -> str:
        with _translated(key):
            return self._client.presigned_get_object(self.bucket, self._object(key), expires=expires)


class _S3Reader:
    """A GET's body as a :class:`~storage.base.BlobReader`; the connection goes back to
    the pool on close."""

    def __init__(self, key: str, response: urllib3.BaseHTTPResponse) -> None:
        self._key, self._response = key, response
        ranged = response.headers.get("Content-Range", "")
        self.total = int(ranged.rsplit("/", 1)[1] if "/" in ranged
                         else response.headers.get("Content-Length", "0"))

    def read(self, size: int) -> bytes:
        with _translated(self._key):
            return self._response.read(size)

    def readinto(self, buffer: memoryview) -> int:
        with _translated(self._key):
            return self._response.readinto(buffer)

    def close(self) -> None:
        self._response.close()
        self._response.release_conn()

    def __enter__(self) -> _S3Reader:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


def _recorded_sha(headers: object) -> str | None:
    """Find our SHA-256 in response headers or stat metadata, whatever their casing."""
    items = headers.items() if hasattr(headers, "items") else []
    for name, value in items:
        lowered = str(name).lower()
        if lowered in ("x-amz-meta-" + _SHA_META, _SHA_META):
            return str(value).lower()
    return None


@contextmanager
def _translated(key: str) -> Iterator[None]:
    """Turn minio and urllib3 failures into :mod:`storage.errors` types."""
    try:
        yield
    except StorageError:
        raise
    except S3Error as exc:
        if exc.code in _NOT_FOUND:
            raise BlobNotFound(key) from exc
        raise StorageError(f"S3 refused the request for {key!r}: {exc.code}") from exc
    except (MinioException, urllib3.exceptions.HTTPError, OSError) as exc:
        raise StorageUnavailable(f"S3 endpoint unreachable: {exc}") from exc
