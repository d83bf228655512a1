"""Envelope encryption of blobs: a data key per vault, AES-256-GCM per blob.

Each vault (the first segment of a blob key) has its own random 256-bit data
key; each blob is sealed with AES-256-GCM under it, with a fresh 96-bit nonce
and the blob's key as associated data — so a blob moved to another key, another
vault's blob swapped in, or one flipped bit fails to open. Data keys are kept
wrapped (AES key wrap, RFC 3394) by a key-encryption key (KEK) that never leaves
its provider; rotating the KEK rewraps the data keys and leaves every blob as it
is. Destroying a vault's data key (crypto-shredding) makes every blob of it —
in the bucket, in its replicas, in any copy or backup — unreadable.

Blobs are written in format 2 (``storage.segments``): sealed in segments, so a blob
is opened while it arrives and a byte range of it is fetched and opened alone. Format 1
(``b"SHE1"`` · 12-byte nonce · ciphertext · 16-byte tag, one GCM message) is still read.

A blob whose name is the vault's MAC of its SHA-256 (``blob_name``, how the vault names
every file) is verified on read by its seal alone: the GCM tags prove the bytes are the
ones sealed under that name, and the name proves which SHA-256 they were sealed as, so
hashing them again would only cost time. Any other blob is hashed as it is read.
"""

from __future__ import annotations

import hashlib
import hmac
import logging
import os
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Protocol

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from cryptography.hazmat.primitives.keywrap import InvalidUnwrap, aes_key_unwrap, aes_key_wrap

from .base import (
    DEFAULT_CONTENT_TYPE,
    BlobInfo,
    BlobReader,
    BlobStore,
    LockingBlobStore,
    check_key,
    sha256_hex,
    verify_bytes,
)
from .errors import BlobIntegrityError, StorageError
from .opened import Opened, whole_bytes
from .segments import DEFAULT_SEGMENT, HEADER_BYTES, Header, SegmentRefused, Segments, StoredSpan

log = logging.getLogger(__name__)

MAGIC = b"SHE1"
SEGMENTED = b"SHE2"
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


def blob_name(data_key: bytes, sha256: str) -> str:
    """The object name of a file of the vault: a MAC of its SHA-256 under the vault's
    key, so the bucket does not reveal the hash of any file (which would let someone
    confirm a known document), and the name vouches for the hash it was made from."""
    return hmac.new(data_key, b"blob-name:" + sha256.encode(), hashlib.sha256).hexdigest()


def seal(data_key: bytes, blob_key: str, plaintext: bytes) -> bytes:
    """One GCM message (format 1): what the rows' sealed values are (``storage.sealing``),
    small enough to be opened whole."""
    nonce = os.urandom(NONCE_BYTES)
    return MAGIC + nonce + AESGCM(data_key).encrypt(nonce, plaintext, _aad(blob_key))


