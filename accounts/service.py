"""Accounts: creating them, logging in, and turning a token into a vault ``Viewer``.

The role decides what a viewer may see (``vault.access``); the account only says
which vault (a citizen's personal ID, an organisation's tax code) or which agency
(staff) the person acts for.
"""

from __future__ import annotations

import hashlib
import logging
import re
from collections.abc import Callable
from datetime import UTC, datetime

from sqlalchemy import CursorResult, bindparam, delete, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session, sessionmaker

from kernel import (
    DomainError,
    InvalidOwnerId,
    OwnerKind,
    Role,
    mask_ids_in_text,
    parse_owner_id,
)

from .credentials import AuditHook, Credentials, no_audit
from .limiter import LoginLimiter
from .models import Account, RevokedToken
from .oidc import Identity
from .passwords import check_password, hash_password, needs_rehash
from .tokens import InvalidToken, IssuedToken, TokenSigner
from .views import AccountError as AccountError, AccountView as AccountView  # re-exported

log = logging.getLogger(__name__)

_USERNAME = re.compile(r"^[a-z0-9][a-z0-9._@-]{2,63}$")
#: The one query of every request: the account a token names, and whether the token was
#: given back. Built once: building a statement and its cache key costs more Python than
#: running it (the same holds for the vault's hot reads, ``vault.statements``).
_ACCOUNT_OF_TOKEN = select(Account, select(RevokedToken.token_id).where(
    RevokedToken.token_id == bindparam("token")).exists()).where(
    Account.id == bindparam("account"))

#: Roles a person logs in with; SYSTEM is the service itself, never an account.
ACCOUNT_ROLES = (Role.CITIZEN, Role.ORGANISATION, Role.STAFF, Role.ARCHIVIST, Role.ADMIN)


class AccountExists(AccountError):
    code = "account_exists"
    http_status = 409
    pass


class AccountNotFound(AccountError):
    code = "not_found"
    http_status = 404
    pass


class LoginFailed(DomainError):
    """Wrong username or password, or a disabled account: the caller is not told which."""

    code = "login_failed"
    http_status = 401


class IdentityNotLinked(DomainError):
    """The identity provider vouched for someone this service has no account for and
    cannot make one for (no personal ID or tax code in the answer)."""

    code = "identity_not_linked"
    http_status = 403


def _check_subject(subject: str) -> None:
    issuer, _, sub = subject.rpartition("#")
    if not issuer or not sub or len(subject) > 512:
        raise AccountError("định danh phải có dạng ISSUER#SUB, tối đa 512 ký tự "
                           "(an identity is the provider's issuer and subject as ISSUER#SUB)")


