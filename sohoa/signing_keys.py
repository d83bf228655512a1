"""Which key signs: the agency's own for what the agency issues, the officer's own for
their signature at the counter (REGULATIONS 9.A.7). Never one key of the deployment.

Where each key is lives in the database (`vault.agency_profiles`, `accounts.signing_keys`)
and is set by an administrator (``sohoa admin agency key``, ``sohoa admin account key``
or the API). In development (the embedded default) an agency or an officer without a
configured key signs with a key of the development PKI made for them — the subject
naming them and marked DEV ONLY — so the service behaves as in production; in
production they cannot sign, and the message says whom to ask.
"""

from __future__ import annotations

from datetime import datetime
from pathlib import Path

from accounts.signing_keys import OfficerKey, OfficerKeys
from kernel import DomainError
from signing import DevPki, Issuer, KeySource, KeyUnavailable, key_source_from_spec
from vault import InvalidRecordValue, Vault
from vault.agency_profiles import AgencyKey, AgencyProfileRecord

from .settings import Settings


class AgencyCannotSign(DomainError):
    """The agency has no signing key configured (production): it cannot issue."""

    code = "agency_key_missing"
    http_status = 409


class OfficerCannotSign(DomainError):
    """The officer has no signing key of their own (production)."""

    code = "officer_key_missing"
    http_status = 409


class SigningPinNeeded(DomainError):
    """The officer's key needs their PIN, and none is held: they give it, then sign."""

    code = "signing_pin_needed"
    http_status = 409


class SigningKeyRefused(DomainError):
    """The key did not open with what was given: a wrong PIN, passphrase or login."""

    code = "signing_key_refused"
    http_status = 403


