"""Run OCRmyPDF in a child process and report its per-page progress.

OCRmyPDF allows one OCR run per Python process and recommends a child process
for isolation (its API docs). A child also lets us enforce a hard time limit
and survive a crash in a PDF library. The child prints JSON lines on stdout:
``{"event": "progress", "done": n, "total": N}`` while pages finish, then
``{"event": "done"}`` or ``{"event": "error", "message": …}``.
"""

from __future__ import annotations

import contextlib
import json
import os
import signal
import subprocess
import sys
import threading
import time
from collections.abc import Callable
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

from ..errors import OcrFailed, OcrTimeout

ProgressCallback = Callable[[int, int], None]


@dataclass(frozen=True)
class OcrRequest:
    input_pdf: str
    output_pdf: str
    sidecar: str
    language: str
    jobs: int
    page_timeout: float
    deskew: bool
    rotate_pages: bool
    optimize: int
    #: Replace an existing text layer (e.g. a scanner's own OCR) by rasterising the page.
    force_ocr: bool = False


def run_ocrmypdf(
    request: OcrRequest, *, timeout: float, on_progress: ProgressCallback | None = None
) -> None:
    """Produce ``output_pdf`` (PDF/A-2b) and ``sidecar`` (text) from ``input_pdf``."""
    env = {**os.environ, "OMP_THREAD_LIMIT": "1", "PYTHONUNBUFFERED": "1"}
    child = subprocess.Popen(
        [sys.executable, "-m", "digitize._exec.ocrmypdf", json.dumps(asdict(request))],
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, env=env, start_new_session=True,
    )
    stderr_lines: list[str] = []
    drain = threading.Thread(target=_drain, args=(child, stderr_lines), daemon=True)
    drain.start()
    timer = threading.Timer(timeout, _kill_group, args=(child,))
    timer.start()
    outcome: dict[str, Any] | None = None
    started = time.monotonic()
    try:
        assert child.stdout is not None
        for raw in child.stdout:
            try:
                event = json.loads(raw)
            except ValueError:
                continue
            if event.get("event") == "progress" and on_progress is not None:
                on_progress(int(event["done"]), int(event["total"]))
            elif event.get("event") in ("done", "error"):
                outcome = event
        child.wait()
    finally:
        timer.cancel()
        if child.poll() is None:
            _kill_group(child)
        drain.join(timeout=5)
    if outcome is None and time.monotonic() - started >= timeout - 0.5:
        raise OcrTimeout(
            f"OCR vượt thời gian cho phép {timeout:.0f} giây (OCR exceeded its time limit)"
        )
    if outcome is None or outcome.get("event") != "done" or child.returncode != 0:
        detail = (outcome or {}).get("message") or " ".join(stderr_lines[-3:]) or "no output"
        raise OcrFailed(f"OCR thất bại (OCR failed): {detail}")


def _drain(child: subprocess.Popen[bytes], sink: list[str]) -> None:
    assert child.stderr is not None
    for line in child.stderr:
        sink.append(line.decode("utf-8", "replace").strip())
        del sink[:-50]


def _kill_group(child: subprocess.Popen[bytes]) -> None:
    with contextlib.suppress(ProcessLookupError):
        os.killpg(child.pid, signal.SIGKILL)


# -- the child ---------------------------------------------------------------------------

def _child_main(raw: str) -> int:
    import logging

    import ocrmypdf

    from .ocrmypdf_progress import emit

    logging.basicConfig(level=logging.WARNING, stream=sys.stderr)
    request = OcrRequest(**json.loads(raw))
    try:
        ocrmypdf.ocr(
            Path(request.input_pdf), Path(request.output_pdf),
            language=[request.language], output_type="pdfa-2", jobs=request.jobs,
            sidecar=Path(request.sidecar), tesseract_timeout=request.page_timeout,
            deskew=request.deskew, rotate_pages=request.rotate_pages,
            optimize=request.optimize, force_ocr=request.force_ocr, progress_bar=True,
            plugins=["digitize._exec.ocrmypdf_progress"],
        )
    except Exception as exc:  # noqa: BLE001 - reported to the parent, which raises
        emit(event="error", message=f"{type(exc).__name__}: {exc}")
        return 1
    emit(event="done")
    return 0


if __name__ == "__main__":
    raise SystemExit(_child_main(sys.argv[1]))
