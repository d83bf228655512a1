"""What each agency prints and signs with: a province runs many agencies on one service.

An agency's profile holds the words of its formal blocks (its name as the NĐ 30/2020
blocks print it, the place name, the abbreviation in copy numbers, who signs its paper
copies), its seal image, the address of its look-up page and where its signing key
lives. The key's description says where, never what: a PKCS#11 token and key label, a
PKCS#12 file or a remote-signing credential; its PIN or passphrase is sealed under a
data key of the agencies (``storage.sealing``) and read only to sign.

The vault keeps the words; making a key source of them is the service's work
(`sohoa.signing_keys`), which knows the settings and the development PKI.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import LargeBinary, String, select
from sqlalchemy.orm import Mapped, Session, mapped_column

from kernel import Base, UTCDateTime, utcnow
from storage.sealing import RowSealer, SealedField, SealedRow, listen

from .audit import audit
from .errors import InvalidRecordValue, NotFound
from .models import Agency
from .store import VaultStore

#: The data key the agencies' key secrets are sealed under.
AGENCIES_VAULT = "agencies"
#: What a profile's words may be set to, and their longest length.
TEXT_FIELDS = {"print_name": 255, "place": 100, "abbreviation": 20,
               "copy_signer_position": 120, "copy_signer_name": 120, "lookup_url": 255}


class AgencyProfile(SealedRow, Base):
    """An agency's formal words, seal and signing key (hồ sơ ký số của cơ quan)."""

    __tablename__ = "agency_profiles"

    agency_code: Mapped[str] = mapped_column(String(32), primary_key=True)
    print_name: Mapped[str | None] = mapped_column(String(255))
    place: Mapped[str | None] = mapped_column(String(100))
    abbreviation: Mapped[str | None] = mapped_column(String(20))
    copy_signer_position: Mapped[str | None] = mapped_column(String(120))
    copy_signer_name: Mapped[str | None] = mapped_column(String(120))
    lookup_url: Mapped[str | None] = mapped_column(String(255))
    seal_png: Mapped[bytes | None] = mapped_column(LargeBinary)
    #: ``pkcs11:module=…;token=…;key=…``, ``pkcs12:/path`` or ``csc:url=…;credential=…``.
    key_source: Mapped[str | None] = mapped_column(String(1000))
    key_cert: Mapped[str | None] = mapped_column(String(1000))
    key_chain: Mapped[str | None] = mapped_column(String(2000))
    key_set_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)
    sealed: Mapped[bytes | None] = mapped_column(LargeBinary)

    key_secret: SealedField[str | None] = SealedField(None)

    def sealing_vault(self, session: Session) -> str:
        return AGENCIES_VAULT

    def sealing_row(self) -> str:
        return f"agency_profiles:{self.agency_code}"

    def before_sealing(self, sealer: RowSealer) -> None:
        """No blind index: profiles are found by agency code."""


listen(AgencyProfile)


@dataclass(frozen=True)
class AgencyKey:
    """Where an agency's key is: the source's description, the certificate files, and
    its secret (opened only for the signer)."""

    source: str
    cert: str | None
    chain: tuple[str, ...]
    secret: str | None

    def describe(self) -> str:
        """The source with nothing secret in it (a PIN is never in the source)."""
        return self.source


@dataclass(frozen=True)
class AgencyProfileRecord:
    """An agency as it issues: its name from the catalogue and its profile's words."""

    code: str
    name: str
    print_name: str
    place: str | None
    abbreviation: str | None
    copy_signer_position: str | None
    copy_signer_name: str | None
    lookup_url: str | None
    seal_png: bytes | None
    key: AgencyKey | None

    def as_dict(self) -> dict[str, Any]:
        """For admins: everything but the seal's bytes and the key's secret."""
        return {"code": self.code, "name": self.name, "print_name": self.print_name,
                "place": self.place, "abbreviation": self.abbreviation,
                "copy_signer_position": self.copy_signer_position,
                "copy_signer_name": self.copy_signer_name, "lookup_url": self.lookup_url,
                "seal": self.seal_png is not None,
                "key": {"source": self.key.describe(), "cert": self.key.cert,
                        "chain": list(self.key.chain), "secret": self.key.secret is not None}
                if self.key else None}


