"""Run OCRmyPDF in warm worker processes and report per-page progress.

OCRmyPDF allows one OCR run at a time per Python process and recommends a child
process for isolation (its API docs). A child also lets us enforce a hard time
limit and survive a crash in a PDF library. Starting Python and importing
OCRmyPDF costs about 0.7 s, so children are kept warm: each serves one request
at a time, read as a JSON line on stdin, and answers with JSON lines on stdout:
``{"event": "progress", "done": n, "total": N}`` while pages finish, then
``{"event": "done"}`` or ``{"event": "error", "message": …}``. A child that
overruns its time limit is killed with its whole process group and replaced.
"""

from __future__ import annotations

import atexit
import contextlib
import json
import os
import shutil
import signal
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Callable
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import IO, Any

from ..errors import OcrFailed, OcrTimeout

ProgressCallback = Callable[[int, int], None]


@dataclass(frozen=True)
class OcrRequest:
    input_pdf: str
    output_pdf: str
    sidecar: str
    #: JSON file with the page reader's configuration (see `ocr_plugin.PageReaderConfig`).
    reader_config: str
    language: str
    jobs: int
    rotate_pages: bool
    optimize: int
    #: Replace an existing text layer (e.g. a scanner's own OCR) by rasterising the page.
    force_ocr: bool = False
    #: Memory limit of the OCR processes for this request (MB; 0: none).
    memory_mb: int = 0
    #: The page images as the PDF/A keeps them (`digitize.recompress`), made here once
    #: OCR has read them: in this child, under its memory limit, never in the server.
    kept_quality: int = 0
    kept_ink_contrast: int = 48


class _Worker:
    """One warm child process running `_serve`."""

    def __init__(self) -> None:
        # Its own temporary folder, removed when it is killed: OCRmyPDF's work folders
        # and multiprocessing's stay there even when the child dies without cleaning up.
        self.scratch = tempfile.mkdtemp(prefix="sohoa-ocr-")
        # Two malloc arenas, not eight per core: a warm worker that has read a page then
        # holds about half the memory while it waits for the next (`_give_back_memory`).
        env = {**os.environ, "OMP_THREAD_LIMIT": "1", "PYTHONUNBUFFERED": "1",
               "TMPDIR": self.scratch, "MALLOC_ARENA_MAX": "2"}
        self.process = subprocess.Popen(
            [sys.executable, "-m", "digitize._exec.ocrmypdf"],
            stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
            env=env, start_new_session=True,
        )
        self.stderr: list[str] = []
        threading.Thread(target=self._drain, daemon=True).start()

    def _drain(self) -> None:
        assert self.process.stderr is not None
        for line in self.process.stderr:
            self.stderr.append(line.decode("utf-8", "replace").strip())
            del self.stderr[:-50]

    @property
    def alive(self) -> bool:
        return self.process.poll() is None

    def kill(self) -> None:
        with contextlib.suppress(ProcessLookupError):
            os.killpg(self.process.pid, signal.SIGKILL)
        self.process.wait()
        shutil.rmtree(self.scratch, ignore_errors=True)

    def run(self, request: OcrRequest, timeout: float,
            on_progress: ProgressCallback | None) -> dict[str, Any] | None:
        """Send one request; the final event, or None if the child died or timed out."""
        assert self.process.stdin is not None and self.process.stdout is not None
        self.stderr.clear()
        timer = threading.Timer(timeout, self.kill)
        timer.start()
        try:
            self.process.stdin.write((json.dumps(asdict(request)) + "\n").encode())
            self.process.stdin.flush()
            return _read_events(self.process.stdout, on_progress)
        except (BrokenPipeError, OSError):
            return None
        finally:
            timer.cancel()


def _read_events(stream: IO[bytes], on_progress: ProgressCallback | None) -> dict[str, Any] | None:
    for raw in stream:
        try:
            event = json.loads(raw)
        except ValueError:
            continue
        if event.get("event") == "progress" and on_progress is not None:
            on_progress(int(event["done"]), int(event["total"]))
        elif event.get("event") in ("done", "error"):
            return dict(event)
    return None


class WorkerPool:
    """Idle warm workers, handed out one request at a time (thread-safe)."""

    def __init__(self) -> None:
        self._idle: list[_Worker] = []
        #: Every worker started and not yet closed, busy ones too (closed at exit).
        self._started: set[_Worker] = set()
        self._lock = threading.Lock()

    def acquire(self) -> _Worker:
        with self._lock:
            while self._idle:
                worker = self._idle.pop()
                if worker.alive:
                    return worker
                self._started.discard(worker)
                worker.kill()
            worker = _Worker()
            self._started.add(worker)
            return worker

    def release(self, worker: _Worker) -> None:
        if not worker.alive:
            self.discard(worker)
            return
        with self._lock:
            self._idle.append(worker)

    def discard(self, worker: _Worker) -> None:
        """Kill a worker that failed or overran, and forget it."""
        worker.kill()
        with self._lock:
            self._started.discard(worker)

    def close(self) -> None:
        """Kill every worker, a busy one too (at exit), and remove their folders."""
        with self._lock:
            started, self._started, self._idle = self._started, set(), []
        for worker in started:
            worker.kill()


