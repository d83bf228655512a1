"""Write a dossier as a BagIt bag laid out after E-ARK CSIP, and open one again.

Layout (inside the bag's ``data/``)::

    METS.xml
    metadata/descriptive/appendix6.xml       NĐ 30/2020 App. VI, file and documents
    metadata/preservation/premis.xml         objects, agents, events
    metadata/other/history.xml               processing history and opinions
    metadata/other/sohoa-record.json         everything needed to import it again
    representations/original/data/…          the scans as received
    representations/preservation/data/…      the signed PDF/As

The bag is built in a hidden folder beside the target and renamed into place only
when complete, so a crash never leaves something that looks like a package. The
metadata is checked before anything is written: an archive must not receive a
package with a field over its length.
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import tempfile
from collections.abc import Callable
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

from kernel import DomainError

from . import appendix6, history, mets, premis
from .appendix6 import FileMetadata
from .bagwriter import TAG_MANIFEST, finish_bag
from .content import DossierPackage, Event, HistoryEntry


class PackageError(DomainError):
    """A package cannot be written or read; the message says which file and why."""

    code = "invalid_package"
    http_status = 422


class MetadataInvalid(PackageError):
    code = "invalid_archive_metadata"
    def __init__(self, problems: list[appendix6.FieldProblem]) -> None:
        super().__init__("dữ liệu đặc tả không đạt Phụ lục VI (App. VI metadata invalid): "
                         + "; ".join(str(p) for p in problems))
        self.problems = problems


@dataclass(frozen=True)
class WrittenPackage:
    path: Path
    files: int
    payload_bytes: int
    #: SHA-256 of the tag manifest, which covers every other file: one value that
    #: changes if any byte of the bag does.
    checksum: str


def package_name(dossier_code: str) -> str:
    """The folder name of a dossier's package: its code, which the archive keeps (9.B.16)."""
    if not dossier_code or not all(c.isalnum() or c in ".-" for c in dossier_code):
        raise PackageError(f"mã hồ sơ {dossier_code!r} không dùng làm tên gói được "
                           "(not usable as a package name)")
    return dossier_code


#: Called once the payload is on disk (with the folder its paths start from); the
#: events it returns — the checks made of those very bytes — join the package's.
PayloadHook = Callable[[DossierPackage, Path], "tuple[Event, ...]"]


def write_package(package: DossierPackage, into: Path, *,
                  on_payload: PayloadHook | None = None) -> WrittenPackage:
    problems = package.metadata.problems()
    if problems:
        raise MetadataInvalid(problems)
    into.mkdir(parents=True, exist_ok=True)
    target = into / package_name(package.dossier_code)
    if target.exists():
        raise PackageError(f"{target} đã tồn tại (already exists): chọn thư mục khác")
    work = Path(tempfile.mkdtemp(prefix=f".{target.name}.", dir=into))
    data_dir = work / "data"
    try:
        # Every payload file is checked against its recorded SHA-256 as it is written, so
        # the manifest is made from those values (bagwriter), not by reading it all again.
        _make_folders(data_dir, [f.path for f in package.files]
                      + [mets.APPENDIX6, mets.PREMIS, mets.HISTORY, mets.RECORD])
        listed: dict[str, tuple[int, str]] = {}
        for f in package.files:
            data = f.read()
            if len(data) != f.size or hashlib.sha256(data).hexdigest() != f.sha256:
                raise PackageError(f"{f.path}: nội dung không khớp mã băm đã ghi "
                                   "(content does not match its recorded SHA-256)")
            (data_dir / f.path).write_bytes(data)
            listed[f.path] = (f.size, f.sha256)
        if on_payload is not None:
            package = replace(package, events=package.events + on_payload(package, data_dir))
        metadata = {
            mets.APPENDIX6: appendix6.to_xml(package.metadata),
            mets.PREMIS: premis.build(package),
            mets.HISTORY: history.build(package.dossier_code, package.history),
            mets.RECORD: json.dumps(package.record, ensure_ascii=False, indent=2,
                                    sort_keys=True).encode(),
        }
        for path, data in metadata.items():
            (data_dir / path).write_bytes(data)
        described = {path: (len(data), hashlib.sha256(data).hexdigest())
                     for path, data in metadata.items()}
        structure = mets.build(package, described)
        (data_dir / "METS.xml").write_bytes(structure)
        listed |= described | {"METS.xml": (len(structure),
                                            hashlib.sha256(structure).hexdigest())}
        finish_bag(work, {f"data/{path}": entry for path, entry in listed.items()}, {
            "Source-Organization": package.organisation,
            "External-Identifier": package.dossier_code,
            "External-Description": package.metadata.Title[:200],
            "Bagging-Date": package.created.date().isoformat(),
            "Bag-Software-Agent": "sohoa (archive.bagwriter)",
        })
        os.chmod(work, 0o755)
        work.rename(target)
    except BaseException:
        shutil.rmtree(work, ignore_errors=True)
        raise
    payload = sum(f.size for f in package.files)
    return WrittenPackage(target, len(package.files), payload,
                          hashlib.sha256((target / TAG_MANIFEST).read_bytes()).hexdigest())


def _make_folders(root: Path, paths: list[str]) -> None:
    """Every folder the package's files go in, each made once (a mkdir per file was a
    tenth of the time an export took)."""
    for folder in sorted({(root / path).parent for path in paths}):
        folder.mkdir(parents=True, exist_ok=True)


@dataclass(frozen=True)
class OpenedPackage:
    """A package on disk, read back: its metadata, history and sohoa record."""

    root: Path
    metadata: FileMetadata
    history: tuple[HistoryEntry, ...]
    record: dict[str, Any]

    def read(self, path: str) -> bytes:
        """A payload file by its path from the package root (``representations/…``)."""
        target = (self.root / "data" / path).resolve()
        if not target.is_relative_to((self.root / "data").resolve()):
            raise PackageError(f"{path}: đường dẫn ra ngoài gói (path leaves the package)")
        return target.read_bytes()

    @property
    def checksum(self) -> str:
        return hashlib.sha256((self.root / TAG_MANIFEST).read_bytes()).hexdigest()


def open_package(root: Path) -> OpenedPackage:
    """Read a package's metadata (check it first with ``archive.validate``)."""
    data = root / "data"
    try:
        metadata = appendix6.from_xml((data / mets.APPENDIX6).read_bytes())
        steps = history.read((data / mets.HISTORY).read_bytes())
        record = json.loads((data / mets.RECORD).read_bytes())
    except (OSError, ValueError) as exc:
        raise PackageError(f"{root}: không đọc được gói (cannot read the package): "
                           f"{exc}") from None
    if not isinstance(record, dict):
        raise PackageError(f"{root}: {mets.RECORD} không phải một đối tượng JSON")
    return OpenedPackage(root, metadata, steps, record)
