"""How errors reach people and programs: the API's status and JSON, the command line's
exit code and message, the job runner's retry.

Every error of ours carries its code, HTTP status, exit code and whether waiting may
cure it (`kernel.errors.DomainError`); the few that are not ours are in one table
below. Messages are shown as written, with any ID they repeat masked.
"""

from __future__ import annotations

from typing import NamedTuple

from sqlalchemy.exc import OperationalError

from kernel import DomainError, mask_ids_in_text
from kernel.errors import ExitCode, exit_code_for


class BackupError(DomainError):
    """A backup or a restore cannot go on (sohoa.backup); the message says why."""

    code = "backup_failed"
    http_status = 500


class IdempotencyConflict(DomainError):
    """An Idempotency-Key already names a request with other content."""

    code = "idempotency_key_reused"
    http_status = 409


class BundleError(DomainError):
    """A counter node's bundle the centre cannot file (sohoa.usecases.sync): the message says why."""

    code = "bad_bundle"
    http_status = 422


class SignatureRefused(BundleError):
    """The operator's signature on a node's document does not hold at the centre."""

    code = "signature_invalid"


class NotANode(DomainError):
    """This service is not a counter node: no centre is configured."""

    code = "not_a_node"
    http_status = 404


class Foreign(NamedTuple):
    """How an error raised by a library is reported."""

    code: str
    http_status: int
    message: str
    transient: bool


#: Errors that are not ours but are not our bugs either.
FOREIGN: dict[type[Exception], Foreign] = {
    OperationalError: Foreign("database_unavailable", 503, (
        "Cơ sở dữ liệu tạm thời không truy cập được (the database is unavailable; try again)"),
        transient=True),
}

#: What the API and the command line report as a refusal, never as an internal error.
DOMAIN_ERRORS: tuple[type[Exception], ...] = (DomainError, *FOREIGN)

INTERNAL = ("internal_error", "Lỗi nội bộ; xem nhật ký máy chủ (internal error; see the server log)")


def _foreign(exc: BaseException) -> Foreign | None:
    return next((entry for kind, entry in FOREIGN.items() if isinstance(exc, kind)), None)


def http_status(exc: BaseException) -> int:
    """The HTTP status an error answers with; 500 only for what is truly ours."""
    if isinstance(exc, DomainError):
        return exc.http_status
    foreign = _foreign(exc)
    return foreign.http_status if foreign else 500


def exit_code(exc: BaseException) -> ExitCode:
    """The command line's exit status for an error (`kernel.errors.ExitCode`)."""
    return exc.exit_code if isinstance(exc, DomainError) else exit_code_for(http_status(exc))


def is_transient(exc: BaseException) -> bool:
    """Whether waiting will likely cure the error: storage, database or a trust service
    away. A job that hits one is queued again with a growing delay, not failed."""
    if isinstance(exc, DomainError):
        return exc.transient
    foreign = _foreign(exc)
    return bool(foreign and foreign.transient)


def describe_error(exc: BaseException) -> tuple[str, str]:
    """``(code, message)`` safe to show: domain messages as they are, others hidden; any
    ID the message repeats from the input (a dossier "code" typed as a personal ID, say)
    is masked as in the logs, since answers end up in browsers, proxies and screenshots."""
    if isinstance(exc, DomainError):
        return exc.code, mask_ids_in_text(exc.describe())
    foreign = _foreign(exc)
    return (foreign.code, foreign.message) if foreign else INTERNAL
