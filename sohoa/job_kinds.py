"""The kinds of job the service runs, and how each is submitted.

Each kind is a `Handler` over ``Services``: the same code runs on a thread of the
serving process or on a Celery worker of another machine, since everything it
needs is in the job's params (scans staged in the blob store, the viewer as
data). Handlers are idempotent: a rerun finds what an earlier run filed.
"""

from __future__ import annotations

import uuid
from typing import Any

from vault import Viewer
from vault.models import new_uuid

from . import counter, staging
from .jobs import Handler, JobContext, JobView
from .presenters import document_summary
from .services import Services

DIGITIZE = "digitize"
ARCHIVE_EXPORT = "archive-export"


def register_all(services: Services) -> None:
    services.jobs.register(DIGITIZE, Handler(lambda ctx: _digitise(services, ctx),
                                             lambda job: _drop_staged(services, job)))
    services.jobs.register(ARCHIVE_EXPORT, Handler(lambda ctx: _export(services, ctx)))


def submit_digitisation(services: Services, batch: counter.PreparedBatch, *, actor: str,
                        requested_by: str | None) -> JobView:
    """Stage the checked batch's scans, then record the job: once this returns, the
    request is acknowledged and nothing in it can be lost."""
    job_id = new_uuid()
    params = staging.stage(services.blobs, batch, job_id) | {"actor": actor}
    try:
        return services.jobs.submit(DIGITIZE, params, job_id=job_id, total=batch.pages,
                                    owner_identifier=batch.owner.value,
                                    requested_by=requested_by)
    except BaseException:
        staging.drop(services.blobs, job_id)
        raise


def submit_export(services: Services, codes: list[str], *, viewer: Viewer,
                  requested_by: str | None) -> JobView:
    params = {"codes": codes, "viewer": viewer.as_dict()}
    return services.jobs.submit(ARCHIVE_EXPORT, params, total=len(codes),
                                requested_by=requested_by)


def _digitise(services: Services, context: JobContext) -> dict[str, Any]:
    batch = staging.load(services.blobs, context.params)
    records = counter.run(services, batch, actor=context.params["actor"],
                          progress=context.report, intake_key=context.job.id)
    return {"documents": [document_summary(r, services.vault.required_fields)
                          for r in records]}


def _drop_staged(services: Services, job: JobView) -> None:
    staging.drop(services.blobs, job.id)


def _export(services: Services, context: JobContext) -> dict[str, Any]:
    """Export and validate dossiers into a fresh folder under the exports folder (a
    rerun writes a new folder: an export changes nothing in the vault)."""
    codes: list[str] = context.params["codes"]
    into = services.settings.exports_dir / uuid.uuid4().hex
    into.mkdir(parents=True)
    packages = services.archives.export_many(
        codes, into, viewer=Viewer.from_dict(context.params["viewer"]),
        progress=lambda done, total: context.report(done, total, "export"))
    return {"packages": [{"code": code, "name": p.path.name, "folder": str(p.path),
                          "valid": p.report.valid, "files": p.files,
                          "bytes": p.payload_bytes, "checksum": p.checksum,
                          "problems": [] if p.report.valid else p.report.lines_vi()}
                         for code, p in zip(codes, packages, strict=True)]}
