"""Read-only views of vault rows, handed to the API and CLI (never ORM objects)."""

from __future__ import annotations

from dataclasses import dataclass, field, fields
from datetime import date, datetime
from typing import Any

from storage.opened import Opened

from .digitisation import DigitisationRecord


@dataclass(frozen=True)
class FileRecord:
    id: str
    role: str
    part: int
    sha256: str
    size: int
    media_type: str
    filename: str
    parent_id: str | None
    #: The file whose blob holds these bytes at ``offset`` (no copy of their own), if any.
    within_id: str | None = None
    offset: int | None = None


@dataclass(frozen=True)
class DocumentRecord:
    id: str
    owner: str
    title: str
    doc_type: str
    status: str
    page_count: int
    operator: str
    scanned_at: datetime
    created_at: datetime
    dossier: str | None
    files: list[FileRecord] = field(default_factory=list)
    text_chars: int = 0
    #: One quality report per page (see `digitize.ocr.PageQuality.as_dict`).
    page_quality: list[dict[str, Any]] = field(default_factory=list)
    #: The digitisation record (REGULATIONS 46–51) as it stands.
    record: DigitisationRecord = field(default_factory=lambda: DigitisationRecord(None, None))
    result_code: str | None = None
    extraction: list[dict[str, Any]] = field(default_factory=list)
    extraction_method: str | None = None
    #: The procedure (mã TTHC) of the document's dossier, when it has one.
    procedure: str | None = None
    revoked_at: datetime | None = None
    revocation_reason: str | None = None
    #: Signatures the received originals carried, as validated when they came in:
    #: ``{"part": n, **VerificationReport.as_dict()}`` per signed original.
    input_signatures: list[dict[str, Any]] = field(default_factory=list)
    #: The request it was filed under (a job's group), for the service's own bookkeeping.
    intake_key: str | None = field(default=None, repr=False)
    #: Page 1, small, as a ``data:`` URL, for the screens' lists (not in the API's JSON).
    thumbnail: str | None = field(default=None, repr=False)

    def expired(self, today: date) -> bool:
        """Past its validity: shown as expired, never attached as a valid paper (item 51)."""
        return self.record.valid_until is not None and self.record.valid_until < today

    def file(self, role: str, part: int = 1) -> FileRecord | None:
        return next((f for f in self.files if f.role == role and f.part == part), None)

    def as_dict(self) -> dict[str, Any]:
        # Field by field rather than dataclasses.asdict, which deep-copies every list and
        # dict on the way and was the larger part of a get-metadata call's Python.
        data = {f.name: getattr(self, f.name) for f in fields(self)
                if f.name not in ("intake_key",  # bookkeeping, not something a reader is told
                                  "thumbnail")}  # a picture for screens; programs read the file
        data["files"] = [{f.name: getattr(file, f.name) for f in fields(file)}
                         for file in self.files]
        data["scanned_at"] = self.scanned_at.isoformat()
        data["created_at"] = self.created_at.isoformat()
        data["record"] = self.record.as_dict()
        data["revoked_at"] = self.revoked_at.isoformat() if self.revoked_at else None
        return data


@dataclass(frozen=True)
class OpenedFile:
    """One file version being read: its bytes from ``start`` (``content``, ``length``
    of them, each piece verified before it is given) out of ``size``, and how to
    serve them. Close ``content`` if it is not read to the end."""

    content: Opened
    start: int
    length: int
    size: int
    media_type: str
    filename: str
    sha256: str

    def stored(self) -> StoredFile:
        """All of it, read."""
        return StoredFile(self.content.read(), self.media_type, self.filename, self.sha256)


@dataclass(frozen=True)
class StoredFile:
    """The verified bytes of one file version and how to serve them."""

    data: bytes
    media_type: str
    filename: str
    sha256: str


@dataclass(frozen=True)
class NewFile:
    """A file to be stored with a new document; ``parent`` names its source as (role, part)."""

    role: str
    data: bytes
    media_type: str
    part: int = 1
    parent: tuple[str, int] | None = None
    #: ((role, part), offset): these bytes sit at ``offset`` in that file, so they are not
    #: stored again. The caller must have checked the bytes are really there.
    within: tuple[tuple[str, int], int] | None = None

    @property
    def filename(self) -> str:
        """The name it is stored and downloaded under: made from what the file is, never
        from the uploader's name (which may hold a person's name or ID, or a misleading
        extension such as ``scan.pdf_.html``)."""
        return stored_filename(self.role, self.part, self.media_type)


#: Download names per file role, in Vietnamese without marks (browsers and archives
#: everywhere keep them intact).
_ROLE_NAMES = {"original": "ban-quet", "pdfa": "ban-pdfa", "signed": "ban-so-hoa",
               "text": "noi-dung", "certified": "ban-sao-dien-tu"}
_EXTENSIONS = {"application/pdf": ".pdf", "image/jpeg": ".jpg", "image/png": ".png",
               "image/tiff": ".tif", "image/heic": ".heic", "text/plain": ".txt",
               "application/json": ".json", "application/xml": ".xml"}


def stored_filename(role: str, part: int, media_type: str) -> str:
    """``ban-quet-2.jpg``: the role's name, the part where there may be several, and the
    extension of the media type the file was sniffed as."""
    stem = _ROLE_NAMES.get(role, role)
    extension = _EXTENSIONS.get(media_type.split(";")[0].strip().lower(), ".bin")
    return f"{stem}-{part}{extension}" if role == "original" else f"{stem}{extension}"


@dataclass(frozen=True)
class AgencyRecord:
    """An agency and the dates its code is valid (codes change when units merge)."""

    code: str
    name: str
    valid_from: date | None
    valid_to: date | None
    successor: str | None = None  # the unit it was merged into
    parent: str | None = None  # the agency above it in the province's tree
    kind: str | None = None  # province, department, commune or unit

    def as_dict(self) -> dict[str, Any]:
        return {"code": self.code, "name": self.name, "kind": self.kind, "parent": self.parent,
                "valid_from": self.valid_from.isoformat() if self.valid_from else None,
                "valid_to": self.valid_to.isoformat() if self.valid_to else None,
                "successor": self.successor}
