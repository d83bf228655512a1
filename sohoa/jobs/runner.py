"""The in-process job runner: a thread pool whose job state lives in the database.

A job is a function ``work(report) -> result``; ``report(done, total, stage)``
records progress so the API, UI and CLI can show it. The state lives in the
database rather than in memory so that a later Celery backend (issue 8) can
share the same table and the same ``JobView``.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import update
from sqlalchemy.orm import Session, sessionmaker

from .models import Job, JobStatus

log = logging.getLogger(__name__)

Report = Callable[[int, int, str], None]
Work = Callable[[Report], dict[str, Any]]


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
    owner_identifier: str | None
    requested_by: str | None
    created_at: datetime
    started_at: datetime | None
    finished_at: datetime | None

    def as_dict(self) -> dict[str, Any]:
        return {
            "id": self.id, "kind": self.kind, "status": self.status,
            "progress": {"done": self.progress_done, "total": self.progress_total,
                         "stage": self.stage},
            "error": ({"code": self.error_code, "message": self.error}
                      if self.status == JobStatus.FAILED else None),
            "result": self.result,
            "created_at": self.created_at.isoformat(),
            "started_at": self.started_at.isoformat() if self.started_at else None,
            "finished_at": self.finished_at.isoformat() if self.finished_at else None,
        }


class JobNotFound(LookupError):
    pass


class JobRunner:
    """Runs jobs on ``workers`` threads of this process (the embedded default)."""

    def __init__(
        self,
        sessions: sessionmaker[Session],
        workers: int = 1,
        *,
        describe_error: Callable[[BaseException], tuple[str, str]] | None = None,
    ) -> None:
        self._sessions = sessions
        self._pool = ThreadPoolExecutor(max_workers=max(1, workers), thread_name_prefix="sohoa-job")
        self._describe = describe_error or _default_description
        self._idle = threading.Condition()
        self._running = 0

    def fail_interrupted(self) -> int:
        """Mark jobs a previous process left unfinished as failed; returns how many."""
        with self._sessions() as session, session.begin():
            result = session.execute(
                update(Job)
                .where(Job.status.in_([JobStatus.QUEUED.value, JobStatus.RUNNING.value]))
                .values(status=JobStatus.FAILED.value, error_code="interrupted",
                        error="Công việc bị gián đoạn do dịch vụ khởi động lại; hãy gửi lại "
                              "(the service restarted before this job finished; submit it again)",
                        finished_at=datetime.now(UTC))
            )
            return int(getattr(result, "rowcount", 0) or 0)

    def submit(self, kind: str, work: Work, *, total: int = 0,
               owner_identifier: str | None = None, requested_by: str | None = None) -> JobView:
        with self._sessions() as session, session.begin():
            job = Job(kind=kind, progress_total=total, owner_identifier=owner_identifier,
                      requested_by=requested_by)
            session.add(job)
            session.flush()
            job_id = job.id
        with self._idle:
            self._running += 1
        self._pool.submit(self._run, job_id, work)
        return self.get(job_id)

    def get(self, job_id: str, *, requested_by: str | None = None) -> JobView:
        """The job; with ``requested_by``, someone else's job answers as not found."""
        with self._sessions() as session:
            job = session.get(Job, job_id)
            if job is None or (requested_by is not None and job.requested_by != requested_by):
                raise JobNotFound(job_id)
            return _view(job)

    def wait_idle(self, timeout: float | None = None) -> bool:
        """Block until no job is queued or running (tests and orderly shutdown)."""
        with self._idle:
            return self._idle.wait_for(lambda: self._running == 0, timeout=timeout)

    def shutdown(self, wait: bool = True) -> None:
        self._pool.shutdown(wait=wait, cancel_futures=not wait)

    # -- worker side --------------------------------------------------------------------
    def _run(self, job_id: str, work: Work) -> None:
        try:
            self._set(job_id, status=JobStatus.RUNNING.value, started_at=datetime.now(UTC))

            def report(done: int, total: int, stage: str) -> None:
                self._set(job_id, progress_done=done, progress_total=total, stage=stage)

            result = work(report)
            self._set(job_id, status=JobStatus.DONE.value, result=result,
                      finished_at=datetime.now(UTC))
        except BaseException as exc:  # noqa: BLE001 - a job failure is recorded, not raised
            code, message = self._describe(exc)
            if code == "internal_error":
                log.exception("job %s failed", job_id)
            self._set(job_id, status=JobStatus.FAILED.value, error_code=code, error=message,
                      finished_at=datetime.now(UTC))
        finally:
            with self._idle:
                self._running -= 1
                self._idle.notify_all()

    def _set(self, job_id: str, **values: Any) -> None:
        with self._sessions() as session, session.begin():
            session.execute(update(Job).where(Job.id == job_id).values(**values))


def _default_description(exc: BaseException) -> tuple[str, str]:
    return "internal_error", "Lỗi nội bộ; xem nhật ký máy chủ (internal error; see the server log)"


def _view(job: Job) -> JobView:
    return JobView(
        id=job.id, kind=job.kind, status=job.status, progress_done=job.progress_done,
        progress_total=job.progress_total, stage=job.stage, error_code=job.error_code,
        error=job.error, result=job.result, owner_identifier=job.owner_identifier,
        requested_by=job.requested_by, created_at=job.created_at, started_at=job.started_at,
        finished_at=job.finished_at,
    )
