"""Digitisation statistics (thống kê số hóa) per month, agency and counter officer.

What a head of a one-stop unit is asked for each month, and what QĐ 766/QĐ-TTg
group IV rates (REGULATIONS 62–63): how many dossiers were received and how many
of them were digitised, how many components came from the citizen's vault instead
of paper, how many resolved dossiers have their result in electronic form, how
many pages the counters scanned a day and how long a scan waited for its signed
copy. Each measure counts from its own day — receipt for dossiers, completion for
results, the scan for pages — in Vietnam time.

Rows are read once, as a stream, and added up here rather than grouped in SQL:
the same code runs on SQLite and PostgreSQL without date functions of either, and
the median needs the single durations anyway. A year of a province is a few
million small tuples, well within a report's budget; the range is bounded by the
caller (``Settings.report_max_days``).

The "counter" is the officer's account: who received the dossier, who filed the
scan. Counters are desks staffed in turns, so the person is what can be measured;
applications made online have no counter and form a row of their own.
"""

from __future__ import annotations

import statistics
from array import array
from collections import Counter
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field, replace
from datetime import date, datetime, time, timedelta
from typing import Any

from sqlalchemy import Select, and_, case, exists, func, select
from sqlalchemy.orm import Session, aliased

from kernel import VIETNAM, Role, Viewer, local_day

from .audit import AuditEvent
from .case_rows import RESULT_KIND
from .errors import Forbidden, InvalidRecordValue
from .indicators import MEASURES, GroupScore, IndicatorSet
from .models import (
    Agency,
    Document,
    Dossier,
    DossierComponent,
    DossierEvent,
    DossierStatus,
    FileRole,
    FileVersion,
)
from .store import VaultStore

GROUPINGS = ("month", "agency", "counter")


@dataclass(frozen=True)
class ReportQuery:
    """A period of Vietnam dates (both ends included), how to group it, and which agency."""

    since: date
    until: date
    by: tuple[str, ...] = ("month", "agency")
    agency: str | None = None

    def __post_init__(self) -> None:
        if self.until < self.since:
            raise InvalidRecordValue(f"ngày kết thúc {self.until:%d/%m/%Y} trước ngày bắt đầu "
                                     f"{self.since:%d/%m/%Y} (the period ends before it starts)")
        unknown = [b for b in self.by if b not in GROUPINGS]
        if unknown:
            raise InvalidRecordValue(f"không nhóm theo được {', '.join(unknown)} (group by "
                                     f"{', '.join(GROUPINGS)} only)")
        # An officer works for one agency: a counter row is always inside its agency.
        wanted = set(self.by) | ({"agency"} if "counter" in self.by else set())
        object.__setattr__(self, "by", tuple(g for g in GROUPINGS if g in wanted))

    @property
    def days(self) -> int:
        return (self.until - self.since).days + 1


Key = tuple[str | None, str | None, str | None]


@dataclass
class Tally:
    """What one row of the report has counted so far."""

    counts: Counter[str] = field(default_factory=Counter)
    #: Seconds from each scan to its signed copy, for the median.
    waits: array[float] = field(default_factory=lambda: array("d"))


@dataclass(frozen=True)
class ReportRow:
    """One month × agency × counter (or any coarser grouping) with its rates."""

    month: str | None
    agency: str | None
    agency_name: str | None
    counter: str | None
    counts: dict[str, int]
    working_days: int
    median_scan_to_signed_s: float | None
    group_iv: GroupScore

    def rate(self, numerator: str, denominator: str) -> float | None:
        below = self.counts.get(denominator, 0)
        return self.counts.get(numerator, 0) / below if below else None

    @property
    def rates(self) -> dict[str, float | None]:
        resolved = self.counts.get("resolved", 0)
        electronic = (self.counts.get("results_electronic", 0)
                      + self.counts.get("results_not_required", 0))
        pages = self.counts.get("pages", 0)
        return {
            "digitisation_rate": self.rate("digitised", "received"),
            "full_digitisation_rate": self.rate("fully_digitised", "received"),
            "electronic_result_rate": electronic / resolved if resolved else None,
            "reuse_rate": self.rate("components_from_vault", "components_required"),
            "dossier_reuse_rate": self.rate("reused", "received"),
            "pages_per_day": pages / self.working_days if self.working_days else None,
        }

    def as_dict(self) -> dict[str, Any]:
        return {"month": self.month, "agency": self.agency, "agency_name": self.agency_name,
                "counter": self.counter, **self.counts,
                **{k: None if v is None else round(v, 4) for k, v in self.rates.items()},
                "working_days": self.working_days,
                "median_scan_to_signed_s": None if self.median_scan_to_signed_s is None
                else round(self.median_scan_to_signed_s, 1),
                "group_iv": self.group_iv.as_dict()}


