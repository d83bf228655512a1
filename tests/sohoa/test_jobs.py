"""The job runner's rules, on a real database: leases, retries, take-over, exclusivity.

Handlers here are small functions (the digitisation handler is tested end to end in
test_durable_jobs.py); the database is the same SQLite or PostgreSQL as everywhere.
"""

from __future__ import annotations

import threading
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from sqlalchemy import update

from sohoa.db import make_engine, migrate, session_factory
from sohoa.errors import describe_error, is_transient
from sohoa.jobs import Handler, Job, JobContext, JobPolicy, JobStatus, ThreadJobRunner
from storage import StorageUnavailable
from tests.sealing import install_sealer
from tests.waiting import wait_until

FAST = JobPolicy(lease=timedelta(seconds=2), queued_lease=timedelta(seconds=2), max_attempts=3,
                 first_delay=timedelta(milliseconds=50), max_delay=timedelta(milliseconds=200))


@pytest.fixture
def sessions(database_url: str) -> Any:
    engine = make_engine(database_url)
    migrate(engine)
    sessions = session_factory(engine)
    install_sealer(sessions)
    yield sessions
    engine.dispose()


def runner(sessions: Any, **kwargs: Any) -> ThreadJobRunner:
    return ThreadJobRunner(sessions, policy=kwargs.pop("policy", FAST),
                           describe_error=describe_error, is_transient=is_transient,
                           reap_every=kwargs.pop("reap_every", timedelta(0)), workers=2, **kwargs)


@pytest.fixture
def jobs(sessions: Any) -> Iterator[ThreadJobRunner]:
    built = runner(sessions)
    yield built
    built.shutdown()


def test_a_passing_fault_is_retried_with_backoff_until_the_job_succeeds(
        jobs: ThreadJobRunner) -> None:
    seen: list[tuple[int, datetime]] = []

    def flaky(context: JobContext) -> dict[str, Any]:
        seen.append((context.job.attempts, datetime.now(UTC)))
        if len(seen) < 3:
            raise StorageUnavailable("storage is away")
        return {"ok": context.params["n"]}

    jobs.register("flaky", Handler(flaky))
    job = jobs.submit("flaky", {"n": 7}, total=1)
    assert jobs.wait_idle(timeout=30)
    done = jobs.get(job.id)
    assert done.status == JobStatus.DONE and done.result == {"ok": 7}
    assert [attempt for attempt, _ in seen] == [1, 2, 3]
    # The second wait is about twice the first (±20 % jitter each).
    first, second = (seen[1][1] - seen[0][1]), (seen[2][1] - seen[1][1])
    assert first >= timedelta(milliseconds=35) and second > first
    assert done.error is None and done.retry_at is None


def test_a_job_waiting_to_retry_says_why_in_its_status(sessions: Any) -> None:
    slow = JobPolicy(lease=timedelta(seconds=5), max_attempts=3, first_delay=timedelta(seconds=30))
    jobs = runner(sessions, policy=slow)
    try:
        def away(context: JobContext) -> dict[str, Any]:
            raise StorageUnavailable("storage is away")

        jobs.register("away", Handler(away))
        job = jobs.submit("away", {})
        view = wait_until(lambda: (v := jobs.get(job.id)).retrying and v, timeout=5,
                          what="the job to be queued again", every=0.05)
        shown = view.as_dict()
        assert shown["status"] == "queued"
        assert shown["retry"]["attempt"] == 1
        assert shown["retry"]["reason"]["code"] == "storage_unavailable"
        assert shown["error"] is None
    finally:
        jobs.shutdown(wait=False)


def test_a_fault_that_keeps_coming_fails_the_job_after_max_attempts(jobs: ThreadJobRunner) -> None:
    calls = []

    def away(context: JobContext) -> dict[str, Any]:
        calls.append(1)
        raise StorageUnavailable("storage is away")

    finished: list[str] = []
    jobs.register("away", Handler(away, lambda job: finished.append(job.status)))
    job = jobs.submit("away", {})
    assert jobs.wait_idle(timeout=30)
    failed = jobs.get(job.id)
    assert len(calls) == FAST.max_attempts
    assert failed.status == JobStatus.FAILED and failed.error_code == "storage_unavailable"
    assert finished == ["failed"]  # clean-up ran once, after the last attempt


def test_a_real_error_fails_at_once_with_a_hidden_message(jobs: ThreadJobRunner) -> None:
    calls = []

    def broken(context: JobContext) -> dict[str, Any]:
        calls.append(1)
        raise RuntimeError("secret detail 001099012345")

    jobs.register("broken", Handler(broken))
    job = jobs.submit("broken", {})
    assert jobs.wait_idle(timeout=30)
    failed = jobs.get(job.id)
    assert len(calls) == 1
    assert failed.error_code == "internal_error" and "001099012345" not in (failed.error or "")


