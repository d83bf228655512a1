"""Blobs sealed in segments (format 2), so a blob is opened as it arrives and a byte
range of it is opened alone.

The construction is the STREAM online AEAD of Hoang, Reyhanitabar, Rogaway and Vizár
("Online authenticated-encryption and its nonce-reuse misuse-resistance", 2015) over
AES-256-GCM, laid out as Tink's AES-GCM-HKDF streaming AEAD:

- each blob draws a random 16-byte salt and 7-byte nonce prefix; its own key is
  HKDF-SHA256(vault data key, salt, info = the blob's key), so nonces never repeat
  across the blobs of one vault and a blob moved to another key does not open;
- the plaintext is cut into segments of ``segment_size`` bytes (the last may be
  shorter, or empty when the blob is); segment ``i`` is sealed with the nonce
  ``prefix · i (4 bytes) · last (1 byte)`` and the header as associated data, so a
  segment moved, dropped, repeated, or a blob cut short after any segment fails;
- segment ``i`` starts at a fixed offset, so the range a reader asks for is mapped to
  whole segments and fetched and opened alone.

Layout: ``b"SHE2"`` · segment size (4 bytes, big-endian) · salt · nonce prefix ·
segments, each its ciphertext and 16-byte tag.

Written on ``cryptography``'s AES-GCM (OpenSSL, which releases the GIL while it
works): no maintained Python library offers a segmented AEAD with random access
short of Tink, whose Python package brings a C++ runtime for this one construction.
"""

from __future__ import annotations

import os
import struct
from collections.abc import Callable, Iterator
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from cryptography.hazmat.primitives.hashes import SHA256
from cryptography.hazmat.primitives.kdf.hkdf import HKDF

MAGIC = b"SHE2"
SALT_BYTES = 16
PREFIX_BYTES = 7
TAG_BYTES = 16
HEADER_BYTES = len(MAGIC) + 4 + SALT_BYTES + PREFIX_BYTES
MIN_SEGMENT = 4096
MAX_SEGMENT = 1 << 26
DEFAULT_SEGMENT = 1 << 20


class SegmentRefused(ValueError):
    """A segment failed authentication, or the blob ends where its last segment does not."""


