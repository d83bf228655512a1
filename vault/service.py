"""The vault service (kho dữ liệu điện tử của tổ chức, cá nhân): one object callers are
handed, made of the areas of the work.

CLI, HTTP API, UI and job workers call the areas through it, so a rule lives in one
place: ``filing`` stores documents and takes their records to STORED, ``documents``
reads them behind the access rule, ``intake`` receives dossiers, ``casework`` moves
them along and files results, ``sharing`` keeps the owner's consents,
``data_requests`` the requests between agencies, ``conversions`` the certified copies
and their register, ``certifications`` copies certified from their originals step by
step, ``custody`` the audit chain, access log and keys, ``agencies`` the agencies and
their mergers, ``profiles`` what each agency prints and signs with, ``finder`` the
search, ``archival`` what the archive takes, ``statistics`` the reports,
``unidentified`` the owners with no ID, ``owners`` whose vault a counter is about to
write into, ``workload`` an officer's day. Each area is
a class of its own over the same state (`store.VaultState`); none inherits from another.
"""

from __future__ import annotations

from functools import cached_property
from typing import TYPE_CHECKING, Unpack

from sqlalchemy.orm import Session, sessionmaker

from storage import BlobStore

from .store import VaultOptions, vault_state

if TYPE_CHECKING:
    from .agency_profiles import AgencyProfiles
    from .archival import Archival
    from .casework import Casework
    from .certifications import Certifications
    from .conversion_register import ConversionRegister
    from .custody import Custody
    from .data_requests import DataRequests
    from .filing import Filing
    from .finder import Finder
    from .intake import Intake
    from .owner_check import OwnerChecks
    from .reading import Reading
    from .reorganisation import Reorganisation
    from .sharing import Sharing
    from .statistics import Statistics
    from .unidentified import Unidentified
    from .workload import Workloads


class Vault:
    """The areas of the vault over one state; each is made (and its module loaded) when
    first used, so a command that only lists a vault does not load the reports."""

    def __init__(self, sessions: sessionmaker[Session], blobs: BlobStore,
                 **options: Unpack[VaultOptions]) -> None:
        """See `store.vault_state` for what each option is for."""
        self._state = vault_state(sessions, blobs, **options)
        #: The procedure catalogue and the record's required fields, which screens show.
        self.procedures = self._state.procedures
        self.required_fields = self._state.required_fields

    @cached_property
    def filing(self) -> Filing:
        from .filing import Filing

        return Filing(self._state)

    @cached_property
    def documents(self) -> Reading:
        from .reading import Reading

        return Reading(self._state)

    @cached_property
    def intake(self) -> Intake:
        from .intake import Intake

        return Intake(self._state)

    @cached_property
    def owners(self) -> OwnerChecks:
        from .owner_check import OwnerChecks

        return OwnerChecks(self._state)

    @cached_property
    def casework(self) -> Casework:
        from .casework import Casework

        return Casework(self._state, filing=self.filing)

    @cached_property
    def sharing(self) -> Sharing:
        from .sharing import Sharing

        return Sharing(self._state, intake=self.intake)

    @cached_property
    def conversions(self) -> ConversionRegister:
        from .conversion_register import ConversionRegister

        return ConversionRegister(self._state)

    @cached_property
    def data_requests(self) -> DataRequests:
        from .data_requests import DataRequests

        return DataRequests(self._state)

    @cached_property
    def certifications(self) -> Certifications:
        from .certifications import Certifications

        return Certifications(self._state)

    @cached_property
    def custody(self) -> Custody:
        from .custody import Custody

        return Custody(self._state)

    @cached_property
    def agencies(self) -> Reorganisation:
        from .reorganisation import Reorganisation

        return Reorganisation(self._state)

    @cached_property
    def profiles(self) -> AgencyProfiles:
        from .agency_profiles import AgencyProfiles

        return AgencyProfiles(self._state)

    @cached_property
    def finder(self) -> Finder:
        from .finder import Finder

        return Finder(self._state)

    @cached_property
    def archival(self) -> Archival:
        from .archival import Archival

        return Archival(self._state)

    @cached_property
    def unidentified(self) -> Unidentified:
        from .unidentified import Unidentified

        return Unidentified(self._state)

    @cached_property
    def statistics(self) -> Statistics:
        from .statistics import Statistics

        return Statistics(self._state)

    @cached_property
    def workload(self) -> Workloads:
        from .workload import Workloads

        return Workloads(self._state)


__all__ = ["Vault"]
