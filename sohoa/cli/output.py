"""Console output shared by the commands: errors, JSON, progress bars."""

from __future__ import annotations

import json
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any, NoReturn

import typer
from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

console = Console(stderr=True)

STAGES = {"ocr": "Nhận dạng chữ (OCR)", "stored": "Đã lưu vào kho"}


def print_json(data: Any) -> None:
    sys.stdout.write(json.dumps(data, ensure_ascii=False, indent=2) + "\n")


def answer(as_json: bool, data: Any, sentence: str) -> None:
    """What a command did: ``data`` for ``--json``, else one sentence for a person."""
    if as_json:
        print_json(data)
    else:
        console.print(sentence, highlight=False)


def fail(exc: BaseException, *, as_json: bool = False) -> NoReturn:
    """Report a refused request or a failure, and exit with the error's own status
    (`kernel.errors.ExitCode`: 2 refused, 3 not found, 4 conflict, 5 forbidden, 6 try
    again later)."""
    from ..errors import describe_error, exit_code

    code, message = describe_error(exc)
    problems = [p.as_dict() for p in getattr(exc, "problems", [])]
    if as_json:
        print_json({"error": {"code": code, "message": message,
                              **({"problems": problems} if problems else {})}})
    else:
        console.print(f"[bold red]Lỗi[/] ({code}): {message}", highlight=False)
        for problem in problems:
            console.print(f"  [yellow]{problem['code']}[/]: {problem['message']}", highlight=False)
    raise typer.Exit(exit_code(exc))


def read_input(path: Path) -> bytes:
    """A file named on the command line; a clear message and exit 2 when it cannot be read."""
    try:
        return path.read_bytes()
    except OSError as exc:
        console.print(f"[bold red]Lỗi[/]: không đọc được {path} (cannot read): {exc.strerror}")
        raise typer.Exit(2) from None


@contextmanager
def page_progress(enabled: bool) -> Iterator[Any]:
    """A progress bar per page; silent when output is for programs (``--json``)."""
    if not enabled:
        yield None
        return
    with Progress(
        TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(),
        TextColumn("trang"), TimeElapsedColumn(), console=console, transient=False,
    ) as bar:
        task = bar.add_task("Chuẩn bị", total=None)

        def update(done: int, total: int, stage: str) -> None:
            bar.update(task, completed=done, total=total or None,
                       description=STAGES.get(stage, stage))

        yield update


@contextmanager
def counted_progress(enabled: bool, label: str) -> Iterator[Any]:
    """A progress bar over a count of items; silent for ``--json``."""
    if not enabled:
        yield None
        return
    with Progress(TextColumn(label), BarColumn(), MofNCompleteColumn(), TimeElapsedColumn(),
                  console=console) as bar:
        task = bar.add_task(label, total=None)
        yield lambda done, total: bar.update(task, completed=done, total=total or None)
