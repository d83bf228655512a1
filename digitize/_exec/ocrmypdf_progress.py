"""OCRmyPDF plugin: report the OCR stage's per-page progress as JSON lines on stdout.

Loaded only inside the OCR child process (see ``ocrmypdf.py`` beside it), whose
stdout is a pipe read by the parent.
"""

from __future__ import annotations

import json
import sys
from typing import Any

from ocrmypdf import hookimpl


def emit(**event: Any) -> None:
    sys.stdout.write(json.dumps(event) + "\n")
    sys.stdout.flush()


class JsonLinesProgress:
    """Follows OCRmyPDF's ``ProgressBar`` protocol; only the "OCR" stage is per page."""

    def __init__(self, *, total: float | None = None, desc: str | None = None,
                 **_: Any) -> None:
        self.total = int(total or 0)
        self.track = desc == "OCR"
        self.done = 0.0

    def __enter__(self) -> JsonLinesProgress:
        return self

    def __exit__(self, *exc: object) -> None:
        return None

    def update(self, n: float = 1, *, completed: float | None = None) -> None:
        if not self.track:
            return
        before = int(self.done)
        self.done = completed if completed is not None else self.done + n
        if int(self.done) != before:
            emit(event="progress", done=int(self.done), total=self.total)


@hookimpl
def get_progressbar_class() -> type[JsonLinesProgress]:
    return JsonLinesProgress
