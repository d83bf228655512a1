"""Opening the vault from the settings: the database, the keyring, the sealed rows, the
blob store. The whole service is built on it (`sohoa.services.assemble_services`), and
commands that need only the vault open just this (``sohoa vault ls``): no job runner,
no PKI, no archive, no migration — those commands check that the schema is current
instead of changing it.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass

from sqlalchemy import Engine
from sqlalchemy.orm import Session, sessionmaker

from storage import S3Options, open_blob_store
from storage.encryption import EncryptingBlobStore, LocalKeks
from storage.sealing import RowSealer
from vault import ProcedureCatalogue, Vault
from vault.keys import VaultKeyring
from vault.search import IndexingOptions

from .db import check_schema, make_engine, read_session_factory, session_factory
from .settings import Settings

log = logging.getLogger(__name__)


@dataclass
class OpenedVault:
    """The vault and what it stands on; `close` releases the database connections."""

    settings: Settings
    engine: Engine
    sessions: sessionmaker[Session]
    reads: sessionmaker[Session]
    keyring: VaultKeyring
    sealer: RowSealer
    blobs: EncryptingBlobStore
    vault: Vault

    def close(self) -> None:
        self.engine.dispose()


def open_vault(settings: Settings, *, check: bool = True) -> OpenedVault:
    """The vault over the configured database and store. With ``check``, the schema must
    be the newest one (`db.SchemaNotCurrent` otherwise); the service, which migrates
    right after, opens it without."""
    engine = make_engine(settings.resolved_database_url, pool_size=settings.database.pool_size,
                         max_overflow=settings.database.max_overflow)
    if check:
        check_schema(engine)
    sessions, reads = session_factory(engine), read_session_factory(engine)
    keks, current = settings.key_encryption_keys()
    keyring = VaultKeyring(sessions, LocalKeks(keks, current),
                           cache_seconds=settings.keys.data_key_cache_seconds)
    # Personal data in rows is sealed under the vaults' keys; look-ups use blind indexes.
    sealer = RowSealer(keyring, settings.search_key_bytes())
    sealer.install(sessions, reads)
    blobs = EncryptingBlobStore(open_blob_store(
        settings.resolved_storage_url, url_secret=settings.url_secret_bytes(),
        url_base="/blobs", s3=s3_options(settings)), keyring,
        segment_size=settings.storage.segment_bytes)
    vault = Vault(sessions, blobs, required_fields=settings.records.required, keyring=keyring,
                  procedures=ProcedureCatalogue.load(settings.records.procedures_file),
                  search_key=settings.search_key_bytes(), reads=reads, sealer=sealer,
                  search=IndexingOptions(settings.search_path,
                                         settle_seconds=settings.search.settle_seconds,
                                         writer_bytes=settings.search.writer_mb << 20))
    return OpenedVault(settings, engine, sessions, reads, keyring, sealer, blobs, vault)


def s3_options(settings: Settings) -> S3Options | None:
    """How to reach S3, when an endpoint is configured."""
    storage = settings.storage
    if not storage.endpoint:
        return None
    return S3Options(
        endpoint=storage.endpoint, access_key=storage.access_key or "",
        secret_key=storage.secret_key.get_secret_value() if storage.secret_key else "",
        region=storage.region, secure=storage.secure)
