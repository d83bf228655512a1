"""Jobs on Celery workers with Redis: the same jobs table, run on any machine.

The broker only carries job ids; the jobs table stays the truth (`JobStore`), so
a message lost with a Redis restart, or delivered twice, changes nothing: the
reaper of any process dispatches a job nobody holds again, and a worker runs a
job only if its claim succeeds. Messages are acknowledged after the task ends
(``acks_late``) and given back if the worker process is killed, so a worker's
death costs one rerun of an idempotent handler.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

from celery import Celery, Task
from celery.signals import worker_process_init

from .runner import JobRunner, Outcome

log = logging.getLogger(__name__)

TASK_NAME = "sohoa.run_job"
QUEUE = "sohoa-jobs"


def celery_app(broker_url: str, *, visibility_timeout: float = 600.0) -> Celery:
    """The Celery application: JSON messages of job ids, one task at a time per worker
    process (OCR is heavy), acknowledged late, no result backend (the jobs table is)."""
    app = Celery("sohoa", broker=broker_url, set_as_current=False)
    app.conf.update(
        task_serializer="json", accept_content=["json"], task_ignore_result=True,
        task_acks_late=True, task_reject_on_worker_lost=True,
        worker_prefetch_multiplier=1, task_default_queue=QUEUE,
        broker_connection_retry_on_startup=True, worker_hijack_root_logger=False,
        broker_transport_options={"visibility_timeout": visibility_timeout},
        worker_send_task_events=False,
    )
    return app


@dataclass
class CeleryJobRunner(JobRunner):
    """Dispatches jobs to Celery workers; the workers execute them with this same class."""

    app: Celery | None = None

    def __post_init__(self) -> None:
        super().__post_init__()
        if self.app is None:
            raise ValueError("the Celery job runner needs a Celery app")

    def dispatch(self, job_id: str, delay: timedelta) -> None:
        assert self.app is not None
        try:
            self.app.send_task(TASK_NAME, args=[job_id], queue=QUEUE,
                               countdown=delay.total_seconds() or None)
        except Exception:  # noqa: BLE001 - broker away: the reaper dispatches it later
            log.warning("job %s could not be handed to the broker; it is dispatched again "
                        "when the broker is back", job_id, exc_info=True)
            self.store.release(job_id)


_worker_lock = threading.Lock()
_worker_runner: JobRunner | None = None


def register_task(app: Celery, build: Callable[[], JobRunner]) -> None:
    """Define the one task on a worker: run the job with this process's runner, built
    by ``build`` in each pool process as it starts (after the fork, so no connection
    crosses one); the runner's reaper then looks for abandoned jobs from the start."""
    worker_process_init.connect(lambda **_: _runner(build), weak=False)

    @app.task(name=TASK_NAME, bind=True, max_retries=None, acks_late=True)  # type: ignore[untyped-decorator]
    def run_job(task: Task[Any, Any], job_id: str) -> str:
        runner = _runner(build)
        try:
            ran = runner.execute(job_id)
        except Exception as exc:  # noqa: BLE001 - the database is away: ask again later
            log.warning("job %s could not be run now (%s); retrying", job_id, type(exc).__name__)
            raise task.retry(countdown=runner.policy.first_delay.total_seconds(),
                             exc=exc) from None
        if ran.outcome is Outcome.RETRY:
            runner.dispatch(job_id, ran.delay)
        return ran.outcome.value


def _runner(build: Callable[[], JobRunner]) -> JobRunner:
    global _worker_runner
    with _worker_lock:
        if _worker_runner is None:
            _worker_runner = build()
            _worker_runner.start()
        return _worker_runner
