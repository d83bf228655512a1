"""Values of the screens' forms as people fill them in."""

from __future__ import annotations

from datetime import date

from vault import InvalidRecordValue

from .i18n import gettext as _


def form_date(text: str, label: str) -> date | None:
    """A date field of a filter form: empty is no filter (browsers send ``since=``)."""
    if not text.strip():
        return None
    try:
        return date.fromisoformat(text.strip())
    except ValueError:
        raise InvalidRecordValue(_("%(field)s không phải ngày hợp lệ (yyyy-mm-dd).",
                                   field=label)) from None
