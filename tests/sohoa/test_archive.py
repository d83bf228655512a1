"""Archiving per TT 13/2023/TT-BNV, end to end: due list, packages, validation, import,
transfer under Object Lock, holds and disposal. Real OCR, real signatures, real storage."""

from __future__ import annotations

import json
import uuid
from datetime import UTC, datetime, time, timedelta
from pathlib import Path
from typing import Any

import bagit
import pytest
from fastapi.testclient import TestClient
from lxml import etree
from minio.error import S3Error
from sqlalchemy import select, update
from typer.testing import CliRunner

from archive import PdfItem, open_package
from archive.premis import PREMIS
from archive.transfers import ArchivalTransfer
from archive.verdicts import RecordedVerdict
from kernel import Role, Viewer
from kernel.errors import ExitCode
from signing import DevPki, TrustServices, verify_pdf
from sohoa.cli.main import app as cli
from sohoa.runtime import build_services
from sohoa.services import Services
from sohoa.settings import Settings
from sohoa.usecases.archiving.checks import PooledChecker
from storage import BlobNotFound, RetentionLocked
from storage.encryption import VaultShredded
from tests.service_fixtures import NEW_CITIZEN, login, make_account
from tests.services import SeaweedS3
from tests.sohoa.archive_helpers import AGENCY, CITIZEN, closed_dossier, write_schedule
from vault.models import Dossier

pytestmark = pytest.mark.slow  # tens of seconds: scheduled first (tests/conftest.py)

runner = CliRunner()
ARCHIVIST = Viewer(Role.ARCHIVIST, "archivist:luutru.an")
SECOND = Viewer(Role.ARCHIVIST, "archivist:luutru.binh")
NOW = datetime.now(UTC)


def _ago(days: int) -> datetime:
    return (NOW - timedelta(days=days)).replace(microsecond=0)