class SigningKeys:
    """The keys of agencies and officers, as the settings and the database say."""

    def __init__(self, settings: Settings, vault: Vault, officers: OfficerKeys,
                 pki: DevPki) -> None:
        self._settings = settings
        self._vault = vault
        self.officers = officers
        self._pki = pki

    @property
    def development(self) -> bool:
        return self._settings.env != "production"

    # -- agencies ------------------------------------------------------------------------
    def issuer(self, code: str) -> Issuer:
        """Agency ``code`` as it issues: its words and its key."""
        profile = self._vault.profiles.profile(code)
        agency = self._settings.agency
        own = code == agency.code  # the deployment's settings speak for their own agency
        return Issuer(
            code, profile.print_name, self._agency_source(profile),
            place=profile.place or agency.place,
            abbreviation=profile.abbreviation or (agency.abbreviation if own else ""),
            copy_signer_position=profile.copy_signer_position
            or (agency.copy_signer_position if own else ""),
            copy_signer_name=profile.copy_signer_name or (agency.copy_signer_name if own else ""),
            seal_png=profile.seal_png, lookup_base=self._lookup_base(profile))

    def lookup_url(self, agency_code: str, code: str) -> str:
        """Where a look-up code the agency issued answers (printed on its copies)."""
        return f"{self._lookup_base(self._vault.profiles.profile(agency_code))}/{code}"

    def _lookup_base(self, profile: AgencyProfileRecord) -> str:
        base = profile.lookup_url or f"{self._settings.server.public_url.rstrip('/')}/v"
        return base.rstrip("/")

    def can_issue(self, code: str) -> bool:
        """Whether the agency has a key to sign with (always, in development)."""
        return self.development or code in self._vault.profiles.keyed()

    def _agency_source(self, profile: AgencyProfileRecord) -> KeySource:
        if profile.key is not None:
            key = profile.key
            return self.source(key.source, key.secret, key.cert, key.chain)
        if self.development:
            return self._pki.key_source(self._pki.agency(profile.code, profile.name))
        raise AgencyCannotSign(
            f"{profile.name} chưa có khóa ký số của cơ quan nên chưa ký được bản sao, kết quả "
            f"hay biên bản; đề nghị {self._settings.signing.key_contact} cấu hình khóa cho cơ "
            f"quan (sohoa admin agency key {profile.code})")

    def set_agency_key(self, code: str, source: str | None, *, secret: str | None = None,
                       cert: str | None = None, chain: tuple[str, ...] = (),
                       actor: str) -> AgencyProfileRecord:
        """Set where the agency's key is, once it is seen to open; None removes it."""
        if source is None:
            return self._vault.profiles.set_key(code, None, actor=actor)
        self._vault.profiles.profile(code)  # an unknown agency is named before any key work
        self.check(self.source(source, secret, cert, chain))
        return self._vault.profiles.set_key(
            code, AgencyKey(source.strip(), cert, chain, secret), actor=actor)

    def unkeyed_with_staff(self, staff_agencies: set[str]) -> list[str]:
        """The agencies that have staff and no key, as "name (code)", for the production
        check: they could receive dossiers and issue nothing."""
        missing = staff_agencies - self._vault.profiles.keyed()
        names = self._vault.profiles.names(missing)
        return [f"{names.get(code, code)} ({code})" for code in sorted(missing)]

    # -- officers ------------------------------------------------------------------------
    def operator_key(self, name: str, username: str | None) -> KeySource:
        """The key of officer ``username`` (``name`` is how their stamp names them)."""
        key = self.officers.key_of(username) if username else None
        if key is not None:
            if key.secret is None:
                raise SigningPinNeeded(
                    "cần nhập mã PIN của thiết bị ký (chữ ký số cá nhân) trước khi ký (the "
                    "officer's PIN is needed to sign)")
            return self._officer_source(key, key.secret)
        if self.development:
            return self._pki.key_source(self._pki.operator(name))
        raise OfficerCannotSign(
            f"tài khoản {username or name} chưa có khóa ký số cá nhân; đề nghị "
            f"{self._settings.signing.key_contact} gắn thiết bị ký cho tài khoản (sohoa admin "
            f"account key)")

    def needs_pin(self, username: str | None) -> bool:
        """Whether the officer has a key of their own and no PIN held for it."""
        key = self.officers.key_of(username) if username else None
        return key is not None and key.secret is None

    def unlock(self, username: str, pin: str) -> datetime:
        """Check the officer's PIN against their key and hold it for the session; when it
        will be forgotten."""
        key = self.officers.key_of(username)
        if key is None:
            raise OfficerCannotSign(f"tài khoản {username} không có thiết bị ký riêng (the "
                                    "account has no key of its own)")
        self.check(self._officer_source(key, pin))
        self.officers.forget_expired()  # no PIN stays sealed in the database past its time
        return self.officers.hold(username, pin, self._settings.signing.pin_session_minutes)

    def set_officer_key(self, username: str, source: str | None, *, cert: str | None = None,
                        chain: tuple[str, ...] = ()) -> OfficerKey | None:
        """Set where the officer's key is (its form is checked; the PIN is theirs)."""
        if source is not None:
            self.source(source, None, cert, chain)
        return self.officers.set_key(username, source.strip() if source else None, cert=cert,
                                     chain=chain)

    def _officer_source(self, key: OfficerKey, pin: str) -> KeySource:
        return self.source(key.source, pin, key.cert, key.chain)

    # -- both ----------------------------------------------------------------------------
    def source(self, spec: str, secret: str | None, cert: str | None,
               chain: tuple[str, ...]) -> KeySource:
        """A key source from its description; a malformed one is refused naming why."""
        signing = self._settings.signing
        password = signing.remote_signing_login_password
        try:
            return key_source_from_spec(
                spec, secret=secret, cert=Path(cert) if cert else None,
                chain=tuple(Path(p) for p in chain),
                service_password=password.get_secret_value() if password else None,
                timeout=signing.remote_signing_timeout)
        except ValueError as exc:
            raise InvalidRecordValue(str(exc)) from None

    @staticmethod
    def check(source: KeySource) -> None:
        """Open the key once (and, for a remote credential, activate it): what is wrong
        with it is said now, to the person setting it, not later in a signature."""
        try:
            with source.open():
                pass
            activate = getattr(source, "check", None)
            if activate is not None:
                activate()
        except KeyUnavailable as exc:
            raise SigningKeyRefused(str(exc)) from None
        except DomainError as exc:
            if exc.http_status >= 500:
                raise
            raise SigningKeyRefused(str(exc)) from None
