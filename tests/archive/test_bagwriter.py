"""Bags written from known checksums are bags to the bagit library, odd names included."""

from __future__ import annotations

import hashlib
from pathlib import Path

import bagit
import pytest

from archive.bagwriter import finish_bag


def _bag(root: Path, files: dict[str, bytes]) -> None:
    for name, data in files.items():
        (root / "data" / name).parent.mkdir(parents=True, exist_ok=True)
        (root / "data" / name).write_bytes(data)
    finish_bag(root, {f"data/{name}": (len(data), hashlib.sha256(data).hexdigest())
                      for name, data in files.items()},
               {"Source-Organization": "UBND phường\nBến Nghé", "Bagging-Date": "2026-11-24"})


def test_bagit_validates_the_bag_and_reads_its_info(tmp_path: Path) -> None:
    _bag(tmp_path, {"a.txt": b"mot", "thư mục/b 100.pdf": b"%PDF-1.7", "c.bin": b""})
    bag = bagit.Bag(str(tmp_path))
    bag.validate()
    assert bag.version_info == (1, 0)
    assert bag.info["Payload-Oxum"] == "11.3"
    assert bag.info["Source-Organization"] == "UBND phường Bến Nghé"  # one line
    assert set(bag.payload_entries()) == {"data/a.txt", "data/thư mục/b 100.pdf",
                                          "data/c.bin"}


def test_a_path_bagit_python_would_misread_is_refused(tmp_path: Path) -> None:
    with pytest.raises(ValueError, match="RFC 8493"):
        _bag(tmp_path, {"b 100%.pdf": b"%PDF-1.7"})


def test_a_wrong_checksum_given_to_the_writer_is_caught_by_bagit(tmp_path: Path) -> None:
    (tmp_path / "data").mkdir()
    (tmp_path / "data" / "a.txt").write_bytes(b"mot")
    finish_bag(tmp_path, {"data/a.txt": (3, hashlib.sha256(b"hai").hexdigest())}, {})
    with pytest.raises(bagit.BagValidationError):
        bagit.Bag(str(tmp_path)).validate()