@pytest.fixture(autouse=True)
def schedule(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    path = write_schedule(tmp_path)
    monkeypatch.setenv("SOHOA_RETENTION_FILE", str(path))
    return path


@pytest.fixture
def staff(services: Services, anonymous: TestClient) -> dict[str, str]:
    services.vault.agencies.add_agency(AGENCY, "UBND phường Bến Nghé", actor="test")
    make_account(services, "canbo", Role.STAFF, agency=AGENCY)
    make_account(services, "congdan", Role.CITIZEN, owner=CITIZEN)
    make_account(services, "luutru.an", Role.ARCHIVIST)
    make_account(services, "luutru.binh", Role.ARCHIVIST)
    return login(anonymous, "canbo")


def _cli(*args: str) -> Any:
    return runner.invoke(cli, list(args))


def _said(result: Any) -> str:
    """What the command printed, without the console's line wrapping."""
    return " ".join(result.output.split())


def _end(services: Services, code: str, at: datetime) -> None:
    """Move a closed dossier into the past (the clock of a test is today): received ten
    days before its work ended at ``at``."""
    with services.sessions() as session, session.begin():
        session.execute(update(Dossier).where(Dossier.code == code).values(
            ended_at=at, received_on=(at - timedelta(days=10)).date()))


def _payload(root: Path) -> dict[str, bytes]:
    return {p.relative_to(root).as_posix(): p.read_bytes()
            for p in sorted((root / "data/representations").rglob("*")) if p.is_file()}


# -- export, validation, import ---------------------------------------------------------------
def test_round_trip_export_validate_import_gives_the_same_files_and_metadata(
        services: Services, anonymous: TestClient, staff: dict[str, str], tmp_path: Path,
        empty_database_url: str) -> None:
    # REGULATIONS 9.D.27, 9.D.28, 9.D.29, 9.D.31, 9.D.33, 9.B.16, 9.B.18
    code = closed_dossier(services, anonymous, staff)
    exported = _cli("archive", "export", code, "-o", str(tmp_path / "out"), "--json")
    assert exported.exit_code == 0, exported.output
    path = Path(json.loads(exported.stdout)[0]["path"])
    assert path.name == code  # the dossier code is kept unchanged

    checked = _cli("archive", "validate", str(path), "--json")
    assert checked.exit_code == 0, checked.output
    report = json.loads(checked.stdout)[0]
    assert report["valid"] is True
    counts = {c["name"]: c["checked"] for c in report["checks"]}
    assert counts["signatures"] >= 2  # the operator's PDF/A and the agency's result
    assert counts["pdf"] >= 2

    opened = open_package(path)
    assert opened.metadata.Maintenance == "2 năm"
    meta = opened.metadata
    assert meta.FileNotation == code.rsplit("-", 2)[-2] + "-" + code.rsplit("-", 1)[-1]
    assert meta.file_code == f"{AGENCY}.{NOW.year}.{meta.FileNotation}"
    assert (meta.DocTotal, meta.PageTotal) == (2, 2)
    result = meta.documents[1]
    assert (result.TypeName, result.FullName, result.Position) == (
        "Giấy khai sinh", "Nguyễn Văn An", "Phó Chủ tịch")
    assert (result.CodeNumber, result.CodeNotation) == ("15", f"{NOW.year}/TLKS")
    assert any(h.kind == "OPINION" and h.official == "Trần Thị Bình" for h in opened.history)
    layout = {p.relative_to(path / "data").parts[:2] for p in (path / "data").rglob("*")
              if p.is_file()}
    assert {("representations", "original"), ("representations", "preservation"),
            ("metadata", "descriptive"), ("metadata", "preservation")} <= layout
    assert (path / "manifest-sha256.txt").exists()

    # A second system, sharing nothing but trust in the first one's root (and not its own
    # development root, which bears the same name).
    second = build_services(Settings(
        data_dir=tmp_path / "second", database_url=empty_database_url, trust_dev_root=False,
        trust_roots=str(services.settings.pki_dir / "root.cert.pem")))
    try:
        imported = second.archives.import_package(path, viewer=ARCHIVIST)
        assert imported.code == code
        again = second.archives.export(code, tmp_path / "again", viewer=ARCHIVIST)
    finally:
        second.close()
    assert _payload(again.path) == _payload(path)
    for name in ("metadata/descriptive/appendix6.xml", "metadata/other/history.xml"):
        assert (again.path / "data" / name).read_bytes() == (path / "data" / name).read_bytes()
    record, record_again = (json.loads((p / "data/metadata/other/sohoa-record.json")
                                       .read_bytes()) for p in (path, again.path))
    assert record_again["dossier"] == record["dossier"]
    assert record_again["documents"] == record["documents"]


def test_a_dossier_ended_after_midnight_in_hanoi_ends_on_the_vietnamese_date(
        services: Services, anonymous: TestClient, staff: dict[str, str],
        tmp_path: Path) -> None:
    # REGULATIONS 9.D.31: EndDate is the day the counter saw, as StartDate (received_on) is
    code = closed_dossier(services, anonymous, staff)
    at = datetime.combine(NOW.date() - timedelta(days=3), time(17, 30), tzinfo=UTC)
    vietnam_day = (at + timedelta(hours=7)).date()  # 00:30 the next day in Hà Nội
    with services.sessions() as session, session.begin():
        session.execute(update(Dossier).where(Dossier.code == code).values(
            ended_at=at, received_on=vietnam_day))
    written = services.archives.export(code, tmp_path / "out", viewer=ARCHIVIST)
    assert written.report.valid, written.report.lines_vi()
    meta = open_package(written.path).metadata
    assert meta.StartDate == meta.EndDate == vietnam_day


def test_several_dossiers_export_at_once_each_package_validated_as_it_is_written(
        services: Services, anonymous: TestClient, staff: dict[str, str], tmp_path: Path,
        monkeypatch: pytest.MonkeyPatch) -> None:
    # REGULATIONS 9.D.27, 9.D.33: two worker processes check the PDFs and signatures
    monkeypatch.setenv("SOHOA_ARCHIVE_WORKERS", "2")
    codes = [closed_dossier(services, anonymous, staff) for _ in range(2)]
    result = _cli("archive", "export", *codes, "-o", str(tmp_path / "out"), "--json")
    assert result.exit_code == 0, result.output
    items = json.loads(result.stdout)
    assert [i["dossier"] for i in items] == codes
    for item in items:
        report = item["validation"]
        assert report["valid"] is True, report
        signatures = next(c for c in report["checks"] if c["name"] == "signatures")
        assert signatures["checked"] >= 2
        # The PREMIS validation events record the same checks, one per signed file.
        premis = etree.parse(str(Path(item["path"]) / "data/metadata/preservation/premis.xml"))
        outcomes = premis.xpath(
            "//p:event[p:eventType='digital signature validation']"
            "/p:eventOutcomeInformation/p:eventOutcome/text()", namespaces={"p": PREMIS})
        assert outcomes == ["success"] * signatures["checked"]


def test_worker_processes_judge_signatures_as_the_service_does(
        services: Services, anonymous: TestClient, staff: dict[str, str], tmp_path: Path) -> None:
    code = closed_dossier(services, anonymous, staff)
    written = services.archives.export(code, tmp_path / "out", viewer=ARCHIVIST)
    signed = [PdfItem(p, signed=True) for p in sorted(
        (written.path / "data/representations/preservation/data").glob("*.signed.pdf"))]
    assert signed
    stranger = DevPki(tmp_path / "other-pki")  # a root this system's signers never used
    untrusted = TrustServices(trust_roots=tuple(stranger.trust_roots()))
    with PooledChecker(services.trust, 2) as trusting, PooledChecker(untrusted, 2) as wary:
        assert trusting.check(signed) == services.archives.checker.check(signed)
        assert all(v.signatures == [] for v in trusting.check(signed))
        refused = wary.check(signed)
    assert all(v.signatures and "chữ ký" in v.signatures[0] for v in refused), refused


def test_export_reuses_the_verdicts_recorded_at_signing_and_a_foreign_check_reuses_none(
        services: Services, anonymous: TestClient, staff: dict[str, str], tmp_path: Path,
        monkeypatch: pytest.MonkeyPatch) -> None:
    # Issue 30 item 4: each signed file's verdict was recorded when it was signed (the
    # operator's scan, the agency's result), under the SHA-256 of its bytes and dated then
    code = closed_dossier(services, anonymous, staff)
    with services.sessions() as session:
        rows = session.scalars(select(RecordedVerdict).where(RecordedVerdict.signed)).all()
        assert len(rows) == 2 and all(r.signatures == [] and r.problem is None for r in rows)
        # Marked as a failure here: if the export reuses the verdict, it reports this
        # instead of checking again, which would find the signature valid.
        session.execute(update(RecordedVerdict).where(RecordedVerdict.sha256 == rows[0].sha256)
                        .values(signatures=["ghi nhận khi ký: không hợp lệ"]))
        session.commit()
    written = services.archives.export(code, tmp_path / "out", viewer=ARCHIVIST,
                                       now=NOW + timedelta(days=300))
    signatures = next(c for c in written.report.checks if c.name == "signatures")
    assert signatures.checked == 2
    assert len(signatures.problems) == 1 and "ghi nhận khi ký" in signatures.problems[0]
    # The PREMIS events carry the verdicts' own dates, not the export's.
    premis = etree.parse(str(written.path / "data/metadata/preservation/premis.xml"))
    dates = premis.xpath("//p:event[p:eventType='digital signature validation']"
                         "/p:eventDateTime/text()", namespaces={"p": PREMIS})
    assert len(dates) == 2 and all(
        abs(datetime.fromisoformat(d) - NOW) < timedelta(hours=1) for d in dates), dates
    # A package handed in from elsewhere is checked in full: the same bytes validate.
    monkeypatch.setenv("SOHOA_ARCHIVE_WORKERS", "2")
    result = _cli("archive", "validate", str(written.path), str(written.path), "--json")
    reports = json.loads(result.stdout)
    assert result.exit_code == 0 and [r["valid"] for r in reports] == [True, True], reports


def test_an_open_dossier_cannot_be_exported(services: Services, anonymous: TestClient,
                                            staff: dict[str, str], tmp_path: Path) -> None:
    opened = anonymous.post("/api/v1/dossiers", headers=staff,
                            json={"owner": CITIZEN, "procedure": "TRICHLUC", **NEW_CITIZEN}).json()
    result = _cli("archive", "export", opened["dossier"]["code"], "-o", str(tmp_path / "out"))
    assert result.exit_code == ExitCode.CONFLICT  # the request is right, the dossier's state is not
    assert "invalid_transition" in result.output
    assert not (tmp_path / "out").exists() or list((tmp_path / "out").iterdir()) == []


def test_validation_of_a_real_package_catches_damage_and_a_broken_signature(
        services: Services, anonymous: TestClient, staff: dict[str, str],
        tmp_path: Path) -> None:
    # REGULATIONS 9.D.27, 9.D.32, 9.A.8
    code = closed_dossier(services, anonymous, staff)
    written = services.archives.export(code, tmp_path / "out", viewer=ARCHIVIST)
    preservation = written.path / "data/representations/preservation/data"
    signed = next(p for p in sorted(preservation.iterdir()) if ".signed." in p.name)
    scan = next((written.path / "data/representations/original/data").iterdir())

    # The result's signed bytes say "fpdf2" (its producer): one letter changed inside the
    # signed range, and the bag recomputed so that only the signature can tell.
    data = signed.read_bytes()
    assert data.count(b"fpdf2") >= 1
    signed.write_bytes(data.replace(b"fpdf2", b"fpdf3", 1))
    scan.unlink()
    bagit.Bag(str(written.path)).save(manifests=True)

    result = _cli("archive", "validate", str(written.path), "--json")
    assert result.exit_code == 1
    report = json.loads(result.stdout)[0]
    problems = {c["name"]: c["problems"] for c in report["checks"]}
    assert any(signed.name in p for p in problems["signatures"]), problems
    assert any(scan.name in p and "not in the bag" in p for p in problems["mets"]), problems
    human = _cli("archive", "validate", str(written.path))
    assert "KHÔNG HỢP LỆ" in human.output and "Chữ ký số" in human.output


def test_an_invalid_package_is_not_imported(services: Services, anonymous: TestClient,
                                            staff: dict[str, str], tmp_path: Path) -> None:
    code = closed_dossier(services, anonymous, staff)
    written = services.archives.export(code, tmp_path / "out", viewer=ARCHIVIST)
    next((written.path / "data/representations/original/data").iterdir()).write_bytes(b"x")
    result = _cli("archive", "import", str(written.path), "--by", "luutru.an")
    assert result.exit_code == ExitCode.CONFLICT
    assert "the package is not valid" in _said(result)
    refused = _cli("archive", "import", str(written.path), "--by", "canbo")
    assert refused.exit_code == 2 and "not an active archivist" in _said(refused)  # a bad --by


# -- due list ------------------------------------------------------------------------------------
def test_the_due_list_shows_the_notice_and_overdue_dossiers(
        services: Services, anonymous: TestClient, staff: dict[str, str]) -> None:
    # REGULATIONS 9.D.30
    pending, soon, late = (closed_dossier(services, anonymous, staff) for _ in range(3))
    _end(services, pending, _ago(30))
    _end(services, soon, _ago(350))
    _end(services, late, _ago(400))
    archivist = login(anonymous, "luutru.an")

    due = anonymous.get("/api/v1/archive/due", headers=archivist).json()["items"]
    assert [(i["code"], i["state"]) for i in due] == [(late, "overdue"), (soon, "due_soon")]
    every = anonymous.get("/api/v1/archive/due", headers=staff, params={"all": True}).json()
    assert [i["code"] for i in every["items"]] == [late, soon, pending]
    assert every["items"][2]["state"] == "pending"
    assert anonymous.get("/api/v1/archive/due",
                         headers=login(anonymous, "congdan")).status_code == 403

    listed = _cli("archive", "due", "--json")
    assert listed.exit_code == 0, listed.output
    assert [i["code"] for i in json.loads(listed.stdout)] == [late, soon]
    services.archives.transfer(late, viewer=ARCHIVIST)
    assert [i.code for i in services.archives.due(viewer=ARCHIVIST, today=NOW.date())] == [soon]


# -- transfer under Object Lock ------------------------------------------------------------------
@pytest.fixture
def locked_archive(seaweed: SeaweedS3, monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> str:
    """Archival storage in a SeaweedFS bucket with Object Lock; every dossier permanent."""
    permanent = tmp_path / "permanent.yaml"
    permanent.write_text('rules:\n  - category: Mọi hồ sơ\n    procedures: ["*"]\n'
                         '    retention: permanent\n    basis: Bộ kiểm thử\n', encoding="utf-8")
    monkeypatch.setenv("SOHOA_RETENTION_FILE", str(permanent))
    bucket = f"archive-{uuid.uuid4().hex[:10]}"
    monkeypatch.setenv("SOHOA_ARCHIVE_STORAGE_URL", f"s3://{bucket}")
    monkeypatch.setenv("SOHOA_S3_ENDPOINT", seaweed.endpoint)
    monkeypatch.setenv("SOHOA_S3_ACCESS_KEY", seaweed.access_key)
    monkeypatch.setenv("SOHOA_S3_SECRET_KEY", seaweed.secret_key)
    monkeypatch.setenv("SOHOA_S3_SECURE", "false")
    return bucket


@pytest.mark.s3
def test_a_transferred_package_is_locked_in_seaweedfs(
        locked_archive: str, seaweed: SeaweedS3, services: Services, anonymous: TestClient,
        staff: dict[str, str], tmp_path: Path) -> None:
    # REGULATIONS 9.D.34: kept for its whole retention period, whatever an operator does.
    code = closed_dossier(services, anonymous, staff)
    _end(services, code, _ago(40))
    archivist = login(anonymous, "luutru.an")
    made = anonymous.post("/api/v1/archive/transfers", headers=archivist,
                          json={"dossier": code})
    assert made.status_code == 201, made.text
    transfer = made.json()["transfer"]
    assert transfer["locked"] is True and transfer["maintenance"] == "Vĩnh viễn"
    assert transfer["received_by"] == "archivist:luutru.an"
    assert transfer["handed_over_by"] == "canbo"  # who closed the dossier
    again = anonymous.post("/api/v1/archive/transfers", headers=archivist,
                           json={"dossier": code})
    assert again.status_code == 409

    client = seaweed.client()
    stored = [o for o in client.list_objects(locked_archive, recursive=True,
                                             include_version=True)]
    assert len(stored) == transfer["files"] + 9  # 4 metadata files, METS, 4 bag tag files
    with pytest.raises(S3Error) as refused:
        client.remove_object(locked_archive, stored[0].object_name,
                             version_id=stored[0].version_id)
    assert refused.value.code == "AccessDenied"
    with pytest.raises(RetentionLocked):
        services.archives.store.delete(stored[0].object_name)
    # Nor can the archive itself destroy it: a permanent dossier is never disposable.
    proposal = anonymous.post("/api/v1/archive/disposals", headers=archivist,
                              json={"dossier": code, "reason": "Thử"})
    assert proposal.status_code == 409 and "permanently" in proposal.text

    checked = anonymous.post(f"/api/v1/archive/transfers/{code}/validation", headers=archivist)
    assert checked.status_code == 200, checked.text
    assert checked.json()["report"]["valid"] is True


# -- holds and disposal ------------------------------------------------------------------------------
def test_disposal_needs_the_period_to_have_run_no_hold_and_a_second_person(
        services: Services, anonymous: TestClient, staff: dict[str, str],
        tmp_path: Path) -> None:
    # REGULATIONS 9.D.34, 9.D.35
    young, old = (closed_dossier(services, anonymous, staff) for _ in range(2))
    _end(services, young, _ago(200))
    _end(services, old, _ago(3 * 366))
    for code in (young, old):
        services.archives.transfer(code, viewer=ARCHIVIST)
    an, binh = login(anonymous, "luutru.an"), login(anonymous, "luutru.binh")
    objects = services.archives.store

    early = anonymous.post("/api/v1/archive/disposals", headers=an,
                           json={"dossier": young, "reason": "Hết hạn"})
    assert early.status_code == 409 and "retention runs until" in early.text
    review = anonymous.get("/api/v1/archive/disposals/review", headers=an).json()["items"]
    assert [r["dossier_code"] for r in review] == [old]

    hold = anonymous.post(f"/api/v1/archive/dossiers/{old}/holds", headers=an,
                          json={"reason": "Tòa án yêu cầu giữ hồ sơ"})
    assert hold.status_code == 201
    held = anonymous.post("/api/v1/archive/disposals", headers=an,
                          json={"dossier": old, "reason": "Hết hạn"})
    assert held.status_code == 409 and "legal hold" in held.text
    released = anonymous.post(f"/api/v1/archive/holds/{hold.json()['hold']}/release",
                              headers=an, json={"reason": "Vụ án đã xong"})
    assert released.status_code == 200

    proposed = anonymous.post("/api/v1/archive/disposals", headers=an,
                              json={"dossier": old, "reason": "Hết thời hạn bảo quản"})
    assert proposed.status_code == 201, proposed.text
    disposal = proposed.json()["disposal"]
    row = next(t for t in services.archives.transfers(viewer=ARCHIVIST) if t.dossier_code == old)
    keys = [o["key"] for o in _objects(services, old)]
    sealed = objects.inner.get(keys[0], verify=False)  # a copy, as a backup would hold it

    alone = anonymous.post(f"/api/v1/archive/disposals/{disposal}/approval", headers=an,
                           json={"decision": "QĐ 7/QĐ-UBND"})
    assert alone.status_code == 409 and "second person" in alone.text
    done = anonymous.post(f"/api/v1/archive/disposals/{disposal}/approval", headers=binh,
                          json={"decision": "QĐ 7/QĐ-UBND"})
    assert done.status_code == 200, done.text
    assert done.json()["record_number"] == f"{NOW.year}-0001/BBH"
    tombstone = done.json()["tombstone"]
    assert tombstone["package_checksum"] == row.package_checksum
    assert len(tombstone["files"]) == len(keys)

    for key in keys:  # gone from the bucket …
        with pytest.raises(BlobNotFound):
            objects.get(key)
    objects.inner.put(keys[0], sealed)  # … and a copy put back cannot be opened
    with pytest.raises(VaultShredded):
        objects.get(keys[0])
    assert anonymous.post(f"/api/v1/archive/transfers/{old}/validation",
                          headers=an).status_code == 409

    record = anonymous.get(f"/api/v1/archive/disposals/{disposal}/record", headers=binh)
    assert record.status_code == 200
    verified = verify_pdf(record.content, services.trust)
    assert verified.signed and all(s.bottom_line for s in verified.signatures)
    saved = _cli("archive", "record", disposal, "-o", str(tmp_path / "bbh.pdf"),
                 "--by", "luutru.an")
    assert saved.exit_code == 0 and (tmp_path / "bbh.pdf").read_bytes() == record.content
    listed = _cli("archive", "transfers", "--by", "luutru.binh", "--json")
    assert {t["dossier_code"]: bool(t["disposed_at"]) for t in json.loads(listed.stdout)} == {
        young: False, old: True}


def _objects(services: Services, code: str) -> list[dict[str, Any]]:
    """The stored objects of a dossier's transfer, as the transfer recorded them."""
    with services.sessions() as session:
        return list(session.scalar(select(ArchivalTransfer.objects)
                                   .where(ArchivalTransfer.dossier_code == code)) or [])