@dataclass(frozen=True)
class DigitisationReport:
    query: ReportQuery
    rows: tuple[ReportRow, ...]
    total: ReportRow
    indicators: IndicatorSet
    generated_at: datetime

    def as_dict(self) -> dict[str, Any]:
        return {"since": self.query.since.isoformat(), "until": self.query.until.isoformat(),
                "by": list(self.query.by), "agency": self.query.agency,
                "generated_at": self.generated_at.isoformat(),
                "rows": [r.as_dict() for r in self.rows], "total": self.total.as_dict(),
                "indicators": self.indicators.as_dict()}


def working_days(since: date, until: date) -> int:
    """Monday to Friday between two dates, both included. Public holidays are not known
    to the service and count as working days."""
    if until < since:
        return 0
    weeks, extra = divmod((until - since).days + 1, 7)
    return weeks * 5 + sum(1 for n in range(extra) if (since + timedelta(n)).weekday() < 5)


def _month_bounds(month: str) -> tuple[date, date]:
    first = date.fromisoformat(f"{month}-01")
    following = (first + timedelta(days=32)).replace(day=1)
    return first, following - timedelta(days=1)


def _utc_range(query: ReportQuery) -> tuple[datetime, datetime]:
    start = datetime.combine(query.since, time(), VIETNAM)
    return start, datetime.combine(query.until + timedelta(days=1), time(), VIETNAM)


def _officer(actor: str | None) -> str | None:
    """``staff:canbo.an`` → ``canbo.an``, the account the screens name; None for an
    application the owner made online, and for the service's own work: no citizen's
    account name ever becomes a row of a report."""
    if actor is None or not actor.startswith(f"{Role.STAFF.value}:"):
        return None
    return actor.split(":", 1)[1]


