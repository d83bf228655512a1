"""Is this process able to serve? The checks behind ``/readyz``.

Liveness (``/healthz``) only says the process answers; readiness says whether what
it needs answers too — the database, the blob store, and the job broker when jobs
run on Celery — so a load balancer sends counters elsewhere while one is away.
"""

from __future__ import annotations

import logging
from collections.abc import Callable

from sqlalchemy import text

from .jobs.celery_backend import CeleryJobRunner
from .services import Services

log = logging.getLogger(__name__)

#: A key that is never written: asking for it proves the store answers.
PROBE_KEY = "readiness/probe"


def readiness(services: Services) -> dict[str, bool]:
    """Each dependency and whether it answered just now."""
    checks: dict[str, Callable[[], object]] = {
        "database": lambda: _database(services),
        "storage": lambda: services.blobs.inner.exists(PROBE_KEY),
    }
    jobs = services.jobs
    if isinstance(jobs, CeleryJobRunner) and jobs.app is not None:
        app = jobs.app
        checks["broker"] = lambda: app.connection_for_write().ensure_connection(max_retries=1)
    answers = {}
    for name, check in checks.items():
        try:
            check()
            answers[name] = True
        except Exception:  # noqa: BLE001 - any failure means "not ready"
            log.warning("readiness: %s is not answering", name, exc_info=True)
            answers[name] = False
    return answers


def _database(services: Services) -> None:
    with services.engine.connect() as connection:
        connection.execute(text("SELECT 1"))
