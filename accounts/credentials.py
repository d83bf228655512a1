"""Passwords: a person changes their own (đổi mật khẩu); an administrator resets one
(cấp lại mật khẩu) to a temporary password the person must replace at next login.

Either way the sessions opened before the change end (``Account.password_changed_at``
is compared with each token's issue time), so a stolen session or a password someone
else knew stops working at once. A wrong current password counts as a failed login
towards the same limits, so the change form cannot be used to guess.
"""

from __future__ import annotations

import secrets
from collections.abc import Callable
from datetime import UTC, datetime

from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from kernel import DomainError

from .limiter import LoginLimiter
from .models import Account
from .passwords import check_password, hash_password

#: Writes an event of the audit trail in the caller's transaction: (session, actor,
#: action, account id, details). The trail is the vault's; the service passes it in.
AuditHook = Callable[[Session, str, str, str, dict[str, object]], None]


def no_audit(_session: Session, _actor: str, _action: str, _account: str,
             _details: dict[str, object]) -> None:
    """For tools that keep no trail (the unit tests of this package)."""


#: Letters and digits a person reads off a screen or a phone call without mistaking one
#: for another (no 0/O, 1/l/I).
_READABLE = "abcdefghijkmnpqrstuvwxyz23456789"


class PasswordRefused(DomainError):
    """The new password cannot be used; ``field`` names the form field at fault."""

    code = "password_refused"
    http_status = 422


class WrongCurrentPassword(DomainError):
    """The current password given to change it is not the account's."""

    code = "wrong_current_password"
    http_status = 403


class PasswordChangeRequired(DomainError):
    """An administrator reset the password: the account may only change it for now."""

    code = "password_change_required"
    http_status = 403
    public = ("cần đổi mật khẩu tạm thời trước khi dùng tài khoản (change the temporary "
              "password first: POST /api/v1/me/password)")


class NoSuchAccount(DomainError):
    code = "not_found"
    http_status = 404


def temporary_password(length: int) -> str:
    """A random password in groups of four, e.g. ``k7pm-x3qa-9hzt``."""
    letters = "".join(secrets.choice(_READABLE) for _ in range(max(length, 12)))
    return "-".join(letters[i:i + 4] for i in range(0, len(letters), 4))


class Credentials:
    """Change and reset passwords; the accounts' table is ``accounts.models.Account``."""

    def __init__(self, sessions: sessionmaker[Session], limiter: LoginLimiter, *,
                 min_length: int, audit: AuditHook = no_audit) -> None:
        self._sessions = sessions
        self._limiter = limiter
        self._audit = audit
        self.min_length = min_length

    def check_new(self, password: str, *, confirmation: str | None = None,
                  current: str | None = None) -> None:
        """Refuse a new password that is too short, differs from its confirmation or is
        the current one, naming the field to correct."""
        if len(password) < self.min_length:
            raise PasswordRefused(
                f"mật khẩu mới phải có ít nhất {self.min_length} ký tự (the new password "
                f"must have at least {self.min_length} characters)", field="new_password")
        if confirmation is not None and confirmation != password:
            raise PasswordRefused("hai lần nhập mật khẩu mới không khớp nhau (the new "
                                  "password and its confirmation differ)", field="confirmation")
        if current is not None and current == password:
            raise PasswordRefused("mật khẩu mới phải khác mật khẩu đang dùng (the new "
                                  "password is the current one)", field="new_password")

    def change(self, account_id: str, current: str, new: str, *, confirmation: str,
               client: str, actor: str) -> None:
        """The person's own change: the current password first, then the new one."""
        with self._sessions() as session, session.begin():
            row = session.get(Account, account_id)
            if row is None:
                raise NoSuchAccount("không có tài khoản này (no such account)")
            self._limiter.check(row.username, client)
            if not check_password(row.password_hash, current):
                self._limiter.failed(row.username, client)
                raise WrongCurrentPassword("mật khẩu hiện tại không đúng (the current "
                                           "password is wrong)", field="current_password")
            self.check_new(new, confirmation=confirmation, current=current)
            self._set(row, new, must_change=False)
            self._audit(session, actor, "account.password_changed", row.id, {})

    def reset(self, username: str, *, actor: str) -> str:
        """A temporary password for ``username``, to be changed at next login; returned
        once, to show the administrator, and kept only as its hash."""
        password = temporary_password(self.min_length)
        with self._sessions() as session, session.begin():
            row = session.scalar(select(Account).where(
                Account.username == username.strip().lower()))
            if row is None:
                raise NoSuchAccount("không có tài khoản này (no such account)")
            self._set(row, password, must_change=True)
            self._audit(session, actor, "account.password_reset", row.id,
                        {"must_change_password": True})
        self._limiter.succeeded(username, "")
        return password

    @staticmethod
    def _set(row: Account, password: str, *, must_change: bool) -> None:
        row.password_hash = hash_password(password)
        row.must_change_password = must_change
        row.password_changed_at = datetime.now(UTC)
