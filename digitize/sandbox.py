"""Parse untrusted files in a child process with memory, CPU and time limits.

A scan or a PDF from a counter, a citizen or another agency is hostile until
proven otherwise: OCRmyPDF itself warns it is not hardened against malicious
PDFs, and a decompression bomb, a JBIG2 stream that lies about its size or an
object graph nested thousands deep can take a whole server with it. So every
look inside such a file (intake checks, capture checks, separator sheets, the
structure of a PDF before pyHanko reads it) runs in a child forked from a
clean "forkserver" process that has already imported what the parsers need.
The child limits its own address space (``RLIMIT_AS``) and CPU time
(``RLIMIT_CPU``) before touching the bytes, and works in a private temporary
folder that the parent removes whatever became of the child; the parent kills
it after the wall time. What happened comes back as a result, the child's own error (an
``IntakeError`` naming the problem), or `ParseLimitExceeded` — never as a
crash of the caller.

Forking from the forkserver costs milliseconds, not the 0.7 s of starting
Python and importing pikepdf, Pillow and OpenCV; each call still gets a fresh
process, so nothing one hostile file does survives into the next.
"""

from __future__ import annotations

import logging
import multiprocessing
import multiprocessing.connection
import os
import resource
import shutil
import signal
import tempfile
import threading
import traceback
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, TypeVar

from .errors import CorruptFile, DigitizeError, IntakeError
from .limits import SandboxLimits

T = TypeVar("T")
log = logging.getLogger(__name__)

#: Imported once in the forkserver, so each child starts with the parsers loaded
#: (and without importing the parent's main script again: see the module).
PRELOAD = ["digitize._exec.sandbox_preload"]


class ParseLimitExceeded(IntakeError):
    """The file needed more memory or time than a scan can honestly need."""

    code = "parse_limit_exceeded"


@dataclass(frozen=True)
class SandboxRun:
    """How one child fared, for the metrics."""

    peak_rss_kb: int  # 0 when the child died before it could say
    outcome: str  # "ok", "refused", "memory", "cpu", "timeout", "crashed"


_context_lock = threading.Lock()
_context: Any = None
#: Called with each child's outcome (the service counts them for its metrics).
_observers: list[Callable[[SandboxRun], None]] = []


def _forkserver() -> Any:
    global _context
    with _context_lock:
        if _context is None:
            context = multiprocessing.get_context("forkserver")
            context.set_forkserver_preload(PRELOAD)
            _context = context
        return _context


def run_isolated(function: Callable[..., T], *args: Any, limits: SandboxLimits) -> T:
    """``function(*args)`` in a limited child; its return value or its `DigitizeError`.

    ``function`` must be importable by name and its arguments and result picklable.
    """
    context = _forkserver()
    receiver, sender = context.Pipe(duplex=False)
    scratch = tempfile.mkdtemp(prefix="sohoa-parse-")
    child = context.Process(target=_child, args=(sender, function, args, limits, scratch),
                            daemon=True)
    try:
        child.start()
        sender.close()
        message = _receive(receiver, limits.wall_seconds)
    finally:
        receiver.close()
        if child.pid is not None:
            if child.is_alive():
                child.kill()
            child.join()
        # Whatever the child wrote (a copy of the upload, decoded pages) goes with it.
        shutil.rmtree(scratch, ignore_errors=True)
    if message is None:
        outcome = _how_it_died(child.exitcode)
        _remember(SandboxRun(0, outcome))
        raise _limit_error(outcome, limits)
    kind, value, peak = message
    if kind == "ok":
        _remember(SandboxRun(peak, "ok"))
        return value  # type: ignore[no-any-return]
    if kind == "memory":
        _remember(SandboxRun(peak, "memory"))
        raise _limit_error("memory", limits)
    _remember(SandboxRun(peak, "refused" if kind == "refused" else "crashed"))
    if kind == "refused":
        raise value
    # A parser failed in a way none of our checks names: the file is unreadable to us.
    # The child printed its traceback to stderr, so a bug of ours is seen there.
    log.warning("a sandboxed parse failed: %s", value)
    raise CorruptFile(f"không đọc được tệp (the file could not be read): {value}")


