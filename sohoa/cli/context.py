"""What every command shares: the services for one run, and how a refusal is reported."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Annotated

import typer

from kernel import Viewer

from ..errors import DOMAIN_ERRORS
from ..services import Services, build_services
from ..settings import Settings
from .output import fail

CLI_ACTOR = "cli:local"
#: The command line runs on the server, as its operators: it sees what the service sees.
CLI = Viewer.system(CLI_ACTOR)

JsonOption = Annotated[bool, typer.Option("--json", help="Print JSON for programs.")]


@contextmanager
def calling(as_json: bool = False) -> Iterator[Services]:
    """The services for one command: a refused request is reported and exits non-zero."""
    services = build_services(Settings(), start_jobs=False)
    try:
        yield services
    except DOMAIN_ERRORS as exc:
        fail(exc, as_json=as_json)
    finally:
        services.close()
