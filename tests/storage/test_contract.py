"""One contract, every backend: the local folder and a real SeaweedFS S3 server."""

from __future__ import annotations

import uuid
from collections.abc import Callable, Iterator
from datetime import timedelta
from pathlib import Path

import httpx
import pytest

from storage import (
    BlobIntegrityError,
    BlobNotFound,
    BlobStore,
    InvalidBlobKey,
    LocalBlobStore,
    PresignedUrlError,
    S3BlobStore,
    sha256_hex,
)
from tests.services import SeaweedS3

Fetch = Callable[[str], bytes]


@pytest.fixture(params=["local", pytest.param("s3", marks=pytest.mark.s3)])
def backend(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[tuple[BlobStore, Fetch]]:
    if request.param == "local":
        store = LocalBlobStore(tmp_path / "blobs", url_secret=b"test-secret")
        yield store, store.open_presigned
    else:
        server: SeaweedS3 = request.getfixturevalue("seaweed")
        s3 = S3BlobStore(server.client(), f"contract-{uuid.uuid4().hex[:12]}")

        def fetch(url: str) -> bytes:
            response = httpx.get(url, timeout=10)
            if response.status_code != 200:
                raise PresignedUrlError(f"HTTP {response.status_code}")
            return response.content

        yield s3, fetch


def test_put_then_get_returns_the_same_bytes_and_records_sha256(backend) -> None:
    store, _ = backend
    data = b"%PDF-1.7 hello \xe1\xbb\x87" * 100
    info = store.put("v1/doc.pdf", data, content_type="application/pdf")
    assert info.sha256 == sha256_hex(data)
    assert info.size == len(data)
    assert store.get("v1/doc.pdf") == data
    assert store.get("v1/doc.pdf", expected_sha256=info.sha256) == data


def test_head_reports_size_hash_and_media_type(backend) -> None:
    store, _ = backend
    store.put("a/b/c.txt", b"xin chao", content_type="text/plain; charset=utf-8")
    info = store.head("a/b/c.txt")
    assert (info.size, info.sha256) == (8, sha256_hex(b"xin chao"))
    assert info.content_type.startswith("text/plain")


def test_missing_key_raises_blob_not_found(backend) -> None:
    store, _ = backend
    with pytest.raises(BlobNotFound):
        store.get("nothing/here")
    with pytest.raises(BlobNotFound):
        store.head("nothing/here")
    assert not store.exists("nothing/here")


def test_read_with_a_different_expected_hash_raises_integrity_error(backend) -> None:
    store, _ = backend
    store.put("k", b"original")
    with pytest.raises(BlobIntegrityError) as caught:
        store.get("k", expected_sha256=sha256_hex(b"something else"))
    assert caught.value.actual == sha256_hex(b"original")


def test_overwrite_replaces_bytes_and_hash(backend) -> None:
    store, _ = backend
    store.put("k", b"one")
    store.put("k", b"two")
    assert store.get("k") == b"two"
    assert store.head("k").sha256 == sha256_hex(b"two")


def test_delete_removes_and_is_idempotent(backend) -> None:
    store, _ = backend
    store.put("gone", b"x")
    assert store.exists("gone")
    store.delete("gone")
    store.delete("gone")
    assert not store.exists("gone")


def test_list_is_filtered_by_prefix_and_sorted(backend) -> None:
    store, _ = backend
    for key in ("p/2", "p/1", "q/1", "p/sub/3"):
        store.put(key, key.encode())
    assert [i.key for i in store.list("p/")] == ["p/1", "p/2", "p/sub/3"]
    assert {i.key for i in store.list()} >= {"p/1", "p/2", "p/sub/3", "q/1"}


@pytest.mark.parametrize("key", ["", "/abs", "a/../b", "a//b", "trailing/", "sp ace", "../x"])
def test_unsafe_keys_are_refused(backend, key: str) -> None:
    store, _ = backend
    with pytest.raises(InvalidBlobKey):
        store.put(key, b"x")


def test_presigned_url_serves_the_bytes(backend) -> None:
    store, fetch = backend
    store.put("share/doc", b"shared bytes")
    url = store.presigned_url("share/doc", timedelta(minutes=5))
    assert fetch(url) == b"shared bytes"


def test_presigned_url_with_a_tampered_signature_is_refused(backend) -> None:
    store, fetch = backend
    store.put("share/doc", b"shared bytes")
    url = store.presigned_url("share/doc", timedelta(minutes=5))
    tampered = url[:-4] + ("0000" if not url.endswith("0000") else "1111")
    with pytest.raises(PresignedUrlError):
        fetch(tampered)


def test_large_blob_round_trips(backend) -> None:
    store, _ = backend
    data = bytes(range(256)) * (24 * 1024 * 4)  # 24 MiB: multipart territory on S3
    info = store.put("big/blob", data)
    assert store.get("big/blob", expected_sha256=info.sha256) == data


def test_open_reads_a_range_of_stored_bytes_and_tells_the_whole_size(backend) -> None:
    store, _ = backend
    data = bytes(range(256)) * 40
    store.put("v1/range.bin", data)
    with store.open("v1/range.bin", start=1000, length=300) as reader:
        assert reader.total == len(data)
        got = b""
        while piece := reader.read(64):
            got += piece
    assert got == data[1000:1300]
    with store.open("v1/range.bin") as whole:
        assert whole.read(len(data) + 10) == data and whole.read(10) == b""
    with pytest.raises(BlobNotFound):
        store.open("v1/absent.bin")
