"""The shared kernel: what every domain package shares and nothing more.

Tables (the one declarative ``Base``, aware UTC datetimes, text cleaned and cut to its
column on assignment), the Vietnam clock, text cleaning and the error base that
carries a stable code, an HTTP status and an exit code. It imports nothing of ours,
so any domain may import it without importing another domain.
"""

from .clock import VIETNAM, local_day, utcnow
from .errors import DomainError
from .tables import Base, UTCDateTime, new_uuid
from .text import clean_text, cut

__all__ = ["VIETNAM", "Base", "DomainError", "UTCDateTime", "clean_text", "cut", "local_day",
           "new_uuid", "utcnow"]
