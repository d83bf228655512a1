"""Dossier codes (mã hồ sơ): ``<agency code>-<YYMMDD>-<NNNN>``, a daily sequence per agency.

NĐ 61/2018 Art. 26; REGULATIONS 9.B.15. The sequence restarts each day for each
agency; uniqueness is enforced by the database, and a concurrent collision is
retried, so two counters never get the same code.
"""

from __future__ import annotations

import re
from datetime import date, datetime

from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from .models import Agency, Dossier, Owner

_CODE = re.compile(r"^(?P<agency>[A-Za-z0-9.]+)-(?P<day>\d{6})-(?P<seq>\d{4})$")
MAX_DAILY = 9999


class DossierCodeExhausted(RuntimeError):
    """An agency has received 9,999 dossiers today: the four-digit sequence is full."""


def format_code(agency_code: str, received_on: date, sequence: int) -> str:
    return f"{agency_code}-{received_on:%y%m%d}-{sequence:04d}"


def is_dossier_code(text: str) -> bool:
    return bool(_CODE.match(text))


def open_dossier(
    session: Session, agency: Agency, owner: Owner, received_on: date, procedure: str | None
) -> Dossier:
    """Create a dossier with the next code of the day; retried on a concurrent collision."""
    for _attempt in range(5):
        last = session.scalar(
            select(func.max(Dossier.sequence)).where(
                Dossier.agency_id == agency.id, Dossier.received_on == received_on
            )
        )
        sequence = (last or 0) + 1
        if sequence > MAX_DAILY:
            raise DossierCodeExhausted(f"agency {agency.code} has no dossier codes left today")
        dossier = Dossier(
            code=format_code(agency.code, received_on, sequence), agency_id=agency.id,
            owner_id=owner.id, received_on=received_on, sequence=sequence, procedure=procedure,
        )
        savepoint = session.begin_nested()
        session.add(dossier)
        try:
            savepoint.commit()
        except IntegrityError:
            savepoint.rollback()
            continue
        return dossier
    raise RuntimeError("could not allocate a dossier code after 5 attempts")


def local_day(moment: datetime) -> date:
    """The receipt date as the counter sees it: Vietnam time, not UTC."""
    from datetime import timedelta, timezone

    return moment.astimezone(timezone(timedelta(hours=7))).date()
