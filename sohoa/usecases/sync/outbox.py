"""A counter node's outbox: the documents filed here that the centre has not acknowledged.

There is no queue to put a document in: a document is pending from the moment it
is filed until a row here records the centre's id for it (`models.SentDocument`),
so neither a crash nor a lost answer can drop one, and a document acknowledged
once is never sent again.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime

from sqlalchemy import and_, func, or_, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session, sessionmaker

from kernel import Viewer
from vault import FileRole
from vault.document_ids import document_count, documents_in_filing_order

from ..counter import Original
from ..needs import VaultWork
from .bundle import Bundle
from .models import SentDocument

SYNC_ACTOR = "system:sync"


@dataclass(frozen=True)
class Refusal:
    document_id: str
    code: str | None
    message: str | None
    attempts: int


@dataclass(frozen=True)
class OutboxCounts:
    pending: int
    sent: int
    #: Documents the centre refused: they wait for someone to fix the cause.
    refused: list[Refusal]
    last_sent_at: datetime | None


def _now() -> datetime:
    return datetime.now(UTC)


class Outbox:
    def __init__(self, sessions: sessionmaker[Session]) -> None:
        self._sessions = sessions

    def due(self, limit: int = 100) -> list[str]:
        """Documents to send now, oldest first: all but those the centre acknowledged and
        those waiting for a later try."""
        settled = select(SentDocument.document_id).where(or_(
            SentDocument.central_id.is_not(None), SentDocument.next_try_at > _now()))
        with self._sessions() as session:
            return documents_in_filing_order(session, limit=limit, excluding=settled)

    def acknowledged(self, document_id: str, central_id: str) -> None:
        self._record(document_id, central_id=central_id, sent_at=_now(), next_try_at=None,
                     error_code=None, error=None)

    def failed(self, document_id: str, code: str, message: str,
               next_try_at: datetime | None) -> None:
        self._record(document_id, next_try_at=next_try_at, error_code=code, error=message[:2000])

    def counts(self) -> OutboxCounts:
        with self._sessions() as session:
            total = document_count(session)
            sent, last = session.execute(
                select(func.count(), func.max(SentDocument.sent_at))
                .where(SentDocument.central_id.is_not(None))).one()
            refused = [Refusal(row.document_id, row.error_code, row.error, row.attempts)
                       for row in session.scalars(select(SentDocument).where(and_(
                           SentDocument.central_id.is_(None),
                           SentDocument.next_try_at.is_not(None))))]
        return OutboxCounts(total - sent, sent, refused, last)

    def _record(self, document_id: str, **values: object) -> None:
        for _ in range(2):  # a second node process may add the row first: then update it
            try:
                with self._sessions() as session, session.begin():
                    row = session.get(SentDocument, document_id)
                    if row is None:
                        row = SentDocument(document_id=document_id, attempts=0)
                        session.add(row)
                    row.attempts += 1
                    for name, value in values.items():
                        setattr(row, name, value)
                return
            except IntegrityError:
                continue


def read_bundle(services: VaultWork, document_id: str) -> Bundle:
    """A filed document as the centre needs it, read from this node's vault."""
    viewer = Viewer.system(SYNC_ACTOR)
    record = services.vault.documents.get_document(document_id, viewer=viewer)

    def read(role: FileRole, part: int = 1) -> bytes:
        return services.vault.documents.read_file(document_id, role.value, viewer=viewer, part=part,
                                        purpose="gửi về trung tâm (sync to the centre)").data

    parts = sorted({f.part for f in record.files if f.role == FileRole.ORIGINAL.value})
    originals = []
    for part in parts:
        described = record.file(FileRole.ORIGINAL.value, part)
        assert described is not None
        originals.append(Original(described.filename, described.media_type,
                                  read(FileRole.ORIGINAL, part)))
    return Bundle(
        local_id=record.id, owner=record.owner, title=record.title,
        page_count=record.page_count, operator=record.operator, scanned_at=record.scanned_at,
        originals=originals, pdfa=read(FileRole.PDFA), signed=read(FileRole.SIGNED),
        text=read(FileRole.TEXT).decode("utf-8"), page_quality=record.page_quality)