@dataclass(frozen=True)
class Header:
    """What the first bytes of a format-2 blob say: how it is cut and under which nonce."""

    segment_size: int
    salt: bytes
    prefix: bytes

    def encode(self) -> bytes:
        return MAGIC + struct.pack(">I", self.segment_size) + self.salt + self.prefix

    @classmethod
    def decode(cls, data: bytes) -> Header:
        if len(data) < HEADER_BYTES or not data.startswith(MAGIC):
            raise SegmentRefused("not a segmented blob")
        (size,) = struct.unpack(">I", data[len(MAGIC):len(MAGIC) + 4])
        if not MIN_SEGMENT <= size <= MAX_SEGMENT:
            raise SegmentRefused(f"segment size {size} out of bounds")
        salt_at = len(MAGIC) + 4
        return cls(size, data[salt_at:salt_at + SALT_BYTES],
                   data[salt_at + SALT_BYTES:HEADER_BYTES])

    @property
    def stride(self) -> int:
        """Stored bytes per full segment."""
        return self.segment_size + TAG_BYTES

    def segments_in(self, stored_size: int) -> int:
        """How many segments a stored blob of ``stored_size`` bytes holds."""
        body = stored_size - HEADER_BYTES
        if body < TAG_BYTES:
            raise SegmentRefused("the blob is shorter than one segment")
        return -(-body // self.stride)

    def plain_size(self, stored_size: int) -> int:
        return stored_size - HEADER_BYTES - TAG_BYTES * self.segments_in(stored_size)


def check_segment_size(size: int) -> int:
    if not MIN_SEGMENT <= size <= MAX_SEGMENT:
        raise ValueError(f"segment size must be between {MIN_SEGMENT} and {MAX_SEGMENT} bytes, "
                         f"not {size}")
    return size


class Segments:
    """Seal and open the segments of one blob under its own key."""

    def __init__(self, data_key: bytes, blob_key: str, header: Header) -> None:
        self.header = header
        self._aad = header.encode()
        blob_secret = HKDF(SHA256(), 32, header.salt, b"sohoa-blob-v2:" + blob_key.encode())
        self._aead = AESGCM(blob_secret.derive(data_key))

    @classmethod
    def new(cls, data_key: bytes, blob_key: str, segment_size: int) -> Segments:
        header = Header(check_segment_size(segment_size), os.urandom(SALT_BYTES),
                        os.urandom(PREFIX_BYTES))
        return cls(data_key, blob_key, header)

    def _nonce(self, index: int, last: bool) -> bytes:
        return self.header.prefix + struct.pack(">IB", index, last)

    def seal(self, plaintext: bytes | memoryview) -> bytes:
        """The whole stored blob: header and every segment, written into one buffer."""
        view = memoryview(plaintext)
        size = self.header.segment_size
        count = max(1, -(-len(view) // size))
        out = bytearray(HEADER_BYTES + len(view) + TAG_BYTES * count)
        out[:HEADER_BYTES] = self._aad
        target = memoryview(out)
        at = HEADER_BYTES
        for index in range(count):
            piece = view[index * size:(index + 1) * size]
            end = at + len(piece) + TAG_BYTES
            self._aead.encrypt_into(self._nonce(index, index == count - 1), piece, self._aad,
                                    target[at:end])
            at = end
        return bytes(out)

    def open_one(self, index: int, sealed: bytes | memoryview, *, last: bool) -> bytes:
        try:
            return self._aead.decrypt(self._nonce(index, last), sealed, self._aad)
        except InvalidTag:
            raise SegmentRefused(f"segment {index} failed authentication") from None

    def open_span(self, readinto: Callable[[memoryview], int],
                  span: StoredSpan) -> Iterator[bytes]:
        """Open the segments of ``span`` as ``readinto`` (the stored bytes from
        ``span.start`` on, into a buffer) delivers them; the plaintext of the span's
        range, segment by segment. A missing or altered byte fails its segment.

        While one segment is opened (on another thread: AES-GCM lets go of the GIL),
        the next is read; two buffers take the segments in turn, so a large read
        allocates no more than it gives."""
        buffers = [memoryview(bytearray(self.header.stride)) for _ in range(2)]
        opening: Future[bytes] | None = None
        for index in range(span.first, span.last + 1):
            final = index == span.last
            want = span.length - (span.last - span.first) * self.header.stride if final \
                else self.header.stride
            sealed = buffers[index % 2][:want]
            _fill(readinto, sealed)
            if opening is not None:
                yield self._trimmed(index - 1, opening.result(), span)
            if final:  # nothing left to read meanwhile: opened here
                yield self._trimmed(index, self.open_one(index, sealed, last=span.ends_blob),
                                    span)
            else:
                opening = _OPENERS.submit(self.open_one, index, sealed, last=False)

    def _trimmed(self, index: int, plain: bytes, span: StoredSpan) -> bytes:
        """The part of segment ``index`` that lies in the span's range."""
        if index != span.first and index != span.last:
            return plain
        begin = span.skip if index == span.first else 0
        end = span.skip + span.take - (index - span.first) * self.header.segment_size
        return plain[begin:end] if begin or end < len(plain) else plain


#: Where segments are opened while the next is read: threads, because OpenSSL releases
#: the GIL for AES-GCM; as many as the machine has cores.
_OPENERS = ThreadPoolExecutor(max_workers=os.cpu_count() or 2, thread_name_prefix="segments")


def _fill(readinto: Callable[[memoryview], int], buffer: memoryview) -> None:
    got = 0
    while got < len(buffer):
        count = readinto(buffer[got:])
        if not count:
            raise SegmentRefused("the blob ends inside a segment")
        got += count


@dataclass(frozen=True)
class StoredSpan:
    """The stored bytes that hold a plaintext range: whole segments ``first``…``last``,
    ``length`` stored bytes from ``start``; of their plaintext, ``take`` bytes from
    ``skip`` are the range. ``ends_blob``: the last of them is the blob's last."""

    first: int
    last: int
    start: int
    length: int
    skip: int
    take: int
    ends_blob: bool

    @classmethod
    def of(cls, header: Header, stored_size: int, offset: int = 0,
           length: int | None = None) -> StoredSpan:
        plain = header.plain_size(stored_size)
        take = plain - offset if length is None else length
        if offset < 0 or take < 0 or offset + take > plain:
            raise ValueError(f"range {offset}+{take} lies outside a blob of {plain} bytes")
        size, count = header.segment_size, header.segments_in(stored_size)
        first = min(offset // size, count - 1)
        last = min(max(first, (offset + take - 1) // size), count - 1)
        start = HEADER_BYTES + first * header.stride
        end = min(stored_size, HEADER_BYTES + (last + 1) * header.stride)
        return cls(first, last, start, end - start, offset - first * size, take,
                   last == count - 1)
