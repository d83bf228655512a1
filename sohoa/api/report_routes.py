"""Reports: digitisation statistics and QĐ 766/QĐ-TTg group IV, as JSON or CSV."""

from __future__ import annotations

from datetime import date
from typing import Annotated, Literal

from fastapi import APIRouter, Query, Request
from fastapi.concurrency import run_in_threadpool
from fastapi.responses import JSONResponse, Response

from ..usecases import reports
from .auth import ReaderAccount, services_of

router = APIRouter(prefix="/api/v1/reports", tags=["reports"])


@router.get("/digitisation")
async def digitisation(
    request: Request, account: ReaderAccount,
    since: Annotated[date, Query(description="First day (Vietnam date), included")],
    until: Annotated[date, Query(description="Last day (Vietnam date), included")],
    by: Annotated[str, Query(max_length=40, description="Comma-separated grouping: month, "
                             "agency, counter (an officer's account); empty: the total only")]
    = "month,agency",
    agency: Annotated[str | None, Query(max_length=32, description="One agency's code; staff "
                                        "always get their own")] = None,
    format: Annotated[Literal["json", "csv"], Query(description="json or csv")] = "json",
) -> Response:
    """Dossiers received, digitised and reused, results in electronic form, pages per
    working day and the median time from scan to signed copy, with the group-IV points
    (REGULATIONS 62–63). Staff see their agency; archivists and administrators every
    agency; citizens get 403. The screens' CSV link reaches this with their session."""
    services = services_of(request)
    report = await run_in_threadpool(
        reports.digitisation_report, services, since=since, until=until,
        by=reports.parse_grouping(by), agency=agency, viewer=account.viewer())
    names = await run_in_threadpool(reports.officer_names, services, report)
    if format == "csv":
        return Response(reports.report_csv(report, names), media_type=reports.CSV_MEDIA_TYPE,
                        headers={"Content-Disposition":
                                 f'attachment; filename="{reports.csv_filename(report)}"'})
    return JSONResponse(reports.report_json(report, names))
