"""Retention (thời hạn bảo quản): schedules, due dates, holds, disposal records.

Built so far (issue 6): the retention schedule and the transfer and disposal dates
it gives. Holds, disposal and destruction records follow; nothing here may bypass a
hold.
"""

from .schedule import (
    BUNDLED,
    MAINTENANCE_MAX,
    Retention,
    RetentionRule,
    RetentionSchedule,
    ScheduleError,
    add_years,
    transfer_due,
    transfer_notice_from,
)

__all__ = [
    "BUNDLED",
    "MAINTENANCE_MAX",
    "Retention",
    "RetentionRule",
    "RetentionSchedule",
    "ScheduleError",
    "add_years",
    "transfer_due",
    "transfer_notice_from",
]
