"""The scanner's hot folder (thư mục quét): a networked scanner saves into a shared folder,
and the counter screen offers what is waiting there instead of an upload.

Each officer has a sub-folder named by their username (else one per agency code),
so one counter never files another's pages. Files are taken by name only from that
folder, and moved to ``.processed/<date>/`` only once their job has filed them: a
failed job leaves them waiting.
"""

from __future__ import annotations

import shutil
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

from accounts.service import AccountView
from digitize import FileTooLarge, IntakeError

from ..services import Services

SCAN_SUFFIXES = frozenset({".pdf", ".jpg", ".jpeg", ".png", ".tif", ".tiff", ".heic"})
PROCESSED = ".processed"


@dataclass(frozen=True)
class WaitingFile:
    name: str
    size: int
    modified: datetime


@dataclass
class Taken:
    """Files read from the hot folder for one job; ``done`` moves them out of the way."""

    files: list[tuple[str, bytes]] = field(default_factory=list)
    paths: list[Path] = field(default_factory=list)

    def done(self) -> None:
        for path in self.paths:
            target = path.parent / PROCESSED / datetime.now(UTC).strftime("%Y%m%d")
            target.mkdir(parents=True, exist_ok=True)
            shutil.move(str(path), target / path.name)


def folder_of(services: Services, account: AccountView) -> Path | None:
    root = services.settings.intake.hot_folder
    if root is None:
        return None
    for name in (account.username, account.agency_code or ""):
        if name and (root / name).is_dir():
            return root / name
    return root / account.username


def waiting(services: Services, account: AccountView) -> list[WaitingFile]:
    folder = folder_of(services, account)
    if folder is None or not folder.is_dir():
        return []
    found = [WaitingFile(p.name, p.stat().st_size, datetime.fromtimestamp(p.stat().st_mtime, UTC))
             for p in folder.iterdir()
             if p.is_file() and not p.name.startswith(".") and p.suffix.lower() in SCAN_SUFFIXES]
    found.sort(key=lambda f: (f.modified, f.name))
    return found[:services.settings.intake.hot_folder_max_files]


def take(services: Services, account: AccountView, names: Sequence[str]) -> Taken:
    """Read the named files; a name that is not a waiting file of this officer is refused."""
    taken = Taken()
    if not names:
        return taken
    folder = folder_of(services, account)
    known = {f.name for f in waiting(services, account)}
    for name in names:
        if folder is None or name not in known:
            raise IntakeError(f"{name}: không có trong thư mục máy quét "
                              f"(not a file waiting in the scanner folder)")
        path = folder / name
        size = path.stat().st_size
        if size > services.settings.intake.limits.max_file_bytes:
            raise FileTooLarge(f"{name}: tệp quá lớn (file too large)")
        taken.files.append((name, path.read_bytes()))
        taken.paths.append(path)
    return taken
