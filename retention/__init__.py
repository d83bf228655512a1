"""Retention (thời hạn bảo quản): schedules, due dates, disposal rules and records.

The schedule says how long each kind of dossier is kept and when it is due at the
archive; ``holds`` keeps the legal holds and says whether a dossier may be destroyed
today, counting its standing holds itself; ``disposals`` keeps the proposals and
their tombstones; ``disposal`` holds the rule and writes the destruction record.
"""

from . import disposals, holds
from .disposal import (
    DestructionRecord,
    DisposalRefused,
    check_second_person,
    destruction_record_pdf,
)
from .holds import HoldNotFound, LegalHold, disposable_on
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
    "HoldNotFound",
    "LegalHold",
    "disposable_on",
    "disposals",
    "holds",
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
