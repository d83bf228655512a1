"""Waiting for something another process or thread does: one loop for every test."""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import TypeVar

T = TypeVar("T")


def wait_until(condition: Callable[[], T], *, timeout: float, what: str | Callable[[], object],
               every: float = 0.3) -> T:
    """The first truthy value ``condition`` returns; AssertionError naming ``what`` (or what
    ``what()`` says, for a message built at the end) after ``timeout`` seconds. A condition
    may raise to fail at once (a job that failed will not finish)."""
    deadline = time.monotonic() + timeout
    while True:
        if value := condition():
            return value
        if time.monotonic() >= deadline:
            raise AssertionError(f"after {timeout:.0f} s still waiting for: "
                                 f"{what() if callable(what) else what}")
        time.sleep(every)
