"""The counter's clock: the law's dates and times are Vietnam's (UTC+07:00, no summer
time); the database keeps UTC. Times are written as the law writes them: Vietnam time,
and ISO 8601 with the +07:00 zone."""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta, timezone

#: Indochina Time, the zone of every date a document, a receipt or a deadline carries.
VIETNAM = timezone(timedelta(hours=7), "ICT")


def utcnow() -> datetime:
    return datetime.now(UTC)


def local_day(moment: datetime) -> date:
    """The Vietnam date of an aware moment (a dossier received at 23:30 UTC is received
    the next day at the counter)."""
    return moment.astimezone(VIETNAM).date()


def day_start(day: date | None) -> datetime | None:
    """The first moment of a Vietnam calendar day (filters "from dd/mm/yyyy")."""
    return None if day is None else datetime.combine(day, time.min, VIETNAM)


def day_end(day: date | None) -> datetime | None:
    """The last moment of a Vietnam calendar day (filters "to dd/mm/yyyy")."""
    return None if day is None else datetime.combine(day, time.max, VIETNAM)


def vietnam_time(moment: datetime) -> str:
    """``24/11/2026 09:15:03 (UTC+07:00)``: how the operator stamp shows a time."""
    return moment.astimezone(VIETNAM).strftime("%d/%m/%Y %H:%M:%S") + " (UTC+07:00)"


def iso_vietnam_time(moment: datetime) -> str:
    """``2026-11-24T09:15:03+07:00``: date, hh:mm:ss and the Vietnam zone per ISO 8601."""
    return moment.astimezone(VIETNAM).replace(microsecond=0).isoformat()


def vietnamese_date(moment: datetime) -> str:
    """``ngày 24 tháng 11 năm 2026``, as NĐ 30/2020 writes the date of a document."""
    local = moment.astimezone(VIETNAM)
    return f"ngày {local.day:02d} tháng {local.month:02d} năm {local.year}"