def is_sealed(stored: bytes) -> bool:
    return stored.startswith((MAGIC, SEGMENTED))


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
    ``get`` and ``open`` open the blob and check it against the expected plaintext
    hash. ``head`` and ``list`` describe the stored (sealed) objects. A blob written
    before encryption existed opens only if it matches the expected hash, so it
    keeps its integrity check until it is sealed too.
    """

    def __init__(self, inner: BlobStore, keys: DataKeys, *,
                 segment_size: int = DEFAULT_SEGMENT) -> None:
        self.inner = inner
        self._keys = keys
        self.segment_size = segment_size

    def name_for(self, vault: str, sha256: str) -> str:
        """The key a file of ``vault`` with this SHA-256 is stored under."""
        return f"{vault}/{blob_name(self._keys.key_for(vault), sha256)}"

    def _sealed(self, key: str, data: bytes, sha256: str | None,
                content_type: str) -> tuple[bytes, BlobInfo]:
        check_key(key)
        segments = Segments.new(self._keys.key_for(_vault_of(key)), key, self.segment_size)
        return segments.seal(data), BlobInfo(key, len(data), sha256 or sha256_hex(data),
                                             content_type)

    def put(self, key: str, data: bytes, *, content_type: str = DEFAULT_CONTENT_TYPE,
            sha256: str | None = None) -> BlobInfo:
        """``sha256``: the plaintext's, when the caller has just computed it (to name the
        blob), so the bytes are hashed once."""
        stored, info = self._sealed(key, data, sha256, content_type)
        written = self.inner.put(key, stored, content_type=content_type)
        return BlobInfo(key, info.size, info.sha256, content_type, written.modified)

    def put_locked(self, key: str, data: bytes, *, retain_until: datetime,
                   content_type: str = DEFAULT_CONTENT_TYPE,
                   sha256: str | None = None) -> BlobInfo:
        """Seal, then store under the inner store's retention lock."""
        if not isinstance(self.inner, LockingBlobStore):
            raise StorageError(f"{self.inner!r} cannot lock blobs")
        stored, info = self._sealed(key, data, sha256, content_type)
        written = self.inner.put_locked(key, stored, retain_until=retain_until,
                                        content_type=content_type)
        return BlobInfo(key, info.size, info.sha256, content_type, written.modified)

    def get(self, key: str, *, expected_sha256: str | None = None,
            verify: bool = True) -> bytes:
        return self.open_plain(key, expected_sha256=expected_sha256, verify=verify).read()

    def open_plain(self, key: str, *, expected_sha256: str | None = None, verify: bool = True,
                   start: int = 0, length: int | None = None) -> Opened:
        """The plaintext from ``start`` (``length`` bytes, or to the end), opened as the
        stored bytes arrive. A range fetches only the segments that hold it; its bytes
        are authenticated by their seal, and ``expected_sha256`` (the whole blob's) is
        not checked for a range."""
        check_key(key)
        whole = start == 0 and length is None
        if whole:
            reader = self.inner.open(key)
            head = _read_head(reader)
        else:
            with self.inner.open(key, length=HEADER_BYTES) as probe:
                head = _read_head(probe)
                total = probe.total
        bound = not verify or expected_sha256 is None or self._names(key, expected_sha256)
        if not head.startswith(SEGMENTED) or not (whole or bound):
            # Format 1, plaintext from before encryption, or a range of a blob the seal
            # does not vouch for by name: the whole blob, checked, then the range.
            if whole:
                reader.close()
            return whole_bytes(self._open_whole(key, expected_sha256 if verify else None),
                               start, length)
        segments = self._segments(key, head)
        try:
            if whole:
                span = StoredSpan.of(segments.header, reader.total)
            else:
                span = StoredSpan.of(segments.header, total, start, length)
                reader = self.inner.open(key, start=span.start, length=span.length)
        except SegmentRefused:
            raise SealBroken(key) from None
        except ValueError as exc:
            raise StorageError(f"blob {key!r}: {exc}") from None
        pieces = _opening(key, segments, reader, span)
        if not bound:
            pieces = _hashed(key, pieces, expected_sha256 or "")
        return Opened(span.take, pieces, reader.close)

    def _segments(self, key: str, head: bytes) -> Segments:
        try:
            header = Header.decode(head)
        except SegmentRefused:
            raise SealBroken(key) from None
        return Segments(self._keys.key_for(_vault_of(key)), key, header)

    def _names(self, key: str, sha256: str) -> bool:
        """Whether ``key`` is the name the vault gives a file with this SHA-256."""
        vault = _vault_of(key)
        return hmac.compare_digest(key, self.name_for(vault, sha256.lower())) \
            if "/" in key else False

    def _open_whole(self, key: str, expected_sha256: str | None) -> bytes:
        """A format-1 blob, or one from before encryption (only against its hash)."""
        stored = self.inner.get(key, verify=False)
        if stored.startswith(MAGIC):
            data = open_sealed(self._keys.key_for(_vault_of(key)), key, stored)
        elif expected_sha256 is not None:
            log.warning("blob %s is not encrypted yet (written before encryption at rest)", key)
            data = stored
        else:
            raise SealBroken(key)
        verify_bytes(key, data, expected_sha256)
        return data

    def locked_until(self, key: str) -> datetime | None:
        if not isinstance(self.inner, LockingBlobStore):
            return None
        return self.inner.locked_until(key)

    def is_sealed(self, key: str) -> bool:
        """Whether the stored blob is already encrypted (for one-off migrations)."""
        with self.inner.open(key, length=len(MAGIC)) as reader:
            return is_sealed(reader.read(len(MAGIC)))

    def open(self, key: str, *, start: int = 0, length: int | None = None) -> BlobReader:
        """The stored, sealed bytes (as ``head`` and ``list`` describe them)."""
        return self.inner.open(key, start=start, length=length)

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


def _read_head(reader: BlobReader) -> bytes:
    """The first bytes of a blob: a format-2 header, or enough to tell the others."""
    head = b""
    while len(head) < HEADER_BYTES:
        piece = reader.read(HEADER_BYTES - len(head))
        if not piece:
            break
        head += piece
    return head


def _opening(key: str, segments: Segments, reader: BlobReader,
             span: StoredSpan) -> Iterator[bytes]:
    try:
        yield from segments.open_span(reader.readinto, span)
    except SegmentRefused:
        raise SealBroken(key) from None


def _hashed(key: str, pieces: Iterable[bytes], expected: str) -> Iterator[bytes]:
    """The pieces, hashed as they pass; the last is held back until the hash matches,
    so no one is handed the whole of a blob that is not the one recorded."""
    digest = hashlib.sha256()
    held: bytes | None = None
    for piece in pieces:
        if held is not None:
            yield held
        digest.update(piece)
        held = piece
    actual = digest.hexdigest()
    if actual != expected.lower():
        raise BlobIntegrityError(key, expected.lower(), actual)
    if held is not None:
        yield held


def _vault_of(key: str) -> str:
    return key.split("/", 1)[0]
