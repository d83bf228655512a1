"""Run as ``python -m tests.sohoa.disposal_child DISPOSAL STEP``: approve a disposal as
the second archivist and die (SIGKILL's exit, no clean-up) the moment the service logs
``STEP`` of it (`sohoa.usecases.archiving.disposals._step`) — a power cut at that step."""

from __future__ import annotations

import logging
import os
import sys

from kernel import Role, Viewer
from sohoa.runtime import build_services
from sohoa.settings import Settings

KILLED = 137


class DieAt(logging.Handler):
    def __init__(self, step: str) -> None:
        super().__init__()
        self.step = step

    def emit(self, record: logging.LogRecord) -> None:
        if getattr(record, "disposal_step", None) == self.step:
            os._exit(KILLED)


def main() -> None:
    disposal, step = sys.argv[1], sys.argv[2]
    logger = logging.getLogger("sohoa.usecases.archiving.disposals")
    logger.setLevel(logging.INFO)
    logger.addHandler(DieAt(step))
    services = build_services(Settings())
    services.disposals.approve(disposal, "QĐ 7/QĐ-UBND",
                                       viewer=Viewer(Role.ARCHIVIST, "archivist:luutru.binh"))
    os._exit(0)


if __name__ == "__main__":
    main()