class AgencyProfiles(VaultStore):
    """Each agency's formal words, seal and key source."""

    def profile(self, code: str) -> AgencyProfileRecord:
        """The agency as it issues; NotFound for an unknown code."""
        with self._sessions() as session:
            agency = session.scalar(select(Agency).where(Agency.code == code))
            if agency is None:
                raise NotFound(f"không có cơ quan mã {code} (no such agency)")
            return _record(agency, session.get(AgencyProfile, code))

    def names(self, codes: set[str]) -> dict[str, str]:
        """The names of these agencies, by code, in one query; an unknown code is left out."""
        if not codes:
            return {}
        with self._sessions() as session:
            rows = session.execute(select(Agency.code, Agency.name).where(
                Agency.code.in_(codes)))
            return {code: name for code, name in rows}

    def keyed(self) -> set[str]:
        """The codes of the agencies whose key is configured."""
        with self._sessions() as session:
            return set(session.scalars(select(AgencyProfile.agency_code).where(
                AgencyProfile.key_source.is_not(None))))

    def set_profile(self, code: str, *, actor: str, seal_png: bytes | None = None,
                    **words: str | None) -> AgencyProfileRecord:
        """Set the words given (an empty one clears it) and the seal when given."""
        unknown = set(words) - set(TEXT_FIELDS)
        if unknown:
            raise InvalidRecordValue(f"không có trường {', '.join(sorted(unknown))} "
                                     "(no such profile field)")
        with self._unit() as session:
            agency, profile = _agency_and_profile(session, code)
            for name, value in words.items():
                if value is not None:
                    setattr(profile, name, value.strip()[:TEXT_FIELDS[name]] or None)
            if seal_png is not None:
                profile.seal_png = seal_png
            audit(session, actor, "agency.profile_set", "agency", code,
                  {"fields": sorted(name for name, value in words.items() if value is not None),
                   "seal": seal_png is not None})
            session.flush()
            return _record(agency, profile)

    def set_key(self, code: str, key: AgencyKey | None, *, actor: str) -> AgencyProfileRecord:
        """Set where the agency's key is (None: no key; it cannot issue in production)."""
        with self._unit() as session:
            agency, profile = _agency_and_profile(session, code)
            profile.key_source = key.source if key else None
            profile.key_cert = key.cert if key else None
            profile.key_chain = ",".join(key.chain) if key and key.chain else None
            profile.key_secret = key.secret if key else None
            profile.key_set_at = utcnow()
            audit(session, actor, "agency.key_set" if key else "agency.key_removed", "agency",
                  code, {"source": key.describe()} if key else {})
            session.flush()
            return _record(agency, profile)


def _agency_and_profile(session: Session, code: str) -> tuple[Agency, AgencyProfile]:
    agency = session.scalar(select(Agency).where(Agency.code == code))
    if agency is None:
        raise NotFound(f"không có cơ quan mã {code} (no such agency)")
    profile = session.get(AgencyProfile, code)
    if profile is None:
        profile = AgencyProfile(agency_code=code)
        session.add(profile)
    return agency, profile


def _record(agency: Agency, profile: AgencyProfile | None) -> AgencyProfileRecord:
    if profile is None:
        return AgencyProfileRecord(agency.code, agency.name, agency.name, None, None, None,
                                   None, None, None, None)
    key = AgencyKey(profile.key_source, profile.key_cert,
                    tuple(p for p in (profile.key_chain or "").split(",") if p),
                    profile.key_secret) if profile.key_source else None
    return AgencyProfileRecord(
        agency.code, agency.name, profile.print_name or agency.name, profile.place,
        profile.abbreviation, profile.copy_signer_position, profile.copy_signer_name,
        profile.lookup_url, profile.seal_png, key)
