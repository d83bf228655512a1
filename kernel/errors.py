"""The error base: every refusal a domain gives says what it is to a program (``code``),
to HTTP (``http_status``) and to a shell (``exit_code``), in one place, on the class.

The API, the command line and the job runner read these attributes instead of each
keeping a ladder of ``isinstance`` checks; a new error is one class, not three edits.
Exit codes follow OCRmyPDF's practice of one number per class of failure, so scripts at
a counter can tell "fix the input" from "try again later".
"""

from __future__ import annotations

from enum import IntEnum
from typing import ClassVar


class ExitCode(IntEnum):
    """What a command's exit status means."""

    OK = 0
    #: A check answered "no": a signature does not hold, fsck found problems.
    CHECK_FAILED = 1
    #: The request is wrong and was refused; nothing was stored.
    REFUSED = 2
    NOT_FOUND = 3
    #: The request is right but the state forbids it (already done, under a hold …).
    CONFLICT = 4
    FORBIDDEN = 5
    #: A service it needs is away (database, storage, a trust service): try again.
    UNAVAILABLE = 6
    INTERNAL = 15


_EXIT_FOR_STATUS = {401: ExitCode.FORBIDDEN, 403: ExitCode.FORBIDDEN, 404: ExitCode.NOT_FOUND,
                    409: ExitCode.CONFLICT, 410: ExitCode.CONFLICT, 429: ExitCode.UNAVAILABLE,
                    503: ExitCode.UNAVAILABLE, 500: ExitCode.INTERNAL}


def exit_code_for(http_status: int) -> ExitCode:
    """The exit status that matches an HTTP status (4xx input errors: REFUSED)."""
    return _EXIT_FOR_STATUS.get(http_status, ExitCode.REFUSED)


class DomainError(Exception):
    """Base of every error a domain raises on purpose.

    Subclasses set ``code`` (stable, for programs and tests), ``http_status`` and, when
    it differs from what the status implies, ``exit_code``. ``transient`` marks what
    waiting may cure (a job meeting one is retried later, not failed); ``public`` is the
    message shown instead of the error's own when that may carry internals.
    """

    code: ClassVar[str] = "domain_error"
    http_status: ClassVar[int] = 422
    exit_code: ClassVar[ExitCode] = ExitCode.REFUSED
    transient: ClassVar[bool] = False
    public: ClassVar[str | None] = None
    _exit_from_status: ClassVar[bool] = False

    def __init_subclass__(cls, **kwargs: object) -> None:
        super().__init_subclass__(**kwargs)
        # The exit code follows the status, unless this class or one above it (below
        # DomainError) chose one in its own body.
        chosen = any("exit_code" in vars(c) and not vars(c).get("_exit_from_status", False)
                     for c in cls.__mro__ if c is not DomainError and issubclass(c, DomainError))
        if not chosen:
            cls.exit_code = exit_code_for(cls.http_status)
            cls._exit_from_status = True

    def __init__(self, *args: object, field: str | None = None) -> None:
        super().__init__(*args)
        #: The form field the refusal is about, when there is one: a screen shows the
        #: message beside that field, the API names it in the error body.
        self.field = field

    def describe(self) -> str:
        """The message safe to show to whoever made the request."""
        return self.public if self.public is not None else str(self)
