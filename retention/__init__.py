"""Retention (thời hạn bảo quản): schedules, due dates, disposal rules and records.

The schedule says how long each kind of dossier is kept and when it is due at the
archive; ``disposal`` says when one may be destroyed and writes the destruction
record. Nothing here may bypass a hold: the rules take the hold count as input.
"""

from .disposal import (
    DestructionRecord,
    DisposalRefused,
    check_disposable,
    check_second_person,
    destruction_record_pdf,
)
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
    "DestructionRecord",
    "DisposalRefused",
    "check_disposable",
    "check_second_person",
    "destruction_record_pdf",
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
