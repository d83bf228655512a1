"""Job rows: create, claim under a lease, report, finish; find the ones nobody holds.

Every change that decides who runs a job is one conditional UPDATE, so two
workers (or two reapers) racing for the same job cannot both win, on SQLite or
PostgreSQL alike. The rules:

- a worker may take a job that is queued and due, or running under a lease that
  ran out (its holder died): ``claim``;
- the holder extends the lease while it works: ``heartbeat``;
- a job whose lease ran out is taken back by whoever notices: ``take_back``.
"""

from __future__ import annotations

import os
import socket
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

from sqlalchemy import CursorResult, and_, func, or_, select, update
from sqlalchemy.orm import Session, sessionmaker

from kernel import new_uuid
from storage.sealing import sealer_of

from .models import UNFINISHED, Job, JobStatus

#: Who this process is, in the ``worker`` column: host and pid.
WORKER_NAME = f"{socket.gethostname()}:{os.getpid()}"


@dataclass(frozen=True)
class JobView:
    id: str
    kind: str
    status: str
    progress_done: int
    progress_total: int
    stage: str | None
    error_code: str | None
    error: str | None
    result: dict[str, Any] | None
    requested_by: str | None
    created_at: datetime
    started_at: datetime | None
    finished_at: datetime | None
    attempts: int = 0
    retry_at: datetime | None = None
    params: dict[str, Any] | None = None
    lease_until: datetime | None = None

    @property
    def retrying(self) -> bool:
        """Waiting to run again after a passing fault (storage, database, TSA)."""
        return self.status == JobStatus.QUEUED and self.retry_at is not None

    def as_dict(self) -> dict[str, Any]:
        return {
            "id": self.id, "kind": self.kind, "status": self.status,
            "progress": {"done": self.progress_done, "total": self.progress_total,
                         "stage": self.stage},
            "error": ({"code": self.error_code, "message": self.error}
                      if self.status == JobStatus.FAILED else None),
            "retry": ({"attempt": self.attempts, "at": self.retry_at.isoformat(),
                       "reason": {"code": self.error_code, "message": self.error}}
                      if self.retrying and self.retry_at else None),
            "result": self.result,
            "created_at": self.created_at.isoformat(),
            "started_at": self.started_at.isoformat() if self.started_at else None,
            "finished_at": self.finished_at.isoformat() if self.finished_at else None,
        }


class JobNotFound(LookupError):
    pass


def now() -> datetime:
    return datetime.now(UTC)


