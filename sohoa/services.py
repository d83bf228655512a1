"""Build the service graph from settings: database, blob store, vault, PKI, jobs.

The one place where concrete classes are chosen. Everything else receives what
it needs, so tests can build the same graph on a temporary folder or a real S3.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import timedelta
from pathlib import Path
from typing import Any

from cryptography import x509
from pyhanko.sign.timestamps import TimeStamper
from sqlalchemy import Engine
from sqlalchemy.orm import Session, sessionmaker

from accounts.limiter import Counter, LoginLimiter, MemoryCounter, RedisCounter
from accounts.oidc import OidcLogin
from accounts.service import Accounts
from accounts.signing_keys import OfficerKeys
from accounts.tokens import TokenSigner
from digitize.extract import DocTypeCatalogue
from digitize.result_code import CodeTemplate
from kernel import Role
from retention import RetentionSchedule
from signing import (
    CachingFetcherBackend,
    DevPki,
    Issuer,
    KeySource,
    RevocationCache,
    SignatureRequest,
    TrustServices,
    dev_timestamper,
    http_timestamper,
    issued_request,
    stamp_font,
)
from storage import open_blob_store
from storage.encryption import EncryptingBlobStore
from vault import IndicatorSet, Vault
from vault.audit import audit
from vault.keys import VaultKeyring

from .cache import TimedCache
from .db import migrate
from .errors import describe_error, is_transient
from .jobs import JobRunner, ThreadJobRunner
from .jobs.celery_backend import CeleryJobRunner, celery_app
from .settings import Settings, SettingsInvalid
from .signing_keys import SigningKeys
from .usecases.archiving.disposals import Disposals, RecordSigning
from .usecases.archiving.transfers import Archives
from .vault_setup import open_vault, s3_options

log = logging.getLogger(__name__)


@dataclass
class Services:
    settings: Settings
    engine: Engine
    sessions: sessionmaker[Session]
    blobs: EncryptingBlobStore
    vault: Vault
    vault_keys: VaultKeyring
    pki: DevPki
    jobs: JobRunner
    catalogue: DocTypeCatalogue
    code_template: CodeTemplate
    trust: TrustServices
    accounts: Accounts
    #: Each agency's and each officer's own key (`signing_keys`).
    keys: SigningKeys = field(init=False)
    #: Login through the identity provider; None when it is not configured.
    oidc: OidcLogin | None = None
    #: How long each kind of dossier is kept (issue 6); checked at start-up.
    retention: RetentionSchedule = field(default_factory=RetentionSchedule.load)
    #: The QĐ 766 group IV formulas the reports score with; checked at start-up.
    indicators: IndicatorSet = field(default_factory=IndicatorSet.load)
    #: The archive's transfer desk: due list, packages, transfers, restore, import.
    archives: Archives = field(init=False)
    #: The archive's disposal desk: holds, the review list, proposals, destruction.
    disposals: Disposals = field(init=False)
    #: Signature checks shown on the public look-up page, by file SHA-256.
    signature_cache: TimedCache[dict[str, Any]] = field(default_factory=lambda: TimedCache(600))

    def operator_key(self, name: str, username: str | None = None) -> KeySource:
        """The key that signs for officer ``username``, whose stamp reads ``name``."""
        return self.keys.operator_key(name, username)

    def issuer(self, agency_code: str) -> Issuer:
        """The agency ``agency_code`` as it issues: its words and its own key."""
        return self.keys.issuer(agency_code)

    def stamp_font(self) -> Path:
        return stamp_font(self.settings.data_path / "fonts")

    def close(self) -> None:
        self.jobs.shutdown(wait=True)
        self.vault.finder.close()
        self.engine.dispose()


def assemble_services(settings: Settings) -> Services:
    """The whole graph, with no job kind registered and no job started: what runs it
    (`sohoa.runtime.build_services`) adds both."""
    settings.prepare()
    # Configuration errors stop the service here, before anything is stored.
    catalogue = DocTypeCatalogue.load(settings.records.doc_types_file)
    code_template = CodeTemplate(settings.records.result_code_template)
    oidc = settings.oidc_config()
    retention = RetentionSchedule.load(settings.archive.retention_file)
    if retention.example:
        log.warning("retention periods come from an EXAMPLE schedule (%s): set "
                    "SOHOA_RETENTION_FILE before archiving", retention.source)
    indicators = IndicatorSet.load(settings.reports.indicators)
    if settings.keys.kek is None:
        log.warning("blobs are encrypted under a KEK kept in the data dir (DEV ONLY): set "
                    "SOHOA_KEK in production")
    opened = open_vault(settings, check=False)
    engine, sessions, reads, vault = opened.engine, opened.sessions, opened.reads, opened.vault
    keyring, blobs = opened.keyring, opened.blobs
    migrate(engine, opened.sealer)
    vault.agencies.ensure_agency(settings.agency.code, settings.agency.name)
    jobs = job_runner(settings, sessions)
    pki = dev_pki(settings)
    trust = trust_services(settings, pki)
    services = Services(
        settings, engine, sessions, blobs, vault, keyring, pki, jobs, catalogue, code_template,
        trust, accounts(settings, sessions, vault.agencies.knows_agency, reads),
        OidcLogin(oidc, settings.token_secret_bytes()) if oidc else None, retention,
        indicators=indicators, signature_cache=TimedCache(settings.server.lookup_cache_seconds))
    services.keys = SigningKeys(settings, vault, OfficerKeys(sessions), pki)
    services.keys.officers.forget_expired()
    _check_production(services, retention)
    services.archives, services.disposals = archive_desks(services, keyring)
    return services


def _check_production(services: Services, retention: RetentionSchedule) -> None:
    """Refuse to serve a province on what is only for trying the service, naming every
    problem at once: the settings' and the database's (an agency with staff and no key)."""
    settings = services.settings
    if settings.env != "production":
        if not services.vault.profiles.keyed():
            log.warning("agencies and officers sign with the development PKI (DEV ONLY): set "
                        "their keys with 'sohoa admin agency key' and 'sohoa admin account key'")
        return
    problems = settings.production_problems()
    if retention.example and settings.archive.retention_file is not None:
        problems.append(f"SOHOA_RETENTION_FILE: {retention.source} là bảng ví dụ (example: "
                        "true)")
    staff = {a.agency_code for a in services.accounts.list()
             if a.role is Role.STAFF and a.active and a.agency_code}
    unkeyed = services.keys.unkeyed_with_staff(staff)
    if unkeyed:
        problems.append("cơ quan có cán bộ nhưng chưa có khóa ký số (agencies with staff and "
                        f"no signing key; sohoa admin agency key): {', '.join(unkeyed)}")
    if problems:
        raise SettingsInvalid("SOHOA_ENV=production không chạy được với cấu hình phát triển "
                              f"(not fit for production): {'; '.join(problems)}")


def job_runner(settings: Settings, sessions: sessionmaker[Session]) -> JobRunner:
    """Threads of this process, or Celery workers, as the settings say."""
    common: dict[str, Any] = {
        "policy": settings.jobs.policy, "describe_error": describe_error,
        "is_transient": is_transient, "reap_every": timedelta(seconds=settings.jobs.reap_seconds)}
    if settings.jobs.backend == "celery":
        app = celery_app(settings.resolved_broker_url,
                         visibility_timeout=settings.jobs.queued_lease_seconds)
        return CeleryJobRunner(sessions, app=app, **common)
    return ThreadJobRunner(sessions, workers=settings.jobs.workers, **common)


def archive_desks(services: Services, keyring: VaultKeyring) -> tuple[Archives, Disposals]:
    """The archive's two desks, on its own storage (locked objects, where S3 Object Lock
    is there)."""
    settings = services.settings
    store = EncryptingBlobStore(open_blob_store(
        settings.resolved_archive_storage_url, url_secret=settings.url_secret_bytes(),
        s3=s3_options(settings), object_lock=True), keyring,
        segment_size=settings.storage.segment_bytes)
    transfers = Archives(
        vault=services.vault, sessions=services.sessions, schedule=services.retention,
        catalogue=services.catalogue, store=store, trust=services.trust,
        rights=settings.archive.rights, language=settings.archive.language,
        permanent_lock_years=settings.archive.permanent_lock_years,
        workers=settings.archive.workers)
    def request(agency: str) -> SignatureRequest:
        issuer = services.issuer(agency)
        return issued_request(issuer.key, services.stamp_font(), issuer.name,
                              "Biên bản hủy tài liệu")

    signing = RecordSigning(
        request=request,
        trust=services.trust, font=services.stamp_font)
    disposals = Disposals(sessions=services.sessions, schedule=services.retention, store=store,
                          keyring=keyring, signing=signing)
    return transfers, disposals


def accounts(settings: Settings, sessions: sessionmaker[Session],
             knows_agency: Callable[[str], bool],
             reads: sessionmaker[Session] | None = None) -> Accounts:
    redis = settings.server.redis_url
    counter: Counter = RedisCounter(redis) if redis else MemoryCounter()
    limiter = LoginLimiter(counter, max_failures=settings.login.max_failures,
                           max_client_failures=settings.login.max_client_failures,
                           window=settings.login.window_seconds)
    signer = TokenSigner(settings.token_secret_bytes(), timedelta(minutes=settings.login.token_minutes),
                         issuer=settings.server.public_url)
    return Accounts(sessions, signer, limiter, min_password_length=settings.login.password_min_length,
                    knows_agency=knows_agency, reads=reads, audit=audit_account)


def audit_account(session: Session, actor: str, action: str, account_id: str,
                  details: dict[str, object]) -> None:
    """Account administration joins the vault's audit chain, in the same transaction."""
    audit(session, actor, action, "account", account_id, details)


