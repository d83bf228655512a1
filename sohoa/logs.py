"""Log lines for people (text) or for a log pipeline (JSON), never with IDs in clear.

Every line passes `mask_ids_in_text` after it is formatted, exception and all, so
a personal ID that reaches a message by any route (a path, a library's error, a
traceback) is masked before it is written. JSON lines carry the time in UTC, the
level, the logger, the message and the process, one object per line, as Loki,
Elasticsearch or journald expect.

Python warnings are log lines too (``logging.captureWarnings``): a library that warns
on import (pyHanko under a newer ``cryptography``, say) would otherwise print a bare
line on stderr and break a JSON log. Warnings raised before logging is configured
(imports run first) are held and written once it is.
"""

from __future__ import annotations

import json
import logging
import os
import warnings
from datetime import UTC, datetime
from typing import Literal

from kernel import mask_ids_in_text

TEXT_FORMAT = "%(asctime)s %(levelname)s %(name)s %(message)s"

_held_warnings: list[str] = []


def hold_warnings() -> None:
    """Keep warnings instead of printing them, until `configure_logging` writes them."""
    def keep(message: Warning | str, category: type[Warning], filename: str, lineno: int,
             file: object = None, line: str | None = None) -> None:
        _held_warnings.append(warnings.formatwarning(message, category, filename, lineno, line))

    warnings.showwarning = keep


class MaskingFormatter(logging.Formatter):
    """The usual text line, with IDs masked."""

    def format(self, record: logging.LogRecord) -> str:
        return mask_ids_in_text(super().format(record))


class JsonFormatter(logging.Formatter):
    """One JSON object per line, with IDs masked in every field."""

    def format(self, record: logging.LogRecord) -> str:
        line = {
            "time": datetime.fromtimestamp(record.created, UTC).isoformat(),
            "level": record.levelname,
            "logger": record.name,
            "message": mask_ids_in_text(record.getMessage()),
            "process": os.getpid(),
            "thread": record.threadName,
        }
        if record.exc_info:
            line["exception"] = mask_ids_in_text(self.formatException(record.exc_info))
        return json.dumps(line, ensure_ascii=False)


def configure_logging(kind: Literal["text", "json"], level: int = logging.INFO) -> None:
    """Send every logger's lines to stderr in the chosen form (replacing any handler)."""
    handler = logging.StreamHandler()
    handler.setFormatter(JsonFormatter() if kind == "json" else MaskingFormatter(TEXT_FORMAT))
    root = logging.getLogger()
    for old in list(root.handlers):
        root.removeHandler(old)
    root.addHandler(handler)
    root.setLevel(level)
    logging.getLogger("fontTools").setLevel(logging.WARNING)  # one line per subset table
    logging.captureWarnings(True)
    for text in _held_warnings:
        logging.getLogger("py.warnings").warning("%s", text.rstrip())
    _held_warnings.clear()
