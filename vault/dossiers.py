"""Dossier codes (mã hồ sơ): ``<agency code>-<YYMMDD>-<NNNN>``, a daily sequence per agency.

NĐ 61/2018 Art. 26; REGULATIONS 9.B.15. The sequence restarts each day for each
agency; it comes from a counter row advanced under a lock (``vault.counters``), so
two counters receiving at the same moment never get the same code, and the
database's unique constraint stands behind it.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from kernel import DomainError

from .counters import next_value
from .errors import NotFound
from .models import Agency, Dossier, Owner

_CODE = re.compile(r"^(?P<agency>[A-Za-z0-9.]+)-(?P<day>\d{6})-(?P<seq>\d{4})$")
MAX_DAILY = 9999


class DossierCodeExhausted(DomainError):
    """An agency has received 9,999 dossiers today: the four-digit sequence is full."""

    code = "dossier_codes_exhausted"
    http_status = 409


def format_code(agency_code: str, received_on: date, sequence: int) -> str:
    return f"{agency_code}-{received_on:%y%m%d}-{sequence:04d}"


def is_dossier_code(text: str) -> bool:
    return bool(_CODE.match(text))


def open_dossier(
    session: Session, agency: Agency, owner: Owner, received_on: date, procedure: str | None
) -> Dossier:
    """Create a dossier with the next code of the day (a counter per agency and day)."""

    def highest() -> int:
        return session.scalar(select(func.max(Dossier.sequence)).where(
            Dossier.agency_id == agency.id, Dossier.received_on == received_on)) or 0

    sequence = next_value(session, f"dossier:{agency.id}:{received_on.isoformat()}", highest)
    if sequence > MAX_DAILY:
        raise DossierCodeExhausted(f"agency {agency.code} has no dossier codes left today")
    dossier = Dossier(
        code=format_code(agency.code, received_on, sequence), agency_id=agency.id,
        owner_id=owner.id, received_on=received_on, sequence=sequence, procedure=procedure,
    )
    session.add(dossier)
    session.flush()
    return dossier



@dataclass(frozen=True)
class DossierRef:
    """What another room needs of a dossier it refers to (a hold, a transfer, a
    disposal): its id and code, its procedure, the agency now responsible, when its
    work ended."""

    id: int
    code: str
    procedure: str | None
    agency_name: str
    ended_at: datetime | None
    agency_code: str = ""


def dossier_ref(session: Session, *, code: str | None = None,
                dossier_id: int | None = None) -> DossierRef:
    """The dossier named by ``code`` or by ``dossier_id``; NotFound when none is."""
    query = select(Dossier).where(Dossier.code == code if code is not None
                                  else Dossier.id == dossier_id)
    dossier = session.scalar(query)
    if dossier is None:
        raise NotFound(f"không tìm thấy hồ sơ {code or dossier_id} (no such dossier)")
    return DossierRef(dossier.id, dossier.code, dossier.procedure, dossier.agency.name,
                      dossier.ended_at, dossier.agency.code)


def dossier_codes(session: Session, ids: Iterable[int]) -> dict[int, str]:
    """The codes of the dossiers ``ids``."""
    wanted = set(ids)
    if not wanted:
        return {}
    rows = session.execute(select(Dossier.id, Dossier.code).where(Dossier.id.in_(wanted)))
    return {dossier_id: code for dossier_id, code in rows}
