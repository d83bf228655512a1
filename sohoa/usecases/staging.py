"""A checked counter batch, staged in the blob store so that any worker can run it.

The request is acknowledged (202) only after every scan is in the blob store
(encrypted, SHA-256 recorded) and the job row names them: blob first, then row,
then acknowledge. A worker on any machine rebuilds the batch from the params,
checking each hash, and the staged scans are deleted when the job is done or
has failed for good; fsck reports staged scans that no unfinished job names.
"""

from __future__ import annotations

from dataclasses import asdict
from datetime import date, datetime
from typing import Any

from digitize import PageInfo, ScanFile, ScanFormat
from digitize.capture import CaptureCode, CaptureProblem
from digitize.idcard import CitizenCard
from kernel import Viewer, parse_owner_id
from storage import BlobStore

from .counter import PreparedBatch, PreparedGroup

#: The first segment of staged blob keys (its own data key: scans are encrypted here too).
STAGING = "staging"


def staging_prefix(job_id: str) -> str:
    return f"{STAGING}/{job_id}/"


def stage(blobs: BlobStore, batch: PreparedBatch, job_id: str) -> dict[str, Any]:
    """Put every scan of ``batch`` in the blob store; return the job's params."""
    groups = []
    for g, group in enumerate(batch.groups):
        files = []
        for i, scan in enumerate(group.files):
            key = f"{staging_prefix(job_id)}{g:03d}-{i:03d}"
            info = blobs.put(key, scan.data, content_type=scan.format.value)
            files.append({"blob": key, "sha256": info.sha256, "name": scan.name,
                          "format": scan.format.value, "layout_dpi": scan.layout_dpi,
                          "signed": scan.signed,
                          "pages": [asdict(page) for page in scan.pages]})
        groups.append({
            "files": files, "dossier": group.dossier, "title": group.title,
            "component": group.component,
            "problems": [problem.as_dict() for problem in group.problems],
            "cards": [[page, _card_dict(card)] for page, card in group.cards],
        })
    return {
        "owner": batch.owner.value, "operator": batch.operator,
        "scanned_at": batch.scanned_at.isoformat(), "agency": batch.agency,
        "reuse_reason": batch.reuse_reason, "groups": groups,
        "viewer": batch.viewer.as_dict(),
    }


def load(blobs: BlobStore, params: dict[str, Any]) -> PreparedBatch:
    """The batch a job's params describe, its scans read back and checked by hash."""
    groups = []
    for group in params["groups"]:
        files = tuple(
            ScanFile(name=f["name"], data=blobs.get(f["blob"], expected_sha256=f["sha256"]),
                     format=ScanFormat(f["format"]),
                     pages=tuple(PageInfo(**page) for page in f["pages"]),
                     layout_dpi=f["layout_dpi"], signed=f.get("signed", False))
            for f in group["files"])
        groups.append(PreparedGroup(
            files=files, dossier=group["dossier"], title=group["title"],
            component=group["component"],
            problems=tuple(CaptureProblem(CaptureCode(p["code"]), p["page"], p["message"],
                                          p["blocking"]) for p in group["problems"]),
            cards=tuple((page, _card(card)) for page, card in group["cards"])))
    return PreparedBatch(
        owner=parse_owner_id(params["owner"]), groups=tuple(groups),
        operator=params["operator"], scanned_at=datetime.fromisoformat(params["scanned_at"]),
        agency=params["agency"], reuse_reason=params["reuse_reason"],
        viewer=Viewer.from_dict(params["viewer"]))


def staged_keys(params: dict[str, Any] | None) -> list[str]:
    """The blob keys a job's params name (none for jobs without staged inputs)."""
    return [f["blob"] for group in (params or {}).get("groups", []) for f in group["files"]]


def drop(blobs: BlobStore, job_id: str) -> int:
    """Delete a finished job's staged scans; returns how many there were."""
    keys = [info.key for info in blobs.list(staging_prefix(job_id))]
    for key in keys:
        blobs.delete(key)
    return len(keys)


def _card_dict(card: CitizenCard) -> dict[str, Any]:
    return {name: value.isoformat() if isinstance(value, date) else value
            for name, value in asdict(card).items()}


def _card(data: dict[str, Any]) -> CitizenCard:
    dates = {name: date.fromisoformat(data[name]) if data[name] else None
             for name in ("birth_date", "issue_date")}
    return CitizenCard(**{**data, **dates})