class JobStore:
    """The jobs table, for the runners and the workers."""

    def __init__(self, sessions: sessionmaker[Session]) -> None:
        self._sessions = sessions

    def create(self, kind: str, params: dict[str, Any], *, job_id: str | None = None,
               total: int = 0, owner_identifier: str | None = None,
               requested_by: str | None = None, lease: timedelta) -> JobView:
        with self._sessions() as session, session.begin():
            job = Job(id=job_id or new_uuid(), kind=kind, params=params, progress_total=total,
                      owner_index=(sealer_of(session).blind(owner_identifier)
                                   if owner_identifier else None),
                      requested_by=requested_by,
                      attempts=0, lease_until=now() + lease, worker=WORKER_NAME)
            session.add(job)
            session.flush()
            return _view(job)

    def get(self, job_id: str, *, requested_by: str | None = None) -> JobView:
        """The job; with ``requested_by``, someone else's job answers as not found."""
        with self._sessions() as session:
            job = session.get(Job, job_id)
            if job is None or (requested_by is not None and job.requested_by != requested_by):
                raise JobNotFound(job_id)
            return _view(job)

    def claim(self, job_id: str, lease: timedelta) -> JobView | None:
        """Take the job to run it now; None when it is done, failed, not yet due, or held
        by a live worker (a second delivery of the same message is then a no-op)."""
        at = now()
        taken = self._update(
            job_id,
            or_(and_(Job.status == JobStatus.QUEUED.value,
                     or_(Job.retry_at.is_(None), Job.retry_at <= at)),
                and_(Job.status == JobStatus.RUNNING.value, Job.lease_until < at)),
            status=JobStatus.RUNNING.value, lease_until=at + lease, worker=WORKER_NAME,
            attempts=Job.attempts + 1, started_at=func.coalesce(Job.started_at, at),
            retry_at=None)
        return self.get(job_id) if taken else None

    def heartbeat(self, job_ids: list[str], lease: timedelta) -> None:
        """Keep holding these jobs (running here, or queued in this process's pool)."""
        if not job_ids:
            return
        with self._sessions() as session, session.begin():
            session.execute(update(Job).where(Job.id.in_(job_ids), Job.status.in_(UNFINISHED),
                                              Job.worker == WORKER_NAME)
                            .values(lease_until=now() + lease))

    def progress(self, job_id: str, done: int, total: int, stage: str) -> None:
        self._update(job_id, Job.status == JobStatus.RUNNING.value,
                     progress_done=done, progress_total=total, stage=stage)

    def finish(self, job_id: str, result: dict[str, Any]) -> None:
        with self._sessions() as session, session.begin():
            job = session.scalar(select(Job).where(
                Job.id == job_id, Job.status == JobStatus.RUNNING.value).with_for_update())
            if job is None:
                return
            job.result = result  # sealed as the row is written (storage.sealing)
            job.status, job.finished_at = JobStatus.DONE.value, now()
            job.error_code = job.error = None
            job.lease_until = job.retry_at = None

    def forget_owner(self, owner_index: str) -> int:
        """Wipe the params and results of the owner's jobs (a crypto-shredding: they name
        the owner and carry what was read from their papers); returns how many."""
        with self._sessions() as session, session.begin():
            rows = session.execute(update(Job).where(Job.owner_index == owner_index)
                                   .values(sealed=None))
            assert isinstance(rows, CursorResult)
            return int(rows.rowcount)

    def fail(self, job_id: str, code: str, message: str) -> None:
        self._update(job_id, Job.status.in_(UNFINISHED), status=JobStatus.FAILED.value,
                     error_code=code, error=message, finished_at=now(), lease_until=None,
                     retry_at=None)

    def retry_later(self, job_id: str, delay: timedelta, code: str, message: str,
                    lease: timedelta) -> None:
        """Queue the job again after a passing fault; its lease covers the wait."""
        at = now()
        self._update(job_id, Job.status == JobStatus.RUNNING.value,
                     status=JobStatus.QUEUED.value, retry_at=at + delay, error_code=code,
                     error=message, lease_until=at + delay + lease, worker=WORKER_NAME)

    def take_back(self, lease: timedelta, limit: int = 100) -> list[JobView]:
        """Unfinished jobs whose holder stopped renewing its lease, now held by this
        process: queued again (progress kept) for the caller to dispatch."""
        at = now()
        with self._sessions() as session:
            candidates = list(session.scalars(
                select(Job.id).where(Job.status.in_(UNFINISHED),
                                     or_(Job.lease_until.is_(None), Job.lease_until < at))
                .order_by(Job.created_at).limit(limit)))
        taken = []
        for job_id in candidates:
            if self._update(job_id, and_(Job.status.in_(UNFINISHED),
                                         or_(Job.lease_until.is_(None), Job.lease_until < at)),
                            status=JobStatus.QUEUED.value, lease_until=at + lease,
                            worker=WORKER_NAME):
                taken.append(self.get(job_id))
        return taken

    def release(self, job_id: str) -> None:
        """Let the lease run out now: the job could not be handed to a worker (the broker
        is down), so the next look for abandoned jobs takes it back."""
        self._update(job_id, Job.status == JobStatus.QUEUED.value, lease_until=now())

    def unfinished(self) -> list[JobView]:
        with self._sessions() as session:
            return [_view(job) for job in session.scalars(
                select(Job).where(Job.status.in_(UNFINISHED)).order_by(Job.created_at))]

    def _update(self, job_id: str, condition: Any, **values: Any) -> bool:
        with self._sessions() as session, session.begin():
            result = session.execute(update(Job).where(Job.id == job_id, condition)
                                     .values(**values))
            assert isinstance(result, CursorResult)
            return bool(result.rowcount)


def _view(job: Job) -> JobView:
    return JobView(
        id=job.id, kind=job.kind, status=job.status, progress_done=job.progress_done,
        progress_total=job.progress_total, stage=job.stage, error_code=job.error_code,
        error=job.error, result=job.result,
        requested_by=job.requested_by, created_at=job.created_at, started_at=job.started_at,
        finished_at=job.finished_at, attempts=job.attempts, retry_at=job.retry_at,
        params=job.params, lease_until=job.lease_until,
    )
