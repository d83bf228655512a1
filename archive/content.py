"""What goes into a transfer package (gói hồ sơ nộp lưu), independent of where it came from.

The composition layer gathers a dossier from the vault into these records; the
package writer turns them into files, and the reader turns a package back into
them. Nothing here knows the database or the blob store, which is what lets a
package be written, checked and read anywhere (TT 13/2023 Art. 3: the digitised
papers, the electronic documents, their metadata and the officials' opinions).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from .appendix6 import FileMetadata

#: The two representations of E-ARK CSIP: what was received, and what is kept for reading.
ORIGINAL = "original"
PRESERVATION = "preservation"
REPRESENTATIONS = (ORIGINAL, PRESERVATION)


@dataclass(frozen=True)
class PackageFile:
    """One content file of a representation. ``read`` gives its bytes when the writer
    needs them, so a large dossier is never held in memory whole."""

    representation: str
    name: str
    media_type: str
    sha256: str
    size: int
    created: datetime
    #: What the file is to its document in sohoa (original, pdfa, signed, certified…).
    role: str
    part: int
    read: Callable[[], bytes] = field(compare=False, repr=False)

    @property
    def path(self) -> str:
        """Where it sits in the package, from the package root."""
        return f"representations/{self.representation}/data/{self.name}"


@dataclass(frozen=True)
class PackagedDocument:
    """A document of the dossier: ``key`` is its stable ID inside the package."""

    key: str
    title: str
    files: tuple[PackageFile, ...]


@dataclass(frozen=True)
class Agent:
    """Who or what acted: a person (by account name), an organisation, or software."""

    key: str
    name: str
    kind: str  # person, organization or software (PREMIS agentType)


@dataclass(frozen=True)
class Event:
    """A preservation event (PREMIS): capture, OCR, signing, validation, fixity, transfer."""

    key: str
    type: str
    at: datetime
    detail: str
    agents: tuple[str, ...]
    objects: tuple[str, ...]
    outcome: str = "success"


@dataclass(frozen=True)
class HistoryEntry:
    """One step of the processing history (quá trình xử lý), an official's opinion included."""

    at: datetime
    kind: str
    actor: str
    from_status: str | None = None
    to_status: str | None = None
    reason_code: str | None = None
    text: str | None = None
    official: str | None = None
    position: str | None = None


@dataclass(frozen=True)
class DossierPackage:
    """Everything a package holds about one dossier.

    ``record`` is sohoa's own account of the dossier — owner, components, each
    document's digitisation record and files — kept as JSON beside the standard
    metadata so that a package can be imported again without losing a field.
    """

    dossier_code: str
    metadata: FileMetadata
    documents: tuple[PackagedDocument, ...]
    history: tuple[HistoryEntry, ...]
    agents: tuple[Agent, ...]
    events: tuple[Event, ...]
    record: dict[str, Any]
    #: The organisation handing the package over (bên giao).
    organisation: str
    created: datetime

    @property
    def files(self) -> list[PackageFile]:
        return [f for doc in self.documents for f in doc.files]
