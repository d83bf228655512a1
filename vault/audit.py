"""The audit trail: who did what to which record, and when (REGULATIONS 9.D.35 access logs)."""

from __future__ import annotations

from sqlalchemy.orm import Session

from .models import AuditEvent


def audit(session: Session, actor: str, action: str, subject_type: str, subject_id: str,
          details: dict[str, object]) -> None:
    """Add an event in the caller's transaction, so it is stored with the change or not at all.
    ``details`` must never hold a personal ID in clear."""
    session.add(AuditEvent(actor=actor, action=action, subject_type=subject_type,
                           subject_id=subject_id, details=details))
