"""The web UI (giao diện): server-rendered pages for counter staff, citizens, archivists
and administrators, in Vietnamese first.

Pages call the same use cases as the API (``sohoa.usecases``, ``vault``), so what a
person may see is decided in one place, the vault. HTMX swaps partial pages (job
progress, uploads); everything works without a build step, and every asset ships in
this package.
"""

from __future__ import annotations

from fastapi import FastAPI
from fastapi.staticfiles import StaticFiles

from .errors import (
    error_page,
    form_refused,
    framework_refused,
    install_error_pages,
    wants_html,
)
from .render import static_root


def install(app: FastAPI) -> None:
    """Mount the screens, their static files and their error pages on ``app``."""
    from .pages_account import router as own_account
    from .pages_admin import router as admin
    from .pages_archive import router as archive
    from .pages_auth import router as auth
    from .pages_citizen import router as citizen
    from .pages_counter import router as counter
    from .pages_intake import router as intake
    from .pages_reports import router as reports

    for router in (auth, own_account, intake, counter, citizen, archive, admin, reports):
        app.include_router(router, include_in_schema=False)
    app.mount("/static", StaticFiles(directory=static_root()), name="static")
    install_error_pages(app)


__all__ = ["error_page", "form_refused", "framework_refused", "install", "wants_html"]
