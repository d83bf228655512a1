"""The digitisation report and QĐ 766 group IV (REGULATIONS 62–63), on SQLite and PostgreSQL.

Five dossiers at two agencies over March and April 2026, received, scanned, reused
from the vault and resolved through the service as counters do; every figure of
the report is then checked against the count made by hand below.
"""

from __future__ import annotations

import csv
import io
import json
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import update
from typer.testing import CliRunner

from kernel import Role, Viewer, parse_owner_id
from sohoa.api import create_app
from sohoa.cli.main import app
from sohoa.runtime import build_services
from sohoa.services import Services
from sohoa.settings import Settings
from tests.reviews import review_dossier
from tests.sealing import holder
from tests.service_fixtures import CONFIRMED_CITIZEN, login, make_account
from vault import DossierStatus, FileRole, Forbidden, IndicatorError, IndicatorSet, NewFile, ReportQuery
from vault.models import Document, DocumentStatus, FileVersion
from vault.statistics import working_days

A, B = "000.00.31.H50", "000.00.31.H51"
X, Y = "001099012345", "079199000111"
AN = Viewer(Role.STAFF, "staff:canbo.an", agency=A)
BINH = Viewer(Role.STAFF, "staff:canbo.binh", agency=A)
CHI = Viewer(Role.STAFF, "staff:canbo.chi", agency=B)
MARCH_AND_APRIL = ReportQuery(date(2026, 3, 1), date(2026, 4, 30), ("month", "agency", "counter"))


def _at(day: date, hour: int = 9) -> datetime:
    """``hour`` o'clock in Vietnam on ``day``."""
    return datetime(day.year, day.month, day.day, hour - 7, tzinfo=UTC)


def _pdf(name: str) -> bytes:
    return f"%PDF-1.4\n% {name}\n".encode()


def _stored(services: Services, owner: str, doc_type: str) -> None:
    """A document already in the owner's vault from an earlier year."""
    record = services.vault.filing.file_document(
        owner=parse_owner_id(owner), title=doc_type, page_count=1, operator="Hoa",
        scanned_at=datetime(2025, 1, 6, 2, tzinfo=UTC), actor="staff:earlier",
        agency_code=A, files=[NewFile(FileRole.ORIGINAL.value, _pdf(doc_type),
                                      "application/pdf")])
    with services.sessions() as session, session.begin():
        session.execute(update(Document).where(Document.id == record.id).values(
            doc_type=doc_type, status=DocumentStatus.STORED.value))


def _scan(services: Services, code: str, owner: str, component: str, viewer: Viewer,
          at: datetime, *, pages: int, signed_after: float) -> None:
    """A component scanned at the counter, its signed copy made ``signed_after`` s later."""
    record = services.vault.filing.file_document(
        owner=parse_owner_id(owner), title=component, page_count=pages, operator="Cán bộ",
        scanned_at=at, actor=viewer.actor, dossier_code=code, agency_code=viewer.agency,
        files=[NewFile(FileRole.ORIGINAL.value, _pdf(code + component), "application/pdf"),
               NewFile(FileRole.SIGNED.value, _pdf(code + component + "signed"),
                       "application/pdf")])
    with services.sessions() as session, session.begin():  # the pipeline's signing moment
        session.execute(update(FileVersion).where(
            FileVersion.document_id == record.id, FileVersion.role == FileRole.SIGNED.value)
            .values(created_at=at + timedelta(seconds=signed_after)))
    services.vault.intake.attach(code, component, record.id, viewer=viewer)