def test_a_job_whose_holder_died_is_taken_over_and_finished(sessions: Any) -> None:
    """A row as a killed process leaves it: running, its lease run out."""
    jobs = runner(sessions)
    ran: list[str] = []
    jobs.register("work", Handler(lambda context: ran.append(context.job.id) or {"n": 1}))
    with sessions() as session, session.begin():
        session.add(Job(id="dead-job", kind="work", status=JobStatus.RUNNING.value, params={},
                        attempts=1, worker="gone:1",
                        lease_until=datetime.now(UTC) - timedelta(seconds=1)))
        session.add(Job(id="live-job", kind="work", status=JobStatus.RUNNING.value, params={},
                        attempts=1, worker="alive:2",
                        lease_until=datetime.now(UTC) + timedelta(minutes=5)))
    try:
        jobs.start()
        assert jobs.wait_idle(timeout=30)
        assert ran == ["dead-job"]  # the job a live worker holds is left to it
        taken = jobs.get("dead-job")
        assert taken.status == JobStatus.DONE and taken.attempts == 2
        assert jobs.get("live-job").status == JobStatus.RUNNING
    finally:
        jobs.shutdown()


def test_a_job_from_before_durable_jobs_fails_cleanly(sessions: Any) -> None:
    jobs = runner(sessions)
    jobs.register("digitize", Handler(lambda context: {}))
    with sessions() as session, session.begin():
        session.add(Job(id="old-job", kind="digitize", status=JobStatus.RUNNING.value,
                        params=None, attempts=0))
    try:
        jobs.start()
        assert jobs.wait_idle(timeout=30)
        old = jobs.get("old-job")
        assert old.status == JobStatus.FAILED and old.error_code == "interrupted"
    finally:
        jobs.shutdown()


def test_two_processes_never_run_the_same_job_twice(sessions: Any) -> None:
    """Two runners share the table; every job is dispatched to both (as a duplicated
    broker message would be), and each runs exactly once."""
    first, second = runner(sessions), runner(sessions)
    runs: dict[str, int] = {}
    lock = threading.Lock()

    def count(context: JobContext) -> dict[str, Any]:
        with lock:
            runs[context.job.id] = runs.get(context.job.id, 0) + 1
        threading.Event().wait(0.02)
        return {}

    for jobs in (first, second):
        jobs.register("count", Handler(count))
    try:
        ids = [first.submit("count", {"i": i}).id for i in range(20)]
        for job_id in ids:
            second.dispatch(job_id, timedelta(0))
        assert first.wait_idle(timeout=60) and second.wait_idle(timeout=60)
        assert runs == {job_id: 1 for job_id in ids}
        assert {first.get(job_id).status for job_id in ids} == {JobStatus.DONE}
    finally:
        first.shutdown()
        second.shutdown()


def test_a_live_holder_keeps_its_lease_through_a_long_job(sessions: Any) -> None:
    jobs = runner(sessions)
    other = runner(sessions)
    release = threading.Event()
    runs = []

    def long(context: JobContext) -> dict[str, Any]:
        runs.append(1)
        release.wait(10)
        return {}

    for each in (jobs, other):
        each.register("long", Handler(long))
    try:
        job = jobs.submit("long", {})
        threading.Event().wait(FAST.lease.total_seconds() * 2)  # two leases long
        assert other.reap() == []  # the holder renewed: nothing to take over
        release.set()
        assert jobs.wait_idle(timeout=30)
        assert runs == [1] and jobs.get(job.id).status == JobStatus.DONE
    finally:
        jobs.shutdown()
        other.shutdown()


def test_a_job_of_an_unknown_kind_is_refused_before_it_is_recorded(
        jobs: ThreadJobRunner, sessions: Any) -> None:
    with pytest.raises(ValueError, match="no handler"):
        jobs.submit("nonsense", {})
    with sessions() as session:
        assert session.query(Job).count() == 0


def test_progress_is_visible_while_the_job_runs(jobs: ThreadJobRunner) -> None:
    seen = threading.Event()
    go_on = threading.Event()

    def stepwise(context: JobContext) -> dict[str, Any]:
        context.report(2, 5, "ocr")
        seen.set()
        go_on.wait(10)
        return {}

    jobs.register("steps", Handler(stepwise))
    job = jobs.submit("steps", {}, total=5)
    assert seen.wait(10)
    shown = jobs.get(job.id).as_dict()
    assert shown["status"] == "running" and shown["progress"] == {"done": 2, "total": 5,
                                                                  "stage": "ocr"}
    go_on.set()
    assert jobs.wait_idle(timeout=30)


def test_a_job_queued_again_by_a_dead_runner_is_not_lost(sessions: Any) -> None:
    """A queued job whose dispatcher died before running it (its lease not renewed)."""
    with sessions() as session, session.begin():
        session.add(Job(id="queued-job", kind="work", status=JobStatus.QUEUED.value,
                        params={}, attempts=0, worker="gone:1",
                        lease_until=datetime.now(UTC) - timedelta(seconds=1)))
        session.execute(update(Job).values(created_at=datetime.now(UTC) - timedelta(hours=1)))
    jobs = runner(sessions)
    jobs.register("work", Handler(lambda context: {"ran": True}))
    try:
        jobs.start()
        assert jobs.wait_idle(timeout=30)
        assert jobs.get("queued-job").result == {"ran": True}
    finally:
        jobs.shutdown()
