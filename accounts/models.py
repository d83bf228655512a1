"""The accounts table: who can log in, in which role, for which vault or agency."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Boolean, LargeBinary, String
from sqlalchemy.orm import Mapped, Session, mapped_column

from kernel import Base, UTCDateTime, new_uuid, utcnow
from storage.sealing import SHREDDED, RowSealer, SealedField, SealedRow, listen, new_row_id

#: The data key the accounts' personal data is sealed under (``storage.sealing``).
ACCOUNTS_VAULT = "accounts"


class Account(SealedRow, Base):
    """A person who logs in (tài khoản). ``owner_identifier`` is the personal ID of a
    citizen or the tax code of the organisation a member acts for; ``agency_code`` the
    agency of a staff account. Both are data, checked on every request.

    The person's name and the vault's ID are sealed (``storage.sealing``) under a data
    key of the accounts; ``owner_index`` is the ID's blind index."""

    __tablename__ = "accounts"

    id: Mapped[str] = mapped_column(String(36), primary_key=True, default=new_uuid)
    username: Mapped[str] = mapped_column(String(64), unique=True)
    role: Mapped[str] = mapped_column(String(16))
    #: argon2id; None for an account that only logs in through the identity provider.
    password_hash: Mapped[str | None] = mapped_column(String(255))
    owner_index: Mapped[str | None] = mapped_column(String(40), index=True)
    agency_code: Mapped[str | None] = mapped_column(String(32))
    #: The identity provider's ``iss`` and ``sub`` for an account made by OIDC login.
    oidc_subject: Mapped[str | None] = mapped_column(String(512), unique=True)
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    #: Set when an administrator resets the password: the person must choose their own
    #: before doing anything else.
    must_change_password: Mapped[bool] = mapped_column(Boolean, default=False)
    #: When the password last changed; tokens issued under an older one are refused.
    password_changed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    last_login_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    sealed: Mapped[bytes | None] = mapped_column(LargeBinary)

    display_name = SealedField("", shredded=SHREDDED, length=255)
    owner_identifier: SealedField[str | None] = SealedField(None)

    @property
    def password_version(self) -> int:
        """The password's moment in microseconds (0 for one never changed): tokens carry
        it, so a token of an older password is refused (``accounts.tokens``)."""
        changed = self.password_changed_at
        return 0 if changed is None else int(changed.timestamp() * 1_000_000)

    def sealing_vault(self, session: Session) -> str:
        return ACCOUNTS_VAULT

    def sealing_row(self) -> str:
        return f"accounts:{new_row_id(self)}"

    def before_sealing(self, sealer: RowSealer) -> None:
        self.owner_index = sealer.blind(self.owner_identifier) if self.owner_identifier else None


listen(Account)


class RevokedToken(Base):
    """A token given back before its end (đăng xuất): refused until it would have expired
    anyway, then forgotten. Only the token's random id is kept."""

    __tablename__ = "revoked_tokens"

    token_id: Mapped[str] = mapped_column(String(64), primary_key=True)
    expires_at: Mapped[datetime] = mapped_column(UTCDateTime, index=True)
