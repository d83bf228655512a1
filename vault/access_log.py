"""The owner's access log (nhật ký truy cập): every read of their documents, by whom.

A read is an audit event ``document.read`` (written by ``Vault.read_file``) that
names the reader, their agency, the right they read by (owner, agency, grant,
archive) and the grant and purpose when there are. The owner reads this log; it
comes from the hash-chained trail, so ``sohoa audit verify`` vouches for it.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import ColumnElement, select
from sqlalchemy.orm import Session

from .audit import AuditEvent
from .models import Document, Owner


@dataclass(frozen=True)
class AccessRecord:
    at: datetime
    reader: str
    agency: str | None
    access: str | None
    grant_id: str | None
    purpose: str | None
    document_id: str
    document_title: str
    variant: str | None
    seq: int

    def as_dict(self) -> dict[str, Any]:
        return {"at": self.at.isoformat(), "reader": self.reader, "agency": self.agency,
                "access": self.access, "grant": self.grant_id, "purpose": self.purpose,
                "document": {"id": self.document_id, "title": self.document_title},
                "variant": self.variant, "seq": self.seq}


def reads_of(session: Session, owner: ColumnElement[bool], *, limit: int,
             offset: int) -> list[AccessRecord]:
    """Reads of the documents of the owner ``owner`` selects, newest first."""
    rows = session.execute(
        select(AuditEvent, Document)
        .join(Document, Document.id == AuditEvent.subject_id)
        .join(Owner, Owner.id == Document.owner_id)
        .where(AuditEvent.action == "document.read", AuditEvent.subject_type == "document",
               owner)
        .order_by(AuditEvent.seq.desc()).limit(limit).offset(offset))
    records = []
    for event, document in rows:
        title = document.title
        details = event.details or {}
        records.append(AccessRecord(
            at=event.at, reader=event.actor, agency=details.get("agency"),
            access=details.get("access"), grant_id=details.get("grant"),
            purpose=details.get("purpose"), document_id=event.subject_id,
            document_title=title, variant=details.get("variant"), seq=event.seq))
    return records