@pytest.fixture
def month_of_work(services: Services) -> Services:
    vault = services.vault
    vault.agencies.add_agency(A, "UBND phường Bến Nghé", actor="test")
    vault.agencies.add_agency(B, "UBND phường Đa Kao", actor="test")
    for doc_type in ("TK", "CCCD"):
        _stored(services, X, doc_type)
    x, y = parse_owner_id(X), parse_owner_id(Y)
    # 10 March, Bến Nghé, An: X's form and ID come from her vault; An scans the third
    # paper (2 pages, signed 40 s later), files the result, completes on 12 March.
    d1 = vault.intake.open_case(A, x, procedure="DKKH", viewer=AN, now=_at(date(2026, 3, 10)),
                                new_owner=CONFIRMED_CITIZEN).code
    _scan(services, d1, X, "XNTTHN", AN, _at(date(2026, 3, 10), 10), pages=2, signed_after=40)
    vault.casework.file_result(d1, files=[NewFile(FileRole.ORIGINAL.value, _pdf("kq"), "application/pdf")],
                      page_count=1, title="Giấy chứng nhận kết hôn", doc_type="GCNKH",
                      fields={}, viewer=AN)
    review_dossier(services, d1, AN)
    vault.casework.transition(d1, DossierStatus.COMPLETED, viewer=AN, now=_at(date(2026, 3, 12)))
    # 10 March, An: Y brings nothing digitised and nothing is scanned yet.
    vault.intake.open_case(A, y, procedure="DKKH", viewer=AN, now=_at(date(2026, 3, 10), 11),
                           new_owner=CONFIRMED_CITIZEN)
    # 20 March, Bình: Y again; one page scanned, signed 100 s later.
    d3 = vault.intake.open_case(A, y, procedure="DKKH", viewer=BINH, now=_at(date(2026, 3, 20))).code
    _scan(services, d3, Y, "TK", BINH, _at(date(2026, 3, 20), 10), pages=1, signed_after=100)
    # 11 March, Đa Kao, Chi: X's two vault documents again, nothing scanned.
    vault.intake.open_case(B, x, procedure="DKKH", viewer=CHI, now=_at(date(2026, 3, 11)))
    # 2 April, An: Y, nothing yet.
    vault.intake.open_case(A, y, procedure="DKKH", viewer=AN, now=_at(date(2026, 4, 2)))
    return services


def test_the_report_counts_what_the_counters_did(month_of_work: Services) -> None:
    # REGULATIONS 62, 63(a)-(c), 9.C.23 (reuse measured), 9.A (pages, scan→signed)
    report = month_of_work.vault.statistics.digitisation_report(
        MARCH_AND_APRIL, month_of_work.indicators, viewer=Viewer.system("test"))
    rows = {(r.month, r.agency, r.counter): r for r in report.rows}
    assert list(rows) == [("2026-03", A, "canbo.an"), ("2026-03", A, "canbo.binh"),
                          ("2026-03", B, "canbo.chi"), ("2026-04", A, "canbo.an")]
    an = rows[("2026-03", A, "canbo.an")]
    assert an.agency_name == "UBND phường Bến Nghé"
    assert an.counts == {
        "received": 2, "digitised": 1, "fully_digitised": 1, "reused": 1,
        "components_required": 6, "components_from_vault": 2, "resolved": 1,
        "results_electronic": 1, "results_not_required": 0, "documents": 1, "pages": 2}
    assert an.rates["digitisation_rate"] == 0.5
    assert an.rates["reuse_rate"] == pytest.approx(2 / 6)
    assert an.rates["electronic_result_rate"] == 1.0
    assert an.working_days == 22  # March 2026: 22 weekdays
    assert an.rates["pages_per_day"] == pytest.approx(2 / 22)
    assert an.median_scan_to_signed_s == 40
    # Group IV with the bundled formulas: 8 × 1/2 + 8 × 1/1 + 6 × 1/2 = 15 of 22.
    assert an.group_iv.points == pytest.approx(15)
    assert an.group_iv.band == "Trung bình"  # 68 %

    binh = rows[("2026-03", A, "canbo.binh")]
    assert (binh.counts["received"], binh.counts["digitised"], binh.counts["fully_digitised"],
            binh.counts["components_from_vault"], binh.counts["pages"]) == (1, 1, 0, 0, 1)
    # Nothing resolved: IV.2 has no rate, and the group is scored on IV.1 and IV.3 alone.
    assert [i.rate for i in binh.group_iv.indicators] == [1.0, None, 0.0]
    assert binh.group_iv.points == pytest.approx(22 * 8 / 14)

    chi = rows[("2026-03", B, "canbo.chi")]
    assert (chi.counts["received"], chi.counts["digitised"], chi.counts["reused"],
            chi.counts["components_from_vault"], chi.counts["documents"]) == (1, 1, 1, 2, 0)
    assert chi.median_scan_to_signed_s is None and chi.rates["pages_per_day"] == 0

    april = rows[("2026-04", A, "canbo.an")]
    assert april.counts["received"] == 1 and april.rates["digitisation_rate"] == 0
    assert april.working_days == 22

    total = report.total
    assert (total.counts["received"], total.counts["digitised"], total.counts["reused"],
            total.counts["components_required"], total.counts["components_from_vault"],
            total.counts["pages"]) == (5, 3, 2, 15, 4, 3)
    assert total.median_scan_to_signed_s == 70  # of 40 s and 100 s
    assert total.working_days == 44


