"""Values of the screens' forms as people fill them in.

Dates are written as at a Vietnamese counter, ``dd/mm/yyyy``, whatever the browser's
language: the screens use text fields for them, not the browser's date picker (which
shows mm/dd/yyyy on an English system). ISO ``yyyy-mm-dd`` is read too, for links.
"""

from __future__ import annotations

import re
from datetime import date
from typing import Annotated, Any

from pydantic import BeforeValidator
from pydantic_core import PydanticCustomError

from vault import InvalidRecordValue

from .i18n import gettext as _

_DAY_FIRST = re.compile(r"(\d{1,2})[/.-](\d{1,2})[/.-](\d{4})")


def parse_day(text: str) -> date:
    """``dd/mm/yyyy`` (also with ``-`` or ``.``, one-digit day and month) or ISO; ValueError
    otherwise, and for a day the calendar does not have."""
    text = text.strip()
    found = _DAY_FIRST.fullmatch(text)
    if found:
        day, month, year = (int(part) for part in found.groups())
        return date(year, month, day)
    return date.fromisoformat(text)


def form_date(text: str, label: str, *, field: str | None = None) -> date | None:
    """A date field: empty is none (browsers send ``since=``)."""
    if not text.strip():
        return None
    try:
        return parse_day(text)
    except ValueError:
        raise InvalidRecordValue(_("%(field)s không phải ngày hợp lệ; hãy viết dd/mm/yyyy, "
                                   "ví dụ 25/12/2026.", field=label), field=field) from None


def _day_or_none(value: Any) -> date | None:
    if value is None or isinstance(value, date):
        return value
    if not str(value).strip():
        return None
    try:
        return parse_day(str(value))
    except ValueError:
        raise PydanticCustomError("date_parsing", "not a dd/mm/yyyy date") from None


#: A form field holding a day as people write it (FastAPI ``Form()`` parameters).
FormDay = Annotated[date | None, BeforeValidator(_day_or_none)]
