"""Sealing blobs: AES-256-GCM with the blob key as associated data, keys wrapped by a KEK."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from storage import LocalBlobStore
from storage.encryption import (
    DataKeyUnavailable,
    EncryptingBlobStore,
    LocalKeks,
    SealBroken,
    is_sealed,
    new_data_key,
    open_sealed,
    seal,
)


class FixedKeys:
    """Unit-test stand-in for the vault's keyring: one made-up key per vault."""

    def __init__(self) -> None:
        self.keys: dict[str, bytes] = {}

    def key_for(self, vault: str) -> bytes:
        return self.keys.setdefault(vault, new_data_key())


@pytest.fixture
def store(tmp_path: Path) -> EncryptingBlobStore:
    return EncryptingBlobStore(LocalBlobStore(tmp_path / "blobs", url_secret=b"k"), FixedKeys())


def test_a_blob_is_stored_sealed_and_read_back(store: EncryptingBlobStore) -> None:
    info = store.put("vault-a/one", b"Giay khai sinh MARKER")
    raw = store.inner.get("vault-a/one")
    assert is_sealed(raw) and b"MARKER" not in raw
    assert store.get("vault-a/one", expected_sha256=info.sha256) == b"Giay khai sinh MARKER"
    assert info.size == len(b"Giay khai sinh MARKER")


def test_every_seal_has_its_own_nonce() -> None:
    key = new_data_key()
    first, second = seal(key, "v/a", b"same bytes"), seal(key, "v/a", b"same bytes")
    assert first != second and first[4:16] != second[4:16]


@pytest.mark.parametrize("attack", ["flip_a_bit", "move_to_another_key", "another_vaults_key",
                                    "cut_the_tag"])
def test_any_change_to_a_sealed_blob_is_refused(attack: str) -> None:
    key = new_data_key()
    sealed = seal(key, "vault-a/one", b"noi dung")
    with pytest.raises(SealBroken):
        if attack == "flip_a_bit":
            open_sealed(key, "vault-a/one", sealed[:20] + bytes([sealed[20] ^ 1]) + sealed[21:])
        elif attack == "move_to_another_key":
            open_sealed(key, "vault-a/two", sealed)
        elif attack == "another_vaults_key":
            open_sealed(new_data_key(), "vault-a/one", sealed)
        else:
            open_sealed(key, "vault-a/one", sealed[:-16])


def test_a_plaintext_blob_from_before_encryption_opens_only_against_its_hash(
        store: EncryptingBlobStore) -> None:
    legacy = store.inner.put("vault-a/legacy", b"written before encryption")
    assert store.get("vault-a/legacy", expected_sha256=legacy.sha256) == b"written before encryption"
    with pytest.raises(SealBroken):
        store.get("vault-a/legacy")


def test_keks_wrap_with_the_current_and_unwrap_with_any_known() -> None:
    old, new = os.urandom(32), os.urandom(32)
    data_key = new_data_key()
    wrapped = LocalKeks({"k1": old}, "k1").wrap(data_key)
    rotating = LocalKeks({"k1": old, "k2": new}, "k2")
    assert rotating.unwrap(wrapped) == data_key
    assert rotating.wrap(data_key).kek_id == "k2"
    with pytest.raises(DataKeyUnavailable, match="k1"):
        LocalKeks({"k2": new}, "k2").unwrap(wrapped)
    with pytest.raises(ValueError):
        LocalKeks({"k1": b"short"}, "k1")
