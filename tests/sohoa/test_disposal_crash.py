"""A disposal killed at each of its steps (issue 25, item 8): whenever anything was
destroyed its signed destruction record exists, and ``sohoa fsck`` finishes it.

REGULATIONS 9.D.35: a dossier is destroyed only with a destruction record (biên bản
hủy); this proves no crash can leave the package gone without one.
"""

from __future__ import annotations

import subprocess
import sys
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select, update

from archive.transfers import ArchivalTransfer
from kernel import Role, Viewer
from retention.disposals import Disposal
from signing import verify_pdf
from sohoa.services import Services
from sohoa.usecases.fsck import fsck
from storage import BlobNotFound
from tests.service_fixtures import login, make_account
from tests.sohoa.archive_helpers import AGENCY, CITIZEN, closed_dossier, write_schedule
from tests.sohoa.disposal_child import KILLED
from vault.keys import VaultKey
from vault.models import Dossier

pytestmark = pytest.mark.slow

ROOT = Path(__file__).resolve().parents[2]
FIRST = Viewer(Role.ARCHIVIST, "archivist:luutru.an")
#: Where the child dies, and what that leaves: (step, record stored, key destroyed,
#: objects left of the package).
STEPS = [("record stored", False, False, "all"), ("approved", True, False, "all"),
         ("key destroyed", True, True, "all"), ("object deleted", True, True, "some")]


@pytest.fixture(autouse=True)
def schedule(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Retention periods of a few years (the services are built after this)."""
    monkeypatch.setenv("SOHOA_RETENTION_FILE", str(write_schedule(tmp_path)))


def _disposal_ready(services: Services, anonymous: TestClient,
                    staff: dict[str, str]) -> tuple[str, ArchivalTransfer]:
    """A dossier ended three years ago, transferred, and proposed for destruction."""
    code = closed_dossier(services, anonymous, staff)
    ended = (datetime.now(UTC) - timedelta(days=3 * 366)).replace(microsecond=0)
    with services.sessions() as session, session.begin():
        session.execute(update(Dossier).where(Dossier.code == code).values(
            ended_at=ended, received_on=(ended - timedelta(days=10)).date()))
    services.archives.transfer(code, viewer=FIRST)
    disposal = services.disposals.propose(code, "Hết thời hạn bảo quản", viewer=FIRST)
    with services.sessions() as session:
        transfer = session.scalars(select(ArchivalTransfer)
                                   .where(ArchivalTransfer.dossier_code == code)).one()
        session.expunge(transfer)
    return str(disposal), transfer


def _status(services: Services, disposal: str) -> Disposal:
    with services.sessions() as session:
        row = session.get_one(Disposal, disposal)
        session.expunge(row)
        return row


def _left(services: Services, transfer: ArchivalTransfer) -> int:
    present = 0
    for item in transfer.objects:
        try:
            services.archives.store.inner.get(item["key"], verify=False)
            present += 1
        except BlobNotFound:
            pass
    return present


def _readable(services: Services, transfer: ArchivalTransfer) -> bool:
    """Whether the package's data key still exists (read from the table: this process
    may hold the key in its cache for a while after another destroyed it)."""
    with services.sessions() as session:
        wrapped = session.scalar(select(VaultKey.wrapped)
                                 .where(VaultKey.vault == transfer.storage_vault))
    return wrapped is not None


def test_a_disposal_killed_at_any_step_has_its_record_and_fsck_finishes_it(
        services: Services, anonymous: TestClient) -> None:
    services.vault.agencies.add_agency(AGENCY, "UBND phường Bến Nghé", actor="test")
    make_account(services, "canbo", Role.STAFF, agency=AGENCY)
    make_account(services, "congdan", Role.CITIZEN, owner=CITIZEN)
    staff = login(anonymous, "canbo")
    ready = [_disposal_ready(services, anonymous, staff) for _ in STEPS]
    for (step, recorded, shredded, left), (disposal, transfer) in zip(STEPS, ready, strict=True):
        child = subprocess.run([sys.executable, "-m", "tests.sohoa.disposal_child", disposal,
                                step], cwd=ROOT, capture_output=True, text=True, timeout=300)
        assert child.returncode == KILLED, (step, child.stderr[-3000:])
        row = _status(services, disposal)
        objects = len(transfer.objects)
        assert (row.record_key is not None) == recorded, step
        assert row.status == ("DESTROYING" if recorded else "PROPOSED"), step
        assert _readable(services, transfer) != shredded, step
        assert _left(services, transfer) == objects if left == "all" else (
            0 < _left(services, transfer) < objects), step
        if recorded:
            # The record is there, signed, whatever happened after it.
            record = services.disposals.destruction_record(disposal, viewer=FIRST)
            assert verify_pdf(record, services.trust).valid, step
        report = fsck(services)
        assert report.disposals == ([disposal] if recorded else []), step
        row = _status(services, disposal)
        if recorded:
            assert row.status == "DONE" and _left(services, transfer) == 0, step
            assert not _readable(services, transfer), step
        else:
            # Nothing was done: the proposal waits, and approving it again works.
            assert row.status == "PROPOSED" and _readable(services, transfer), step
            done = services.disposals.approve(
                disposal, "QĐ 7/QĐ-UBND", viewer=Viewer(Role.ARCHIVIST, "archivist:luutru.binh"))
            assert done["status"] == "DONE", step
    # Every record took its own number, the one killed before storing it none.
    with services.sessions() as session:
        numbers = sorted(d.tombstone["record_number"] for d in session.scalars(select(Disposal)))
    year = datetime.now(UTC).year
    assert numbers == [f"{year}-{n:04d}/BBH" for n in range(1, len(STEPS) + 1)]
