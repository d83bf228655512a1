"""Envelope encryption of blobs: a data key per vault, AES-256-GCM per blob.

Each vault (the first segment of a blob key) has its own random 256-bit data
key; each blob is sealed with AES-256-GCM under it, with a fresh 96-bit nonce
and the blob's key as associated data — so a blob moved to another key, another
vault's blob swapped in, or one flipped bit fails to open. Data keys are kept
wrapped (AES key wrap, RFC 3394) by a key-encryption key (KEK) that never leaves
its provider; rotating the KEK rewraps the data keys and leaves every blob as it
is. Destroying a vault's data key (crypto-shredding) makes every blob of it —
in the bucket, in its replicas, in any copy or backup — unreadable.

Blob format, version 1: ``b"SHE1"`` · 12-byte nonce · ciphertext · 16-byte tag.
"""

from __future__ import annotations

import logging
import os
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Protocol

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from cryptography.hazmat.primitives.keywrap import InvalidUnwrap, aes_key_unwrap, aes_key_wrap

from .base import (
    DEFAULT_CONTENT_TYPE,
    BlobInfo,
    BlobStore,
    LockingBlobStore,
    check_key,
    sha256_hex,
    verify_bytes,
)
from .errors import BlobIntegrityError, StorageError

log = logging.getLogger(__name__)

MAGIC = b"SHE1"
NONCE_BYTES = 12
KEY_BYTES = 32


class DataKeyUnavailable(StorageError):
    """A key needed to open a blob is not there: a KEK not configured, or a data key
    that was destroyed (the vault was crypto-shredded)."""

    code = "data_key_unavailable"
    http_status = 503
    public = None


class VaultShredded(DataKeyUnavailable):
    """The vault's data key was destroyed: none of its blobs can be read, anywhere."""

    code = "vault_shredded"
    http_status = 410


class SealBroken(BlobIntegrityError):
    """AES-GCM refused the blob: altered, moved to another key, or sealed under another
    vault's key."""

    def __init__(self, key: str) -> None:
        StorageError.__init__(self, f"blob {key!r} failed authentication: altered, moved, or "
                                    "sealed under another key")
        self.key, self.expected, self.actual = key, "", ""


@dataclass(frozen=True)
class WrappedKey:
    kek_id: str
    wrapped: bytes


class KeyEncryptionKeys(Protocol):
    """Where data keys are wrapped: settings here, a KMS or an HSM in production. The
    KEK itself never leaves the provider."""

    @property
    def current_id(self) -> str: ...

    def wrap(self, data_key: bytes) -> WrappedKey: ...

    def unwrap(self, wrapped: WrappedKey) -> bytes: ...


class LocalKeks:
    """KEKs held in memory, from settings: the current one wraps, any known one unwraps —
    which is what lets a rotation finish while old wrappings remain."""

    def __init__(self, keys: Mapping[str, bytes], current: str) -> None:
        if current not in keys:
            raise ValueError(f"the current KEK {current!r} is not among the keys given")
        for kek_id, key in keys.items():
            if len(key) != KEY_BYTES:
                raise ValueError(f"KEK {kek_id!r} must be {KEY_BYTES} bytes, not {len(key)}")
        self._keys = dict(keys)
        self._current = current

    @property
    def current_id(self) -> str:
        return self._current

    def wrap(self, data_key: bytes) -> WrappedKey:
        return WrappedKey(self._current, aes_key_wrap(self._keys[self._current], data_key))

    def unwrap(self, wrapped: WrappedKey) -> bytes:
        kek = self._keys.get(wrapped.kek_id)
        if kek is None:
            raise DataKeyUnavailable(f"khóa bọc {wrapped.kek_id!r} không được cấu hình "
                                 f"(KEK {wrapped.kek_id!r} is not configured)")
        try:
            return aes_key_unwrap(kek, wrapped.wrapped)
        except InvalidUnwrap:
            raise DataKeyUnavailable(f"khóa bọc {wrapped.kek_id!r} không mở được khóa dữ liệu "
                                 f"(KEK {wrapped.kek_id!r} does not unwrap this key)") from None


class DataKeys(Protocol):
    """The data key of each vault, unwrapped when needed."""

    def key_for(self, vault: str) -> bytes:
        """The vault's data key, made on first use; VaultShredded once destroyed."""
        ...


