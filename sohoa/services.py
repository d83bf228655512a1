"""Build the service graph from settings: database, blob store, vault, PKI, jobs.

The one place where concrete classes are chosen. Everything else receives what
it needs, so tests can build the same graph on a temporary folder or a real S3.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy import Engine
from sqlalchemy.orm import Session, sessionmaker

from digitize.extract import DocTypeCatalogue
from digitize.result_code import CodeTemplate
from signing import DevPki, KeySource, stamp_font
from storage import BlobStore, S3Options, open_blob_store
from vault import Vault

from .db import make_engine, migrate, session_factory
from .errors import describe_error
from .jobs import JobRunner
from .settings import Settings

log = logging.getLogger(__name__)


@dataclass
class Services:
    settings: Settings
    engine: Engine
    sessions: sessionmaker[Session]
    blobs: BlobStore
    vault: Vault
    pki: DevPki
    jobs: JobRunner
    catalogue: DocTypeCatalogue
    code_template: CodeTemplate
    #: A configured operator key (HSM, token, PKCS#12); None: the development PKI.
    operator_keys: KeySource | None = None

    def operator_key(self, name: str) -> KeySource:
        """The key that signs for counter officer ``name``: configured, else the dev PKI's."""
        return self.operator_keys or self.pki.key_source(self.pki.operator(name))

    def stamp_font(self) -> Path:
        return stamp_font(self.settings.data_path / "fonts")

    def close(self) -> None:
        self.jobs.shutdown(wait=True)
        self.engine.dispose()


def build_services(settings: Settings | None = None, *, start_jobs: bool = True) -> Services:
    settings = settings or Settings()
    settings.data_path.mkdir(parents=True, exist_ok=True)
    # Configuration errors stop the service here, before anything is stored.
    catalogue = DocTypeCatalogue.load(settings.doc_types_file)
    code_template = CodeTemplate(settings.result_code_template)
    operator_keys = settings.operator_key_source()
    engine = make_engine(settings.resolved_database_url)
    migrate(engine)
    sessions = session_factory(engine)
    blobs = open_blob_store(
        settings.resolved_storage_url, url_secret=settings.url_secret_bytes(),
        url_base="/blobs", s3=_s3_options(settings),
    )
    vault = Vault(sessions, blobs, required_fields=settings.required_fields)
    vault.ensure_agency(settings.agency_code, settings.agency_name)
    jobs = JobRunner(sessions, settings.job_workers if start_jobs else 1,
                     describe_error=describe_error)
    interrupted = jobs.fail_interrupted()
    if interrupted:
        log.warning("%d job(s) interrupted by a restart were marked failed", interrupted)
    pki = DevPki(settings.pki_dir, agency_name=settings.agency_name)
    log.info("operator signatures: %s",
             operator_keys.describe() if operator_keys else "development PKI (DEV ONLY)")
    return Services(settings, engine, sessions, blobs, vault, pki, jobs, catalogue, code_template,
                    operator_keys)


def _s3_options(settings: Settings) -> S3Options | None:
    if not settings.s3_endpoint:
        return None
    return S3Options(
        endpoint=settings.s3_endpoint, access_key=settings.s3_access_key or "",
        secret_key=settings.s3_secret_key.get_secret_value() if settings.s3_secret_key else "",
        region=settings.s3_region, secure=settings.s3_secure,
    )