class Statistics(VaultStore):
    """The digitisation report; the API, the screens and the CLI all read this one."""

    def digitisation_report(self, query: ReportQuery, indicators: IndicatorSet, *,
                            viewer: Viewer, today: date | None = None) -> DigitisationReport:
        """Counts, rates and the group-IV score for ``query``. Staff see their own agency;
        administrators and archivists every agency (the figures name no citizen);
        nobody else sees any."""
        agency = self._report_agency(query, viewer)
        query = replace(query, agency=agency)
        now = datetime.now(VIETNAM)
        last = min(query.until, today or local_day(now))
        tallies: dict[Key, Tally] = {}
        # Not the autocommit read sessions: a server-side cursor lives in a transaction.
        with self._sessions() as session:
            names: dict[str, str] = {code: name for code, name in session.execute(
                select(Agency.code, Agency.name))}
            for day, agency_code, actor, measures, wait in self._facts(session, query, agency):
                month = f"{day:%Y-%m}"
                for key in {self._key(query, month, agency_code, actor), (None, None, None)}:
                    tally = tallies.setdefault(key, Tally())
                    tally.counts.update(measures)
                    if wait is not None:
                        tally.waits.append(wait)
        total = tallies.pop((None, None, None), Tally())

        def row(key: Key, tally: Tally) -> ReportRow:
            month, code, counter = key
            start, end = _month_bounds(month) if month else (query.since, query.until)
            counts = {m: tally.counts.get(m, 0) for m in MEASURES}
            return ReportRow(
                month, code, names.get(code) if code else None, counter, counts,
                working_days(max(start, query.since), min(end, last)),
                statistics.median(tally.waits) if tally.waits else None,
                indicators.score(counts))

        rows = tuple(row(k, t) for k, t in sorted(tallies.items(), key=lambda kt: tuple(
            part or "" for part in kt[0])))
        return DigitisationReport(query, rows, row((None, None, None), total), indicators,
                                  now)

    @staticmethod
    def _key(query: ReportQuery, month: str, agency: str | None, actor: str | None) -> Key:
        return (month if "month" in query.by else None,
                (agency or "") if "agency" in query.by else None,
                (_officer(actor) or "") if "counter" in query.by else None)

    @staticmethod
    def _report_agency(query: ReportQuery, viewer: Viewer) -> str | None:
        if viewer.role is Role.STAFF:
            if not viewer.agency or (query.agency and query.agency != viewer.agency):
                raise Forbidden("cán bộ chỉ xem được báo cáo của cơ quan mình "
                                "(staff see the report of their own agency only)")
            return viewer.agency
        if viewer.role in (Role.ADMIN, Role.ARCHIVIST, Role.SYSTEM):
            return query.agency
        raise Forbidden("báo cáo số hóa dành cho cán bộ, lưu trữ viên và quản trị "
                        "(the digitisation report is for staff, archivists and administrators)")

    # -- the facts, one per dossier received, dossier resolved and document scanned ------
    def _facts(self, session: Session, query: ReportQuery, agency: str | None
               ) -> Iterator[tuple[date, str | None, str | None, dict[str, int], float | None]]:
        yield from self._received(session, query, agency)
        yield from self._resolved(session, query, agency)
        yield from self._scanned(session, query, agency)

    def _received(self, session: Session, query: ReportQuery, agency: str | None
                  ) -> Iterator[tuple[date, str | None, str | None, dict[str, int], None]]:
        c = DossierComponent
        filled = c.document_id.is_not(None)
        components = (select(
            c.dossier_id,
            func.sum(case((c.required, 1), else_=0)).label("required"),
            func.sum(case((and_(c.required, filled), 1), else_=0)).label("required_filled"),
            func.sum(case((filled, 1), else_=0)).label("filled"),
            func.sum(case((and_(c.required, c.source == "VAULT"), 1), else_=0)).label("vault"),
            func.sum(case((c.source == "VAULT", 1), else_=0)).label("any_vault"),
        ).group_by(c.dossier_id).subquery())
        scanned = exists().where(Document.dossier_id == Dossier.id,
                                 Document.kind != RESULT_KIND)
        statement = (
            self._dossier_facts(_has_result().label("result"), scanned.label("scanned"),
                                Dossier.received_on,
                                func.coalesce(components.c.required, 0),
                                func.coalesce(components.c.required_filled, 0),
                                func.coalesce(components.c.filled, 0),
                                func.coalesce(components.c.vault, 0),
                                func.coalesce(components.c.any_vault, 0))
            .outerjoin(components, components.c.dossier_id == Dossier.id)
            .where(Dossier.received_on >= query.since, Dossier.received_on <= query.until))
        for (code, actor, procedure, result, scanned_any, day, required, required_filled,
             filled, vault, any_vault) in self._stream(session, statement, agency):
            digitised = bool(filled or scanned_any)
            complete = required_filled == required and digitised
            yield day, code, actor, {
                "received": 1, "digitised": int(digitised),
                "fully_digitised": int(complete and (bool(result)
                                                     or not self._issues_result(procedure))),
                "reused": int(any_vault > 0), "components_required": int(required),
                "components_from_vault": int(vault)}, None

    def _resolved(self, session: Session, query: ReportQuery, agency: str | None
                  ) -> Iterator[tuple[date, str | None, str | None, dict[str, int], None]]:
        start, end = _utc_range(query)
        statement = self._dossier_facts(_has_result(), Dossier.completed_at).where(
            Dossier.status == DossierStatus.COMPLETED.value,
            Dossier.completed_at >= start, Dossier.completed_at < end)
        for code, actor, procedure, result, completed_at in self._stream(session, statement,
                                                                         agency):
            electronic = bool(result)
            yield local_day(completed_at), code, actor, {
                "resolved": 1, "results_electronic": int(electronic),
                "results_not_required": int(not electronic
                                            and not self._issues_result(procedure))}, None

    def _scanned(self, session: Session, query: ReportQuery, agency: str | None
                 ) -> Iterator[tuple[date, str | None, str | None, dict[str, int], float | None]]:
        start, end = _utc_range(query)
        signed = (select(func.min(FileVersion.created_at))
                  .where(FileVersion.document_id == Document.id,
                         FileVersion.role == FileRole.SIGNED.value).scalar_subquery())
        filer = (select(AuditEvent.actor)
                 .where(AuditEvent.subject_id == Document.id,
                        AuditEvent.subject_type == "document",
                        AuditEvent.action == "document.filed")
                 .limit(1).scalar_subquery())
        holder = aliased(Agency)
        statement = (
            select(holder.code, filer, Document.scanned_at, Document.page_count, signed)
            .select_from(Document)
            .outerjoin(Dossier, Dossier.id == Document.dossier_id)
            .join(holder, holder.id == func.coalesce(Document.agency_id, Dossier.agency_id))
            .where(Document.kind != RESULT_KIND, Document.scanned_at >= start,
                   Document.scanned_at < end))
        if agency is not None:
            statement = statement.where(holder.code == agency)
        for code, actor, scanned_at, pages, signed_at in session.execute(
                statement.execution_options(yield_per=2000)):
            wait = None if signed_at is None else max(
                0.0, (signed_at - scanned_at).total_seconds())
            yield local_day(scanned_at), code, actor, {"documents": 1, "pages": pages}, wait

    @staticmethod
    def _dossier_facts(*columns: Any) -> Select[Any]:
        """Dossier rows with their agency's code, the officer who received them and the
        procedure, then ``columns``."""
        opened = (select(DossierEvent.actor).where(DossierEvent.dossier_id == Dossier.id,
                                                   DossierEvent.kind == "OPENED")
                  .limit(1).scalar_subquery())
        return (select(Agency.code, opened, Dossier.procedure, *columns)
                .select_from(Dossier).join(Agency, Agency.id == Dossier.agency_id))

    @staticmethod
    def _stream(session: Session, statement: Select[Any], agency: str | None
                ) -> Iterable[Any]:
        if agency is not None:
            statement = statement.where(Agency.code == agency)
        return session.execute(statement.execution_options(yield_per=2000))

    def _issues_result(self, procedure: str | None) -> bool:
        """Whether the procedure ends with a result document; unknown ones are assumed to."""
        found = self.procedures.find(procedure) if procedure else None
        return found is None or bool(found.results)


def _has_result() -> Any:
    """The dossier has a live (not revoked) result in its owner's vault."""
    return exists().where(Document.dossier_id == Dossier.id, Document.kind == RESULT_KIND,
                          Document.owner_id == Dossier.owner_id,
                          Document.revoked_at.is_(None))

