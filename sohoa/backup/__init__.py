"""Backup and restore (sao lưu, phục hồi): the database, both blob stores and the
data folder's keys, into a second bucket or folder, and back into an empty system.

A backup is a set of blobs in any store sohoa can open (``file:///…`` or
``s3://bucket/prefix``):

- ``snapshots/<id>/database.jsonl.gz``: the rows, from one consistent snapshot;
- ``vault/<key>`` and ``archive/<key>``: each stored blob as stored (still
  encrypted under the vault's keys), copied once and skipped afterwards when the
  copy already has the same SHA-256, so a nightly backup moves only what is new;
- ``files/<id>/<path>``: the data folder's development PKI and generated secrets
  (all but the KEK), when there are any (a production site keeps its keys in
  settings and an HSM);
- ``snapshots/<id>/manifest.json``, written last: a snapshot without one is
  incomplete and never restored.

The database is dumped first and the blobs copied after: blobs are written before
the rows that name them (crash safety), so every blob the snapshot names exists
when it is copied. The encryption key (``SOHOA_KEK``) is never in the backup:
keep it apart, and give it to the restored system in its settings.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from storage import BlobStore, open_blob_store

from ..db import make_engine
from ..errors import BackupError
from ..runtime import build_services
from ..services import Services
from ..settings import Settings
from ..usecases.fsck import FsckReport, fsck
from ..vault_setup import s3_options
from .tables import dump_database, load_database

Progress = Callable[[int, int], None]
#: Folders of the data dir that hold state no row or blob holds.
STATE_FOLDERS = ("pki", "secrets")
#: Never copied: the key that unlocks every blob must not travel with them.
NEVER_COPIED = {"secrets/kek", "secrets/kek.old"}
MANIFEST = "manifest.json"


@dataclass
class BackupReport:
    snapshot: str
    tables: dict[str, int]
    copied: dict[str, int] = field(default_factory=dict)
    skipped: dict[str, int] = field(default_factory=dict)
    files: list[str] = field(default_factory=list)

    def as_dict(self) -> dict[str, Any]:
        return {"snapshot": self.snapshot, "rows": sum(self.tables.values()),
                "tables": self.tables, "copied": self.copied, "skipped": self.skipped,
                "files": self.files}


@dataclass
class RestoreReport:
    snapshot: str
    tables: dict[str, int]
    blobs: dict[str, int]
    files: list[str]
    indexed: int
    fsck: FsckReport

    def as_dict(self) -> dict[str, Any]:
        return {"snapshot": self.snapshot, "rows": sum(self.tables.values()),
                "blobs": self.blobs, "files": self.files, "indexed": self.indexed,
                "fsck": self.fsck.as_dict()}


def open_target(url: str, settings: Settings) -> BlobStore:
    """The bucket or folder a backup goes to (same S3 endpoint settings as the service)."""
    try:
        return open_blob_store(url, url_secret=b"backup", s3=s3_options(settings))
    except ValueError as exc:
        raise BackupError(f"nơi sao lưu không hợp lệ (bad backup location): {exc}") from None


def backup(services: Services, target: BlobStore, *, progress: Progress | None = None,
           include_state: bool = True) -> BackupReport:
    """Dump the database, then copy every blob the stores hold that the copy lacks."""
    snapshot = datetime.now(UTC).strftime("%Y%m%dT%H%M%S%fZ")
    dump, tables, revision = dump_database(services.engine)
    target.put(f"snapshots/{snapshot}/database.jsonl.gz", dump)
    report = BackupReport(snapshot, tables)
    # The manifest names exactly what was listed and copied: a blob written meanwhile
    # waits for the next night, with the rows that will name it.
    listed: dict[str, dict[str, list[str]]] = {}
    for name, store in _raw_stores(services.settings).items():
        report.copied[name], listed[name] = _replicate(store, target, f"{name}/", progress)
        report.skipped[name] = len(listed[name]) - report.copied[name]
    if include_state:
        report.files = _save_state(services.settings.data_path, target, snapshot)
    manifest = {
        "format": "sohoa-backup/1", "snapshot": snapshot, "revision": revision,
        "created_at": datetime.now(UTC).isoformat(), "tables": tables,
        "database_sha256": hashlib.sha256(dump).hexdigest(),
        "stores": listed, "files": report.files,
    }
    target.put(f"snapshots/{snapshot}/{MANIFEST}", json.dumps(manifest).encode(),
               content_type="application/json")
    return report


def snapshots(target: BlobStore) -> list[str]:
    """Complete snapshots in the copy, oldest first."""
    return sorted(info.key.split("/")[1] for info in target.list("snapshots/")
                  if info.key.endswith(f"/{MANIFEST}"))


def restore(settings: Settings, source: BlobStore, *, snapshot: str | None = None,
            progress: Progress | None = None) -> RestoreReport:
    """Bring a snapshot back into an empty system, then rebuild the index and check it."""
    complete = snapshots(source)
    if not complete:
        raise BackupError("không có bản sao lưu hoàn chỉnh nào (no complete backup found)")
    chosen = snapshot or complete[-1]
    if chosen not in complete:
        raise BackupError(f"không có bản sao lưu {chosen} (no such snapshot)")
    manifest = json.loads(source.get(f"snapshots/{chosen}/{MANIFEST}"))
    dump = source.get(f"snapshots/{chosen}/database.jsonl.gz",
                      expected_sha256=manifest["database_sha256"])
    files = _restore_state(settings.data_path, source, chosen, manifest["files"])
    engine = make_engine(settings.resolved_database_url)
    try:
        tables = load_database(engine, dump)
    finally:
        engine.dispose()
    blobs: dict[str, int] = {}
    for name, store in _raw_stores(settings).items():
        expected: dict[str, list[str]] = manifest["stores"].get(name, {})
        blobs[name] = _bring_back(source, f"{name}/", store, expected, progress)
    services = build_services(settings, start_jobs=False)
    try:
        indexed = services.vault.finder.reindex()
        checked = fsck(services, deep=True, repair=False)
    finally:
        services.close()
    return RestoreReport(chosen, tables, blobs, files, indexed, checked)


# -- blobs ------------------------------------------------------------------------------

def _raw_stores(settings: Settings) -> dict[str, BlobStore]:
    """The stores as stored: ciphertext, copied without the keys ever being used."""
    secret = settings.url_secret_bytes()
    return {
        "vault": open_blob_store(settings.resolved_storage_url, url_secret=secret,
                                 s3=s3_options(settings)),
        "archive": open_blob_store(settings.resolved_archive_storage_url, url_secret=secret,
                                   s3=s3_options(settings), object_lock=True),
    }


def _replicate(source: BlobStore, target: BlobStore, prefix: str,
               progress: Progress | None) -> tuple[int, dict[str, list[str]]]:
    """Copy what the target lacks or holds differently under ``prefix``; how many were
    copied, and every blob listed as ``key: [sha256, content type]``."""
    present = {info.key: info.sha256 for info in target.list(prefix)}
    wanted = list(source.list())
    copied = 0
    for done, info in enumerate(wanted, start=1):
        if present.get(prefix + info.key) != info.sha256:
            data = source.get(info.key, expected_sha256=info.sha256)
            target.put(prefix + info.key, data, content_type=info.content_type)
            copied += 1
        if progress:
            progress(done, len(wanted))
    return copied, {info.key: [info.sha256, info.content_type] for info in wanted}


def _bring_back(source: BlobStore, prefix: str, store: BlobStore,
                expected: dict[str, list[str]], progress: Progress | None) -> int:
    """Every blob the snapshot named, checked against the hash recorded at backup time."""
    for done, (key, (sha256, content_type)) in enumerate(sorted(expected.items()), start=1):
        store.put(key, source.get(prefix + key, expected_sha256=sha256),
                  content_type=content_type)
        if progress:
            progress(done, len(expected))
    return len(expected)


# -- the data folder's own state ---------------------------------------------------------------

def _save_state(data_path: Path, target: BlobStore, snapshot: str) -> list[str]:
    saved = []
    for folder in STATE_FOLDERS:
        for path in sorted((data_path / folder).rglob("*")):
            relative = path.relative_to(data_path).as_posix()
            if path.is_file() and relative not in NEVER_COPIED:
                target.put(f"files/{snapshot}/{relative}", path.read_bytes())
                saved.append(relative)
    return saved


def _restore_state(data_path: Path, source: BlobStore, snapshot: str,
                   files: list[str]) -> list[str]:
    """Keys and certificates come back first: the services must not make new ones."""
    restored = []
    for relative in files:
        path = data_path / relative
        data = source.get(f"files/{snapshot}/{relative}")
        if path.exists():
            if path.read_bytes() != data:
                raise BackupError(f"{relative} đã có và khác bản sao lưu; chỉ khôi phục vào hệ "
                                  f"thống trống (the target already has other keys)")
            continue
        path.parent.mkdir(parents=True, exist_ok=True)
        path.touch(mode=0o600)
        path.write_bytes(data)
        restored.append(relative)
    return restored


__all__ = ["BackupError", "BackupReport", "RestoreReport", "backup", "open_target", "restore",
           "snapshots"]
