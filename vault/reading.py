"""Reading the vault (khai thác): a person's documents, one document, one file's bytes,
each behind the access rule, and every read of a file in the access log."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import joinedload

from kernel import OwnerId, Viewer, mask_ids_in_text

from .access import AccessPath, Action, visible_documents
from .audit import audit
from .errors import Forbidden, UnknownVariant
from .models import Document, FileRole, Owner
from .records import DocumentRecord, StoredFile
from .store import VaultStore


class Reading(VaultStore):
    """List, get, authorise and read documents as a viewer may."""

    def list_documents(self, owner: OwnerId, *, viewer: Viewer) -> list[DocumentRecord]:
        """The documents of ``owner``'s vault that ``viewer`` may see, newest first."""
        with self._reads() as session:
            documents = session.scalars(self._loaded(
                select(Document).join(Owner, Owner.id == Document.owner_id)
                .where(self._is_owner(owner), visible_documents(viewer))
                .order_by(Document.created_at.desc(), Document.id)))
            return [self._record_of(d) for d in documents]

    def get_document(self, document_id: str, *, viewer: Viewer) -> DocumentRecord:
        """The document; one ``viewer`` may not see answers as not found."""
        with self._reads() as session:
            # One query: the document, what access turns on and its (few) file rows.
            document, _ = self._visible(
                session, select(Document).options(joinedload(Document.versions)), document_id,
                viewer)
            return self._record_of(document)

    def authorise(self, document_id: str, viewer: Viewer, action: Action) -> AccessPath:
        """How ``viewer`` reaches the document; NotFound if they cannot see it, Forbidden if
        they can but may not do ``action`` (checked before slow work such as signing)."""
        with self._sessions() as session:
            path = self._access(session, document_id, viewer)
        if not path.permits(action):
            raise Forbidden("chỉ cơ quan tiếp nhận hồ sơ mới xử lý tài liệu này "
                            "(only the agency that received the dossier may do this)")
        return path

    def read_file(self, document_id: str, variant: str, *, viewer: Viewer, part: int = 1,
                  purpose: str | None = None) -> StoredFile:
        """The verified bytes of one variant. Every read goes into the access log with who,
        which agency, by which right (owner, dossier, grant, archive) and why."""
        try:
            role = FileRole(variant)
        except ValueError:
            known = ", ".join(r.value for r in FileRole)
            raise UnknownVariant(f"unknown variant {variant!r}: use one of {known}") from None
        with self._unit() as session:
            path = self._access(session, document_id, viewer)
            version = self._version(session, document_id, role, part)
            data = self._bytes(session, version)
            audit(session, viewer.actor, "document.read", "document", document_id, {
                "variant": role.value, "part": part, "access": path.access.value,
                "grant": path.grant_id, "agency": viewer.agency,
                "purpose": mask_ids_in_text(purpose)[:200] if purpose else None})
            return StoredFile(data, version.media_type, version.filename, version.sha256)


__all__ = ["Reading"]
