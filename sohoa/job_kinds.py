"""The kinds of job the service runs, and how each is submitted.

Each kind is a `Handler` over ``Services``: the same code runs on a thread of the
serving process or on a Celery worker of another machine, since everything it
needs is in the job's params (scans staged in the blob store, the viewer as
data). Handlers are idempotent: a rerun finds what an earlier run filed.
"""

from __future__ import annotations

import hashlib
import uuid
from typing import Any

from sqlalchemy.exc import IntegrityError

from kernel import Viewer, new_uuid

from .errors import IdempotencyConflict
from .jobs import Handler, JobContext, JobNotFound, JobView
from .presenters import document_summary
from .services import Services
from .usecases import counter, staging

DIGITIZE = "digitize"
#: Job ids made from (account, Idempotency-Key): the same pair always names one job.
IDEMPOTENCY = uuid.UUID("5f0c2a8e-5b1d-4c1e-9a55-736f686f6101")
ARCHIVE_EXPORT = "archive-export"


def register_all(services: Services) -> None:
    services.jobs.register(DIGITIZE, Handler(lambda ctx: _digitise(services, ctx),
                                             lambda job: _drop_staged(services, job)))
    services.jobs.register(ARCHIVE_EXPORT, Handler(lambda ctx: _export(services, ctx)))


def submit_digitisation(services: Services, batch: counter.PreparedBatch, *, actor: str,
                        requested_by: str | None,
                        idempotency_key: str | None = None) -> JobView:
    """Stage the checked batch's scans, then record the job: once this returns, the
    request is acknowledged and nothing in it can be lost.

    With ``idempotency_key`` (the client's name for this request), sending the same
    request again — because the answer was lost on the way — returns the job of the
    first one instead of filing the scans twice; the same key with other scans is
    refused (409)."""
    fingerprint = _fingerprint(batch)
    job_id = new_uuid()
    if idempotency_key is not None:
        job_id = str(uuid.uuid5(IDEMPOTENCY, f"{requested_by}\n{idempotency_key}"))
        if (earlier := _existing(services, job_id, fingerprint)) is not None:
            services.jobs.redeliver(earlier)
            return earlier
    params = staging.stage(services.blobs, batch, job_id) | {"actor": actor,
                                                              "fingerprint": fingerprint}
    try:
        return services.jobs.submit(DIGITIZE, params, job_id=job_id, total=batch.pages,
                                    owner_identifier=batch.owner.value,
                                    requested_by=requested_by)
    except IntegrityError:
        # The same key sent twice at once: the other request recorded the job first.
        if idempotency_key is None or (earlier := _existing(services, job_id,
                                                            fingerprint)) is None:
            raise
        return earlier
    except BaseException:
        staging.drop(services.blobs, job_id)
        raise


def _fingerprint(batch: counter.PreparedBatch) -> str:
    """What makes two requests the same: the owner and every scan, in order."""
    digest = hashlib.sha256(batch.owner.value.encode())
    for group in batch.groups:
        for scan in group.files:
            digest.update(hashlib.sha256(scan.data).digest())
    return digest.hexdigest()


def _existing(services: Services, job_id: str, fingerprint: str) -> JobView | None:
    try:
        earlier = services.jobs.get(job_id)
    except JobNotFound:
        return None
    if (earlier.params or {}).get("fingerprint") != fingerprint:
        raise IdempotencyConflict(
            "Idempotency-Key này đã dùng cho một yêu cầu khác (this Idempotency-Key "
            "already names a request with other scans)")
    return earlier


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