def test_staff_see_their_own_agency_and_citizens_see_none(month_of_work: Services) -> None:
    # REGULATIONS 65 (statistics for the unit), security: no agency reads another's figures
    by_agency = ReportQuery(date(2026, 3, 1), date(2026, 3, 31), ("agency",))
    mine = month_of_work.vault.statistics.digitisation_report(by_agency, month_of_work.indicators,
                                                   viewer=CHI)
    assert [r.agency for r in mine.rows] == [B] and mine.total.counts["received"] == 1
    assert mine.query.agency == B
    with pytest.raises(Forbidden):
        month_of_work.vault.statistics.digitisation_report(
            ReportQuery(by_agency.since, by_agency.until, ("agency",), A),
            month_of_work.indicators, viewer=CHI)
    with pytest.raises(Forbidden):
        month_of_work.vault.statistics.digitisation_report(
            by_agency, month_of_work.indicators,
            viewer=holder(month_of_work.vault, Role.CITIZEN, "citizen:x", X))


def test_the_api_serves_json_and_csv_with_the_same_figures(month_of_work: Services) -> None:
    services = month_of_work
    make_account(services, "canbo.an", Role.STAFF, agency=A)
    make_account(services, "quantri", Role.ADMIN)
    make_account(services, "congdan", Role.CITIZEN, owner=X)
    with TestClient(create_app(services=services)) as client:
        admin, staff, citizen = (login(client, u) for u in ("quantri", "canbo.an", "congdan"))
        params = {"since": "2026-03-01", "until": "2026-04-30", "by": "month,counter"}
        body = client.get("/api/v1/reports/digitisation", params=params, headers=admin).json()
        assert body["by"] == ["month", "agency", "counter"]
        assert body["total"]["received"] == 5 and body["indicators"]["max_points"] == 22
        first = body["rows"][0]
        assert (first["counter"], first["counter_name"], first["digitisation_rate"],
                first["group_iv"]["points"]) == ("canbo.an", "canbo.an", 0.5, 15.0)

        got = client.get("/api/v1/reports/digitisation", headers=admin,
                         params={**params, "format": "csv"})
        assert got.status_code == 200 and got.headers["content-type"].startswith("text/csv")
        assert "attachment" in got.headers["content-disposition"]
        assert got.content.startswith("\ufeff".encode())  # Excel reads it as UTF-8
        lines = list(csv.DictReader(io.StringIO(got.content.decode("utf-8-sig"))))
        assert [(r["line"], r["month"], r["counter"]) for r in lines] == [
            ("row", "2026-03", "canbo.an"), ("row", "2026-03", "canbo.binh"),
            ("row", "2026-03", "canbo.chi"), ("row", "2026-04", "canbo.an"), ("total", "", "")]
        assert lines[0]["agency_name"] == "UBND phường Bến Nghé"
        assert (lines[0]["received"], lines[0]["IV.1 rate"], lines[0]["group_iv_points"]) == (
            "2", "0.5", "15.0")
        assert lines[-1]["pages"] == "3" and lines[-1]["median_scan_to_signed_s"] == "70.0"

        own = client.get("/api/v1/reports/digitisation", params=params, headers=staff).json()
        assert {r["agency"] for r in own["rows"]} == {A} and own["total"]["received"] == 4
        other = client.get("/api/v1/reports/digitisation", headers=staff,
                           params={**params, "agency": B})
        assert other.status_code == 403 and "agency" in other.json()["error"]["message"]
        assert client.get("/api/v1/reports/digitisation", params=params,
                          headers=citizen).status_code == 403
        assert client.get("/api/v1/reports/digitisation", params=params).status_code == 401


