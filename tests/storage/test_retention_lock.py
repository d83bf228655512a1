"""Retention locks (write once, read many) on the local folder and a real SeaweedFS.

The archive keeps every transferred package under a lock until its disposal date;
the law asks that records are kept for their whole retention period (REGULATIONS 9.D.34),
and the only way to make that hold against an operator's mistake is for the storage
itself to refuse.
"""

from __future__ import annotations

import time
import uuid
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from minio.error import S3Error

from storage import (
    BlobNotFound,
    LocalBlobStore,
    LockingBlobStore,
    RetentionLocked,
    S3BlobStore,
    StorageError,
)
from storage.encryption import EncryptingBlobStore, VaultShredded, new_data_key
from tests.services import SeaweedS3


@pytest.fixture(params=["local", pytest.param("s3", marks=pytest.mark.s3)])
def store(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[LockingBlobStore]:
    if request.param == "local":
        yield LocalBlobStore(tmp_path / "blobs", url_secret=b"test-secret")
    else:
        server: SeaweedS3 = request.getfixturevalue("seaweed")
        yield S3BlobStore(server.client(), f"lock-{uuid.uuid4().hex[:12]}", object_lock=True)


def _in(seconds: float) -> datetime:
    return datetime.now(UTC) + timedelta(seconds=seconds)


def test_a_locked_blob_cannot_be_deleted_or_replaced_but_still_reads(store) -> None:
    # REGULATIONS 9.D.34
    until = _in(3600)
    store.put_locked("aip-1/00001", b"ho so luu tru", retain_until=until)
    with pytest.raises(RetentionLocked):
        store.delete("aip-1/00001")
    with pytest.raises(RetentionLocked):
        store.put("aip-1/00001", b"something else")
    assert store.get("aip-1/00001") == b"ho so luu tru"
    locked = store.locked_until("aip-1/00001")
    assert locked is not None and abs((locked - until).total_seconds()) < 2


def test_once_the_lock_has_passed_delete_removes_the_blob(store) -> None:
    store.put_locked("aip-2/00001", b"short lock", retain_until=_in(2))
    store.put("plain", b"never locked")
    assert store.locked_until("plain") is None
    time.sleep(3)
    assert store.locked_until("aip-2/00001") is None
    store.delete("aip-2/00001")
    with pytest.raises(BlobNotFound):
        store.get("aip-2/00001")
    assert not store.exists("aip-2/00001")


@pytest.mark.s3
def test_seaweedfs_itself_refuses_to_delete_a_locked_version(seaweed: SeaweedS3) -> None:
    """Not our wrapper's check: the S3 server's. A client that talks to the bucket
    directly, with the owner's keys, cannot remove the locked version either."""
    client = seaweed.client()
    bucket = f"lock-{uuid.uuid4().hex[:12]}"
    store = S3BlobStore(client, bucket, object_lock=True)
    store.put_locked("aip-3/00001", b"compliance", retain_until=_in(3600))
    version = next(o.version_id for o in client.list_objects(bucket, include_version=True,
                                                               recursive=True))
    with pytest.raises(S3Error) as refused:
        client.remove_object(bucket, "aip-3/00001", version_id=version)
    assert refused.value.code == "AccessDenied"
    assert store.get("aip-3/00001") == b"compliance"


@pytest.mark.s3
def test_a_bucket_without_object_lock_cannot_pretend_to_lock(seaweed: SeaweedS3) -> None:
    store = S3BlobStore(seaweed.client(), f"plain-{uuid.uuid4().hex[:12]}")
    with pytest.raises(StorageError, match="Object Lock"):
        store.put_locked("k", b"x", retain_until=_in(60))


class ShreddableKeys:
    """Unit-test stand-in for the vault's keyring: one key per vault, destroyable."""

    def __init__(self) -> None:
        self.keys: dict[str, bytes | None] = {}

    def key_for(self, vault: str) -> bytes:
        key = self.keys.setdefault(vault, new_data_key())
        if key is None:
            raise VaultShredded(f"vault {vault} was shredded")
        return key

    def shred(self, vault: str) -> None:
        self.keys[vault] = None


def test_the_encrypting_store_seals_then_locks(tmp_path: Path) -> None:
    """A locked archive copy still dies with its key: crypto-shredding is how a locked
    store can honour a lawful disposal before the lock's end (REGULATIONS 9.D.35)."""
    inner = LocalBlobStore(tmp_path / "blobs", url_secret=b"s")
    keyring = ShreddableKeys()
    store = EncryptingBlobStore(inner, keyring)
    store.put_locked("aip-4/00001", b"plaintext", retain_until=_in(3600))
    assert b"plaintext" not in inner.get("aip-4/00001", verify=False)
    assert store.get("aip-4/00001") == b"plaintext"
    assert store.locked_until("aip-4/00001") is not None
    keyring.shred("aip-4")
    with pytest.raises(VaultShredded):
        store.get("aip-4/00001")
