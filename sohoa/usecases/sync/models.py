"""What a counter node knows of each document it sent on to the centre.

A document filed on the node with no ``central_id`` here is still to be sent; so
the outbox needs no separate "enqueue" step that a crash could skip between
filing and queuing: whatever is in the node's vault and not acknowledged by the
centre is pending.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from kernel import Base, UTCDateTime


class SentDocument(Base):
    """A node's attempts at sending one document, and the centre's answer."""

    __tablename__ = "sync_outbox"

    document_id: Mapped[str] = mapped_column(
        String(36), ForeignKey("documents.id", ondelete="CASCADE"), primary_key=True)
    #: The document's id at the centre, once the centre acknowledged it.
    central_id: Mapped[str | None] = mapped_column(String(36))
    sent_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    #: Not tried again before this instant (after a refusal or a failed try).
    next_try_at: Mapped[datetime | None] = mapped_column(UTCDateTime, index=True)
    error_code: Mapped[str | None] = mapped_column(String(64))
    error: Mapped[str | None] = mapped_column(Text)
