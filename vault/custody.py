"""Keeping the vault honest and erasable: the audit chain, the owner's access log,
crypto-shredding and sealing of blobs stored before encryption."""

from __future__ import annotations

import logging
from collections.abc import Callable

from sqlalchemy import func, select, update

from kernel import OwnerId, Viewer, mask_ids_in_text

from .access_log import AccessRecord, reads_of
from .audit import ChainReport, audit, check_chain
from .errors import (
    InvalidRecordValue,
    NotFound,
)
from .models import (
    Document,
    FileHistory,
    FileVersion,
    Owner,
)
from .search_log import note_changed
from .store import VaultStore

log = logging.getLogger(__name__)


class Custody(VaultStore):
    """The audit trail and the vault's keys."""

    # -- the audit trail ----------------------------------------------------------------
    def access_log(self, owner: OwnerId, *, viewer: Viewer, limit: int = 100,
                   offset: int = 0) -> list[AccessRecord]:
        """Every read of ``owner``'s documents, newest first; only the owner (and the
        service) may read it — anyone else finds no such log."""
        self._check_holder(owner, viewer)
        with self._sessions() as session:
            return reads_of(session, self._is_owner(owner), limit=limit, offset=offset)

    def verify_audit(self) -> ChainReport:
        """Recompute the whole hash chain of the audit trail."""
        with self._sessions() as session:
            return check_chain(session)

    # -- crypto-shredding ----------------------------------------------------------------
    def shred(self, owner: OwnerId, *, reason: str, actor: str) -> int:
        """Destroy the vault's data key (hủy khóa): every blob of the vault becomes unreadable
        wherever a copy of it lies. The rows stay, so the audit trail and the record of what
        existed remain; reads answer ``VaultShredded``. Returns the documents affected."""
        if self._keyring is None:
            raise InvalidRecordValue("kho không mã hóa thì không hủy khóa được "
                                     "(the vault is not encrypted: nothing to shred)")
        reason = mask_ids_in_text(" ".join(reason.split()))
        if not reason:
            raise InvalidRecordValue("cần ghi lý do hủy (shredding needs a reason)")
        with self._sessions() as session:
            holder = self._owner(session, owner, create=False)
            if holder is None:
                raise NotFound("không tìm thấy kho dữ liệu (no such vault)")
            vault_key = holder.vault_key
            documents = session.scalar(select(func.count()).select_from(Document)
                                       .where(Document.owner_id == holder.id)) or 0
        self._keyring.shred(vault_key)
        with self._unit() as session:
            # The index's tokens are keyed by the deployment, not the vault: drop them too
            # (the indexer finds the records no longer open).
            note_changed(session, list(session.scalars(
                select(Document.id).join(Owner, Owner.id == Document.owner_id)
                .where(self._is_owner(owner)))))
            audit(session, actor, "vault.shredded", "owner", vault_key,
                  {"documents": documents, "reason": reason[:500]})
        log.warning("vault of owner %s crypto-shredded (%d documents)", owner.masked, documents)
        return documents

    def seal_existing(self, is_sealed: Callable[[str], bool],
                      progress: Callable[[int, int], None] | None = None) -> int:
        """Encrypt blobs stored before encryption at rest: each is read (checked against its
        SHA-256), written again sealed under a new name, its rows pointed at it, and the
        plaintext object deleted. Safe to stop and run again. Returns blobs sealed."""
        with self._sessions() as session:
            stored = session.execute(
                select(FileVersion.blob_key, FileVersion.sha256, Owner.vault_key)
                .join(Document, Document.id == FileVersion.document_id)
                .join(Owner, Owner.id == Document.owner_id)
                .where(FileVersion.within_id.is_(None))
                .union(select(FileHistory.blob_key, FileHistory.sha256, Owner.vault_key)
                       .join(FileVersion, FileVersion.id == FileHistory.file_version_id)
                       .join(Document, Document.id == FileVersion.document_id)
                       .join(Owner, Owner.id == Document.owner_id))).all()
        sealed = 0
        for index, (key, sha256, vault_key) in enumerate(stored, start=1):
            if not is_sealed(key):
                data = self._blobs.get(key, expected_sha256=sha256)
                new_key = self._blob_key(vault_key, data)
                self._blobs.put(new_key, data)
                with self._unit() as session:
                    for model in (FileVersion, FileHistory):
                        session.execute(update(model).where(model.blob_key == key)
                                        .values(blob_key=new_key))
                    audit(session, "system:seal-existing", "blob.sealed", "blob", new_key[:64],
                          {})
                if new_key != key:
                    self._blobs.delete(key)
                sealed += 1
            if progress:
                progress(index, len(stored))
        return sealed
