"""Job runners: the in-process thread pool (embedded default) and the common rules.

A job is a row (`JobStore`) naming a registered kind and its JSON params; the
kind's handler does the work given a `JobContext`. A runner only decides where
the handler runs: `ThreadJobRunner` on threads of this process, the Celery
runner (`celery_backend`) on workers of any machine. Both share `execute`, so a
job behaves the same whichever runs it:

- it is claimed under a lease the holder keeps renewing; a job whose holder died
  is taken back by the next process that looks (``reap``) and run again;
- a passing fault (storage or database away, TSA down) queues it again after a
  growing delay, up to ``max_attempts``; any other error fails it with a named code;
- handlers are idempotent (a rerun finds what an earlier run filed), which is what
  makes "run again" safe.
"""

from __future__ import annotations

import logging
import random
import threading
import time
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from datetime import timedelta
from enum import StrEnum
from typing import Any

from sqlalchemy.orm import Session, sessionmaker

from ..metrics import ERRORS, JOB_SECONDS, JOBS
from .models import JobStatus
from .store import JobStore, JobView, now

log = logging.getLogger(__name__)

Report = Callable[[int, int, str], None]


@dataclass(frozen=True)
class JobContext:
    """What a handler gets: the job (with its params) and a progress callback."""

    job: JobView
    report: Report

    @property
    def params(self) -> dict[str, Any]:
        return self.job.params or {}


@dataclass(frozen=True)
class Handler:
    """A kind of job: ``run`` does the work and returns the result shown to the user;
    ``finished`` (optional) cleans up after the job is done or failed for good, e.g.
    deletes its staged inputs."""

    run: Callable[[JobContext], dict[str, Any]]
    finished: Callable[[JobView], None] | None = None


@dataclass(frozen=True)
class JobPolicy:
    """Leases and retries; all are settings."""

    #: A running job's holder renews its claim this often × 3; past it, others take over.
    lease: timedelta = timedelta(seconds=60)
    #: How long a queued job may sit in a broker before it is dispatched again.
    queued_lease: timedelta = timedelta(minutes=10)
    max_attempts: int = 5
    first_delay: timedelta = timedelta(seconds=5)
    max_delay: timedelta = timedelta(minutes=5)

    def delay(self, attempt: int) -> timedelta:
        """Exponential backoff with ±20 % jitter, so retries of many jobs spread out."""
        base = min(self.max_delay.total_seconds(),
                   self.first_delay.total_seconds() * 2 ** max(0, attempt - 1))
        return timedelta(seconds=base * random.uniform(0.8, 1.2))  # noqa: S311 - not crypto


class Outcome(StrEnum):
    DONE = "done"
    FAILED = "failed"
    #: Queued again after a passing fault; ``Ran.delay`` says when.
    RETRY = "retry"
    #: Not run here: done already, not due, or held by a live worker.
    SKIPPED = "skipped"


@dataclass(frozen=True)
class Ran:
    outcome: Outcome
    delay: timedelta = timedelta(0)


def _hidden(exc: BaseException) -> tuple[str, str]:
    return "internal_error", "Lỗi nội bộ; xem nhật ký máy chủ (internal error; see the server log)"


def _never(exc: BaseException) -> bool:
    return False


class Holder:
    """Renews the leases of the jobs this process holds, from one thread."""

    def __init__(self, store: JobStore, lease: timedelta) -> None:
        self._store, self._lease = store, lease
        self._held: set[str] = set()
        self._lock = threading.Lock()
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None

    def hold(self, job_id: str) -> None:
        with self._lock:
            self._held.add(job_id)
            if self._thread is None:
                self._thread = threading.Thread(target=self._renew, daemon=True,
                                                name="sohoa-job-lease")
                self._thread.start()

    def release(self, job_id: str) -> None:
        with self._lock:
            self._held.discard(job_id)

    def stop(self) -> None:
        self._stop.set()

    def _renew(self) -> None:
        while not self._stop.wait(self._lease.total_seconds() / 3):
            with self._lock:
                held = sorted(self._held)
            try:
                self._store.heartbeat(held, self._lease)
            except Exception:  # noqa: BLE001 - the database may be away; try next round
                log.warning("could not renew the leases of %d job(s)", len(held), exc_info=True)