@pytest.mark.parametrize(("params", "named"), [
    ({"since": "2026-04-30", "until": "2026-03-01"}, "ends before it starts"),
    ({"since": "2020-01-01", "until": "2026-03-01"}, "at most 400 days"),
    ({"since": "2026-03-01", "until": "2026-03-31", "by": "week"}, "group by"),
    ({"since": "2026-03-01", "until": "2026-03-31", "format": "xlsx"}, "format"),
    ({"since": "1/3/2026", "until": "2026-03-31"}, "since"),
])
def test_bad_report_requests_name_the_problem(services: Services, params: dict[str, str],
                                              named: str) -> None:
    make_account(services, "quantri", Role.ADMIN)
    with TestClient(create_app(services=services)) as client:
        got = client.get("/api/v1/reports/digitisation", params=params,
                         headers=login(client, "quantri"))
    assert got.status_code == 422 and named in got.text


def test_the_formulas_come_from_a_file_and_a_bad_one_stops_the_start(
        month_of_work: Services, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    # REGULATIONS 63 (formulas configurable until the official ones are read)
    own = tmp_path / "group_iv.yaml"
    own.write_text(
        "name: Nhóm IV (tỉnh)\nmax_points: 22\nindicators:\n"
        "  - {code: A, name: Đầy đủ, numerator: fully_digitised, denominator: received,"
        " points: 12, full_at: 0.5}\n"
        "  - {code: B, name: Dùng lại, numerator: components_from_vault,"
        " denominator: components_required, points: 10}\n"
        "bands: [{from: 0, name: Yếu}, {from: 40, name: Đạt}]\n", encoding="utf-8")
    indicators = IndicatorSet.load(own)
    assert not indicators.example
    report = month_of_work.vault.statistics.digitisation_report(
        ReportQuery(date(2026, 3, 1), date(2026, 3, 31), ("agency",), A), indicators,
        viewer=Viewer.system("test"))
    # A: 1 of 3 fully digitised, full points from 50 % → 12 × (1/3) / 0.5 = 8;
    # B: 2 of 9 required components from the vault → 10 × 2/9.
    assert report.total.group_iv.points == pytest.approx(8 + 10 * 2 / 9)
    assert report.total.group_iv.band == "Đạt"

    for text, named in [
        ("max_points: 22\nindicators:\n  - {code: A, name: x, numerator: scans,"
         " denominator: received, points: 22}\n", "scans"),
        ("max_points: 20\nindicators:\n  - {code: A, name: x, numerator: reused,"
         " denominator: received, points: 22}\n", "do not add up"),
        ("max_points: 22\nindicators: []\n", "no indicators"),
    ]:
        own.write_text(text, encoding="utf-8")
        with pytest.raises(IndicatorError, match=named):
            IndicatorSet.load(own)
    monkeypatch.setenv("SOHOA_REPORT_INDICATORS", str(own))
    with pytest.raises(IndicatorError, match=str(own)):
        build_services(Settings())


def test_working_days_are_weekdays_of_the_period() -> None:
    assert working_days(date(2026, 3, 1), date(2026, 3, 31)) == 22
    assert working_days(date(2026, 3, 7), date(2026, 3, 8)) == 0  # a weekend
    assert working_days(date(2026, 3, 9), date(2026, 3, 9)) == 1
    assert working_days(date(2026, 3, 9), date(2026, 3, 8)) == 0
    assert working_days(date(2026, 1, 1), date(2026, 12, 31)) == 261


def test_the_command_line_prints_and_writes_the_same_report(month_of_work: Services,
                                                            tmp_path: Path) -> None:
    out = tmp_path / "bao-cao.csv"
    runner = CliRunner()
    done = runner.invoke(app, ["report", "digitisation", "--since", "2026-03-01", "--until",
                               "2026-04-30", "--by", "agency", "--csv", str(out), "--json"])
    assert done.exit_code == 0, done.output
    body = json.loads(done.output)
    assert [(r["agency"], r["received"]) for r in body["rows"]] == [(A, 4), (B, 1)]
    assert out.read_bytes().decode("utf-8-sig").splitlines()[-1].startswith("total,")
    refused = runner.invoke(app, ["report", "digitisation", "--since", "2026-04-30",
                                  "--until", "2026-03-01"])
    assert refused.exit_code == 2 and "ends before it starts" in refused.output
