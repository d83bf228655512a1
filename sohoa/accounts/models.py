"""The accounts table: who can log in, in which role, for which vault or agency."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Boolean, String
from sqlalchemy.orm import Mapped, mapped_column

from vault.models import Base, UTCDateTime, new_uuid, utcnow


class Account(Base):
    """A person who logs in (tài khoản). ``owner_identifier`` is the personal ID of a
    citizen or the tax code of the organisation a member acts for; ``agency_code`` the
    agency of a staff account. Both are data, checked on every request."""

    __tablename__ = "accounts"

    id: Mapped[str] = mapped_column(String(36), primary_key=True, default=new_uuid)
    username: Mapped[str] = mapped_column(String(64), unique=True)
    role: Mapped[str] = mapped_column(String(16))
    display_name: Mapped[str] = mapped_column(String(255))
    #: argon2id; None for an account that only logs in through the identity provider.
    password_hash: Mapped[str | None] = mapped_column(String(255))
    owner_identifier: Mapped[str | None] = mapped_column(String(14), index=True)
    agency_code: Mapped[str | None] = mapped_column(String(32))
    #: The identity provider's ``iss`` and ``sub`` for an account made by OIDC login.
    oidc_subject: Mapped[str | None] = mapped_column(String(512), unique=True)
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    last_login_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
