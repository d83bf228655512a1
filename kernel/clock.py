"""The counter's clock: the law's dates and times are Vietnam's (UTC+07:00, no summer
time); the database keeps UTC."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta, timezone

#: Indochina Time, the zone of every date a document, a receipt or a deadline carries.
VIETNAM = timezone(timedelta(hours=7), "ICT")


def utcnow() -> datetime:
    return datetime.now(UTC)


def local_day(moment: datetime) -> date:
    """The Vietnam date of an aware moment (a dossier received at 23:30 UTC is received
    the next day at the counter)."""
    return moment.astimezone(VIETNAM).date()
