"""The data keys of the vaults (khóa dữ liệu), kept wrapped in the database.

One random 256-bit key per vault, made when the vault stores its first blob and
wrapped by the current key-encryption key (``storage.encryption``). Unwrapped
keys are cached in memory for a short while, so a read does not pay a database
round trip; a shredded key disappears from this process's cache at once, and from
other processes' caches within ``cache_seconds``.

What each place holds: the bucket holds sealed blobs and nothing that opens them;
the database holds wrapped keys, useless without the KEK; the KEK lives in
settings or a KMS, never in the database or the bucket. Shredding a vault erases its
wrapped key; after the next KEK rotation, with the old KEK destroyed, even a database
backup taken before the shredding cannot bring that key back.
"""

from __future__ import annotations

import threading
import time
from datetime import UTC, datetime

from sqlalchemy import Connection, LargeBinary, String, insert, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Mapped, Session, mapped_column, sessionmaker

from kernel import Base, UTCDateTime, utcnow
from storage.encryption import (
    DataKeyUnavailable,
    KeyEncryptionKeys,
    VaultShredded,
    WrappedKey,
    blob_name,
    new_data_key,
)


class VaultKey(Base):
    """A vault's data key, wrapped by a key-encryption key (``vault.keys``). ``wrapped`` is
    None once the vault is crypto-shredded."""

    __tablename__ = "vault_keys"

    vault: Mapped[str] = mapped_column(String(36), primary_key=True)
    kek_id: Mapped[str] = mapped_column(String(64))
    wrapped: Mapped[bytes | None] = mapped_column(LargeBinary(64))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    shredded_at: Mapped[datetime | None] = mapped_column(UTCDateTime)


class VaultKeyring:
    """``storage.encryption.DataKeys`` over the ``vault_keys`` table."""

    def __init__(self, sessions: sessionmaker[Session], keks: KeyEncryptionKeys, *,
                 cache_seconds: float = 300.0) -> None:
        self._sessions = sessions
        self._keks = keks
        self._cache_seconds = cache_seconds
        self._cache: dict[str, tuple[bytes, float]] = {}
        self._lock = threading.Lock()

    def key_for(self, vault: str) -> bytes:
        if (cached := self._cached(vault)) is not None:
            return cached
        key = self._load(vault) or self._create(vault)
        with self._lock:
            self._cache[vault] = (key, time.monotonic() + self._cache_seconds)
        return key

    def key_on(self, connection: Connection, vault: str, *, create: bool) -> bytes:
        """``key_for`` inside the caller's transaction (``connection``): sealing a row
        while a flush is under way must not open a second connection, which SQLite would
        make wait for the first one's write lock. Opening (``create`` false) never makes
        a key: a vault without one has nothing sealed."""
        if (cached := self._cached(vault)) is not None:
            return cached
        key = self._unwrapped(connection, vault)
        if key is None:
            if not create:
                raise DataKeyUnavailable(f"no data key for vault {vault}")
            key = new_data_key()
            wrapped = self._keks.wrap(key)
            connection.execute(insert(VaultKey).values(
                vault=vault, kek_id=wrapped.kek_id, wrapped=wrapped.wrapped,
                created_at=datetime.now(UTC)))
            return key  # not cached until committed: the transaction may still roll back
        with self._lock:
            self._cache[vault] = (key, time.monotonic() + self._cache_seconds)
        return key

    def blob_name(self, vault: str, sha256: str) -> str:
        """The object name of a file of ``vault`` (``storage.encryption.blob_name``)."""
        return blob_name(self.key_for(vault), sha256)

    def _cached(self, vault: str) -> bytes | None:
        with self._lock:
            cached = self._cache.get(vault)
        return cached[0] if cached and cached[1] > time.monotonic() else None

    def _unwrapped(self, connection: Connection, vault: str) -> bytes | None:
        """The vault's key as stored, unwrapped; None if it has none; VaultShredded."""
        row = connection.execute(select(VaultKey.kek_id, VaultKey.wrapped, VaultKey.shredded_at)
                                 .where(VaultKey.vault == vault)).one_or_none()
        if row is None:
            return None
        if row.wrapped is None:
            raise VaultShredded(f"kho đã bị hủy khóa lúc {row.shredded_at}: không đọc được "
                                "dữ liệu nào của kho (the vault was crypto-shredded)")
        return self._keks.unwrap(WrappedKey(row.kek_id, row.wrapped))

    def _load(self, vault: str) -> bytes | None:
        with self._sessions() as session:
            return self._unwrapped(session.connection(), vault)

    def _create(self, vault: str) -> bytes:
        key = new_data_key()
        wrapped = self._keks.wrap(key)
        try:
            with self._sessions() as session, session.begin():
                session.add(VaultKey(vault=vault, kek_id=wrapped.kek_id, wrapped=wrapped.wrapped))
        except IntegrityError:  # made by another process at the same moment: use theirs
            theirs = self._load(vault)
            assert theirs is not None
            return theirs
        return key

    def shred(self, vault: str) -> bool:
        """Destroy the vault's data key; False if it had none (nothing was ever stored)."""
        with self._lock:
            self._cache.pop(vault, None)
        with self._sessions() as session, session.begin():
            row = session.get(VaultKey, vault, with_for_update=True)
            if row is None:
                session.add(VaultKey(vault=vault, kek_id="", wrapped=None,
                                     shredded_at=datetime.now(UTC)))
                return False
            row.wrapped, row.shredded_at = None, datetime.now(UTC)
            return True

    def rotate(self) -> int:
        """Rewrap every data key not yet under the current KEK; the blobs stay as they are.
        Returns how many keys were rewrapped."""
        current = self._keks.current_id
        done = 0
        while True:
            with self._sessions() as session, session.begin():
                rows = session.scalars(select(VaultKey).where(
                    VaultKey.kek_id != current, VaultKey.wrapped.is_not(None))
                    .limit(500).with_for_update()).all()
                if not rows:
                    return done
                for row in rows:
                    assert row.wrapped is not None
                    key = self._keks.unwrap(WrappedKey(row.kek_id, row.wrapped))
                    rewrapped = self._keks.wrap(key)
                    row.kek_id, row.wrapped = rewrapped.kek_id, rewrapped.wrapped
                    done += 1

    def kek_usage(self) -> dict[str, int]:
        """How many live data keys each KEK wraps (a rotation is done when only one)."""
        with self._sessions() as session:
            usage: dict[str, int] = {}
            for kek_id in session.scalars(select(VaultKey.kek_id)
                                          .where(VaultKey.wrapped.is_not(None))):
                usage[kek_id] = usage.get(kek_id, 0) + 1
            return usage
