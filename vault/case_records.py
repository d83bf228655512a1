"""What the vault answers about a dossier: its components, history, results and notices."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from .models import Dossier, DossierComponent, DossierEvent, Notice

#: A component received without a copy, for a reason the circular allows (`scan_skips`).
SKIPPED = "SKIPPED"


def satisfied(document_id: str | None, source: str | None) -> bool:
    """Whether a component needs nothing more: a document, or a lawful skip."""
    return document_id is not None or source == SKIPPED


def _iso(moment: date | datetime | None) -> str | None:
    return moment.isoformat() if moment else None


@dataclass(frozen=True)
class ComponentRecord:
    code: str
    name: str
    required: bool
    document_id: str | None
    source: str | None  # VAULT, SCAN, DOCUMENT or SKIPPED (not copied); None while missing
    reason: str | None  # the reason for a second copy, or a skip's reason code

    @property
    def satisfied(self) -> bool:
        return satisfied(self.document_id, self.source)

    def as_dict(self) -> dict[str, Any]:
        return {"code": self.code, "name": self.name, "required": self.required,
                "document": self.document_id, "source": self.source, "reason": self.reason,
                "satisfied": self.satisfied}


@dataclass(frozen=True)
class HistoryRecord:
    at: datetime
    actor: str
    kind: str
    from_status: str | None
    to_status: str | None
    reason_code: str | None
    text: str | None
    official: str | None
    position: str | None
    details: dict[str, Any]

    def as_dict(self) -> dict[str, Any]:
        return {"at": self.at.isoformat(), "actor": self.actor, "kind": self.kind,
                "from": self.from_status, "to": self.to_status, "reason_code": self.reason_code,
                "text": self.text, "official": self.official, "position": self.position,
                "details": self.details}


@dataclass(frozen=True)
class ResultRecord:
    document_id: str
    result_code: str | None
    title: str
    revoked: bool

    def as_dict(self) -> dict[str, Any]:
        return {"document": self.document_id, "result_code": self.result_code,
                "title": self.title, "revoked": self.revoked}


@dataclass(frozen=True)
class DossierRecord:
    code: str
    agency: str
    owner: str
    procedure: str | None
    status: str
    received_on: date
    due_on: date | None
    completed_at: datetime | None
    archived_at: datetime | None
    components: tuple[ComponentRecord, ...]
    history: tuple[HistoryRecord, ...]
    results: tuple[ResultRecord, ...]

    @property
    def missing(self) -> list[str]:
        """Codes of required components nothing satisfies yet."""
        done = {c.code for c in self.components if c.satisfied}
        return sorted({c.code for c in self.components if c.required} - done)

    def as_dict(self) -> dict[str, Any]:
        return {"code": self.code, "agency": self.agency, "owner": self.owner,
                "procedure": self.procedure, "status": self.status,
                "received_on": self.received_on.isoformat(), "due_on": _iso(self.due_on),
                "completed_at": _iso(self.completed_at), "archived_at": _iso(self.archived_at),
                "components": [c.as_dict() for c in self.components],
                "missing_components": self.missing,
                "reused_from_vault": sum(1 for c in self.components if c.source == "VAULT"),
                "history": [h.as_dict() for h in self.history],
                "results": [r.as_dict() for r in self.results]}


@dataclass(frozen=True)
class NoticeRecord:
    id: int
    dossier: str | None
    created_at: datetime
    kind: str
    reason_code: str | None
    text: str

    def as_dict(self) -> dict[str, Any]:
        return {"id": self.id, "dossier": self.dossier, "created_at": self.created_at.isoformat(),
                "kind": self.kind, "reason_code": self.reason_code, "text": self.text}


def component_record(row: DossierComponent) -> ComponentRecord:
    return ComponentRecord(row.code, row.name, row.required, row.document_id, row.source,
                           row.reason)


def history_record(row: DossierEvent) -> HistoryRecord:
    return HistoryRecord(row.at, row.actor, row.kind, row.from_status, row.to_status,
                         row.reason_code, row.text, row.official, row.position,
                         dict(row.details or {}))


def notice_record(row: Notice) -> NoticeRecord:
    return NoticeRecord(row.id, row.dossier.code if row.dossier else None, row.created_at,
                        row.kind, row.reason_code, row.text)


def dossier_record(dossier: Dossier, results: list[ResultRecord]) -> DossierRecord:
    return DossierRecord(
        dossier.code, dossier.agency.code, dossier.owner.identifier, dossier.procedure,
        dossier.status, dossier.received_on, dossier.due_on, dossier.completed_at,
        dossier.archived_at, tuple(component_record(c) for c in dossier.components),
        tuple(history_record(e) for e in dossier.history), tuple(results))