def new_data_key() -> bytes:
    return os.urandom(KEY_BYTES)


def seal(data_key: bytes, blob_key: str, plaintext: bytes) -> bytes:
    nonce = os.urandom(NONCE_BYTES)
    return MAGIC + nonce + AESGCM(data_key).encrypt(nonce, plaintext, _aad(blob_key))


def is_sealed(stored: bytes) -> bool:
    return stored.startswith(MAGIC)


def open_sealed(data_key: bytes, blob_key: str, stored: bytes) -> bytes:
    """The plaintext; BlobIntegrityError if a single bit of the blob or its key changed."""
    nonce = stored[len(MAGIC): len(MAGIC) + NONCE_BYTES]
    # A memoryview, not a slice: slicing would copy the whole ciphertext first.
    sealed = memoryview(stored)[len(MAGIC) + NONCE_BYTES:]
    try:
        return AESGCM(data_key).decrypt(nonce, sealed, _aad(blob_key))
    except InvalidTag:
        raise SealBroken(blob_key) from None


def _aad(blob_key: str) -> bytes:
    return b"sohoa-blob-v1:" + blob_key.encode()


class EncryptingBlobStore:
    """A ``BlobStore`` that seals every blob before the inner store sees it.

    ``put`` returns the plaintext's SHA-256 and size (what the vault records);
    ``get`` opens the blob and checks it against the expected plaintext hash.
    ``head`` and ``list`` describe the stored (sealed) objects. A blob written
    before encryption existed opens only if it matches the expected hash, so it
    keeps its integrity check until it is sealed too.
    """

    def __init__(self, inner: BlobStore, keys: DataKeys) -> None:
        self.inner = inner
        self._keys = keys

    def put(self, key: str, data: bytes, *, content_type: str = DEFAULT_CONTENT_TYPE) -> BlobInfo:
        check_key(key)
        stored = self.inner.put(key, seal(self._keys.key_for(_vault_of(key)), key, data),
                                content_type=content_type)
        return BlobInfo(key, len(data), sha256_hex(data), content_type, stored.modified)

    def get(self, key: str, *, expected_sha256: str | None = None,
            verify: bool = True) -> bytes:
        # The GCM tag authenticates every stored byte, so the inner store need not hash
        # the ciphertext; the plaintext is still checked against the database's hash.
        stored = self.inner.get(key, verify=False)
        if is_sealed(stored):
            data = open_sealed(self._keys.key_for(_vault_of(key)), key, stored)
        elif expected_sha256 is not None:
            log.warning("blob %s is not encrypted yet (written before encryption at rest)", key)
            data = stored
        else:
            raise SealBroken(key)
        if verify:
            verify_bytes(key, data, expected_sha256)
        return data

    def put_locked(self, key: str, data: bytes, *, retain_until: datetime,
                   content_type: str = DEFAULT_CONTENT_TYPE) -> BlobInfo:
        """Seal, then store under the inner store's retention lock."""
        check_key(key)
        if not isinstance(self.inner, LockingBlobStore):
            raise StorageError(f"{self.inner!r} cannot lock blobs")
        stored = self.inner.put_locked(key, seal(self._keys.key_for(_vault_of(key)), key, data),
                                       retain_until=retain_until, content_type=content_type)
        return BlobInfo(key, len(data), sha256_hex(data), content_type, stored.modified)

    def locked_until(self, key: str) -> datetime | None:
        if not isinstance(self.inner, LockingBlobStore):
            return None
        return self.inner.locked_until(key)

    def is_sealed(self, key: str) -> bool:
        """Whether the stored blob is already encrypted (reads it: for one-off migrations)."""
        return is_sealed(self.inner.get(key))

    def head(self, key: str) -> BlobInfo:
        return self.inner.head(key)

    def exists(self, key: str) -> bool:
        return self.inner.exists(key)

    def delete(self, key: str) -> None:
        self.inner.delete(key)

    def list(self, prefix: str = "") -> Iterator[BlobInfo]:
        return self.inner.list(prefix)

    def presigned_url(self, key: str, expires: timedelta) -> str:
        raise StorageError("blobs are encrypted: a presigned URL would hand out ciphertext")


def _vault_of(key: str) -> str:
    return key.split("/", 1)[0]
