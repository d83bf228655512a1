"""Blobs sealed in segments (``storage.segments``, format 2): opened as they arrive and a
byte range at a time, and any change to what is stored — a bit, a segment moved,
dropped, repeated or cut short, another key, another vault — refused."""

from __future__ import annotations

import hashlib
import io
import os
from pathlib import Path

import pytest

from storage import BlobIntegrityError, LocalBlobStore
from storage.encryption import EncryptingBlobStore, SealBroken, new_data_key, seal
from storage.segments import HEADER_BYTES, TAG_BYTES, Header, Segments, StoredSpan
from tests.storage.test_encryption import FixedKeys

SEGMENT = 4096


def _open(data_key: bytes, blob_key: str, stored: bytes, offset: int = 0,
          length: int | None = None) -> bytes:
    header = Header.decode(stored[:HEADER_BYTES])
    span = StoredSpan.of(header, len(stored), offset, length)
    source = io.BytesIO(stored[span.start:span.start + span.length])
    return b"".join(Segments(data_key, blob_key, header).open_span(source.readinto, span))


@pytest.mark.parametrize("size", [0, 1, SEGMENT - 1, SEGMENT, SEGMENT + 1, 3 * SEGMENT,
                                  3 * SEGMENT + 17])
def test_every_range_of_a_blob_opens_to_the_same_bytes(size: int) -> None:
    key, data = new_data_key(), os.urandom(size)
    stored = Segments.new(key, "v/a", SEGMENT).seal(data)
    segments = max(1, -(-size // SEGMENT))
    assert len(stored) == HEADER_BYTES + size + TAG_BYTES * segments
    assert _open(key, "v/a", stored) == data
    for offset in sorted({0, 1, SEGMENT - 1, SEGMENT, size // 2, size}):
        for length in (0, 1, SEGMENT, size - offset):
            if length >= 0 and offset + length <= size:
                assert _open(key, "v/a", stored, offset, length) == data[offset:offset + length]


def test_a_range_reads_only_the_segments_that_hold_it() -> None:
    key, data = new_data_key(), os.urandom(10 * SEGMENT)
    stored = Segments.new(key, "v/a", SEGMENT).seal(data)
    span = StoredSpan.of(Header.decode(stored[:HEADER_BYTES]), len(stored), 4 * SEGMENT + 10, 100)
    assert (span.first, span.last, span.length) == (4, 4, SEGMENT + TAG_BYTES)


def _segment(stored: bytes, index: int) -> slice:
    stride = SEGMENT + TAG_BYTES
    return slice(HEADER_BYTES + index * stride, HEADER_BYTES + (index + 1) * stride)


@pytest.mark.parametrize("attack", [
    "flip_a_bit", "swap_two_segments", "repeat_a_segment", "drop_the_last_segment",
    "cut_inside_a_segment", "append_a_segment", "change_the_segment_size",
    "move_to_another_key", "another_vaults_key"])
def test_any_change_to_a_segmented_blob_is_refused(attack: str) -> None:
    # Every attack but the last two changes the stored bytes under the right key.
    key, data = new_data_key(), os.urandom(4 * SEGMENT)
    stored = Segments.new(key, "v/a", SEGMENT).seal(data)
    blob_key, data_key = "v/a", key
    first, second = stored[_segment(stored, 0)], stored[_segment(stored, 1)]
    if attack == "flip_a_bit":
        stored = stored[:HEADER_BYTES + 5000] + bytes([stored[HEADER_BYTES + 5000] ^ 1]) \
            + stored[HEADER_BYTES + 5001:]
    elif attack == "swap_two_segments":
        stored = stored[:HEADER_BYTES] + second + first + stored[_segment(stored, 2).start:]
    elif attack == "repeat_a_segment":
        stored = stored[:HEADER_BYTES] + first + first + stored[_segment(stored, 2).start:]
    elif attack == "drop_the_last_segment":
        stored = stored[:_segment(stored, 3).start]
    elif attack == "cut_inside_a_segment":
        stored = stored[:-100]
    elif attack == "append_a_segment":
        stored = stored + first
    elif attack == "change_the_segment_size":
        stored = stored[:4] + (2 * SEGMENT).to_bytes(4, "big") + stored[8:]
    elif attack == "move_to_another_key":
        blob_key = "v/b"
    else:
        data_key = new_data_key()
    with pytest.raises(ValueError):
        _open(data_key, blob_key, stored)


@pytest.fixture
def store(tmp_path: Path) -> EncryptingBlobStore:
    return EncryptingBlobStore(LocalBlobStore(tmp_path / "blobs", url_secret=b"k"), FixedKeys(),
                               segment_size=SEGMENT)


def test_a_file_named_for_its_hash_opens_by_seal_and_by_range(store: EncryptingBlobStore) -> None:
    data = os.urandom(5 * SEGMENT + 3)
    digest = hashlib.sha256(data).hexdigest()
    key = store.name_for("vault-a", digest)
    info = store.put(key, data, sha256=digest)
    assert info.sha256 == digest and info.size == len(data)
    assert store.get(key, expected_sha256=digest) == data
    with store.open_plain(key, expected_sha256=digest, start=SEGMENT - 2, length=7) as part:
        assert part.size == 7 and part.read() == data[SEGMENT - 2:SEGMENT + 5]


def test_a_blob_whose_name_does_not_vouch_for_the_hash_asked_is_hashed(
        store: EncryptingBlobStore) -> None:
    """The database says another SHA-256 than the one the blob was named for: the bytes
    are hashed as they pass, and the last piece is held back until they match, so the
    reader never has the whole of the wrong file."""
    data = os.urandom(3 * SEGMENT)
    key = store.name_for("vault-a", hashlib.sha256(data).hexdigest())
    store.put(key, data)
    other = hashlib.sha256(b"another file").hexdigest()
    received = []
    with pytest.raises(BlobIntegrityError):
        for piece in store.open_plain(key, expected_sha256=other):
            received.append(piece)
    assert len(b"".join(received)) < len(data)
    # A range of it is not handed out against that hash either.
    with pytest.raises(BlobIntegrityError):
        store.open_plain(key, expected_sha256=other, start=10, length=10).read()


def test_an_altered_segment_fails_as_it_is_read(store: EncryptingBlobStore) -> None:
    data = os.urandom(3 * SEGMENT)
    digest = hashlib.sha256(data).hexdigest()
    key = store.name_for("vault-a", digest)
    store.put(key, data, sha256=digest)
    path = store.inner.root / "data" / key  # type: ignore[attr-defined]
    stored = bytearray(path.read_bytes())
    stored[_segment(bytes(stored), 1).start + 3] ^= 1
    path.write_bytes(bytes(stored))
    pieces = iter(store.open_plain(key, expected_sha256=digest))
    assert next(pieces) == data[:SEGMENT]  # the first segment is intact, and given
    with pytest.raises(SealBroken):
        next(pieces)
    with pytest.raises(SealBroken):
        store.open_plain(key, expected_sha256=digest, start=SEGMENT + 1, length=2).read()


def test_blobs_sealed_whole_before_segments_still_open(store: EncryptingBlobStore) -> None:
    data = os.urandom(2 * SEGMENT)
    store.inner.put("vault-a/old", seal(store._keys.key_for("vault-a"), "vault-a/old", data))
    digest = hashlib.sha256(data).hexdigest()
    assert store.get("vault-a/old", expected_sha256=digest) == data
    assert store.open_plain("vault-a/old", start=5, length=5).read() == data[5:10]
    with pytest.raises(BlobIntegrityError):
        store.get("vault-a/old", expected_sha256=hashlib.sha256(b"x").hexdigest())
