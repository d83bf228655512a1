"""Reading the vault (khai thác): a person's documents, one document, one file's bytes,
each behind the access rule, and every read of a file in the access log."""

from __future__ import annotations

from collections.abc import Callable

from sqlalchemy import select

from kernel import OwnerId, Viewer, mask_ids_in_text
from storage.opened import Opened

from .access import AccessPath, Action, visible_documents
from .audit import audit
from .errors import Forbidden, UnknownVariant
from .models import Document, FileRole, Owner
from .records import DocumentRecord, OpenedFile, StoredFile
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
            document, _ = self._visible(session, document_id, viewer, files=True)
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
        """The verified bytes of one variant, read whole (``open_file``)."""
        return self.open_file(document_id, variant, viewer=viewer, part=part,
                              purpose=purpose).stored()

    def open_file(self, document_id: str, variant: str, *, viewer: Viewer, part: int = 1,
                  purpose: str | None = None,
                  wanted: Callable[[int], tuple[int, int]] | None = None) -> OpenedFile:
        """One variant, opened to be read as it arrives (a download is sent while it is
        fetched and opened). ``wanted`` picks the part to read, ``(start, length)``,
        from the file's size (an HTTP ``Range``); by default all of it.

        Every read goes into the access log with who, which agency, by which right
        (owner, dossier, grant, archive) and why; the blob is opened before the log is
        written, so a file that cannot be read logs nothing."""
        try:
            role = FileRole(variant)
        except ValueError:
            known = ", ".join(r.value for r in FileRole)
            raise UnknownVariant(f"unknown variant {variant!r}: use one of {known}") from None
        content: Opened | None = None
        try:
            with self._unit() as session:
                path = self._access(session, document_id, viewer)
                version = self._version(session, document_id, role, part)
                start, length = wanted(version.size) if wanted else (0, version.size)
                # All of it is asked as such: one GET, not a probe and a range.
                content = self._opened(session, version, start,
                                       length if wanted else None)
                audit(session, viewer.actor, "document.read", "document", document_id, {
                    "variant": role.value, "part": part, "access": path.access.value,
                    "grant": path.grant_id, "agency": viewer.agency,
                    "purpose": mask_ids_in_text(purpose)[:200] if purpose else None})
                opened = OpenedFile(content, start, length, version.size, version.media_type,
                                    version.filename, version.sha256)
        except BaseException:
            if content is not None:
                content.close()
            raise
        return opened

__all__ = ["Reading"]