_POOL = WorkerPool()
atexit.register(_POOL.close)


def run_ocrmypdf(
    request: OcrRequest, *, timeout: float, on_progress: ProgressCallback | None = None
) -> None:
    """Produce ``output_pdf`` (PDF/A-2b) and ``sidecar`` (text) from ``input_pdf``."""
    worker = _POOL.acquire()
    started = time.monotonic()
    outcome = worker.run(request, timeout, on_progress)
    if outcome is None:
        _POOL.discard(worker)
        if time.monotonic() - started >= timeout - 0.5:
            raise OcrTimeout(
                f"OCR vượt thời gian cho phép {timeout:.0f} giây (OCR exceeded its time limit)"
            )
        detail = " ".join(worker.stderr[-3:]) or "the OCR worker stopped"
        raise OcrFailed(f"OCR thất bại (OCR failed): {detail}")
    _POOL.release(worker)
    if outcome.get("event") != "done":
        raise OcrFailed(f"OCR thất bại (OCR failed): {outcome.get('message') or 'no output'}")


# -- the child ---------------------------------------------------------------------------

def _serve() -> int:
    """Answer requests from stdin until it closes (the parent went away)."""
    import logging

    import ocrmypdf

    from .ocr_plugin import CONFIG_ENV
    from .ocrmypdf_progress import emit

    logging.basicConfig(level=logging.WARNING, stream=sys.stderr)
    for raw in sys.stdin:
        if not raw.strip():
            continue
        request = OcrRequest(**json.loads(raw))
        os.environ[CONFIG_ENV] = request.reader_config
        _limit_memory(request.memory_mb)
        try:
            ocrmypdf.ocr(
                Path(request.input_pdf), Path(request.output_pdf),
                language=[request.language], output_type="pdfa-2", jobs=request.jobs,
                sidecar=Path(request.sidecar), rotate_pages=request.rotate_pages,
                # Our orientation confidence is 0–1 scaled to OCRmyPDF's 0–15: rotate above
                # 0.5. OCRmyPDF refuses the threshold without rotation.
                rotate_pages_threshold=7.5 if request.rotate_pages else None,
                optimize=request.optimize, force_ocr=request.force_ocr, progress_bar=True,
                # One page at a time needs no pool of forked processes (each a copy of
                # this one, 250 MB resident): the page runs in a thread of this worker.
                use_threads=request.jobs == 1,
                plugins=["digitize._exec.ocrmypdf_progress", "digitize._exec.ocr_plugin"],
            )
            if request.kept_quality:
                _keep_small(request)
        except Exception as exc:  # noqa: BLE001 - reported to the parent, which raises
            emit(event="error", message=f"{type(exc).__name__}: {exc}")
            continue
        finally:
            _give_back_memory()
        emit(event="done")
    return 0


def _keep_small(request: OcrRequest) -> None:
    """The last stage: the PDF/A's page images split into ink and paper."""
    from ..recompress import KeptImages, recompress_images

    output = Path(request.output_pdf)
    output.write_bytes(recompress_images(output.read_bytes(), KeptImages(
        quality=request.kept_quality, ink_contrast=request.kept_ink_contrast)))


def _give_back_memory() -> None:
    """Return the heap freed by the last request to the system: a warm worker waits with
    what it needs, not with the peak of the last page it read (glibc keeps freed memory
    otherwise, and two idle workers then hold half a gigabyte)."""
    import ctypes
    import gc

    gc.collect()
    with contextlib.suppress(OSError, AttributeError):
        ctypes.CDLL("libc.so.6").malloc_trim(0)


def _limit_memory(megabytes: int) -> None:
    """Set the soft memory limit (RLIMIT_DATA) OCRmyPDF's workers and Tesseract inherit.

    Only the soft limit moves, so the next request may raise it again."""
    import resource

    _, hard = resource.getrlimit(resource.RLIMIT_DATA)
    soft = megabytes * 1024 * 1024 if megabytes > 0 else hard
    if hard != resource.RLIM_INFINITY:
        soft = min(soft, hard)
    resource.setrlimit(resource.RLIMIT_DATA, (soft, hard))


if __name__ == "__main__":
    raise SystemExit(_serve())