def observe(observer: Callable[[SandboxRun], None]) -> None:
    """Be told how every child fared: its outcome and its peak memory."""
    if observer not in _observers:
        _observers.append(observer)


def _remember(run: SandboxRun) -> None:
    for observer in _observers:
        observer(run)


def _receive(receiver: multiprocessing.connection.Connection,
             wall_seconds: float) -> tuple[str, Any, int] | None:
    if not receiver.poll(wall_seconds):
        return None
    try:
        message: tuple[str, Any, int] = receiver.recv()
    except (EOFError, OSError):
        return None
    return message


def _how_it_died(exitcode: int | None) -> str:
    if exitcode is None:
        return "timeout"
    if exitcode in (-signal.SIGXCPU, -signal.SIGKILL):
        # The kernel sends SIGXCPU at the soft CPU limit and SIGKILL at the hard one.
        return "cpu" if exitcode == -signal.SIGXCPU else "timeout"
    if exitcode in (-signal.SIGSEGV, -signal.SIGABRT, -signal.SIGBUS):
        return "memory"  # C libraries that cannot allocate tend to abort or fault
    return "crashed"


def _limit_error(outcome: str, limits: SandboxLimits) -> ParseLimitExceeded:
    if outcome == "memory":
        return ParseLimitExceeded(
            f"đọc tệp cần quá {limits.memory_mb} MB bộ nhớ (nghi là tệp độc hại hoặc 'bom "
            f"giải nén') (reading the file needs more than {limits.memory_mb} MB)")
    if outcome in ("cpu", "timeout"):
        return ParseLimitExceeded(
            f"đọc tệp vượt thời gian cho phép {limits.wall_seconds:.0f} giây / "
            f"{limits.cpu_seconds} giây CPU (reading the file took too long)")
    return ParseLimitExceeded(
        "không đọc được tệp: trình phân tích dừng bất thường (the parser stopped abnormally)")


#: How C libraries word a failed allocation once they have wrapped it in their own
#: error (qpdf, OpenCV, jbig2dec): the limit was hit, whatever the exception's class.
_MEMORY_MARKERS = ("std::bad_alloc", "Cannot allocate memory", "Insufficient memory",
                   "failed to allocate", "out of memory")


def _out_of_memory(text: str) -> bool:
    return any(marker in text for marker in _MEMORY_MARKERS)


def _child(sender: multiprocessing.connection.Connection, function: Callable[..., Any],
           args: tuple[Any, ...], limits: SandboxLimits, scratch: str) -> None:
    """In the child: limit ourselves, run, and send back one message."""
    memory = limits.memory_mb * 1024 * 1024
    resource.setrlimit(resource.RLIMIT_AS, (memory, memory))
    tempfile.tempdir = scratch
    os.environ["TMPDIR"] = scratch
    cpu = max(1, int(limits.cpu_seconds))
    resource.setrlimit(resource.RLIMIT_CPU, (cpu, cpu + 5))
    resource.setrlimit(resource.RLIMIT_CORE, (0, 0))
    try:
        message: tuple[str, Any, int] = ("ok", function(*args), 0)
    except MemoryError:
        message = ("memory", None, 0)
    except Exception as exc:  # noqa: BLE001 - reported to the parent, which refuses the file
        if _out_of_memory(str(exc)):
            message = ("memory", None, 0)
        elif isinstance(exc, DigitizeError):
            message = ("refused", exc, 0)
        else:
            message = ("crashed", f"{type(exc).__name__}: {exc}"[:500], 0)
            traceback.print_exc(limit=3)
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    try:
        sender.send((message[0], message[1], peak))
    except MemoryError:
        sender.send(("memory", None, peak))
    sender.close()
    os._exit(0)
