"""``sohoa`` commands. Each parses options, calls a service, and prints the answer."""

from __future__ import annotations

import gc
import signal
import sys
from typing import Annotated

import typer

from kernel import DomainError

from . import keys_admin  # noqa: F401 - its commands join `sohoa admin`
from .admin import admin_app
from .archive import archive_app
from .audit import audit_app
from .certify import certify_app, lookup_app
from .context import commands, loaded
from .documents import documents_app, vault_app
from .dossiers import dossier_app
from .keys import keys_app
from .ops import backup, fsck, migrate, restore, sync, thumbnails, worker
from .output import fail
from .report import report_app
from .retention import retention_app
from .search import search_app
from .sign import sign_app, signing_app

app = commands(
    "sohoa — số hóa hồ sơ, ký số và kho dữ liệu điện tử (digitisation, signing, vault).")
for top_level in (documents_app, sign_app, lookup_app):
    app.add_typer(top_level)  # their commands at the top: sohoa digitize, sign, verify, lookup
app.add_typer(vault_app, name="vault")
app.add_typer(certify_app, name="certify")
app.add_typer(signing_app, name="signing")
app.add_typer(dossier_app, name="dossier")
app.add_typer(admin_app, name="admin")
app.add_typer(audit_app, name="audit")
app.add_typer(keys_app, name="keys")
app.add_typer(search_app, name="search")
app.add_typer(retention_app, name="retention")
app.add_typer(archive_app, name="archive")
app.add_typer(report_app, name="report")
app.command()(worker)
app.command()(fsck)
app.command()(thumbnails)
app.command()(migrate)
app.command()(backup)
app.command()(restore)
app.command()(sync)


@app.command()
def serve(
    host: Annotated[str | None, typer.Option(help="Address to bind (default 127.0.0.1)")] = None,
    port: Annotated[int | None, typer.Option(help="Port (default 8000)")] = None,
) -> None:
    """Chạy dịch vụ web và API (run the web service and API)."""
    import uvicorn

    from ..api import create_app
    from ..logs import configure_logging
    from ..settings import load_settings

    settings = load_settings()
    configure_logging(settings.server.log_format)
    exit_cleanly_on_sigterm()
    loaded()
    # Forwarded headers are the app's business (SOHOA_TRUSTED_PROXIES), not uvicorn's,
    # which would otherwise believe them from any local peer.
    uvicorn.run(create_app(settings), host=host or settings.server.host, port=port or settings.server.port,
                access_log=False, log_config=None, proxy_headers=False)


def exit_cleanly_on_sigterm() -> None:
    """Let SIGTERM end the process as an exit, not a kill.

    uvicorn shuts down gracefully on SIGTERM and then raises the signal again with the
    handler it found at start; with the system's default that kills the process before
    ``atexit`` runs, so the warm OCR workers and their temporary folders, and the
    parsing sandbox's socket folder, would stay behind.
    """
    signal.signal(signal.SIGTERM, lambda number, _frame: sys.exit(128 + number))


def main() -> None:
    """The command line; a setting or request refused outside a command's own handling
    (bad settings at start) is reported as every refusal is, never as a traceback.

    The garbage collector rests while a command loads its modules and opens the service
    (`context.loaded` wakes it): what loading makes lives as long as the process, and
    collections then would only walk it again. When the command is done, its objects
    are frozen out of the collector, whose last passes at exit would otherwise walk
    every SQLAlchemy and pydantic structure once more. Together a quarter of a short
    command's time (`bench/cli_startup.py`)."""
    gc.disable()
    try:
        app()
    except DomainError as exc:
        try:
            fail(exc)
        except typer.Exit as done:
            sys.exit(done.exit_code)
    finally:
        gc.freeze()