def dev_pki(settings: Settings) -> DevPki:
    return DevPki(settings.pki_dir, agency_name=settings.agency.name,
                  crl_url=settings.server.public_url.rstrip("/") + "/pki/dev-root.crl")


def trust_services(settings: Settings, pki: DevPki) -> TrustServices:
    """Trust roots, TSA and revocation sources from settings; the dev ones fill the gaps."""
    roots = [_certificate(path) for path in settings.signing.trust_root_files]
    if settings.signing.trust_dev_root:
        roots += pki.trust_roots()
    timestamper: TimeStamper
    if settings.signing.tsa_url:
        password = settings.signing.tsa_password.get_secret_value() if settings.signing.tsa_password else None
        timestamper = http_timestamper(settings.signing.tsa_url, username=settings.signing.tsa_username,
                                       password=password, timeout=settings.signing.tsa_timeout)
    else:
        log.warning("timestamps come from the built-in development TSA (DEV ONLY)")
        timestamper = dev_timestamper(pki)
    fetcher = CachingFetcherBackend(
        RevocationCache(settings.data_path / "revocation-cache",
                        settings.signing.revocation_cache_seconds),
        settings.signing.revocation_timeout,
    ) if settings.signing.revocation_fetch else None
    return TrustServices(trust_roots=tuple(roots), timestamper=timestamper, fetcher=fetcher,
                         known_crls=(lambda: (pki.crl(),)) if settings.signing.trust_dev_root else tuple)


def _certificate(path: Path) -> x509.Certificate:
    try:
        data = path.read_bytes()
        return (x509.load_pem_x509_certificate(data) if b"-----BEGIN" in data
                else x509.load_der_x509_certificate(data))
    except (OSError, ValueError) as exc:
        raise ValueError(f"SOHOA_TRUST_ROOTS: không đọc được chứng thư {path} (cannot read the "
                         f"root certificate): {exc}") from None
