"""Tampering behind the store's back is caught on the next read, on both backends."""

from __future__ import annotations

import io
import uuid
from pathlib import Path

import pytest

from storage import BlobIntegrityError, LocalBlobStore, S3BlobStore
from tests.services import SeaweedS3


def test_local_file_changed_on_disk_is_detected(tmp_path: Path) -> None:
    # REGULATIONS 9.A.6: integrity is re-verified after every transfer.
    store = LocalBlobStore(tmp_path, url_secret=b"s")
    store.put("v/doc", b"genuine content")
    (tmp_path / "data" / "v" / "doc").write_bytes(b"forged content!")
    with pytest.raises(BlobIntegrityError):
        store.get("v/doc")


def test_expired_local_presigned_url_is_refused(tmp_path: Path) -> None:
    from datetime import timedelta

    from storage import PresignedUrlError

    store = LocalBlobStore(tmp_path, url_secret=b"s")
    store.put("v/doc", b"x")
    url = store.presigned_url("v/doc", timedelta(seconds=-1))
    with pytest.raises(PresignedUrlError, match="expired"):
        store.open_presigned(url)


@pytest.mark.s3
def test_s3_object_replaced_behind_our_back_is_detected(seaweed: SeaweedS3) -> None:
    client = seaweed.client()
    bucket = f"tamper-{uuid.uuid4().hex[:10]}"
    store = S3BlobStore(client, bucket)
    info = store.put("v/doc", b"genuine content")
    # Someone with bucket access rewrites the object, metadata and all.
    client.put_object(bucket, "v/doc", io.BytesIO(b"forged content!"), 15,
                      metadata={"sha256": info.sha256})
    with pytest.raises(BlobIntegrityError):
        store.get("v/doc")
