"""``sohoa fsck``: the stores against the database, and the jobs nobody finished.

It checks the vault's blob store (files, their earlier contents, the scans
staged for unfinished jobs) and the archive's (transferred packages, destruction
records) with `vault.integrity`, and the jobs table: a job whose holder died is
dispatched again (its handler is idempotent), one from before jobs kept their
params is failed with a clear reason; a disposal interrupted after its record was
stored is carried to its end. It runs at start-up (quick: no blob is
read) and on demand (``--deep`` reads and hashes every blob).
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any

from archive import transfers
from retention import disposals
from vault.integrity import (
    Expected,
    Finding,
    Problem,
    Progress,
    StoreCheck,
    check_store,
    vault_expectations as file_expectations,
)

from ..jobs import JobView
from .needs import Checking

log = logging.getLogger(__name__)


@dataclass
class JobsCheck:
    unfinished: int = 0
    #: Unfinished jobs whose holder had stopped renewing its claim, dispatched again.
    resumed: list[str] = field(default_factory=list)
    #: Jobs that cannot be resumed (no params: from an older release), failed cleanly.
    failed: list[str] = field(default_factory=list)

    def as_dict(self) -> dict[str, Any]:
        return {"unfinished": self.unfinished, "resumed": self.resumed, "failed": self.failed}


@dataclass
class FsckReport:
    stores: list[StoreCheck]
    jobs: JobsCheck
    #: Disposals a crash had left half-done (record stored, destruction not finished),
    #: finished now.
    disposals: list[str] = field(default_factory=list)

    @property
    def findings(self) -> list[Finding]:
        return [f for store in self.stores for f in store.findings]

    @property
    def unresolved(self) -> list[Finding]:
        """What needs a person: damage (a row's blob missing, a hash that differs), and
        orphans when fsck was told only to report."""
        return [f for f in self.findings if not f.action]

    @property
    def clean(self) -> bool:
        return not self.findings

    def as_dict(self) -> dict[str, Any]:
        return {"clean": self.clean, "unresolved": len(self.unresolved),
                "stores": [store.as_dict() for store in self.stores],
                "jobs": self.jobs.as_dict(), "disposals_finished": self.disposals}

    def summary(self) -> str:
        counts: dict[str, int] = {}
        for finding in self.findings:
            counts[finding.problem.value] = counts.get(finding.problem.value, 0) + 1
        found = ", ".join(f"{name}={n}" for name, n in sorted(counts.items())) or "nothing"
        return (f"fsck: {sum(s.checked for s in self.stores)} blobs named by rows, "
                f"{sum(s.read for s in self.stores)} read back; found {found}; "
                f"{self.jobs.unfinished} unfinished job(s), {len(self.jobs.resumed)} resumed, "
                f"{len(self.jobs.failed)} failed; {len(self.disposals)} interrupted "
                f"disposal(s) finished")


def fsck(services: Checking, *, deep: bool = False, repair: bool = True,
         progress: Progress | None = None) -> FsckReport:
    """Check both stores and the jobs. ``repair`` quarantines orphans, puts back a
    quarantined blob a row names, and resumes or fails abandoned jobs; damage is
    only ever reported."""
    settings = services.settings
    grace = timedelta(seconds=settings.jobs.fsck_grace_seconds)
    unfinished = services.jobs.store.unfinished()
    jobs = _jobs(services, unfinished, repair)
    # Before the archive store is checked: a finished disposal leaves no orphans.
    disposals = services.disposals.finish_interrupted() if repair else []
    vault = check_store("vault", services.blobs, [*file_expectations(services.sessions),
                                                   *_staged(unfinished)],
                        deep=deep, quarantine=repair, grace=grace, progress=progress)
    archive = check_store("archive", services.disposals.store, _archived(services), deep=deep,
                          quarantine=False, grace=grace, progress=progress)
    report = FsckReport([vault, archive], jobs, disposals)
    for finding in report.findings:
        if finding.problem in (Problem.MISSING_BLOB, Problem.HASH_MISMATCH) and not finding.action:
            log.error("fsck: %s in the %s store: %s %s", finding.problem.value, finding.store,
                      finding.key, finding.detail)
    return report


def _staged(unfinished: list[JobView]) -> list[Expected]:
    """Scans staged for jobs still to run are named by those jobs."""
    expected: list[Expected] = []
    for job in unfinished:
        for group in (job.params or {}).get("groups", []):
            expected.extend(Expected(f["blob"], f["sha256"]) for f in group["files"])
    return expected


def _archived(services: Checking) -> list[Expected]:
    with services.sessions() as session:
        kept = transfers.kept(session)
        records = disposals.records_kept(session)
    expected = [Expected(o["key"], o["sha256"]) for t in kept for o in t.objects]
    expected.extend(Expected(key, sha256) for key, sha256 in records)
    return expected


def _jobs(services: Checking, unfinished: list[JobView], repair: bool) -> JobsCheck:
    check = JobsCheck(unfinished=len(unfinished))
    if not repair:
        now = datetime.now(UTC)
        check.resumed = [j.id for j in unfinished
                         if j.lease_until is None or j.lease_until < now]
        return check
    check.failed = [job.id for job in unfinished if job.params is None]
    check.resumed = [job.id for job in services.jobs.reap()]
    return check