@dataclass
class JobRunner:
    """The common part of every runner; subclasses say how a job is dispatched."""

    sessions: sessionmaker[Session]
    policy: JobPolicy = field(default_factory=JobPolicy)
    #: ``(code, message)`` safe to show for an error (sohoa.errors.describe_error).
    describe_error: Callable[[BaseException], tuple[str, str]] = _hidden
    #: Whether an error will likely pass if the job waits (sohoa.errors.is_transient).
    is_transient: Callable[[BaseException], bool] = _never
    #: How often this process looks for jobs whose holder died (0: never).
    reap_every: timedelta = timedelta(seconds=20)

    def __post_init__(self) -> None:
        self.store = JobStore(self.sessions)
        self.handlers: dict[str, Handler] = {}
        self.holder = Holder(self.store, self.policy.lease)
        self._stopped = threading.Event()
        self._reaper: threading.Thread | None = None

    # -- what the API, UI and CLI call ------------------------------------------------------
    def register(self, kind: str, handler: Handler) -> None:
        self.handlers[kind] = handler

    def submit(self, kind: str, params: dict[str, Any], *, job_id: str | None = None,
               total: int = 0, owner_identifier: str | None = None,
               requested_by: str | None = None) -> JobView:
        """Record the job (its inputs must already be staged), then hand it to a worker."""
        if kind not in self.handlers:
            raise ValueError(f"no handler for job kind {kind!r}")
        view = self.store.create(kind, params, job_id=job_id, total=total,
                                 owner_identifier=owner_identifier, requested_by=requested_by,
                                 lease=self._queued_lease())
        self.dispatch(view.id, timedelta(0))
        return view

    def get(self, job_id: str, *, requested_by: str | None = None) -> JobView:
        return self.store.get(job_id, requested_by=requested_by)

    def redeliver(self, job: JobView) -> None:
        """Hand a job that is queued and due to a worker again. A client asking again
        for a job it never got an answer about may be asking because the process that
        recorded the job died before handing it on; without this the job would wait
        for its queued lease to run out. A second delivery is a no-op (``claim``)."""
        if job.status == JobStatus.QUEUED.value and (job.retry_at is None
                                                      or job.retry_at <= now()):
            self.dispatch(job.id, timedelta(0))

    def start(self) -> None:
        """Take back jobs left by processes that died, and keep looking now and then."""
        self.reap()
        if self.reap_every.total_seconds() > 0 and self._reaper is None:
            self._reaper = threading.Thread(target=self._reap_forever, daemon=True,
                                            name="sohoa-job-reaper")
            self._reaper.start()

    def reap(self) -> list[JobView]:
        """Dispatch again every unfinished job nobody holds; returns them."""
        taken = self.store.take_back(self._queued_lease())
        for job in taken:
            log.warning("job %s (%s) was abandoned by its worker; running it again",
                        job.id, job.kind)
            self.dispatch(job.id, timedelta(0))
        return taken

    def wait_idle(self, timeout: float | None = None) -> bool:
        """Block until this process has no job to run (tests and orderly shutdown)."""
        return True

    def shutdown(self, wait: bool = True) -> None:
        self._stopped.set()
        self.holder.stop()

    # -- what a worker calls --------------------------------------------------------------
    def execute(self, job_id: str) -> Ran:
        """Run one job here if it is ours to run; record how it ended."""
        job = self.store.claim(job_id, self.policy.lease)
        if job is None:
            return Ran(Outcome.SKIPPED)
        handler = self.handlers.get(job.kind)
        if job.params is None:  # queued by a release whose jobs lived in memory only
            self.store.fail(job.id, "interrupted",
                            "Công việc bị gián đoạn do dịch vụ khởi động lại; hãy gửi lại "
                            "(the service restarted before this job finished; submit it again)")
            return Ran(Outcome.FAILED)
        if handler is None:
            self.store.fail(job.id, "unknown_job_kind",
                            f"Không có bộ xử lý cho loại công việc {job.kind} "
                            f"(no handler for job kind {job.kind})")
            return Ran(Outcome.FAILED)
        self.holder.hold(job.id)
        try:
            return self._run(job, handler)
        finally:
            self.holder.release(job.id)

    def _run(self, job: JobView, handler: Handler) -> Ran:
        def report(done: int, total: int, stage: str) -> None:
            try:
                self.store.progress(job.id, done, total, stage)
            except Exception:  # noqa: BLE001 - progress is for show; the work goes on
                log.debug("progress of job %s not recorded", job.id, exc_info=True)

        started = time.monotonic()
        try:
            result = handler.run(JobContext(job, report))
        except Exception as exc:  # noqa: BLE001 - a job's failure is recorded, not raised
            code, message = self.describe_error(exc)
            JOB_SECONDS.labels(job.kind).observe(time.monotonic() - started)
            ERRORS.labels(code).inc()
            if self.is_transient(exc) and job.attempts < self.policy.max_attempts:
                delay = self.policy.delay(job.attempts)
                log.warning("job %s (%s) attempt %d hit a passing fault (%s); retrying in "
                            "%.0f s", job.id, job.kind, job.attempts, code, delay.total_seconds())
                self.store.retry_later(job.id, delay, code, message, self._queued_lease())
                JOBS.labels(job.kind, "retry").inc()
                return Ran(Outcome.RETRY, delay)
            if code == "internal_error":
                log.error("job %s (%s) failed", job.id, job.kind, exc_info=exc)
            else:
                log.warning("job %s (%s) failed: %s", job.id, job.kind, code)
            self.store.fail(job.id, code, message)
            JOBS.labels(job.kind, "failed").inc()
            self._finished(handler, job.id)
            return Ran(Outcome.FAILED)
        self.store.finish(job.id, result)
        JOBS.labels(job.kind, "done").inc()
        JOB_SECONDS.labels(job.kind).observe(time.monotonic() - started)
        self._finished(handler, job.id)
        return Ran(Outcome.DONE)

    def _finished(self, handler: Handler, job_id: str) -> None:
        if handler.finished is None:
            return
        try:
            handler.finished(self.store.get(job_id))
        except Exception:  # noqa: BLE001 - leftovers are found again by fsck
            log.warning("clean-up after job %s failed", job_id, exc_info=True)

    # -- how jobs reach a worker ----------------------------------------------------------
    def dispatch(self, job_id: str, delay: timedelta) -> None:
        raise NotImplementedError

    def _queued_lease(self) -> timedelta:
        """How long a queued job stays claimed by its dispatcher without a renewal."""
        return self.policy.queued_lease

    def _reap_forever(self) -> None:
        while not self._stopped.wait(self.reap_every.total_seconds()):
            try:
                self.reap()
            except Exception:  # noqa: BLE001 - the database may be away; look again later
                log.warning("could not look for abandoned jobs", exc_info=True)


