"""The FastAPI application: lifespan builds the services, routes stay thin.

Every route but health, the token endpoint and the public look-up page needs a
bearer token (``api.auth``); what a caller sees is decided by the vault.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any

import anyio.to_thread
from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse, Response
from sqlalchemy.exc import DataError
from starlette.exceptions import HTTPException as StarletteHTTPException
from uvicorn.middleware.proxy_headers import ProxyHeadersMiddleware

from accounts.limiter import TooManyAttempts
from accounts.service import LoginFailed
from digitize.capture import CaptureRejected
from vault import AlreadyFiled, RangeNotSatisfiable, RecordIncomplete

from .. import __version__, web
from ..errors import DOMAIN_ERRORS, INTERNAL, describe_error, http_status
from ..metrics import ERRORS, watch_job_table
from ..runtime import build_services
from ..services import Services
from ..settings import Settings, load_settings
from ..usecases.fsck import fsck
from ..usecases.sync.node import Syncer
from .access_log import AccessLog
from .admin_routes import router as admin_router
from .api_docs import router as docs_router
from .archive_routes import router as archive_router
from .auth import router as auth_router
from .body_limit import BodyLimit
from .certification_routes import router as certification_router
from .certify_routes import router as certify_router
from .data_request_routes import router as data_request_router
from .dossier_routes import router as dossier_router
from .oidc_routes import router as oidc_router
from .report_routes import router as report_router
from .reuse_routes import router as reuse_router
from .routes import router
from .security_headers import SecurityHeaders
from .signing_key_routes import router as signing_key_router
from .sync_routes import router as sync_router
from .text_guard import RejectNul

log = logging.getLogger(__name__)


def create_app(settings: Settings | None = None, services: Services | None = None) -> FastAPI:
    """Build the app; pass ``services`` to share them with a test or a CLI process."""

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        owned = services is None
        app.state.services = services or build_services(settings or load_settings())
        # Routes that touch the database run in worker threads; more threads than the
        # database and the cores can serve only add GIL and lock contention.
        limiter = anyio.to_thread.current_default_thread_limiter()
        limiter.total_tokens = app.state.services.settings.server.api_threads
        watch_job_table(app.state.services.sessions)
        if owned and app.state.services.settings.jobs.fsck_on_start:
            threading.Thread(target=_startup_fsck, args=(app.state.services,), daemon=True,
                             name="sohoa-fsck").start()
        # A counter node sends what it files on to the centre, from a thread of its own.
        syncer = Syncer(app.state.services) if app.state.services.settings.sync.central_url else None
        app.state.syncer = syncer
        if syncer:
            syncer.start()
        try:
            yield
        finally:
            if syncer:
                syncer.stop()
            if owned:
                app.state.services.close()

    configured = settings or (services.settings if services else load_settings())
    app = FastAPI(
        title="sohoa",
        version=__version__,
        summary="Số hóa hồ sơ, ký số và kho dữ liệu điện tử — digitisation, signing and vault",
        lifespan=lifespan, docs_url=None, redoc_url=None,
    )
    app.include_router(docs_router)
    app.include_router(auth_router)
    app.include_router(oidc_router)
    app.include_router(router)
    app.include_router(certify_router)
    app.include_router(reuse_router)
    app.include_router(dossier_router)
    app.include_router(admin_router)
    app.include_router(signing_key_router)
    app.include_router(data_request_router)
    app.include_router(certification_router)
    app.include_router(archive_router)
    app.include_router(report_router)
    app.include_router(sync_router)
    web.install(app)
    _install_error_handlers(app)
    app.add_middleware(AccessLog)
    app.add_middleware(RejectNul)
    # Before anything reads a body (RejectNul buffers JSON), and inside the headers.
    app.add_middleware(BodyLimit, upload_bytes=configured.intake.max_total_bytes,
                       other_bytes=configured.server.max_body_bytes)
    app.add_middleware(SecurityHeaders)
    if configured.server.trusted_proxies.strip():
        # Outermost: the access log and the login limiter see the client's address.
        app.add_middleware(ProxyHeadersMiddleware, trusted_hosts=configured.server.trusted_proxies)
    return app


def error_body(code: str, message: str) -> dict[str, dict[str, Any]]:
    return {"error": {"code": code, "message": message}}


def _install_error_handlers(app: FastAPI) -> None:
    async def on_domain_error(_request: Request, exc: Exception) -> Response:
        code, message = describe_error(exc)
        status = http_status(exc)
        ERRORS.labels(code).inc()
        retry_after = _request.app.state.services.settings.server.retry_after_seconds
        headers = {"Retry-After": str(retry_after)} if status == 503 else None
        if isinstance(exc, TooManyAttempts):
            headers = {"Retry-After": str(exc.retry_after)}
        elif isinstance(exc, LoginFailed):
            headers = {"WWW-Authenticate": "Bearer"}
        elif isinstance(exc, RangeNotSatisfiable):
            headers = {"Content-Range": f"bytes */{exc.size}"}  # RFC 9110 §15.5.17
        if web.wants_html(_request):
            problems = ([p.message for p in exc.problems] if isinstance(exc, CaptureRejected)
                        else [", ".join(exc.missing)] if isinstance(exc, RecordIncomplete)
                        else None)
            return web.error_page(_request, status, message, problems,
                                  field=getattr(exc, "field", None))
        body = error_body(code, message)
        if getattr(exc, "field", None):
            body["error"]["field"] = exc.field  # type: ignore[attr-defined]
        if isinstance(getattr(exc, "missing", None), list):  # what the request lacks
            body["error"]["missing"] = exc.missing  # type: ignore[attr-defined]
        if isinstance(exc, CaptureRejected):
            body["error"]["problems"] = [p.as_dict() for p in exc.problems]
        if isinstance(exc, AlreadyFiled):
            body["error"]["document"] = exc.document_id  # the one already filed
        return JSONResponse(body, status_code=status, headers=headers)

    for kind in DOMAIN_ERRORS:
        app.add_exception_handler(kind, on_domain_error)

    async def on_validation_error(_request: Request, exc: Exception) -> Response:
        assert isinstance(exc, RequestValidationError)
        problems = "; ".join(
            f"{'.'.join(str(p) for p in err.get('loc', ()))}: {err.get('msg')}"
            for err in exc.errors()
        )
        ERRORS.labels("invalid_request").inc()
        if web.wants_html(_request):
            return web.form_refused(_request, exc.errors())
        return JSONResponse(
            error_body("invalid_request", f"Yêu cầu không hợp lệ (invalid request): {problems}"),
            status_code=422,
        )

    app.add_exception_handler(RequestValidationError, on_validation_error)

    async def on_http_error(_request: Request, exc: Exception) -> Response:
        assert isinstance(exc, StarletteHTTPException)
        code = {404: "not_found", 403: "forbidden", 405: "method_not_allowed"}.get(
            exc.status_code, "http_error")
        detail = str(exc.detail)
        ERRORS.labels(code).inc()
        if exc.status_code == 400:
            # The framework's own words (a multipart body it cannot parse, a header
            # beyond its limits) are English; the counter reads Vietnamese first.
            detail = f"Yêu cầu không đọc được (malformed request): {detail}"
        if web.wants_html(_request) and exc.status_code >= 400:
            return web.framework_refused(_request, exc.status_code, str(exc.detail))
        return JSONResponse(error_body(code, detail), status_code=exc.status_code,
                            headers=getattr(exc, "headers", None))

    app.add_exception_handler(StarletteHTTPException, on_http_error)

    async def on_data_error(_request: Request, exc: Exception) -> JSONResponse:
        # The database refused a value the routes let through (a NUL in a multipart
        # field): the request's fault, and nothing was stored — the transaction rolled back.
        log.warning("database refused a value: %s", type(getattr(exc, "orig", exc)).__name__)
        return JSONResponse(error_body("invalid_value", "Giá trị không hợp lệ (a value holds "
                                       "characters that cannot be stored)"), status_code=422)

    app.add_exception_handler(DataError, on_data_error)

    async def on_bug(_request: Request, exc: Exception) -> Response:
        # Ours to fix; the server log has the traceback (Starlette re-raises after this).
        ERRORS.labels(INTERNAL[0]).inc()
        if web.wants_html(_request):
            return web.framework_refused(_request, 500, "")
        return JSONResponse(error_body(*INTERNAL), status_code=500)

    app.add_exception_handler(Exception, on_bug)


def _startup_fsck(services: Services) -> None:
    """A quick fsck while the service starts serving: orphans of a crash quarantined,
    abandoned jobs resumed, damage logged. It reads no blob, so it is short."""
    try:
        report = fsck(services, deep=False, repair=True)
    except Exception:  # noqa: BLE001 - a store away at start-up is reported, not fatal
        log.warning("start-up fsck could not run", exc_info=True)
        return
    (log.info if not report.unresolved else log.error)("%s", report.summary())
