"""Who may see what in the vault: one rule, written once, applied as a query filter.

Private by default (NĐ 45/2020 Art. 16; REGULATIONS 9.C): a document is visible to

- the owner — the citizen whose personal ID keys the vault, or a member of the
  organisation whose tax code keys it;
- staff of the agency (cán bộ) that digitised it or received the dossier it was
  filed in — they keep its record, certify and revoke it — or of an agency that
  holds a live grant from the owner covering it (reuse, REGULATIONS 9.C.23: read only);
- archivists, once its dossier has been handed over to the archive;
- nobody else. Administrators manage accounts and agencies and read no content.

The filter is a SQL expression, so a list, a search and a single read all apply
the same rule in the database, and a document someone may not see is
indistinguishable from one that does not exist (the API answers 404, not 403).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime
from enum import StrEnum

from sqlalchemy import ColumnElement, and_, exists, false, or_, select, true
from sqlalchemy.orm import Session

from kernel import Role, Viewer

from .grants import Grant, GrantItem
from .models import Agency, Document, Dossier, Owner


class Access(StrEnum):
    """Why a viewer may read a document: written into the access log with each read."""

    OWNER = "owner"
    #: Staff of the agency that digitised the paper or received the dossier it is in.
    AGENCY = "agency"
    GRANT = "grant"  # staff of an agency the owner shared it with
    ARCHIVE = "archive"
    SYSTEM = "system"


class Action(StrEnum):
    """What a viewer wants to do with a document they can see."""

    READ = "read"
    #: Complete or correct the digitisation record, certify, print a copy, revoke:
    #: the work of the agency that received the dossier.
    PROCESS = "process"


@dataclass(frozen=True)
class AccessPath:
    """How a viewer reaches a document: the reason, and the grant when it is one."""

    access: Access
    grant_id: str | None = None

    def permits(self, action: Action) -> bool:
        if action is Action.READ:
            return True
        return self.access in (Access.AGENCY, Access.SYSTEM)


def access_to(session: Session, viewer: Viewer, document: Document,
              now: datetime | None = None) -> AccessPath | None:
    """Why ``viewer`` may see ``document``, or None. Agrees with ``visible_documents``
    (a test holds them to it); this form also names the grant, for the access log."""
    if viewer.role is Role.SYSTEM:
        return AccessPath(Access.SYSTEM)
    dossier = document.dossier
    if viewer.role in (Role.CITIZEN, Role.ORGANISATION):
        return AccessPath(Access.OWNER) if document.owner.identifier in viewer.owners else None
    if viewer.role is Role.STAFF and viewer.agency:
        if ((document.agency is not None and document.agency.code == viewer.agency)
                or (dossier is not None and dossier.agency.code == viewer.agency)):
            return AccessPath(Access.AGENCY)
        grant_id = session.scalar(
            select(Grant.id).join(GrantItem, GrantItem.grant_id == Grant.id)
            .join(Agency, Agency.id == Grant.agency_id)
            .where(GrantItem.document_id == document.id, Agency.code == viewer.agency,
                   live_grant(now)).order_by(Grant.created_at).limit(1))
        return AccessPath(Access.GRANT, grant_id) if grant_id else None
    if viewer.role is Role.ARCHIVIST and dossier is not None and dossier.archived_at is not None:
        return AccessPath(Access.ARCHIVE)
    return None


def live_grant(now: datetime | None = None) -> ColumnElement[bool]:
    moment = now or datetime.now(UTC)
    return and_(Grant.revoked_at.is_(None), Grant.expires_at > moment)


def granted_to(agency_code: str, now: datetime | None = None) -> ColumnElement[bool]:
    """Documents covered by a live grant to ``agency_code``."""
    return exists(
        select(GrantItem.id).join(Grant, Grant.id == GrantItem.grant_id)
        .join(Agency, Agency.id == Grant.agency_id)
        .where(GrantItem.document_id == Document.id, Agency.code == agency_code,
               live_grant(now)))


def received_by(agency_code: str) -> ColumnElement[bool]:
    """Documents the agency digitised, or filed in a dossier it received."""
    agency = select(Agency.id).where(Agency.code == agency_code).scalar_subquery()
    return or_(Document.agency_id == agency,
               Document.dossier_id.in_(select(Dossier.id).where(Dossier.agency_id == agency)))


def owned_by(indexes: frozenset[str]) -> ColumnElement[bool]:
    """Documents of the owners whose blind indexes are ``indexes``."""
    return Document.owner_id.in_(select(Owner.id).where(Owner.id_index.in_(indexes)))


def visible_documents(viewer: Viewer, now: datetime | None = None) -> ColumnElement[bool]:
    """A WHERE clause on ``Document`` selecting exactly what ``viewer`` may see."""
    if viewer.role is Role.SYSTEM:
        return true()
    if viewer.role in (Role.CITIZEN, Role.ORGANISATION):
        return owned_by(viewer.owner_indexes) if viewer.owner_indexes else false()
    if viewer.role is Role.STAFF and viewer.agency:
        return or_(received_by(viewer.agency), granted_to(viewer.agency, now))
    if viewer.role is Role.ARCHIVIST:
        return Document.dossier_id.in_(
            select(Dossier.id).where(Dossier.archived_at.is_not(None)))
    return false()


def visible_dossiers(viewer: Viewer) -> ColumnElement[bool]:
    """A WHERE clause on ``Dossier``: the owner's, the receiving agency's, the archive's."""
    if viewer.role is Role.SYSTEM:
        return true()
    if viewer.role in (Role.CITIZEN, Role.ORGANISATION):
        return Dossier.owner_id.in_(select(Owner.id).where(Owner.id_index.in_(viewer.owner_indexes)))
    if viewer.role is Role.STAFF and viewer.agency:
        return Dossier.agency_id.in_(select(Agency.id).where(Agency.code == viewer.agency))
    if viewer.role is Role.ARCHIVIST:
        return Dossier.archived_at.is_not(None)
    return false()
