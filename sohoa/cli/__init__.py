"""The ``sohoa`` command line: a thin shell over the same services as the API."""

from ..logs import hold_warnings

hold_warnings()  # before the imports below, which may warn (see sohoa.logs)

from .main import app, main  # noqa: E402

__all__ = ["app", "main"]
