"""What every command shares: the services for one run, and how a refusal is reported."""

from __future__ import annotations

import gc
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import TYPE_CHECKING, Annotated, Protocol, TypeVar

import typer

from kernel import Viewer

from .output import fail

if TYPE_CHECKING:
    from ..services import Services
    from ..vault_setup import OpenedVault

CLI_ACTOR = "cli:local"
#: The command line runs on the server, as its operators: it sees what the service sees.
CLI = Viewer.system(CLI_ACTOR)

JsonOption = Annotated[bool, typer.Option("--json", help="Print JSON for programs.")]


def commands(help: str | None = None) -> typer.Typer:
    """A group of commands as every group here is made: plain help text, as click writes
    it. Typer's boxed help imports rich's Markdown renderer (a tenth of a second on
    every ``--help``) and draws boxes that logs and screen readers render poorly; a group
    with a ``help`` is a sub-command that shows its help when called bare."""
    return typer.Typer(help=help, rich_markup_mode=None, no_args_is_help=help is not None,
                       pretty_exceptions_enable=False)


@contextmanager
def calling(as_json: bool = False) -> Iterator[Services]:
    """The services for one command: a refused request is reported and exits non-zero.

    The service graph is imported here, not at the top: ``sohoa --help`` and a command
    that fails on its arguments never load it."""
    from ..runtime import build_services
    from ..settings import load_settings

    with _reported(lambda: build_services(load_settings(), start_jobs=False), as_json) as built:
        yield built


@contextmanager
def vault_only(as_json: bool = False) -> Iterator[OpenedVault]:
    """The vault alone, for commands that read it (and log what they read): nothing else
    of the service is built, and the database is checked, not migrated — a command
    that lists a vault answers in well under a second (``bench/cli_startup.py``)."""
    from ..settings import load_settings
    from ..vault_setup import open_vault

    with _reported(lambda: open_vault(load_settings()), as_json) as opened:
        yield opened


def loaded() -> None:
    """The command has loaded what it needs: the garbage collector, resting while it did
    (`main.main`), works again for the rest of the command."""
    gc.enable()


class _Closing(Protocol):
    def close(self) -> None: ...


Opened = TypeVar("Opened", bound=_Closing)


@contextmanager
def _reported(open_: Callable[[], Opened], as_json: bool) -> Iterator[Opened]:
    """What ``open_`` makes, closed at the end; a refusal while opening it (bad settings,
    an old schema) or while using it is reported, never raised as a traceback."""
    from ..errors import DOMAIN_ERRORS

    try:
        opened = open_()
    except DOMAIN_ERRORS as exc:
        fail(exc, as_json=as_json)
    loaded()
    try:
        yield opened
    except DOMAIN_ERRORS as exc:
        fail(exc, as_json=as_json)
    finally:
        opened.close()
