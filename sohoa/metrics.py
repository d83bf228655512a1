"""Prometheus metrics (chỉ số vận hành): requests, jobs, pages, parsing, errors.

Counters and histograms count what this process did; the queue, which every
worker on every machine shares, is read from the jobs table at each scrape, so
one scrape of the API shows the whole system's backlog. Labels are route
templates and stable codes, never paths or values: ``/api/v1/owners/{owner_id}``,
not a citizen's ID.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator

from prometheus_client import CollectorRegistry, Counter, Histogram
from prometheus_client.core import GaugeMetricFamily
from prometheus_client.registry import Collector
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from digitize.sandbox import SandboxRun, observe

REGISTRY = CollectorRegistry(auto_describe=True)

REQUESTS = Counter("sohoa_http_requests", "HTTP requests answered",
                   ["method", "route", "status"], registry=REGISTRY)
REQUEST_SECONDS = Histogram("sohoa_http_request_seconds", "Time to answer a request",
                            ["route"], registry=REGISTRY,
                            buckets=(0.01, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30))
ERRORS = Counter("sohoa_errors", "Requests and jobs refused or failed, by error code",
                 ["code"], registry=REGISTRY)
JOBS = Counter("sohoa_jobs", "Job runs that ended, by kind and outcome (done, failed, "
               "retry)", ["kind", "outcome"], registry=REGISTRY)
JOB_SECONDS = Histogram("sohoa_job_seconds", "Time a job run took", ["kind"],
                        registry=REGISTRY,
                        buckets=(1, 2.5, 5, 10, 30, 60, 120, 300, 600, 1800))
PAGES = Counter("sohoa_pages_digitised", "Pages OCR'd, signed and filed", registry=REGISTRY)
PARSES = Counter("sohoa_untrusted_parses", "Untrusted files parsed in the sandbox, by "
                 "outcome (ok, refused, memory, cpu, timeout, crashed)", ["outcome"],
                 registry=REGISTRY)
PARSE_PEAK_BYTES = Histogram("sohoa_untrusted_parse_peak_bytes", "Peak resident memory of "
                             "a sandboxed parse", registry=REGISTRY,
                             buckets=tuple(mb * 2**20 for mb in (64, 128, 256, 512, 1024, 2048)))


def count_parse(run: SandboxRun) -> None:
    PARSES.labels(run.outcome).inc()
    if run.peak_rss_kb:
        PARSE_PEAK_BYTES.observe(run.peak_rss_kb * 1024)


observe(count_parse)


class JobQueue(Collector):
    """Jobs by kind and status, read from the shared table when Prometheus scrapes."""

    def __init__(self, sessions: Callable[[], Session]) -> None:
        self.sessions = sessions

    def collect(self) -> Iterator[GaugeMetricFamily]:
        from .jobs.models import (
            Job,  # here: the job runner itself reports to this module
        )

        family = GaugeMetricFamily("sohoa_jobs_in_table", "Jobs in the shared table by kind "
                                   "and status (queued ones are the backlog)",
                                   labels=["kind", "status"])
        try:
            with self.sessions() as session:
                rows = session.execute(select(Job.kind, Job.status, func.count())
                                       .group_by(Job.kind, Job.status)).all()
        except Exception:  # noqa: BLE001 - a scrape must answer even with the database away
            rows = []
        for kind, status, count in rows:
            family.add_metric([kind, status], count)
        yield family


_queue: JobQueue | None = None


def watch_job_table(sessions: Callable[[], Session]) -> None:
    """Report the job table of these services (the last services built win)."""
    global _queue
    if _queue is not None:
        REGISTRY.unregister(_queue)
    _queue = JobQueue(sessions)
    REGISTRY.register(_queue)
