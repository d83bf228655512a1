"""What both archive desks share: who may act, reasons that must be given, the
refusal they raise, and one transaction per step."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import TYPE_CHECKING

from sqlalchemy.orm import Session, sessionmaker

from archive import transfers
from kernel import Role, Viewer, clean_text
from vault import Forbidden, InvalidTransition, dossier_ref

if TYPE_CHECKING:
    from archive.transfers import ArchivalTransfer


class ArchiveRefused(InvalidTransition):
    """An archive step is not allowed now (409): package invalid, already transferred…"""


def require_archivist(viewer: Viewer) -> None:
    if viewer.role not in (Role.ARCHIVIST, Role.SYSTEM):
        raise Forbidden("chỉ người làm lưu trữ (archivists only)")


def required(text: str, what: str) -> str:
    """``text`` cleaned, on one line; refused when nothing is left of it. (Its column
    cuts it to length on assignment.)"""
    cleaned = " ".join(clean_text(text or "").split())
    if not cleaned:
        raise ArchiveRefused(f"cần {what}")
    return cleaned


@contextmanager
def unit(sessions: sessionmaker[Session]) -> Iterator[Session]:
    """One transaction: committed when the block ends, rolled back if it raises."""
    with sessions() as session, session.begin():
        yield session


def transferred(session: Session, code: str, *, lock: bool = False) -> ArchivalTransfer:
    """The transfer record of dossier ``code``; NotFound for a code that names no dossier,
    refused for one not transferred."""
    row = transfers.of_dossier(session, code, lock=lock)
    if row is None:
        dossier_ref(session, code=code)
        raise ArchiveRefused(f"hồ sơ {code} chưa nộp lưu (not transferred to the archive)")
    return row
