"""The ``sohoa`` command line: a thin shell over the same services as the API."""

from .main import app, main

__all__ = ["app", "main"]
