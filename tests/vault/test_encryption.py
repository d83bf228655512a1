"""Encryption at rest against a real S3 server (SeaweedFS), read back with the minio SDK.

What must hold: no object holds a document's text or its hash in clear; a changed
object is refused on read; rotating the key-encryption key leaves every object as
it is; crypto-shredding a vault makes its documents unreadable even from a copy
of the bucket (REGULATIONS 9.C; issue 5 item 3).
"""

from __future__ import annotations

import base64
import hashlib
import io
import os
import uuid
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

import pytest
from minio import Minio
from minio.commonconfig import CopySource
from sqlalchemy import update

from kernel import Viewer, parse_owner_id
from sohoa.runtime import build_services
from sohoa.services import Services
from sohoa.settings import Settings
from storage import BlobIntegrityError, S3BlobStore
from storage.encryption import DataKeyUnavailable, EncryptingBlobStore, SealBroken, VaultShredded
from tests.services import SeaweedS3
from vault import FileRole, NewFile, Vault
from vault.integrity import Problem, check_store, vault_expectations
from vault.models import FileVersion

pytestmark = pytest.mark.s3

CITIZEN, OTHER = "001099012345", "079199000111"
MARKER = "DAU-HIEU-7Q3ZK-BI-MAT"
SYSTEM = Viewer.system("test")


def _kek(kek_id: str) -> str:
    return f"{kek_id}:{base64.b64encode(os.urandom(32)).decode()}"


def _settings(seaweed: SeaweedS3, data: Path, bucket: str, database_url: str,
              **extra: object) -> Settings:
    return Settings(data_dir=data, database_url=database_url, storage_url=f"s3://{bucket}",
                    s3_endpoint=seaweed.endpoint, s3_access_key=seaweed.access_key,
                    s3_secret_key=seaweed.secret_key, s3_secure=False, **extra)


@pytest.fixture
def bucket() -> str:
    return f"vault-{uuid.uuid4().hex[:12]}"


@pytest.fixture
def kek() -> str:
    return _kek("k1")


@pytest.fixture
def s3_services(seaweed: SeaweedS3, tmp_path: Path, bucket: str, kek: str,
                database_url: str) -> Iterator[Services]:
    services = build_services(_settings(seaweed, tmp_path / "data", bucket, database_url,
                                        kek=kek), start_jobs=False)
    try:
        yield services
    finally:
        services.close()


def _file(vault: Vault, owner: str = CITIZEN) -> str:
    pdf = f"%PDF-1.4\n% {MARKER}\n".encode()
    return vault.filing.file_document(
        owner=parse_owner_id(owner), title="Giấy khai sinh", page_count=1, operator="Hoa",
        scanned_at=datetime.now(UTC), actor="test", files=[
            NewFile(FileRole.ORIGINAL.value, pdf, "application/pdf"),
            NewFile(FileRole.TEXT.value, f"GIẤY KHAI SINH {MARKER}".encode(), "text/plain",
                    parent=(FileRole.ORIGINAL.value, 1))]).id


def _objects(client: Minio, bucket: str) -> dict[str, bytes]:
    return {o.object_name: client.get_object(bucket, o.object_name).read()
            for o in client.list_objects(bucket, recursive=True)}


def test_objects_in_the_bucket_hold_no_plaintext(s3_services: Services, seaweed: SeaweedS3,
                                                 bucket: str) -> None:
    document = _file(s3_services.vault)
    objects = _objects(seaweed.client(), bucket)
    assert len(objects) == 2
    record = s3_services.vault.documents.get_document(document, viewer=SYSTEM)
    for name, body in objects.items():
        assert MARKER.encode() not in body and "GIẤY KHAI SINH".encode() not in body
        assert body.startswith(b"SHE2")  # sealed in segments
        assert CITIZEN not in name
        assert not any(f.sha256 in name for f in record.files)  # names reveal no hash
    # And sohoa reads the plaintext back, verified.
    text = s3_services.vault.documents.read_file(document, "text", viewer=SYSTEM).data.decode()
    assert MARKER in text


def test_a_tampered_object_is_refused_on_read(s3_services: Services, seaweed: SeaweedS3,
                                              bucket: str) -> None:
    document = _file(s3_services.vault)
    client = seaweed.client()
    for name, body in _objects(client, bucket).items():
        # A careful attacker also rewrites the object's recorded SHA-256: the seal still fails.
        changed = body[:40] + bytes([body[40] ^ 0x01]) + body[41:]
        client.put_object(bucket, name, io.BytesIO(changed), len(changed),
                          metadata={"sha256": hashlib.sha256(changed).hexdigest()})
    with pytest.raises(SealBroken):
        s3_services.vault.documents.read_file(document, "original", viewer=SYSTEM)


def test_a_row_whose_hash_was_changed_is_refused_on_read_and_found_by_the_sweep(
        s3_services: Services) -> None:
    """A read trusts a sealed file's name for its SHA-256 (the name is a MAC of it): a
    row that names another hash no longer matches the name, so the bytes are hashed and
    refused; the deep sweep hashes every byte whatever the name says."""
    document = _file(s3_services.vault)
    forged = hashlib.sha256(b"another document").hexdigest()
    with s3_services.sessions() as session, session.begin():
        session.execute(update(FileVersion).where(
            FileVersion.document_id == document, FileVersion.role == "original")
            .values(sha256=forged))
    with pytest.raises(BlobIntegrityError):
        s3_services.vault.documents.read_file(document, "original", viewer=SYSTEM)
    swept = check_store("vault", s3_services.blobs, vault_expectations(s3_services.sessions),
                        deep=True)
    assert [f.problem for f in swept.findings] == [Problem.HASH_MISMATCH]


