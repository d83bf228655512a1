"""Times as the law writes them: Vietnam time, and ISO 8601 with the +07:00 zone."""

from __future__ import annotations

from datetime import datetime

from kernel import VIETNAM


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
