"""An officer's day (issue 29, item 8): today's dossiers by state, what waits for review
and what is due, for the officer's own agency only."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from kernel import Role, Viewer, local_day, parse_owner_id
from sohoa.services import Services
from tests.service_fixtures import CONFIRMED_CITIZEN
from vault import FileRole, Forbidden, NewFile

A, B = ("000.00.31.H50", "UBND phường Bến Nghé"), ("000.00.31.H51", "UBND phường Đa Kao")
AN = Viewer(Role.STAFF, "staff:canbo.an", agency=A[0])
CHI = Viewer(Role.STAFF, "staff:canbo.chi", agency=B[0])


def test_the_day_counts_what_the_agency_received_waits_on_and_owes(services: Services) -> None:
    for agency in (A, B):
        services.vault.agencies.add_agency(*agency, actor="test")
    today = local_day(datetime.now(UTC))
    owner = parse_owner_id("001099012345")
    late = services.vault.intake.open_case(A[0], owner, procedure="DKKH", viewer=AN,
                                           due_on=today - timedelta(days=1),
                                           new_owner=CONFIRMED_CITIZEN).code
    services.vault.intake.open_case(A[0], owner, procedure="DKKH", viewer=AN,
                                    due_on=today + timedelta(days=30))
    services.vault.intake.open_case(B[0], owner, procedure="DKKH", viewer=CHI, due_on=today)
    scan = services.vault.filing.file_document(
        owner=owner, title="Tờ khai", page_count=1, operator="Lê Thị Hoa",
        scanned_at=datetime.now(UTC), actor=AN.actor, dossier_code=late, agency_code=A[0],
        files=[NewFile(FileRole.ORIGINAL.value, b"%PDF-1.4\n% to khai\n", "application/pdf")])

    work = services.vault.workload.workload(AN, today=today)
    assert work.received_today == 2 and work.open_by_status == {"RECEIVED": 2}
    assert [d.code for d in work.due] == [late]  # the one due in a month is not due yet
    assert [(d.id, d.dossier, d.status) for d in work.waiting] == [(scan.id, late, "SCANNED")]
    # Đa Kao sees its own day, not Bến Nghé's.
    theirs = services.vault.workload.workload(CHI, today=today)
    assert theirs.received_today == 1 and [d.due_on for d in theirs.due] == [today]
    assert theirs.waiting == ()
    with pytest.raises(Forbidden):
        services.vault.workload.workload(Viewer(Role.CITIZEN, "citizen:x"), today=today)