def test_rotating_the_kek_rewraps_keys_and_leaves_objects_untouched(
        seaweed: SeaweedS3, tmp_path: Path, bucket: str, kek: str, database_url: str) -> None:
    data = tmp_path / "data"
    first = build_services(_settings(seaweed, data, bucket, database_url, kek=kek),
                           start_jobs=False)
    document = _file(first.vault)
    first.close()
    before = _objects(seaweed.client(), bucket)
    new_kek = _kek("k2")
    rotating = build_services(_settings(seaweed, data, bucket, database_url, kek=new_kek,
                                        kek_old=kek), start_jobs=False)
    assert rotating.vault_keys.kek_usage() == {"k1": 1}
    assert rotating.vault_keys.rotate() == 1
    assert rotating.vault_keys.kek_usage() == {"k2": 1}
    rotating.close()
    assert _objects(seaweed.client(), bucket) == before  # no blob was re-encrypted
    # The old KEK can now be destroyed: the new one alone reads everything…
    after = build_services(_settings(seaweed, data, bucket, database_url, kek=new_kek),
                           start_jobs=False)
    assert MARKER in after.vault.documents.read_file(document, "text", viewer=SYSTEM).data.decode()
    after.close()
    # …and the old one alone no longer can.
    stale = build_services(_settings(seaweed, data, bucket, database_url, kek=kek,
                                     data_key_cache_seconds=0), start_jobs=False)
    with pytest.raises(DataKeyUnavailable):
        stale.vault.documents.read_file(document, "text", viewer=SYSTEM)
    stale.close()


def test_a_shredded_vault_cannot_be_read_even_from_a_copy_of_the_bucket(
        s3_services: Services, seaweed: SeaweedS3, bucket: str) -> None:
    mine, theirs = _file(s3_services.vault), _file(s3_services.vault, OTHER)
    client = seaweed.client()
    backup = f"{bucket}-backup"
    client.make_bucket(backup)
    for name in _objects(client, bucket):  # the backup, made before shredding
        client.copy_object(backup, name, CopySource(bucket, name))

    assert s3_services.vault.custody.shred(parse_owner_id(CITIZEN), reason="Yêu cầu xóa dữ liệu",
                                   actor="test") == 1
    with pytest.raises(VaultShredded):
        s3_services.vault.documents.read_file(mine, "original", viewer=SYSTEM)
    # The other owner's vault is untouched.
    assert s3_services.vault.documents.read_file(theirs, "original", viewer=SYSTEM).data.startswith(b"%PDF")

    # Read the backup bucket with the service's own keyring: the key is gone.
    copy = EncryptingBlobStore(S3BlobStore(client, backup), s3_services.vault_keys)
    record = s3_services.vault.documents.get_document(mine, viewer=SYSTEM)
    other_vault = _vault_of(s3_services, OTHER)
    mine_keys = [k for k in _objects(client, backup) if k.split("/")[0] != other_vault]
    assert len(mine_keys) == len(record.files)
    for key in mine_keys:
        with pytest.raises(VaultShredded):
            copy.get(key)
        # No other key at hand opens it either: not the other vault's, not a fresh one.
        with pytest.raises(SealBroken):
            EncryptingBlobStore(S3BlobStore(client, backup), _OneKey(
                s3_services.vault_keys.key_for(other_vault))).get(key)
        assert MARKER.encode() not in client.get_object(backup, key).read()


class _OneKey:
    def __init__(self, key: bytes) -> None:
        self.key = key

    def key_for(self, vault: str) -> bytes:
        return self.key


def _vault_of(services: Services, owner: str) -> str:
    from sqlalchemy import select

    from vault.models import Owner

    with services.sessions() as session:
        return session.scalar(select(Owner.vault_key).where(  # type: ignore[return-value]
            Owner.id_index == services.vault.custody.blind_index(parse_owner_id(owner))))


def test_blobs_stored_before_encryption_are_sealed_in_place(
        s3_services: Services, seaweed: SeaweedS3, bucket: str) -> None:
    plain_vault = Vault(s3_services.sessions, s3_services.blobs.inner)  # as the old release did
    document = _file(plain_vault)
    client = seaweed.client()
    assert any(MARKER.encode() in body for body in _objects(client, bucket).values())
    # Still readable (checked against its SHA-256) before sealing…
    assert MARKER in s3_services.vault.documents.read_file(document, "text", viewer=SYSTEM).data.decode()
    assert s3_services.vault.custody.seal_existing(s3_services.blobs.is_sealed) == 2
    assert s3_services.vault.custody.seal_existing(s3_services.blobs.is_sealed) == 0  # idempotent
    objects = _objects(client, bucket)
    assert len(objects) == 2 and not any(MARKER.encode() in b for b in objects.values())
    assert MARKER in s3_services.vault.documents.read_file(document, "text", viewer=SYSTEM).data.decode()
