"""The shared kernel: what every domain package shares and nothing more.

Tables (the one declarative ``Base``, aware UTC datetimes, text cleaned and cut to its
column on assignment), the Vietnam clock, text cleaning, the error base that carries a
stable code, an HTTP status and an exit code, the owners' identifiers (who a vault
belongs to, checked and masked the same way everywhere) and who is asking (``Role``,
``Viewer``). It imports nothing of ours, so any domain may import it without importing
another domain.
"""

from typing import TYPE_CHECKING, Any

from .clock import (
    VIETNAM,
    day_end,
    day_start,
    iso_vietnam_time,
    local_day,
    utcnow,
    vietnam_time,
    vietnamese_date,
)
from .errors import DomainError, ExitCode
from .ids import (
    InvalidOwnerId,
    OwnerId,
    OwnerKind,
    is_personal_id,
    is_tax_code,
    mask_id,
    mask_ids_in_text,
    new_unidentified_owner,
    parse_owner_id,
)
from .text import clean_text, cut
from .viewer import Role, Viewer

if TYPE_CHECKING:
    from .tables import Base, UTCDateTime, new_uuid

#: Loaded on first use: SQLAlchemy takes a quarter of a second to import, and a command
#: that only prints its help, or a worker that never opens a table, should not pay it.
_TABLES = frozenset({"Base", "UTCDateTime", "new_uuid"})


def __getattr__(name: str) -> Any:
    if name in _TABLES:
        from . import tables

        return getattr(tables, name)
    raise AttributeError(f"module 'kernel' has no attribute {name!r}")

__all__ = ["VIETNAM", "Base", "DomainError", "ExitCode", "InvalidOwnerId", "OwnerId", "OwnerKind",
           "Role", "UTCDateTime", "Viewer", "clean_text", "cut", "is_personal_id", "is_tax_code",
           "day_end", "day_start", "iso_vietnam_time", "local_day", "mask_id", "mask_ids_in_text",
           "new_unidentified_owner", "new_uuid",
           "parse_owner_id", "utcnow", "vietnam_time", "vietnamese_date"]
