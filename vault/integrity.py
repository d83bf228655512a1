"""Does every row have its blob, every blob its row, and every blob its recorded hash?

Writes are blob first, then row: a crash between the two leaves a blob no row
names (an orphan), never a row without its blob. So an orphan is expected after
a crash and is *quarantined* (moved aside under ``quarantine/``, still sealed,
never deleted), while a row without its blob, or a blob that fails its hash, is
damage to report. A blob younger than the grace period is left alone: its row
may still be on its way.

The check reads the database once and lists the store once; ``deep`` also reads
and hashes every blob (hours on a province's store, so it is asked for).
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from enum import StrEnum
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from storage import (
    BlobInfo,
    BlobIntegrityError,
    BlobNotFound,
    BlobStore,
    StorageError,
    StorageUnavailable,
    verify_bytes,
)
from storage.encryption import DataKeyUnavailable, EncryptingBlobStore, VaultShredded

from .models import FileHistory, FileVersion

QUARANTINE = "quarantine"

#: ``progress(done, total)`` while blobs are read.
Progress = Callable[[int, int], None]


class Problem(StrEnum):
    ORPHAN_BLOB = "orphan_blob"
    MISSING_BLOB = "missing_blob"
    HASH_MISMATCH = "hash_mismatch"
    UNREADABLE = "unreadable"


@dataclass(frozen=True)
class Finding:
    problem: Problem
    store: str
    key: str
    detail: str = ""
    #: What was done about it: "quarantined", "restored", or "" (reported only).
    action: str = ""

    def as_dict(self) -> dict[str, str]:
        return {"problem": self.problem.value, "store": self.store, "key": self.key,
                "detail": self.detail, "action": self.action}


@dataclass(frozen=True)
class Expected:
    """A blob some row names, with what its bytes must hash to. ``ranges`` are files
    stored as byte ranges of it: ``(offset, size, sha256)``."""

    key: str
    sha256: str | None
    ranges: tuple[tuple[int, int, str], ...] = ()


@dataclass
class StoreCheck:
    """What one store's check found; ``checked`` counts rows' blobs seen, ``read`` those
    read and hashed (deep), ``shredded`` those of crypto-shredded vaults."""

    store: str
    checked: int = 0
    read: int = 0
    shredded: int = 0
    listed: int = 0
    findings: list[Finding] = field(default_factory=list)

    def as_dict(self) -> dict[str, Any]:
        return {"store": self.store, "checked": self.checked, "read": self.read,
                "shredded": self.shredded, "listed": self.listed,
                "findings": [f.as_dict() for f in self.findings]}


def vault_expectations(sessions: sessionmaker[Session]) -> list[Expected]:
    """Every blob of the vault store a row names: files (with the files held inside them
    as byte ranges) and the earlier contents of files that were extended."""
    with sessions() as session:
        versions = session.execute(select(
            FileVersion.id, FileVersion.blob_key, FileVersion.sha256, FileVersion.size,
            FileVersion.within_id, FileVersion.offset)).all()
        history = session.execute(select(FileHistory.blob_key, FileHistory.sha256)).all()
    containers = {row.id: row.blob_key for row in versions}
    ranges: dict[str, list[tuple[int, int, str]]] = {}
    whole: dict[str, str] = {}
    for row in versions:
        if row.within_id is None:
            whole[row.blob_key] = row.sha256
        else:
            ranges.setdefault(containers[row.within_id], []).append(
                (row.offset or 0, row.size, row.sha256))
    for key, sha256 in history:
        whole.setdefault(key, sha256)
    return [Expected(key, sha, tuple(sorted(ranges.get(key, ()))))
            for key, sha in sorted(whole.items())]


def check_store(name: str, blobs: BlobStore, expected: Iterable[Expected], *,
                deep: bool = False, quarantine: bool = False,
                grace: timedelta = timedelta(hours=1), now: datetime | None = None,
                progress: Progress | None = None) -> StoreCheck:
    """Compare the rows' blobs with the store's listing (and, ``deep``, their bytes)."""
    result = StoreCheck(name)
    wanted = {e.key: e for e in expected}
    listed = {info.key: info for info in blobs.list()
              if not info.key.startswith(QUARANTINE + "/")}
    result.listed, result.checked = len(listed), len(wanted)
    for key in sorted(wanted.keys() - listed.keys()):
        result.findings.append(_missing(name, blobs, key, restore=quarantine))
    if deep:
        present = [wanted[key] for key in sorted(wanted.keys() & listed.keys())]
        for index, item in enumerate(present, start=1):
            finding = _read_back(name, blobs, item)
            if finding is None:
                result.read += 1
            elif finding.problem is Problem.UNREADABLE and finding.detail == "shredded":
                result.shredded += 1
            else:
                result.findings.append(finding)
            if progress:
                progress(index, len(present))
    moment = now or datetime.now(UTC)
    for key in sorted(listed.keys() - wanted.keys()):
        info = listed[key]
        if info.modified is not None and moment - info.modified < grace:
            continue  # written moments ago: its row may be on its way
        result.findings.append(_orphan(name, blobs, info, quarantine))
    return result


def _read_back(store: str, blobs: BlobStore, item: Expected) -> Finding | None:
    try:
        data = blobs.get(item.key, expected_sha256=item.sha256)
        # A read trusts a sealed file's name for its hash; the sweep hashes every byte.
        verify_bytes(item.key, data, item.sha256)
    except VaultShredded:
        return Finding(Problem.UNREADABLE, store, item.key, "shredded")
    except BlobIntegrityError as exc:
        return Finding(Problem.HASH_MISMATCH, store, item.key, str(exc))
    except BlobNotFound:
        return Finding(Problem.MISSING_BLOB, store, item.key, "vanished while checked")
    except StorageUnavailable:
        raise  # the store is away: no verdict on any blob
    except (DataKeyUnavailable, StorageError) as exc:
        return Finding(Problem.UNREADABLE, store, item.key, type(exc).__name__)
    for offset, size, sha256 in item.ranges:
        if hashlib.sha256(data[offset:offset + size]).hexdigest() != sha256:
            return Finding(Problem.HASH_MISMATCH, store, item.key,
                           f"the file held at bytes {offset}…{offset + size} differs")
    return None


def _raw(blobs: BlobStore) -> BlobStore:
    """The store under the encryption layer: a quarantined blob is moved still sealed
    (its seal names its original key, which is where it opens again)."""
    return blobs.inner if isinstance(blobs, EncryptingBlobStore) else blobs


def _orphan(store: str, blobs: BlobStore, info: BlobInfo, quarantine: bool) -> Finding:
    if not quarantine:
        return Finding(Problem.ORPHAN_BLOB, store, info.key, f"{info.size} bytes")
    raw = _raw(blobs)
    raw.put(f"{QUARANTINE}/{info.key}", raw.get(info.key, verify=False),
            content_type=info.content_type)
    raw.delete(info.key)
    return Finding(Problem.ORPHAN_BLOB, store, info.key, f"{info.size} bytes", "quarantined")


def _missing(store: str, blobs: BlobStore, key: str, *, restore: bool) -> Finding:
    """A row's blob is not there; if it was quarantined (a row written after a check
    took it for an orphan), it is put back."""
    raw = _raw(blobs)
    parked = f"{QUARANTINE}/{key}"
    if restore and raw.exists(parked):
        raw.put(key, raw.get(parked, verify=False))
        raw.delete(parked)
        return Finding(Problem.MISSING_BLOB, store, key, "was in quarantine", "restored")
    return Finding(Problem.MISSING_BLOB, store, key)
