"""The vault service (kho dữ liệu điện tử của tổ chức, cá nhân): one object callers are
handed, made of the areas of the work.

CLI, HTTP API, UI and job workers call the areas through it, so a rule lives in one
place: ``filing`` stores documents and takes their records to STORED, ``documents``
reads them behind the access rule, ``intake`` receives dossiers, ``casework`` moves
them along and files results, ``sharing`` keeps the owner's consents, ``conversions``
the certified copies and their register, ``custody`` the audit chain, access log and
keys, ``agencies`` the agencies and their mergers, ``finder`` the search,
``archival`` what the archive takes, ``statistics`` the reports. Each area is a class
of its own over the same state (`store.VaultState`); none inherits from another.
"""

from __future__ import annotations

from sqlalchemy.orm import Session, sessionmaker

from storage import BlobStore
from storage.sealing import RowSealer

from .archival import Archival
from .casework import Casework
from .conversion_register import ConversionRegister
from .custody import Custody
from .digitisation import REQUIRED_FIELDS
from .filing import Filing
from .finder import Finder
from .intake import Intake
from .keys import VaultKeyring
from .procedures import ProcedureCatalogue
from .reading import Reading
from .reorganisation import Reorganisation
from .sharing import Sharing
from .statistics import Statistics
from .store import vault_state


class Vault:
    """The areas of the vault, built once over one state."""

    def __init__(self, sessions: sessionmaker[Session], blobs: BlobStore, *,
                 required_fields: tuple[str, ...] = REQUIRED_FIELDS,
                 keyring: VaultKeyring | None = None,
                 procedures: ProcedureCatalogue | None = None,
                 search_key: bytes | None = None,
                 reads: sessionmaker[Session] | None = None,
                 sealer: RowSealer | None = None) -> None:
        """See `store.vault_state` for what each part is for."""
        state = vault_state(sessions, blobs, required_fields=required_fields, keyring=keyring,
                            procedures=procedures, search_key=search_key, reads=reads,
                            sealer=sealer)
        self.filing = Filing(state)
        self.documents = Reading(state)
        self.intake = Intake(state)
        self.casework = Casework(state, filing=self.filing)
        self.sharing = Sharing(state, intake=self.intake)
        self.conversions = ConversionRegister(state)
        self.custody = Custody(state)
        self.agencies = Reorganisation(state)
        self.finder = Finder(state)
        self.archival = Archival(state)
        self.statistics = Statistics(state)
        #: The procedure catalogue and the record's required fields, which screens show.
        self.procedures = state.procedures
        self.required_fields = state.required_fields


__all__ = ["Vault"]