class Accounts:
    def __init__(self, sessions: sessionmaker[Session], signer: TokenSigner,
                 limiter: LoginLimiter, *, min_password_length: int,
                 knows_agency: Callable[[str], bool],
                 reads: sessionmaker[Session] | None = None,
                 audit: AuditHook = no_audit) -> None:
        self._sessions = sessions
        self._audit = audit
        #: Whether an agency code exists: agencies are the vault's, staff belong to one.
        self._knows_agency = knows_agency
        #: Autocommit sessions for the look-up every request makes (``sohoa.db``).
        self._reads = reads or sessions
        self._signer = signer
        self._limiter = limiter
        self.min_password_length = min_password_length
        #: Changing and resetting passwords (đổi, cấp lại mật khẩu).
        self.credentials = Credentials(sessions, limiter, min_length=min_password_length,
                                       audit=audit)

    # -- administration -----------------------------------------------------------------
    def create(self, username: str, role: Role, display_name: str, *,
               password: str | None = None, owner: str | None = None,
               agency: str | None = None, oidc_subject: str | None = None,
               actor: str = "system:sohoa") -> AccountView:
        """Make an account; the checks name what is wrong before anything is stored. The
        audit trail keeps who made it and with which role."""
        username = username.strip().lower()
        if not _USERNAME.match(username):
            raise AccountError("tên đăng nhập gồm 3–64 ký tự a-z, 0-9, '.', '_', '@', '-' "
                               "(username: 3–64 of a-z 0-9 . _ @ -)")
        if role not in ACCOUNT_ROLES:
            raise AccountError(f"vai trò không hợp lệ: {role}")
        if password is not None and len(password) < self.min_password_length:
            raise AccountError(f"mật khẩu phải có ít nhất {self.min_password_length} ký tự "
                               f"(password must have at least {self.min_password_length} "
                               "characters)")
        if password is None and oidc_subject is None:
            raise AccountError("cần mật khẩu hoặc đăng nhập qua nhà cung cấp định danh "
                               "(a password or an identity-provider login is needed)")
        owner = self._owner_for(role, owner)
        if oidc_subject is not None:
            _check_subject(oidc_subject)
        if role is Role.STAFF:
            if not agency or not self._knows_agency(agency):
                raise AccountError(f"cán bộ phải thuộc một cơ quan có trong hệ thống; không "
                                   f"có cơ quan {agency!r} (staff need a known agency)")
        elif agency:
            raise AccountError("chỉ tài khoản cán bộ gắn với cơ quan "
                               "(only staff accounts belong to an agency)")
        with self._sessions() as session, session.begin():
            row = Account(username=username, role=role.value, display_name=display_name,
                          password_hash=hash_password(password) if password else None,
                          owner_identifier=owner, agency_code=agency, oidc_subject=oidc_subject)
            session.add(row)
            try:
                session.flush()
            except IntegrityError:
                raise AccountExists(f"tên đăng nhập {mask_ids_in_text(username)} hoặc định "
                                    "danh đã có (username or identity taken)",
                                    field="username") from None
            view = AccountView.of(row)
            self._audit(session, actor, "account.created", row.id,
                        {"role": role.value, "agency": agency})
        log.info("account %s created", view.actor)
        return view

    @staticmethod
    def _owner_for(role: Role, owner: str | None) -> str | None:
        if role not in (Role.CITIZEN, Role.ORGANISATION):
            if owner:
                raise AccountError("chỉ công dân và tổ chức có kho dữ liệu "
                                   "(only citizens and organisations hold a vault)")
            return None
        try:
            parsed = parse_owner_id(owner or "")
        except InvalidOwnerId as exc:
            raise AccountError(str(exc)) from None
        # A person's vault: a citizen's personal ID, or a foreigner's passport.
        wanted = ((OwnerKind.CITIZEN, OwnerKind.FOREIGNER) if role is Role.CITIZEN
                  else (OwnerKind.ORGANISATION,))
        if parsed.kind not in wanted:
            raise AccountError("công dân cần số định danh cá nhân 12 số (người nước ngoài: số hộ "
                               "chiếu HC-…), tổ chức cần mã số thuế (a citizen needs a personal "
                               "ID or a passport, an organisation a tax code)")
        return parsed.value

    def set_active(self, username: str, active: bool, *,
                   actor: str = "system:sohoa") -> AccountView:
        with self._sessions() as session, session.begin():
            row = self._by_username(session, username)
            row.active = active
            self._audit(session, actor, "account.enabled" if active else "account.disabled",
                        row.id, {})
            return AccountView.of(row)

    def forget_owner(self, owner_index: str) -> int:
        """After a vault is crypto-shredded: the accounts that held it lose the person's
        sealed name and ID and are disabled; returns how many."""
        with self._sessions() as session, session.begin():
            rows = session.execute(update(Account).where(Account.owner_index == owner_index)
                                   .values(sealed=None, owner_index=None, active=False))
            assert isinstance(rows, CursorResult)
            return int(rows.rowcount)

    def move_agency(self, sources: list[str], into: str) -> int:
        """Staff of merged units work for the unit they joined; returns how many moved."""
        with self._sessions() as session, session.begin():
            rows = list(session.scalars(select(Account).where(Account.agency_code.in_(sources))))
            for row in rows:
                row.agency_code = into
            return len(rows)

    def list(self) -> list[AccountView]:
        with self._sessions() as session:
            return [AccountView.of(a) for a in session.scalars(
                select(Account).order_by(Account.role, Account.username))]

    def staff_names(self, usernames: set[str]) -> dict[str, str]:
        """Display names of the staff accounts among ``usernames`` (a report's officers)."""
        if not usernames:
            return {}
        with self._sessions() as session:
            return {row.username: row.display_name for row in session.scalars(
                select(Account).where(
                    Account.username.in_(sorted(usernames)), Account.role == Role.STAFF.value))}

    def find(self, username: str) -> AccountView:
        with self._sessions() as session:
            return AccountView.of(self._by_username(session, username))

    @staticmethod
    def _by_username(session: Session, username: str) -> Account:
        row = session.scalar(select(Account).where(Account.username == username.strip().lower()))
        if row is None:
            raise AccountNotFound("không có tài khoản này (no such account)")
        return row

    # -- logging in ---------------------------------------------------------------------
    def login(self, username: str, password: str, *, client: str) -> IssuedToken:
        """A token for the right password; LoginFailed otherwise, TooManyAttempts when the
        username or the client address has failed too often lately."""
        self._limiter.check(username, client)
        with self._sessions() as session, session.begin():
            row = session.scalar(select(Account).where(
                Account.username == username.strip().lower()))
            ok = check_password(row.password_hash if row else None, password)
            if row is None or not ok or not row.active:
                self._limiter.failed(username, client)
                raise LoginFailed("sai tên đăng nhập hoặc mật khẩu "
                                  "(wrong username or password)")
            if row.password_hash and needs_rehash(row.password_hash):
                row.password_hash = hash_password(password)
            row.last_login_at = datetime.now(UTC)
            view = AccountView.of(row)
        self._limiter.succeeded(username, client)
        return self._signer.issue(view.id, view.role.value,
                                  password_version=view.password_version)

    def token_for(self, account: AccountView) -> IssuedToken:
        """A token without a password: for tools that already act as the service (bench)."""
        return self._signer.issue(account.id, account.role.value,
                                  password_version=account.password_version)

    def login_identity(self, identity: Identity) -> IssuedToken:
        """A token for someone the identity provider vouched for.

        An account linked to the provider's subject logs in. Failing that, when the
        provider names a personal ID or tax code, a citizen or organisation account is
        made for that vault on first login, as a VNeID login does on the national
        portal. Staff, archivists and administrators are never made this way: an
        administrator links them (``sohoa admin account --oidc-subject``)."""
        if len(identity.subject) > 512:
            raise IdentityNotLinked("định danh quá dài (the provider's subject is too long)")
        try:
            view = self._identity_account(identity)
        except IntegrityError:
            # Another tab finished the same first login a moment earlier: use its account.
            view = self._identity_account(identity)
        log.info("account %s logged in through the identity provider", view.actor)
        return self._signer.issue(view.id, view.role.value,
                                  password_version=view.password_version)

    def _identity_account(self, identity: Identity) -> AccountView:
        with self._sessions() as session, session.begin():
            row = session.scalar(select(Account).where(Account.oidc_subject == identity.subject))
            if row is None:
                row = self._first_login(session, identity)
            elif identity.owner and row.owner_identifier and \
                    self._owner_value(identity.owner) != row.owner_identifier:
                log.warning("OIDC login of %s refused: the provider names another vault",
                            AccountView.of(row).actor)
                raise IdentityNotLinked("nhà cung cấp định danh trả về số định danh khác với "
                                        "tài khoản đã liên kết (the identity no longer matches "
                                        "the linked account)")
            if not row.active:
                raise LoginFailed("tài khoản đã bị khóa (the account is disabled)")
            row.last_login_at = datetime.now(UTC)
            return AccountView.of(row)

    def _first_login(self, session: Session, identity: Identity) -> Account:
        if not identity.owner:
            raise IdentityNotLinked(
                "chưa có tài khoản gắn với định danh này; hãy liên hệ quản trị viên (no "
                "account is linked to this identity: ask an administrator to link it)")
        owner = self._owner_value(identity.owner)
        role = Role.CITIZEN if parse_owner_id(owner).kind is OwnerKind.CITIZEN \
            else Role.ORGANISATION
        digest = hashlib.sha256(identity.subject.encode()).hexdigest()[:20]
        row = Account(username=f"oidc.{digest}", role=role.value,
                      display_name=identity.name or role.value, password_hash=None,
                      owner_identifier=owner, oidc_subject=identity.subject)
        session.add(row)
        session.flush()
        log.info("account %s made at first login through the identity provider",
                 AccountView.of(row).actor)
        return row

    @staticmethod
    def _owner_value(claimed: str) -> str:
        try:
            parsed = parse_owner_id(claimed)
            if parsed.kind is OwnerKind.UNIDENTIFIED:
                raise InvalidOwnerId("a provider names people by ID, not by our reference")
            return parsed.value
        except InvalidOwnerId:
            raise IdentityNotLinked("nhà cung cấp định danh trả về số định danh không hợp lệ "
                                    "(the provider's personal ID or tax code is invalid)") from None

    def link_identity(self, username: str, subject: str) -> AccountView:
        """Let an existing account log in through the identity provider as ``subject``
        (the provider's ``iss#sub``)."""
        _check_subject(subject)
        with self._sessions() as session, session.begin():
            row = self._by_username(session, username)
            row.oidc_subject = subject
            try:
                session.flush()
            except IntegrityError:
                raise AccountExists("định danh này đã gắn với tài khoản khác "
                                    "(that identity is linked to another account)") from None
            return AccountView.of(row)

    def account_of(self, token: str) -> AccountView:
        """The active account a token names; InvalidToken otherwise (also once the token
        was given back at logout)."""
        claims = self._signer.claims_of(token)
        with self._reads() as session:
            found = session.execute(_ACCOUNT_OF_TOKEN, {
                "account": claims.account_id, "token": claims.token_id}).one_or_none()
            if found is not None and found[1]:
                raise InvalidToken("phiên đăng nhập đã kết thúc (the token was revoked at "
                                   "logout)")
            if found is None or not found[0].active:
                raise InvalidToken("tài khoản không còn hoạt động (the account is disabled)")
            if claims.password_version != found[0].password_version:
                raise InvalidToken("mật khẩu đã đổi; hãy đăng nhập lại (the password was "
                                   "changed since this login)")
            return AccountView.of(found[0])

    def logout(self, token: str) -> None:
        """Revoke ``token`` (the web session's or an API client's) for the rest of its life;
        tokens that have expired since are forgotten on the way."""
        claims = self._signer.claims_of(token)
        now = datetime.now(UTC)
        try:
            with self._sessions() as session, session.begin():
                session.execute(delete(RevokedToken).where(RevokedToken.expires_at < now))
                if session.get(RevokedToken, claims.token_id) is None:
                    session.add(RevokedToken(token_id=claims.token_id,
                                             expires_at=claims.expires_at))
        except IntegrityError:
            pass  # the same token logged out twice at once: revoked either way
