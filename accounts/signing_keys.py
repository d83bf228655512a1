"""Each officer's own signing key (chữ ký số cá nhân, REGULATIONS 9.A.7), and the PIN
held for a while after the officer gives it.

An officer's key is theirs: a PKCS#11 token (its slot found by token label, the key by
its label) or their credential at a remote-signing service. The account keeps where
the key is, never the key. The PIN is asked when the officer signs; it is then held,
sealed under the accounts' data key (``storage.sealing``), for the minutes the
settings allow, so that the digitisation jobs of a working session sign without
asking again, and forgotten when that time ends or the officer ends it.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from sqlalchemy import ForeignKey, LargeBinary, String, delete, select
from sqlalchemy.orm import Mapped, Session, mapped_column, sessionmaker

from kernel import Base, UTCDateTime, utcnow
from storage.sealing import SealedField, SealedRow, listen

from .models import ACCOUNTS_VAULT, Account
from .service import AccountNotFound


class AccountKey(Base):
    """Where an officer's key is (khóa ký cá nhân của cán bộ)."""

    __tablename__ = "account_keys"

    account_id: Mapped[str] = mapped_column(String(36), ForeignKey("accounts.id"),
                                            primary_key=True)
    #: ``pkcs11:module=…;token=…;key=…`` or ``csc:url=…;credential=…``.
    source: Mapped[str] = mapped_column(String(1000))
    cert: Mapped[str | None] = mapped_column(String(1000))
    chain: Mapped[str | None] = mapped_column(String(2000))
    set_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class HeldCredential(SealedRow, Base):
    """An officer's PIN, sealed, until ``expires_at``."""

    __tablename__ = "signing_credentials"

    account_id: Mapped[str] = mapped_column(String(36), ForeignKey("accounts.id"),
                                            primary_key=True)
    expires_at: Mapped[datetime] = mapped_column(UTCDateTime, index=True)
    sealed: Mapped[bytes | None] = mapped_column(LargeBinary)

    secret = SealedField("")

    def sealing_vault(self, session: Session) -> str:
        return ACCOUNTS_VAULT

    def sealing_row(self) -> str:
        return f"signing_credentials:{self.account_id}"


listen(HeldCredential)


@dataclass(frozen=True)
class OfficerKey:
    """An officer's key: where it is, its certificate files, and the PIN while held."""

    username: str
    source: str
    cert: str | None
    chain: tuple[str, ...]
    secret: str | None = None
    held_until: datetime | None = None

    def as_dict(self) -> dict[str, object]:
        return {"source": self.source, "cert": self.cert, "chain": list(self.chain),
                "pin_held_until": self.held_until.isoformat() if self.held_until else None}


class OfficerKeys:
    """Officers' keys and their held PINs."""

    def __init__(self, sessions: sessionmaker[Session]) -> None:
        self._sessions = sessions

    def key_of(self, username: str, *, now: datetime | None = None) -> OfficerKey | None:
        """The officer's key with the PIN if it is still held; None when they have none."""
        moment = now or datetime.now(UTC)
        with self._sessions() as session:
            account = _account(session, username)
            key = session.get(AccountKey, account.id)
            if key is None:
                return None
            held = session.get(HeldCredential, account.id)
            live = held is not None and held.expires_at > moment
            return OfficerKey(username, key.source, key.cert,
                              tuple(p for p in (key.chain or "").split(",") if p),
                              held.secret if held is not None and live else None,
                              held.expires_at if held is not None and live else None)

    def keyed_usernames(self) -> set[str]:
        """The usernames of the officers who have a key of their own."""
        with self._sessions() as session:
            return set(session.scalars(select(Account.username).join(
                AccountKey, AccountKey.account_id == Account.id)))

    def set_key(self, username: str, source: str | None, *, cert: str | None = None,
                chain: tuple[str, ...] = ()) -> OfficerKey | None:
        """Set where the officer's key is (None removes it); a PIN held for the old key is
        forgotten."""
        with self._sessions() as session, session.begin():
            account = _account(session, username)
            session.execute(delete(HeldCredential).where(
                HeldCredential.account_id == account.id))
            session.execute(delete(AccountKey).where(AccountKey.account_id == account.id))
            if source is None:
                return None
            session.add(AccountKey(account_id=account.id, source=source, cert=cert,
                                   chain=",".join(chain) or None))
        return self.key_of(username)

    def hold(self, username: str, secret: str, minutes: float) -> datetime:
        """Hold the officer's PIN for ``minutes``; when it will be forgotten."""
        until = datetime.now(UTC) + timedelta(minutes=minutes)
        with self._sessions() as session, session.begin():
            account = _account(session, username)
            held = session.get(HeldCredential, account.id)
            if held is None:
                held = HeldCredential(account_id=account.id, expires_at=until)
                session.add(held)
            held.expires_at = until
            held.secret = secret
        return until

    def release(self, username: str) -> None:
        """Forget the officer's PIN now (ending a signing session)."""
        with self._sessions() as session, session.begin():
            account = _account(session, username)
            session.execute(delete(HeldCredential).where(
                HeldCredential.account_id == account.id))

    def forget_expired(self, now: datetime | None = None) -> int:
        """Delete the PINs whose time is over; how many."""
        with self._sessions() as session, session.begin():
            result = session.execute(delete(HeldCredential).where(
                HeldCredential.expires_at <= (now or datetime.now(UTC))))
            return int(getattr(result, "rowcount", 0) or 0)


def _account(session: Session, username: str) -> Account:
    account = session.scalar(select(Account).where(Account.username == username))
    if account is None:
        raise AccountNotFound(f"không có tài khoản {username} (no such account)")
    return account
