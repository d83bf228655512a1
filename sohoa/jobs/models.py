"""The jobs table: what a long task is doing, for the API, the UI and the CLI to show.

The table is also the queue's durable truth. A job's ``params`` say everything a
worker on any machine needs to run it (its inputs are staged in the blob store
first), so a job outlives the process that accepted it: whoever holds a job keeps
its ``lease_until`` in the future, and a job whose lease ran out is handed to
another worker (`JobStore.take_back`).
"""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum
from typing import Any

from sqlalchemy import Integer, LargeBinary, String, Text
from sqlalchemy.orm import Mapped, Session, mapped_column

from kernel import Base, UTCDateTime, new_uuid, utcnow
from storage.sealing import SealedField, SealedRow, listen, new_row_id

#: The data key jobs' params and results are sealed under (``storage.sealing``): they name
#: owners and carry what was read from their papers.
JOBS_VAULT = "jobs"


class JobStatus(StrEnum):
    QUEUED = "queued"
    RUNNING = "running"
    DONE = "done"
    FAILED = "failed"


UNFINISHED = (JobStatus.QUEUED.value, JobStatus.RUNNING.value)


class Job(SealedRow, Base):
    """A job; its params and result are sealed, and ``owner_index`` (the blind index of
    the owner it works for) lets a crypto-shredding wipe them (``JobStore.forget_owner``)."""

    __tablename__ = "jobs"

    id: Mapped[str] = mapped_column(String(36), primary_key=True, default=new_uuid)
    kind: Mapped[str] = mapped_column(String(32))
    status: Mapped[str] = mapped_column(String(16), default=JobStatus.QUEUED.value, index=True)
    progress_done: Mapped[int] = mapped_column(Integer, default=0)
    progress_total: Mapped[int] = mapped_column(Integer, default=0)
    stage: Mapped[str | None] = mapped_column(String(32))
    error_code: Mapped[str | None] = mapped_column(String(64))
    error: Mapped[str | None] = mapped_column(Text)
    owner_index: Mapped[str | None] = mapped_column(String(40), index=True)
    #: The account that asked for the job: only it sees the job and its result.
    requested_by: Mapped[str | None] = mapped_column(String(36))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    started_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    finished_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    #: How many times a worker took the job (1 on the first run).
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    #: The holder's claim: past this instant the job is handed to another worker.
    lease_until: Mapped[datetime | None] = mapped_column(UTCDateTime, index=True)
    #: A job waiting to retry after a passing fault is not run before this instant.
    retry_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    #: Which process holds the job (host:pid), for operators.
    worker: Mapped[str | None] = mapped_column(String(120))
    sealed: Mapped[bytes | None] = mapped_column(LargeBinary)

    #: What the job works on, as JSON; staged inputs are named by blob key and SHA-256.
    params: SealedField[dict[str, Any] | None] = SealedField(None)
    result: SealedField[dict[str, Any] | None] = SealedField(None)

    def sealing_vault(self, session: Session) -> str:
        return JOBS_VAULT

    def sealing_row(self) -> str:
        return f"jobs:{new_row_id(self)}"


listen(Job)
