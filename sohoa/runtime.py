"""The service as it runs: the graph assembled (`sohoa.services`), the job kinds
registered (`sohoa.job_kinds`), the runner started.

Kept apart from the assembly so that the use cases the job kinds run may take the
services without importing the module that registers them: the arrows go from here
down, never back. The entry points (the web app, the worker, the command line) and
the tests start the service through ``build_services``.
"""

from __future__ import annotations

from .job_kinds import register_all
from .services import Services, assemble_services
from .settings import Settings, load_settings


def build_services(settings: Settings | None = None, *, start_jobs: bool = True) -> Services:
    """The services with every job kind registered; the runner started unless
    ``start_jobs`` is False (a command that runs no job, a test that starts it later).
    Kinds are registered before the start: the runner takes back jobs left by a process
    that died, and runs them at once."""
    services = assemble_services(settings or load_settings())
    register_all(services)
    if start_jobs:
        services.jobs.start()
        # A server follows the search log itself; commands take it in when they search.
        if services.vault.finder.indexer is not None:
            services.vault.finder.indexer.start(services.settings.search.poll_seconds)
    return services