@dataclass
class ThreadJobRunner(JobRunner):
    """Runs jobs on ``workers`` threads of this process (the embedded default). The
    process holds the jobs it queued, so another process sharing the database takes
    them over only if this one dies."""

    workers: int = 1

    def __post_init__(self) -> None:
        super().__post_init__()
        self._pool = ThreadPoolExecutor(max_workers=max(1, self.workers),
                                        thread_name_prefix="sohoa-job")
        self._idle = threading.Condition()
        self._outstanding = 0

    def wait_idle(self, timeout: float | None = None) -> bool:
        with self._idle:
            return self._idle.wait_for(lambda: self._outstanding == 0, timeout=timeout)

    def shutdown(self, wait: bool = True) -> None:
        super().shutdown(wait)
        self._pool.shutdown(wait=wait, cancel_futures=not wait)

    def _queued_lease(self) -> timedelta:
        return self.policy.lease

    def dispatch(self, job_id: str, delay: timedelta) -> None:
        self.holder.hold(job_id)
        with self._idle:
            self._outstanding += 1
        if delay.total_seconds() > 0:
            timer = threading.Timer(delay.total_seconds(), self._queue, (job_id,))
            timer.daemon = True
            timer.start()
        else:
            self._queue(job_id)

    def _queue(self, job_id: str) -> None:
        if self._stopped.is_set():
            self._done(job_id)
            return
        self._pool.submit(self._work, job_id)

    def _work(self, job_id: str) -> None:
        try:
            ran = self.execute(job_id)
        except Exception:  # noqa: BLE001 - the database is away: try again later
            log.warning("job %s could not be run now; trying again", job_id, exc_info=True)
            ran = Ran(Outcome.RETRY, self.policy.first_delay)
        if ran.outcome is Outcome.RETRY and not self._stopped.is_set():
            self.dispatch(job_id, ran.delay)
        self._done(job_id)

    def _done(self, job_id: str) -> None:
        with self._idle:
            self._outstanding -= 1
            self._idle.notify_all()
        if not self._stopped.is_set():
            self.holder.release(job_id)
