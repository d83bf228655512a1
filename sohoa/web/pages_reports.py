"""The reports screen: digitisation figures and QĐ 766 group IV for a period.

The figures come from the same function as ``GET /api/v1/reports/digitisation``,
and the screen's CSV and JSON buttons are links to that endpoint, which accepts the
screen's session: what a head of unit downloads is exactly what the table shows.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any
from urllib.parse import urlencode

from fastapi import APIRouter, Request
from fastapi.responses import Response

from kernel import Role, local_day
from vault import InvalidRecordValue

from ..usecases import reports
from .agency_choices import agency_groups
from .forms import form_date
from .i18n import N_, gettext as _
from .render import render
from .session import ReportUser, services_of

router = APIRouter(prefix="/reports")

#: The groupings offered, as the API spells them, with their names on the screen.
GROUPINGS = {
    "month,agency": N_("Theo tháng và cơ quan"),
    "month,counter": N_("Theo tháng và cán bộ tiếp nhận"),
    "agency": N_("Theo cơ quan, cả kỳ"),
    "counter": N_("Theo cán bộ tiếp nhận, cả kỳ"),
    "month": N_("Theo tháng"),
}


@router.get("")
def report(request: Request, account: ReportUser, since: str | None = None,
           until: str | None = None, by: str = "month,agency",
           agency: str | None = None) -> Response:
    services = services_of(request)
    today = local_day(datetime.now(UTC))
    agencies = ([] if account.role is Role.STAFF
                else agency_groups(services.vault.agencies.listing(), today))
    first = today.replace(day=1)
    form: dict[str, Any] = {"since": since or first.isoformat(), "until": until or
                            today.isoformat(), "by": by if by in GROUPINGS else "month,agency",
                            "agency": agency or ""}
    error, found, names = None, None, {}
    try:
        start = form_date(form["since"], _("Từ ngày"), field="since") or first
        end = form_date(form["until"], _("Đến ngày"), field="until") or today
        form["since"], form["until"] = start.isoformat(), end.isoformat()  # for the exports
        found = reports.digitisation_report(
            services, since=start, until=end,
            by=reports.parse_grouping(form["by"]), agency=form["agency"] or None,
            viewer=account.viewer())
        names = reports.officer_names(services, found)
    except InvalidRecordValue as exc:
        error = str(exc)
    exports = {fmt: "/api/v1/reports/digitisation?" + urlencode(
        {"since": form["since"], "until": form["until"], "by": form["by"],
         **({"agency": form["agency"]} if form["agency"] else {}), "format": fmt})
        for fmt in ("csv", "json")}
    return render(request, "reports/digitisation.html", status_code=422 if error else 200,
                  report=found, names=names, form=form, groupings=GROUPINGS,
                  agencies=agencies, error=error, exports=exports)
