"""Reuse with consent (REGULATIONS 9.C.23): the owner shares vault documents with an agency;
the grant's row helpers are in ``vault.grants``."""

from __future__ import annotations

from datetime import UTC, datetime

from kernel import OwnerId, Viewer, mask_ids_in_text

from .audit import audit
from .errors import (
    InvalidRecordValue,
    NotFound,
)
from .grants import (
    Grant,
    GrantItem,
    GrantRecord,
    SharedDocument,
    agency_named,
    grant_query,
    grant_record,
    shareable,
    shared_document,
)
from .intake import Intake
from .models import Owner
from .search_log import note_changed
from .store import VaultState, VaultStore


class Sharing(VaultStore):
    """Preview, apply with documents, list and revoke grants."""

    def __init__(self, state: VaultState, *, intake: Intake) -> None:
        super().__init__(state)
        #: Applying with documents opens a dossier as the counter does.
        self._intake = intake

    # -- reuse with consent (REGULATIONS 9.C.23) -------------------------------------------
    def preview_share(self, owner: OwnerId, agency_code: str, document_ids: list[str], *,
                      viewer: Viewer) -> list[SharedDocument]:
        """Exactly what ``agency_code`` would be able to read: checked, nothing stored."""
        self._check_holder(owner, viewer)
        with self._sessions() as session:
            agency_named(session, agency_code)
            holder = self._owner(session, owner, create=False)
            if holder is None:
                raise NotFound("kho chưa có tài liệu nào (the vault is empty)")
            return [shared_document(d) for d in shareable(session, holder, document_ids)]

    def apply_with_documents(
        self, owner: OwnerId, agency_code: str, document_ids: list[str], *, procedure: str,
        purpose: str, expires_at: datetime, viewer: Viewer, now: datetime | None = None,
    ) -> GrantRecord:
        """Open a dossier at the agency for ``procedure`` and grant it the documents, in one
        transaction: the dossier never exists without the consent, nor the consent without
        its dossier."""
        self._check_holder(owner, viewer)
        moment = now or datetime.now(UTC)
        purpose = mask_ids_in_text(" ".join(purpose.split()))
        if not purpose:
            raise InvalidRecordValue("cần ghi mục đích sử dụng (a purpose is required)")
        if expires_at <= moment:
            raise InvalidRecordValue("thời hạn chia sẻ phải ở tương lai (expiry must be later)")
        with self._unit() as session:
            agency = agency_named(session, agency_code)
            holder = self._owner(session, owner, create=False)
            if holder is None:
                raise NotFound("kho chưa có tài liệu nào (the vault is empty)")
            documents = shareable(session, holder, document_ids)
            dossier, _ = self._intake.start(session, agency, holder, moment, procedure,
                                     viewer.actor, None)
            self._intake.attach_shared(session, dossier, documents, viewer.actor)
            grant = Grant(owner_id=holder.id, agency_id=agency.id, dossier_id=dossier.id,
                          purpose=purpose, created_at=moment, expires_at=expires_at,
                          created_by=viewer.actor)
            session.add(grant)
            session.flush()
            session.add_all(GrantItem(grant_id=grant.id, document_id=d.id) for d in documents)
            note_changed(session, [d.id for d in documents])
            audit(session, viewer.actor, "grant.created", "grant", grant.id, {
                "agency": agency.code, "dossier": dossier.code, "purpose": purpose[:200],
                "documents": [d.id for d in documents], "expires_at": expires_at.isoformat()})
            session.flush()
            session.expire_all()
            return grant_record(session.scalars(grant_query().where(Grant.id == grant.id)).one())

    def grants_of(self, owner: OwnerId, *, viewer: Viewer) -> list[GrantRecord]:
        self._check_holder(owner, viewer)
        with self._sessions() as session:
            return [grant_record(g) for g in session.scalars(
                grant_query().join(Owner, Owner.id == Grant.owner_id)
                .where(self._is_owner(owner)).order_by(Grant.created_at.desc()))]

    def revoke_grant(self, grant_id: str, *, viewer: Viewer) -> GrantRecord:
        """The owner withdraws consent: from now on the agency's reads answer not found."""
        with self._unit() as session:
            grant = session.scalars(grant_query().where(Grant.id == grant_id)
                                    .with_for_update(of=Grant)).one_or_none()
            if grant is None or not viewer.holds(grant.owner.identifier):
                raise NotFound("không tìm thấy quyền chia sẻ này (no such grant)")
            if grant.revoked_at is None:
                grant.revoked_at = datetime.now(UTC)
                note_changed(session, [item.document_id for item in grant.items])
                audit(session, viewer.actor, "grant.revoked", "grant", grant.id,
                      {"agency": grant.agency.code})
            session.flush()
            return grant_record(grant)
