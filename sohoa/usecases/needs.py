"""What each use case needs of the service, as Protocols: a use case names the few parts
it uses, not the whole graph (`sohoa.services.Services`, which has them all and so
satisfies each). A test or another entry point can hand a use case just these parts.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Any, Protocol

if TYPE_CHECKING:
    from sqlalchemy.orm import Session, sessionmaker

    from accounts.service import Accounts
    from digitize.extract import DocTypeCatalogue
    from digitize.result_code import CodeTemplate
    from signing import Issuer, KeySource, TrustServices
    from storage.encryption import EncryptingBlobStore
    from vault import IndicatorSet, Vault

    from ..cache import TimedCache
    from ..jobs import JobRunner
    from ..settings import Settings
    from .archiving.disposals import Disposals
    from .archiving.transfers import Archives


class VaultWork(Protocol):
    """The settings and the vault: what every use case reads."""

    settings: Settings
    vault: Vault


class Signing(Protocol):
    """What making a signature needs: keys, trust services, the stamps' font."""

    trust: TrustServices

    def operator_key(self, name: str, username: str | None = None) -> KeySource: ...

    def issuer(self, agency_code: str) -> Issuer: ...

    def stamp_font(self) -> Path: ...


class SigningWork(VaultWork, Signing, Protocol):
    """Counter digitisation, signatures and results: the vault and the keys, and the
    archive desk that records each signed file's verdict for its export."""

    archives: Archives


class Recording(VaultWork, Protocol):
    """The digitisation record: the document types and the result-code template."""

    catalogue: DocTypeCatalogue
    code_template: CodeTemplate


class Digitising(SigningWork, Recording, Protocol):
    """Counter digitisation: signed into the vault, its record drafted from the text."""


class Certifying(SigningWork, Protocol):
    """Certified copies and the public look-up, which caches signature checks."""

    signature_cache: TimedCache[dict[str, Any]]


class Issuing(SigningWork, Protocol):
    """A dossier's result: signed by the agency, its type from the catalogue."""

    catalogue: DocTypeCatalogue


class Reporting(VaultWork, Protocol):
    """Reports: the indicators, and the accounts that name the officers."""

    accounts: Accounts
    indicators: IndicatorSet


class Checking(Protocol):
    """fsck: the stores, the jobs and the disposals a crash may have left."""

    settings: Settings
    sessions: sessionmaker[Session]
    blobs: EncryptingBlobStore
    jobs: JobRunner
    disposals: Disposals


class Syncing(VaultWork, Protocol):
    """A counter node's link: the vault, and sessions for its outbox."""

    sessions: sessionmaker[Session]


class Receiving(Recording, Protocol):
    """The centre filing a node's bundle: the vault, the trust services, the record."""

    trust: TrustServices
