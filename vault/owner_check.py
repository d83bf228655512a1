"""Whose vault (kho của ai): before a counter writes anything, the owner it is about to
write into — their name, what their vault holds and what this procedure will take
from it — or, for a number no vault has, that a new owner is being created.

A new owner needs a name and an explicit confirmation from the officer, since a
mistyped ID is otherwise a vault for someone who does not exist. The service's own
paths (the command line, a counter node's bundle) carry their own confirmation.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from kernel import OwnerId, OwnerKind, Role, Viewer, local_day

from .audit import audit
from .case_rows import check_agency_staff, clean_reason, vault_picks
from .errors import NewOwnerUnconfirmed
from .models import Document, Owner
from .procedures import Procedure
from .store import VaultStore

#: A name shorter than this is not a person's or an organisation's name.
MIN_NAME_CHARS = 2


@dataclass(frozen=True)
class NewOwner:
    """What the counter says of an owner who may be new: their name, the kind of ID the
    person said they were giving (None: not said), and whether the officer confirmed
    that a new vault is to be made."""

    name: str
    kind: OwnerKind | None
    confirmed: bool


@dataclass(frozen=True)
class Reusable:
    """A document of the vault a component of the procedure will take."""

    component: str
    title: str
    issue_date: date | None


@dataclass(frozen=True)
class OwnerCheck:
    """What the counter shows before it writes: ``known`` False for a new owner."""

    known: bool
    kind: OwnerKind
    name: str | None
    documents: int
    reusable: tuple[Reusable, ...]

    def as_dict(self) -> dict[str, object]:
        return {"known": self.known, "kind": self.kind.value, "name": self.name,
                "documents": self.documents,
                "reusable": [{"component": r.component, "title": r.title,
                              "issue_date": r.issue_date.isoformat() if r.issue_date else None}
                             for r in self.reusable]}


def confirmed_name(owner: OwnerId, new_owner: NewOwner | None, viewer: Viewer) -> str | None:
    """The name of a new owner; refused, naming what is missing, when staff gave no name,
    no kind of ID or no confirmation."""
    name = clean_reason(new_owner.name if new_owner else None)
    if viewer.role is not Role.STAFF:
        return name
    missing = [field for field, present in (
        ("owner_name", bool(name and len(name) >= MIN_NAME_CHARS)),
        ("owner_kind", bool(new_owner and new_owner.kind is not None)),
        ("new_owner", bool(new_owner and new_owner.confirmed))) if not present]
    if missing:
        raise NewOwnerUnconfirmed(
            f"chưa có kho dữ liệu nào cho {owner.masked}: kiểm tra lại số với giấy tờ của "
            f"người nộp; nếu đúng là người nộp mới, cần họ tên và xác nhận tạo kho mới "
            f"(no vault for this ID: a new owner needs a name and a confirmation; missing: "
            f"{', '.join(missing)})", missing=missing)
    return name


class OwnerChecks(VaultStore):
    """Look up whose vault a counter is about to write into."""

    def check_owner(self, owner: OwnerId, *, procedure: str | None, viewer: Viewer,
                    now: datetime | None = None) -> OwnerCheck:
        """The owner's name and vault, for staff of an agency; the look-up is audited (the
        officer saw a name and the titles of documents)."""
        check_agency_staff(viewer.agency or "", viewer)
        today = local_day(now or datetime.now(UTC))
        found = self.procedures.find(procedure) if procedure else None
        with self._unit() as session:
            holder = session.scalar(select(Owner).where(self._is_owner(owner)))
            if holder is None:
                return OwnerCheck(False, owner.kind, None, 0, ())
            audit(session, viewer.actor, "owner.checked", "owner", holder.vault_key,
                  {"agency": viewer.agency, "procedure": procedure})
            return OwnerCheck(True, OwnerKind(holder.kind), holder.display_name,
                              self._count(session, holder.id),
                              self._reusable(session, holder.id, found, today))

    def name_of(self, owner: OwnerId) -> str | None:
        """The name a vault was opened under, for screens that already show its owner's
        dossier (the caller has checked who may see it)."""
        with self._sessions() as session:
            holder = session.scalar(select(Owner).where(self._is_owner(owner)))
            return holder.display_name if holder is not None else None

    @staticmethod
    def _count(session: Session, owner_pk: int) -> int:
        return session.scalar(select(func.count()).select_from(Document).where(
            Document.owner_id == owner_pk, Document.revoked_at.is_(None))) or 0

    @staticmethod
    def _reusable(session: Session, owner_pk: int, procedure: Procedure | None,
                  today: date) -> tuple[Reusable, ...]:
        if procedure is None:
            return ()
        return tuple(Reusable(component.name, match.title, match.issue_date) for component, match
                     in vault_picks(session, owner_pk, procedure.components, today))
